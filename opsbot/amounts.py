"""Amounts as the center's staff write them: digits with thousands commas every three digits or none
(48000, 48,000, 48000.50), in full-width digits and punctuation too (４８０００, ４８，０００),
with the Chinese units 万 (ten thousand) and 亿 (a hundred million) — 4.8万 is 48,000 — and the
currency's sign or word around them if typed (¥48,000, 4.8万元). Decimal alone would also take 1e10,
1_000 and 1,2,3."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

UNITS = {"": Decimal(1), "万": Decimal(10_000), "亿": Decimal(100_000_000)}
_WRITTEN = re.compile(r"(?P<number>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(?P<unit>[万亿]?)")
_SIGNS = ("¥", "CNY", "RMB")
_WORDS = ("元", "CNY", "RMB")


def read_amount(typed: str) -> Decimal | None:
    """The amount `typed` writes, or None when it is not one. Full-width forms read as their ASCII ones
    (Unicode's compatibility normalization: ４ is 4, ， is a comma, ￥ is ¥)."""
    text = unicodedata.normalize("NFKC", typed).strip()
    for sign in _SIGNS:
        text = text.removeprefix(sign).lstrip()
    for word in _WORDS:
        text = text.removesuffix(word).rstrip()
    written = _WRITTEN.fullmatch(text)
    if written is None:
        return None
    return Decimal(written["number"].replace(",", "")) * UNITS[written["unit"]]
