"""Rules across several values of the center file, reported together with the mistakes of single values.

pydantic runs a model's own validators only once every field of the model is valid, so a step misspelt in one
tier would hide a tier out of order in the same kind until the admin had fixed the step and run the check
again. A rule reads the section as written instead, leaving out a value that is wrong (pydantic reports that
one), and `with_rules` raises what the rules find together with what pydantic found, each at its own path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import ModelWrapValidatorHandler, TypeAdapter, ValidationError
from pydantic_core import InitErrorDetails

M = TypeVar("M")
T = TypeVar("T")

# Where a rule's problem is, relative to the model the rule belongs to, and what it is.
Problem = tuple[tuple[str | int, ...], str]


def with_rules(data: Any, handler: ModelWrapValidatorHandler[M], problems: list[Problem]) -> M:
    """Validate `data` with pydantic's handler and raise its mistakes and the rules' problems together."""
    try:
        model = handler(data)
    except ValidationError as exc:
        if not problems:
            raise
        raise _joined(exc.title, [*exc.errors(include_url=False)], data, problems) from None
    if problems:
        raise _joined(type(model).__name__, [], data, problems)
    return model


def _joined(title: str, errors: list[Any], data: Any, problems: list[Problem]) -> ValidationError:
    found = [
        InitErrorDetails(type="value_error", loc=loc, input=data, ctx={"error": ValueError(message)})
        for loc, message in problems
    ]
    return ValidationError.from_exception_data(title, [*errors, *found])


def items(value: object) -> list[Any] | None:
    """A list as written; None for no list."""
    return list(value) if isinstance(value, list | tuple) else None


def entries(value: object) -> list[Mapping[str, Any]] | None:
    """The entries of a list as written, an entry that is not a mapping read as empty; None for no list."""
    listed = items(value)
    return None if listed is None else [entry if isinstance(entry, Mapping) else {} for entry in listed]


def repeated(values: list[Any]) -> list[str]:
    """The values written more than once, sorted, as text."""
    return sorted({str(value) for value in values if values.count(value) > 1})


def read(adapter: TypeAdapter[T], value: object) -> T | None:
    """The value as pydantic reads it, or None when it does not validate: a rule leaves it out, pydantic names
    its mistake."""
    try:
        return adapter.validate_python(value)
    except ValidationError:
        return None


def unique_keys(listed: list[Mapping[str, Any]], field: str, what: str) -> list[Problem]:
    """A list of `field` (case types, request kinds) whose entries' keys must be unique: one problem naming
    the keys given twice."""
    keys = repeated([entry["key"] for entry in listed if isinstance(entry.get("key"), str)])
    return [((field,), f"{what} keys must be unique; repeated: {', '.join(keys)}")] if keys else []
