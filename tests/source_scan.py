"""Reading a workflow's source for the codes it names as literals (its notices, refusals and terms)."""

from __future__ import annotations

import ast


def literal_codes(node: ast.expr) -> list[str]:
    """The codes an argument names as a literal: a string, or either branch of a conditional."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return literal_codes(node.body) + literal_codes(node.orelse)
    return []
