"""Names the center file gives in one language or in each (`name: 业务处理部`, or `name: {en: Business
processing, zh: 业务处理部}`): read as a `notices.Name`, the text in the center's language (`locale:`), with
the others beside it for readers of another language. A name given in several languages but not in the
center's is a mistake of the file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import PlainValidator, ValidationInfo

from opsbot.languages import ENGLISH, LOCALES, supported
from opsbot.notices import Name

# The validation context's key for the center's language, which `center_file.parse` fills from the file.
CENTER_LOCALE = "center_locale"


def _name_of(limit: int) -> Any:
    def read(value: object, info: ValidationInfo) -> Name:
        center = supported(str((info.context or {}).get(CENTER_LOCALE) or "")) or ENGLISH
        given = {"": value} if isinstance(value, str) else value
        if not isinstance(given, Mapping) or not given:
            raise ValueError("give a name, or a name in each language (en: …, zh: …)")
        by_locale: dict[str, str] = {}
        for tag, text in given.items():
            locale = supported(str(tag)) if tag else center
            if locale is None:
                raise ValueError(f"{tag!r} is not a language opsbot speaks ({', '.join(LOCALES)})")
            if not isinstance(text, str) or not text.strip() or len(text) > limit:
                raise ValueError(f"the {locale} name must be text of 1 to {limit} characters")
            by_locale[locale] = text.strip()
        if center not in by_locale:
            raise ValueError(f"no name in {center}, the center's language (given: {', '.join(by_locale)})")
        return Name(by_locale[center], by_locale)

    return PlainValidator(read, json_schema_input_type=str | dict[str, str])


# Name fields, by how long a name may be in each language.
Name80 = Annotated[str, _name_of(80)]
Name60 = Annotated[str, _name_of(60)]
