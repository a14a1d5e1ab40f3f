"""The center file's YAML, read so that pydantic judges what the admin wrote and nothing is lost on the way.

PyYAML's SafeLoader decides some values on its own (YAML 1.1): it raises on a date that does not exist
(`2026-02-30`), which stopped the check at the first such date with a traceback; it reads `18:00` as the
base-60 number 1080, which a time field takes for 00:18 UTC; and a key written twice silently keeps the last
value. Here a value PyYAML cannot make and a base-60 number stay the text written, for pydantic to validate at
their path like any other value, and every key written twice is a problem with its path and lines.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Construct = Callable[[yaml.SafeLoader, ScalarNode], object]
MERGE_TAG = "tag:yaml.org,2002:merge"


def _made_or_text(construct: Construct) -> Construct:
    # What PyYAML can make is kept as it makes it, so every way of writing a date reads as it always did;
    # what it cannot (2026-02-30, `!!int abc`, `!!bool maybe`) raises a plain ValueError, KeyError or
    # AttributeError from inside the constructor.
    def scalar(loader: yaml.SafeLoader, node: ScalarNode) -> object:
        try:
            return construct(loader, node)
        except (ValueError, KeyError, AttributeError):
            return loader.construct_scalar(node)

    return scalar


def _base60_as_text(construct: Construct) -> Construct:
    # No number in the center file is written in base 60; a time of day is.
    def number(loader: yaml.SafeLoader, node: ScalarNode) -> object:
        return loader.construct_scalar(node) if ":" in node.value else construct(loader, node)

    return number


class _CenterLoader(yaml.SafeLoader):
    pass


_CenterLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _made_or_text(SafeConstructor.construct_yaml_timestamp)
)
_CenterLoader.add_constructor("tag:yaml.org,2002:bool", _made_or_text(SafeConstructor.construct_yaml_bool))
_CenterLoader.add_constructor(
    "tag:yaml.org,2002:int", _made_or_text(_base60_as_text(SafeConstructor.construct_yaml_int))
)
_CenterLoader.add_constructor(
    "tag:yaml.org,2002:float", _made_or_text(_base60_as_text(SafeConstructor.construct_yaml_float))
)


def read_yaml(text: str) -> tuple[Any, list[str]]:
    """The document, and a problem for each key written twice in a mapping. Raises yaml.YAMLError for text
    that is not YAML."""
    loader = _CenterLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        # Before construction, which folds merge keys (`<<: *defaults`) into the mapping.
        problems = _repeated_keys(node, "", set())
        return loader.construct_document(node), problems
    finally:
        loader.dispose()


def _repeated_keys(node: Node, path: str, seen: set[int]) -> list[str]:
    """Each mapping once, also when aliases reach it again or it holds itself, named by its first path."""
    if id(node) in seen:
        return []
    seen.add(id(node))
    if isinstance(node, SequenceNode):
        return [
            problem
            for index, item in enumerate(node.value)
            for problem in _repeated_keys(item, f"{path}[{index}]", seen)
        ]
    if not isinstance(node, MappingNode):
        return []
    lines: dict[tuple[str, str], list[int]] = {}
    problems = []
    for key, value in node.value:
        if not isinstance(key, ScalarNode) or key.tag == MERGE_TAG:
            continue
        lines.setdefault((key.tag, key.value), []).append(key.start_mark.line + 1)
        problems += _repeated_keys(value, f"{path}.{key.value}" if path else key.value, seen)
    repeated = [
        f"{path or '(top level)'}: {name} appears {_times(len(at))} ({_lines(at)})"
        for (_, name), at in lines.items()
        if len(at) > 1
    ]
    return repeated + problems


def _times(count: int) -> str:
    return "twice" if count == 2 else f"{count} times"


def _lines(numbers: list[int]) -> str:
    if len(set(numbers)) == 1:
        return f"line {numbers[0]}"
    *first, last = numbers
    return f"lines {', '.join(map(str, first))} and {last}"
