"""The words for opsbot's notices, in the reader's language: each code's template from the catalogue, each
parameter rendered by its kind, so that people's words reach Slack only escaped and only opsbot names people
with a mention.

A template is opsbot's own mrkdwn with `{name}` for each parameter (Python's brace format, which Babel's
extractor knows as `python-brace-format`). Each workflow's Slack package declares its English templates with
`w(code, text)` (or `wn(code, singular, plural)`, chosen by the notice's `count`) in its `words` module, and
keeps their translations in gettext catalogues of its own (`locale/<locale>/LC_MESSAGES/<domain>.po` in the
package, compiled to `.mo`), extracted from those calls by Babel with the code as each message's context.
The app merges every domain into one `Catalogue`; `Wordings` gives the `Wording` for a reader's locale.
"""

from __future__ import annotations

import functools
import gettext
import logging
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from babel.support import Translations

from handlers.mrkdwn import Mrkdwn, escape, mention, slack_time
from opsbot.languages import ENGLISH, LOCALES
from opsbot.notices import Day, Money, Name, Notice, Param, Person, Quote, Term, Time

log = logging.getLogger(__name__)
_FORMATTER = string.Formatter()
_Render = Callable[[Param], str]

KERNEL_DOMAIN = "opsbot"
LOCALE_FOLDER = "locale"


def placeholders(template: str) -> set[str]:
    """The parameter names a template uses."""
    return {name for _text, name, _spec, _conv in _FORMATTER.parse(template) if name}


class DuplicateWording(Exception):
    pass


@dataclass(frozen=True)
class Entry:
    """One catalogue entry: its code (the gettext context) and its English template (the message id), with
    the plural's when the words depend on the notice's `count`."""

    code: str
    text: str
    plural: str | None = None


def w(code: str, text: str) -> Entry:
    """An entry of the catalogue; Babel extracts each call (keyword `w:1c,2`)."""
    return Entry(code, text)


def wn(code: str, text: str, plural: str) -> Entry:
    """An entry whose words depend on the notice's `count` (keyword `wn:1c,2,3`)."""
    return Entry(code, text, plural)


Words = Mapping[str, Entry]


def words(*parts: Entry | Words) -> dict[str, Entry]:
    """A words module's entries by code, from entries and groups of them; a code given twice is a mistake."""
    found: dict[str, Entry] = {}
    for part in parts:
        for entry in [part] if isinstance(part, Entry) else part.values():
            if entry.code in found:
                raise DuplicateWording(entry.code)
            found[entry.code] = entry
    return found


@dataclass(frozen=True, eq=False)  # one per package: known by identity
class Domain:
    """A gettext domain: one package's words and the folder its catalogues are in."""

    name: str
    package: Path  # the package's folder: its catalogues are in `locale/` there
    words: Words

    @property
    def folder(self) -> Path:
        return self.package / LOCALE_FOLDER


class Catalogue:
    """Every domain's entries, merged (a code two domains word is a mistake found at start-up), and each
    domain's translations, loaded once per locale."""

    def __init__(self, domains: Iterable[Domain]) -> None:
        self.domains = list(domains)
        self._domain_of: dict[str, Domain] = {}
        for domain in self.domains:
            twice = self._domain_of.keys() & domain.words.keys()
            if twice:
                raise DuplicateWording(", ".join(sorted(twice)))
            self._domain_of.update(dict.fromkeys(domain.words, domain))

    def __contains__(self, code: object) -> bool:
        return code in self._domain_of

    def entry(self, code: str) -> Entry | None:
        domain = self._domain_of.get(code)
        return domain.words[code] if domain is not None else None

    @property
    def english(self) -> dict[str, str]:
        """Each code's English template (the singular's, for a plural entry)."""
        return {code: domain.words[code].text for code, domain in self._domain_of.items()}

    def template(self, code: str, locale: str, count: object = None) -> str | None:
        domain = self._domain_of.get(code)
        if domain is None:
            return None
        entry = domain.words[code]
        found = self.translations(domain, locale)
        if entry.plural is None:
            return found.pgettext(code, entry.text)
        n = count if isinstance(count, int) and not isinstance(count, bool) else 1
        return found.npgettext(code, entry.text, entry.plural, n)

    @functools.cache  # noqa: B019 (one catalogue per process: the cache lives as long as the app)
    def translations(self, domain: Domain, locale: str) -> gettext.NullTranslations:
        if locale == ENGLISH:
            return gettext.NullTranslations()  # the message ids are the English
        return Translations.load(str(domain.folder), [locale], domain.name)


