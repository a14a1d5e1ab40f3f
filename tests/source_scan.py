"""Reading a workflow's source for the codes it names as literals (its notices, refusals and terms)."""

from __future__ import annotations

import ast
from collections.abc import Collection
from pathlib import Path


def literal_codes(node: ast.expr) -> list[str]:
    """The codes an argument names as a literal: a string, or either branch of a conditional."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return literal_codes(node.body) + literal_codes(node.orelse)
    return []


def codes_named(package: Path, codes: Collection[str]) -> set[str]:
    """The catalogue codes a package's modules name as literal text (a form's title, a label a builder
    words), its words modules aside."""
    named: set[str] = set()
    for path in package.glob("*.py"):
        if path.stem in ("words", "view_words"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in codes:
                named.add(node.value)
    return named
