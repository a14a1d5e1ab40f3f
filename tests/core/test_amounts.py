"""Amounts as people write them, in English and Chinese habits alike."""

from decimal import Decimal

import pytest

from opsbot.amounts import read_amount


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("48000", "48000"),
        ("48,000", "48000"),
        ("48000.50", "48000.50"),
        ("4.8万", "48000"),
        ("4.8 万", "48000"),
        ("４８０００", "48000"),
        ("４８，０００", "48000"),
        ("４.８万", "48000"),
        ("１２３４５．６７", "12345.67"),
        ("1.2亿", "120000000"),
        ("¥48,000", "48000"),
        ("￥48,000.00", "48000.00"),
        ("4.8万元", "48000"),
        ("480元", "480"),
        ("CNY 480", "480"),
        ("  480  ", "480"),
        ("0.001", "0.001"),  # read; the request's rule refuses a third decimal, naming it
    ],
)
def test_what_people_write_reads_as_the_amount(typed, amount):
    assert read_amount(typed) == Decimal(amount)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "lots",
        "1e5",
        "1,2,3",
        "1_000",
        "4.8万万",
        "万",
        "48,00",
        "-5",
        "NaN",
        "Infinity",
        "4.8千",
        "¥",
        "48 000",
    ],
)
def test_anything_else_is_not_an_amount(typed):
    assert read_amount(typed) is None
