from pathlib import Path

import yaml

from handlers.app import command_help
from handlers.payloads import EVENTS

MANIFEST = yaml.safe_load((Path(__file__).resolve().parents[2] / "manifest.yaml").read_text())


def test_the_manifest_declares_every_command_opsbot_answers():
    declared = {command["command"] for command in MANIFEST["features"]["slash_commands"]}
    assert declared == {entry.command for entry in command_help()}


def test_every_url_is_the_events_endpoint():
    urls = [command["url"] for command in MANIFEST["features"]["slash_commands"]]
    urls += [
        MANIFEST["settings"]["event_subscriptions"]["request_url"],
        MANIFEST["settings"]["interactivity"]["request_url"],
    ]
    assert all(url.endswith("/slack/events") for url in urls)


def test_the_scopes_cover_the_web_api_methods_opsbot_calls():
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    needed = {"commands", "chat:write", "im:write", "channels:history", "im:history", "groups:history"}
    assert needed | {"users:read"} <= scopes  # users.info, for each person's Slack language


def test_the_app_subscribes_to_each_event_it_listens_to():
    assert sorted(MANIFEST["settings"]["event_subscriptions"]["bot_events"]) == sorted(EVENTS)


def test_the_socket_mode_note_counts_the_urls_to_drop():
    text = (Path(__file__).resolve().parents[2] / "manifest.yaml").read_text()
    urls = [c["url"] for c in MANIFEST["features"]["slash_commands"]]
    urls += [MANIFEST["settings"]["event_subscriptions"]["request_url"]]
    urls += [MANIFEST["settings"]["interactivity"]["request_url"]]
    words = {3: "three", 4: "four", 5: "five", 6: "six", 7: "seven"}
    assert f"drop the {words[len(urls)]} URLs" in text
