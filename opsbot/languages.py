"""Whose language a person reads: the one the center file gives them, else the one they chose
(`/ops language`), else Slack's for them, else the center's. Pure rules over locale tags."""

from __future__ import annotations

ENGLISH = "en"
CHINESE = "zh_CN"
LOCALES = (ENGLISH, CHINESE)  # every locale opsbot speaks
# What a person may choose with `/ops language`: a locale, or `auto` to follow Slack and the center again.
CHOICES = {
    "en": ENGLISH,
    "english": ENGLISH,
    "zh": CHINESE,
    "zh_cn": CHINESE,
    "中文": CHINESE,
    "英文": ENGLISH,
}
AUTO = ("auto", "自动")


def supported(tag: str | None) -> str | None:
    """The locale opsbot speaks for a tag as Slack or a person writes it (`zh-CN`, `zh_Hans`, `en-US`,
    `en`), or None: Chinese of any region or script reads the Simplified catalogue, English any English."""
    if not tag:
        return None
    language = tag.replace("-", "_").split("_")[0].lower()
    return {"en": ENGLISH, "zh": CHINESE}.get(language)


def reader_locale(given: str | None, chosen: str | None, slack: str | None) -> str | None:
    """The first of the file's, the person's own choice and Slack's that opsbot speaks; None leaves the
    center's."""
    for tag in (given, chosen, slack):
        found = supported(tag)
        if found is not None:
            return found
    return None