@dataclass(frozen=True)
class Wording:
    """How opsbot words things for a reader: the catalogue in their locale, and the center's clock for
    times."""

    catalogue: Catalogue
    zone: tzinfo
    locale: str = ENGLISH
    _babel: Locale = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_babel", Locale.parse(self.locale))

    def __call__(self, notice: Notice) -> Mrkdwn:
        """The notice as mrkdwn: opsbot's template, people's words escaped, the people it names mentioned."""
        return Mrkdwn(self._fill(notice, self._rich))

    def plain(self, notice: Notice) -> str:
        """The notice as plain text (a form field's error, a header): people's words as typed, names
        written out. Plain text is never parsed by Slack, so nothing in it needs escaping."""
        return self._fill(notice, self._plain)

    def term(self, code: str) -> Mrkdwn:
        return Mrkdwn(self.catalogue.template(code, self.locale) or code)

    def has(self, code: str) -> bool:
        return code in self.catalogue

    def time(self, moment: datetime) -> str:
        """A moment as the center's clock reads it, in the reader's way of writing it and labelled with the
        zone (`2026-12-01 18:00 CST`), for the places that must say what clock a time is on."""
        local = moment.astimezone(self.zone)
        pattern = self.catalogue.template("time.center", self.locale) or "yyyy-MM-dd HH:mm"
        shown = format_datetime(local, pattern, locale=self._babel)
        # A zone the catalogue names (Asia/Shanghai is 北京时间 in Chinese), else its abbreviation.
        named = self.catalogue.template(f"zone.{self.zone}", self.locale)
        return f"{shown} {named or local.tzname() or self.zone}"

    def at(self, moment: datetime | str | None) -> Mrkdwn:
        """A time Slack shows in each reader's own zone, the center's clock in the fallback; `—` for none."""
        if moment is None or moment == "":
            return Mrkdwn("—")
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment)
        return slack_time(moment, self.time(moment))

    def number(self, value: float, *, decimals: int = 0) -> str:
        return format_decimal(
            value, format="#,##0" + ("." + "0" * decimals if decimals else ""), locale=self._babel
        )

    def name(self, name: str) -> str:
        """A name from the center file in the reader's language, where the file gives it in theirs."""
        return name.in_(self.locale) if isinstance(name, Name) else name

    def value(self, value: Param) -> Mrkdwn:
        """One parameter on its own, as a notice would show it."""
        return Mrkdwn(self._rich(value))

    def day(self, on: date) -> str:
        """A calendar day as the reader's locale writes one (`2026-12-04`, `2026年12月4日`)."""
        pattern = self.catalogue.template("date.center", self.locale) or "yyyy-MM-dd"
        return format_date(on, pattern, locale=self._babel)

    def money(self, money: Money) -> str:
        """`¥48,000.00` as the reader's locale writes the center's currency."""
        return format_currency(money.amount, money.currency, locale=self._babel)

    def _fill(self, notice: Notice, render: _Render) -> str:
        template = self.catalogue.template(notice.code, self.locale, notice.params.get("count"))
        if template is None:
            log.error("no wording for notice %s", notice.code)
            return render(notice.code)
        try:
            values = {name: render(notice.params.get(name)) for name in placeholders(template)}
            return template.format(**values)
        except (KeyError, ValueError, IndexError):
            log.exception("the wording of %s does not fit its parameters", notice.code)
            return render(notice.code)

    def _rich(self, value: Param) -> str:
        if isinstance(value, Person):
            return mention(value.id)
        if isinstance(value, Time):
            return self.at(value.at)
        return self._common(value, self._rich, escape)

    def _plain(self, value: Param) -> str:
        if isinstance(value, Person):
            return value.name
        if isinstance(value, Time):
            return self.time(value.at)
        return self._common(value, self._plain, str)

    def _common(self, value: Param, render: _Render, text: Callable[[str], str]) -> str:
        if isinstance(value, Term):
            return self.term(value.code)
        if isinstance(value, Notice):
            return self._fill(value, render)
        if isinstance(value, Name):
            return text(value.in_(self.locale))
        if isinstance(value, Money):
            return text(self.money(value))
        if isinstance(value, Day):
            return text(self.day(value.on))
        if isinstance(value, Quote | str):
            return text(value)
        if isinstance(value, bool) or value is None:
            return text("" if value is None else str(value))
        if isinstance(value, int):
            return self.number(value)
        if isinstance(value, float):
            return self.number(value, decimals=2)
        if isinstance(value, Sequence):
            separator = self.catalogue.template("list.separator", self.locale) or ", "
            return separator.join(render(item) for item in value)
        return text(str(value))


class Wordings:
    """The `Wording` for each locale, made once: the center's (channels, cards) and each reader's."""

    def __init__(self, catalogue: Catalogue, zone: tzinfo, default: str = ENGLISH) -> None:
        self.catalogue, self.zone, self.default = catalogue, zone, default
        self._made: dict[str, Wording] = {}

    @property
    def center(self) -> Wording:
        return self(self.default)

    def __call__(self, locale: str | None) -> Wording:
        locale = locale if locale in LOCALES else self.default
        made = self._made.get(locale)
        if made is None:
            made = self._made[locale] = Wording(self.catalogue, self.zone, locale)
        return made


def kernel_domain(words: Words) -> Domain:
    return Domain(KERNEL_DOMAIN, Path(__file__).resolve().parent, words)
