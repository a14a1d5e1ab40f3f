"""A wording made of English templates given in a test (the catalogue's own, with some added or changed)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import tzinfo
from pathlib import Path

from handlers.wording import Catalogue, Domain, Wording, w, words


def english_wording(texts: Mapping[str, str], zone: tzinfo) -> Wording:
    return Wording(
        Catalogue([Domain("test", Path(__file__).parent, words(*(w(c, t) for c, t in texts.items())))]), zone
    )
