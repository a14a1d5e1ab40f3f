"""People's input, validated once: each service reads what a person gave it into a pydantic model of its
own, and every way that can fail becomes one refusal naming the form field it is about.

A model's own rules (a promised time already past, a last day before the first) raise
`PydanticCustomError` with a notice code for their type (`"case.promise_past"`); pydantic's built-in
failures map onto the shared codes below. The field (`loc`) becomes the refusal's `field` and the term
`field.<name>` that words it (`<terms>.<name>` for a model that names its own `terms`). Rules that read
more than the values (the center's date, the request's kind) read the validation context `parse` is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, ValidationError
from pydantic_core import CoreSchema, ErrorDetails, core_schema

from opsbot.errors import InvalidInput
from opsbot.notices import Param, Quote, Term

M = TypeVar("M", bound=BaseModel)

# pydantic's error types, as opsbot's codes.
_CODES = {
    "missing": "input.required",
    "string_too_short": "input.required",
    "too_short": "input.required",
    "string_too_long": "input.too_long",
    "greater_than_equal": "input.out_of_range",
    "less_than_equal": "input.out_of_range",
    "greater_than": "input.out_of_range",
    "less_than": "input.out_of_range",
    "int_parsing": "input.not_a_number",
    "decimal_parsing": "input.not_a_number",
    "float_parsing": "input.not_a_number",
}


class Input(BaseModel):
    """What a person gave a service. Strings are stripped; unknown keys are a programming error."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid", frozen=True)
    # Where the catalogue words the model's fields: a workflow whose field shares its name with another's
    # in another sense (a purpose that is a channel, one that is what a request is for) names its own.
    terms: ClassVar[str] = "field"


@dataclass(frozen=True)
class Words:
    """People's words in a model, at most `limit` characters once stripped, kept as a `Quote`; required
    unless `optional` (then empty is None): `reason: Annotated[str, Words(2000)]`."""

    limit: int
    optional: bool = False

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        text = core_schema.no_info_after_validator_function(
            Quote, core_schema.str_schema(min_length=0 if self.optional else 1, max_length=self.limit)
        )
        if not self.optional:
            return text
        return core_schema.no_info_after_validator_function(
            lambda value: value or None, core_schema.nullable_schema(text)
        )


def parse(model: type[M], values: Mapping[str, Any], context: Mapping[str, Any] | None = None) -> M:
    """`values` as `model`, or the first thing wrong with them as an `InvalidInput` for its field."""
    try:
        return model.model_validate(dict(values), context=context)
    except ValidationError as error:
        raise refusal(error.errors()[0], terms=getattr(model, "terms", "field")) from None


def refusal(detail: ErrorDetails, *, terms: str = "field") -> InvalidInput:
    loc = [str(part) for part in detail["loc"] if not isinstance(part, int)]
    field = loc[0] if loc else None
    context: dict[str, Any] = dict(detail.get("ctx") or {})
    kind = detail["type"]
    params: dict[str, Param] = {"what": Term(f"{terms}.{field}") if field else None}
    if "." in kind:  # a model's own rule: its code, with what it put in the error's context
        params |= {k: v for k, v in context.items() if isinstance(v, str | int | float)}
        return InvalidInput(kind, field=field, **params)
    given = detail.get("input")
    params["limit"] = context.get("max_length", context.get("le", context.get("ge")))
    params["length"] = len(given) if isinstance(given, str) else None
    params["typed"] = Quote(str(given)) if isinstance(given, str | int | float) else None
    return InvalidInput(_CODES.get(kind, "input.invalid"), field=field, **params)
