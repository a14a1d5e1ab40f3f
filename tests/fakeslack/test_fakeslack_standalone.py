"""The fake Slack stands alone: in a Python that cannot import opsbot, its handlers, its bot or its console,
every module of `fakeslack` imports, and a fake given its people as plain data answers a real client."""

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

STANDALONE = textwrap.dedent(
    """
    import importlib
    import pkgutil
    import sys

    REFUSED = {"opsbot", "handlers", "bot", "console"}


    class Refuse:
        # First on the meta path: importing anything of opsbot's fails as if it were not installed.
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in REFUSED:
                raise ModuleNotFoundError(f"refused: {name}", name=name)
            return None


    sys.meta_path.insert(0, Refuse())
    try:
        import opsbot  # noqa: F401
    except ModuleNotFoundError:
        pass
    else:
        raise SystemExit("opsbot was importable: the refusal does not work")

    import fakeslack

    modules = [m.name for m in pkgutil.walk_packages(fakeslack.__path__, "fakeslack.")]
    for name in modules:
        importlib.import_module(name)

    from slack_sdk import WebClient

    from fakeslack import FakeSlack
    from fakeslack.render import render_message

    with FakeSlack(channels={"C1": "general"}, users={"U1": "Ada Lovelace"}) as fake:
        client = WebClient(token=fake.bot_token, base_url=fake.api_url, retry_handlers=[], timeout=5)
        client.chat_postMessage(channel="C1", text="hello <@U1>")
        (message,) = fake.messages("C1")
        print(render_message(message, {"U1": "Ada Lovelace"}).text)
    print(len(modules), "modules")
    print("loaded:", sorted({m.partition(".")[0] for m in sys.modules} & REFUSED))
    """
)


def test_fakeslack_imports_and_runs_without_opsbot():
    command = [sys.executable, "-c", STANDALONE]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "hello @Ada Lovelace"
    assert int(lines[1].split()[0]) >= len(list((ROOT / "fakeslack").glob("*.py"))) - 1  # all but __init__
    assert lines[2] == "loaded: []"
