"""The Web API side, driven by the real slack_sdk WebClient over real sockets."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from fakeslack import FakeSlack

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "*case* 42"}}


def error_of(call) -> str:
    with pytest.raises(SlackApiError) as info:
        call()
    return info.value.response["error"]


def test_auth_test(client: WebClient) -> None:
    got = client.auth_test()
    assert got["user_id"] == "U0OPSBOT" and got["team_id"] == "T0OPS" and got["bot_id"]


def test_auth_errors(fake: FakeSlack) -> None:
    assert error_of(lambda: WebClient(base_url=fake.api_url, retry_handlers=[]).auth_test()) == "not_authed"
    wrong = WebClient(token="xoxb-wrong", base_url=fake.api_url, retry_handlers=[])
    assert error_of(wrong.auth_test) == "invalid_auth"
    assert [c.error for c in fake.calls] == ["not_authed", "invalid_auth"]


def test_unknown_method_is_404(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as info:
        client.api_call("chat.postMessages", json={"channel": "C0INTAKE"})
    assert info.value.response.status_code == 404
    assert info.value.response["error"] == "unknown_method"


def test_post_message_and_thread(fake: FakeSlack, client: WebClient) -> None:
    meta = {"event_type": "case_opened", "event_payload": {"case": 42}}
    top = client.chat_postMessage(channel="C0INTAKE", text="case 42", blocks=[SECTION], metadata=meta)
    assert top["channel"] == "C0INTAKE" and top["message"]["metadata"] == meta
    reply = client.chat_postMessage(channel="C0INTAKE", text="update", thread_ts=top["ts"])
    assert float(reply["ts"]) > float(top["ts"])
    [msg] = fake.messages("C0INTAKE")
    assert msg.text == "case 42" and msg.metadata == meta and msg.blocks[0]["block_id"]
    assert (
        [r.text for r in msg.replies] == ["update"] == [r.text for r in fake.replies("C0INTAKE", top["ts"])]
    )
    assert fake.calls_to("chat.postMessage")[0].args["blocks"] == [SECTION]


def test_post_message_form_encoded_json_strings(fake: FakeSlack, client: WebClient) -> None:
    # Form-encoded callers send blocks and metadata as JSON inside a string.
    client.api_call(
        "chat.postMessage",
        data={
            "channel": "C0INTAKE",
            "blocks": json.dumps([SECTION]),
            "metadata": json.dumps({"event_type": "x", "event_payload": {}}),
        },
    )
    assert fake.messages("C0INTAKE")[0].blocks[0]["text"] == SECTION["text"]


def test_post_message_to_user_goes_to_dm(fake: FakeSlack, client: WebClient) -> None:
    got = client.chat_postMessage(channel="U0DIRECTOR", text="hello")
    assert got["channel"] == fake.dm_channel("U0DIRECTOR")
    assert client.conversations_open(users="U0DIRECTOR")["channel"]["id"] == got["channel"]
    assert [m.text for m in fake.dm("U0DIRECTOR")] == ["hello"]


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"channel": "C0NOPE", "text": "x"}, "channel_not_found"),
        ({"channel": "U0NOBODY", "text": "x"}, "channel_not_found"),
        ({"channel": "C0INTAKE"}, "no_text"),
        ({"channel": "C0INTAKE", "text": "x" * 40_001}, "msg_too_long"),
        ({"channel": "C0INTAKE", "text": "x", "blocks": [{"type": "divider"}] * 51}, "invalid_blocks"),
        (
            {"channel": "C0INTAKE", "text": "x", "blocks": [{"type": "sektion", "text": "x"}]},
            "invalid_blocks",
        ),
        (
            {
                "channel": "C0INTAKE",
                "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}],
            },
            "invalid_blocks",
        ),
        ({"channel": "C0INTAKE", "text": "x", "metadata": {"event_type": "x"}}, "invalid_metadata_format"),
        ({"channel": "C0INTAKE", "text": "x", "thread_ts": "1.000001"}, "thread_not_found"),
    ],
)
def test_post_message_errors(fake: FakeSlack, client: WebClient, kwargs: dict, error: str) -> None:
    assert error_of(lambda: client.chat_postMessage(**kwargs)) == error
    assert fake.messages("C0INTAKE") == []


def test_invalid_blocks_explains(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C0INTAKE", text="x", blocks=[{"type": "divider"}] * 51)
    assert "50" in info.value.response["response_metadata"]["messages"][0]


def test_missing_channel_argument(client: WebClient) -> None:
    assert error_of(lambda: client.api_call("chat.postMessage", json={"text": "x"})) == "channel_not_found"


def test_update_message(fake: FakeSlack, client: WebClient) -> None:
    meta = {"event_type": "case", "event_payload": {"id": 1}}
    ts = client.chat_postMessage(channel="C0INTAKE", text="v1", blocks=[SECTION], metadata=meta)["ts"]
    client.chat_update(channel="C0INTAKE", ts=ts, text="v2")
    [msg] = fake.messages("C0INTAKE")
    assert (msg.text, msg.edits, msg.metadata, len(msg.blocks)) == ("v2", 1, meta, 1)
    assert (
        error_of(lambda: client.chat_update(channel="C0INTAKE", ts="1.000001", text="x"))
        == "message_not_found"
    )
    assert error_of(
        lambda: client.chat_update(channel="C0INTAKE", ts=ts, text="x", blocks=[{"type": "nope"}])
    ) == ("invalid_blocks")


def test_post_ephemeral(fake: FakeSlack, client: WebClient) -> None:
    assert client.chat_postEphemeral(channel="C0INTAKE", user="U0AGENT", text="only you")["message_ts"]
    assert [m.text for m in fake.ephemerals("U0AGENT")] == ["only you"]
    assert error_of(lambda: client.chat_postEphemeral(channel="C0INTAKE", user="U0NOBODY", text="x")) == (
        "user_not_found"
    )


def test_history_newest_first_with_metadata_only_on_request(client: WebClient) -> None:
    meta = {"event_type": "case", "event_payload": {"id": 1}}
    first = client.chat_postMessage(channel="C0ALERTS", text="one", metadata=meta)["ts"]
    client.chat_postMessage(channel="C0ALERTS", text="two")
    client.chat_postMessage(channel="C0ALERTS", text="reply", thread_ts=first)
    plain = client.conversations_history(channel="C0ALERTS")
    assert [m["text"] for m in plain["messages"]] == ["two", "one"]
    assert "metadata" not in plain["messages"][1] and plain["messages"][1]["reply_count"] == 1
    full = client.conversations_history(channel="C0ALERTS", include_all_metadata=True, limit=1)
    assert full["has_more"] and [m["text"] for m in full["messages"]] == ["two"]
    rest = client.conversations_history(
        channel="C0ALERTS", include_all_metadata=True, cursor=full["response_metadata"]["next_cursor"]
    )
    assert rest["messages"][0]["metadata"] == meta and not rest["has_more"]
    assert client.conversations_history(channel="C0ALERTS", oldest=first)["messages"][0]["text"] == "two"


def test_replies(client: WebClient) -> None:
    ts = client.chat_postMessage(channel="C0INTAKE", text="parent")["ts"]
    client.chat_postMessage(channel="C0INTAKE", text="child", thread_ts=ts)
    got = client.conversations_replies(channel="C0INTAKE", ts=ts)
    assert [m["text"] for m in got["messages"]] == ["parent", "child"]
    assert (
        error_of(lambda: client.conversations_replies(channel="C0INTAKE", ts="1.000001"))
        == "thread_not_found"
    )


def test_users_info(client: WebClient) -> None:
    user = client.users_info(user="U0DIRECTOR")["user"]
    assert user["real_name"] == "Wang Wei" and user["tz"] == "Asia/Shanghai"
    assert user["profile"]["display_name"] == "Wang Wei"
    assert error_of(lambda: client.users_info(user="U0NOBODY")) == "user_not_found"


def test_rate_limit_then_retry_handler_succeeds(fake: FakeSlack) -> None:
    from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

    fake.fail_next("chat.postMessage", status=429, retry_after=0)
    plain = WebClient(token="xoxb-test-token", base_url=fake.api_url, retry_handlers=[])
    with pytest.raises(SlackApiError) as info:
        plain.chat_postMessage(channel="C0INTAKE", text="x")
    assert info.value.response.status_code == 429 and info.value.response.headers["retry-after"] == "0"
    assert fake.messages("C0INTAKE") == []

    fake.fail_next("chat.postMessage", status=429, retry_after=0)
    patient = WebClient(
        token="xoxb-test-token",
        base_url=fake.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    assert patient.chat_postMessage(channel="C0INTAKE", text="x")["ok"]
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [429, 429, 200]
    assert len(fake.messages("C0INTAKE")) == 1


def test_fail_with_server_error(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("users.info", status=503)
    with pytest.raises(SlackApiError) as info:
        client.users_info(user="U0DIRECTOR")
    assert info.value.response.status_code == 503
    assert client.users_info(user="U0DIRECTOR")["ok"]


def test_drop_after_effect(fake: FakeSlack, client: WebClient) -> None:
    fake.drop_after_effect_next("chat.postMessage")
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        client.chat_postMessage(channel="C0INTAKE", text="did it post?")
    assert [m.text for m in fake.messages("C0INTAKE")] == ["did it post?"]


def test_delay(fake: FakeSlack, client: WebClient) -> None:
    fake.delay_next("auth.test", 0.3)
    with pytest.raises(TimeoutError):
        WebClient(token="xoxb-test-token", base_url=fake.api_url, retry_handlers=[], timeout=0.1).auth_test()
    assert client.auth_test()["ok"]


def test_go_down_and_come_back(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel="C0INTAKE", text="before")
    port = fake.port
    fake.go_down()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(fake.api_url + "auth.test", timeout=1)
    fake.come_back()
    assert fake.port == port
    client.chat_postMessage(channel="C0INTAKE", text="after")
    assert [m.text for m in fake.messages("C0INTAKE")] == ["before", "after"]


def test_wait_for_and_reset(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel="C0INTAKE", text="x")
    assert fake.wait_for(lambda: fake.messages("C0INTAKE"))[0].text == "x"
    with pytest.raises(TimeoutError, match=r"chat\.postMessage"):
        fake.wait_for(lambda: fake.messages("C0ALERTS"), timeout=0.1)
    fake.reset()
    assert fake.calls == [] and fake.messages("C0INTAKE") == []
    assert client.auth_test()["ok"]


def test_missing_required_argument(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as info:
        client.api_call("chat.postEphemeral", json={"channel": "C0INTAKE", "text": "x"})
    assert info.value.response["error"] == "invalid_arguments"
    assert "user" in info.value.response["response_metadata"]["messages"][0]


def test_spec_method_not_faked_fails_loudly(fake: FakeSlack, client: WebClient) -> None:
    assert error_of(lambda: client.reactions_add(channel="C0INTAKE", name="eyes", timestamp="1.1")) == (
        "fakeslack_not_implemented"
    )
    assert "reactions.add" in fake.errors[0]


def test_default_client_retries_a_dropped_post_into_a_duplicate(fake: FakeSlack) -> None:
    # slack_sdk's default ConnectionErrorRetryHandler resends: a non-idempotent post lands twice.
    fake.drop_after_effect_next("chat.postMessage")
    WebClient(token="xoxb-test-token", base_url=fake.api_url).chat_postMessage(channel="C0INTAKE", text="x")
    assert [m.text for m in fake.messages("C0INTAKE")] == ["x", "x"]
