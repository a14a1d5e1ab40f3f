"""opsbot's gettext catalogues: extract each domain's entries from its package with Babel, merge them into
every locale's `.po`, and compile the `.mo` files the app loads.

    python tools/catalogues.py update     # after changing words: refresh the .pot and every .po
    python tools/catalogues.py compile    # after translating: write the .mo files that ship
    python tools/catalogues.py check      # what CI runs: everything extracted, translated and compiled

Each domain is a package with a `words` module (the kernel's is `handlers` itself); its entries are the
`w(code, text)` and `wn(code, singular, plural)` calls in the package's modules (not in a nested domain's),
the code being each message's context.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from handlers.app import words_catalogue  # noqa: E402
from handlers.wording import Domain  # noqa: E402
from opsbot.languages import ENGLISH, LOCALES  # noqa: E402

KEYWORDS = {"w": ((1, "c"), 2), "wn": ((1, "c"), 2, 3)}
PROJECT = "opsbot"


def domains() -> list[Domain]:
    return words_catalogue().domains


def sources(domain: Domain, every: list[Domain]) -> Iterator[Path]:
    """The package's modules, without those of a domain nested in it."""
    nested = [
        d.package for d in every if d.package != domain.package and d.package.is_relative_to(domain.package)
    ]
    for path in sorted(domain.package.rglob("*.py")):
        if not any(path.is_relative_to(inner) for inner in nested):
            yield path


def extract(domain: Domain, every: list[Domain]) -> Catalog:
    template = Catalog(project=PROJECT, domain=domain.name, fuzzy=False)
    for path in sources(domain, every):
        for lineno, message, comments, context in extract_from_file("python", str(path), keywords=KEYWORDS):
            where = (str(path.relative_to(ROOT)), lineno)
            template.add(
                message, None, [where], auto_comments=comments, context=context, flags=["python-brace-format"]
            )
    return template


def po_path(domain: Domain, locale: str) -> Path:
    return domain.folder / locale / "LC_MESSAGES" / f"{domain.name}.po"


def read(path: Path, locale: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=locale, project=PROJECT, domain=path.stem, fuzzy=False)
    with path.open("rb") as file:
        return read_po(file, locale=locale)


def write(catalog: Catalog, path: Path) -> None:
    """Write the catalogue, unless only the header's creation date would change: a file is rewritten (and
    its .mo compiled anew) only when its messages did."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=110, omit_header=False, sort_output=False, include_previous=True)
    if not path.exists() or _dateless(path.read_bytes()) != _dateless(buffer.getvalue()):
        path.write_bytes(buffer.getvalue())


def _dateless(text: bytes) -> bytes:
    return b"\n".join(line for line in text.split(b"\n") if not line.startswith(b'"POT-Creation-Date:'))


def update() -> None:
    every = domains()
    for domain in every:
        template = extract(domain, every)
        write(template, domain.folder / f"{domain.name}.pot")
        for locale in LOCALES:
            if locale == ENGLISH:
                continue  # the message ids are the English
            path = po_path(domain, locale)
            catalog = read(path, locale)
            catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
            write(catalog, path)


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_all() -> None:
    for domain in domains():
        for locale in LOCALES:
            if locale != ENGLISH:
                path = po_path(domain, locale)
                path.with_suffix(".mo").write_bytes(compiled(read(path, locale)))


def key(message: Message) -> tuple[str | None, str]:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return message.context, msgid


def translated(message: Message) -> list[str]:
    """Each form's translation (one, or one per plural form); empty where a form is untranslated."""
    forms = message.string if isinstance(message.string, list | tuple) else [message.string]
    return [form if isinstance(form, str) else "" for form in forms]


def problems() -> Iterator[str]:
    """Everything that keeps the catalogues from being complete: entries extraction does not find (made at
    run time, so no translator sees them), a `.po` behind its package's words, a message untranslated or
    fuzzy, and a `.mo` that is not the `.po` compiled."""
    every = domains()
    for domain in every:
        template = extract(domain, every)
        extracted = {message.context for message in template if message.id}
        for code in sorted(set(domain.words) - extracted):
            yield f"{domain.name}: {code} is not a w()/wn() call with literal text: extraction can't see it"
        for locale in LOCALES:
            if locale == ENGLISH:
                continue
            path = po_path(domain, locale)
            catalog = read(path, locale)
            have = {key(m) for m in catalog if m.id}
            wanted = {key(m) for m in template if m.id}
            for message in template:
                if message.id and key(message) not in have:
                    yield f"{path.relative_to(ROOT)}: {message.context} is not in the catalogue (run update)"
            for message in catalog:
                if not message.id:
                    continue
                if key(message) not in wanted:
                    yield f"{path.relative_to(ROOT)}: {message.context} is no longer used (run update)"
                elif message.fuzzy or not all(
                    message.string if isinstance(message.string, tuple) else [message.string]
                ):
                    yield f"{path.relative_to(ROOT)}: {message.context} is not translated (or fuzzy)"
            mo = path.with_suffix(".mo")
            if not mo.exists() or mo.read_bytes() != compiled(catalog):
                yield f"{mo.relative_to(ROOT)} is not the .po compiled (run compile)"


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        found = list(problems())
        for line in found:
            print(line)
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
