"""The catalogues are whole: every entry is extracted from the code by Babel, translated into every locale
(none fuzzy), compiled, and a translation uses exactly the placeholders of its English."""

from __future__ import annotations

import pytest

from handlers.wording import placeholders
from opsbot.languages import ENGLISH, LOCALES
from tools.catalogues import domains, po_path, problems, read, translated

TRANSLATED = [locale for locale in LOCALES if locale != ENGLISH]


def test_every_entry_is_extracted_translated_and_compiled():
    assert list(problems()) == []


@pytest.mark.parametrize("locale", TRANSLATED)
@pytest.mark.parametrize("domain", domains(), ids=lambda domain: domain.name)
def test_a_translation_has_the_placeholders_of_its_english(domain, locale):
    catalog = read(po_path(domain, locale), locale)
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        english = [message.id] if isinstance(message.id, str) else list(message.id)
        wanted = set().union(*(placeholders(text) for text in english))
        for form in translated(message):
            if form and placeholders(form) != wanted:
                wrong.append((message.context, sorted(wanted), sorted(placeholders(form))))
    assert wrong == []
