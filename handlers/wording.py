"""The words for opsbot's notices: each code's template from the catalogue, each parameter rendered by its
kind, so that people's words reach Slack only escaped and only opsbot names people with a mention.

A template is opsbot's own mrkdwn with `{name}` for each parameter (Python's brace format, which Babel's
extractor knows as `python-brace-format`). Each workflow's Slack package keeps its templates in `WORDS`; the
app merges them into one catalogue.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo

from handlers.mrkdwn import Mrkdwn, escape, mention, slack_time
from opsbot.clock import center_time
from opsbot.notices import Notice, Param, Person, Quote, Term, Time

log = logging.getLogger(__name__)
_FORMATTER = string.Formatter()
_Render = Callable[[Param], str]


def placeholders(template: str) -> set[str]:
    """The parameter names a template uses."""
    return {name for _text, name, _spec, _conv in _FORMATTER.parse(template) if name}


class DuplicateWording(Exception):
    pass


def merged(catalogues: Iterable[Mapping[str, str]]) -> dict[str, str]:
    """One catalogue from each workflow's; a code two of them word is a mistake found at start-up."""
    found: dict[str, str] = {}
    for words in catalogues:
        twice = found.keys() & words.keys()
        if twice:
            raise DuplicateWording(", ".join(sorted(twice)))
        found.update(words)
    return found


@dataclass(frozen=True)
class Wording:
    """How opsbot words things for a reader: the catalogue, and the center's clock for times."""

    words: Mapping[str, str]
    zone: tzinfo

    def __call__(self, notice: Notice) -> Mrkdwn:
        """The notice as mrkdwn: opsbot's template, people's words escaped, the people it names mentioned."""
        return Mrkdwn(self._fill(notice, self._rich))

    def plain(self, notice: Notice) -> str:
        """The notice as plain text (a form field's error, a header): people's words as typed, names
        written out. Plain text is never parsed by Slack, so nothing in it needs escaping."""
        return self._fill(notice, self._plain)

    def term(self, code: str) -> Mrkdwn:
        return Mrkdwn(self.words.get(code, code))

    def _fill(self, notice: Notice, render: _Render) -> str:
        template = self.words.get(notice.code)
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
            return slack_time(value.at, self.zone)
        return self._common(value, self._rich, escape)

    def _plain(self, value: Param) -> str:
        if isinstance(value, Person):
            return value.name
        if isinstance(value, Time):
            return center_time(value.at, self.zone)
        return self._common(value, self._plain, str)

    def _common(self, value: Param, render: _Render, text: Callable[[str], str]) -> str:
        if isinstance(value, Term):
            return self.words.get(value.code, value.code)
        if isinstance(value, Notice):
            return self._fill(value, render)
        if isinstance(value, Quote | str):
            return text(value)
        if isinstance(value, bool) or value is None:
            return text("" if value is None else str(value))
        if isinstance(value, int):
            return f"{value:,}"
        if isinstance(value, float):
            return f"{value:,.2f}"
        if isinstance(value, Sequence):
            return ", ".join(render(item) for item in value)
        return text(str(value))
