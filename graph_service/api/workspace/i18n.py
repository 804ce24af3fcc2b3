"""The workspace in Japanese and English: one catalogue per language
(``i18n/en.json``, ``i18n/ja.json``, the same keys in both), and which one a request gets.

The language is the one the user picked with the switch (kept in the session), else the best
of the browser's ``Accept-Language`` that we have, else English.

>>> negotiate("ja-JP,ja;q=0.9,en;q=0.8")
'ja'
>>> negotiate("fr-FR, en;q=0.5, ja;q=0.7")
'ja'
>>> negotiate("de"), negotiate(None), negotiate("ja", chosen="en")
('en', 'en', 'en')
>>> en = catalogue("en")
>>> en.t("portfolio.title"), catalogue("ja").t("portfolio.title")
('Portfolio', 'ポートフォリオ')
>>> en.t("portfolio.count", count=3)
'3 accounts'
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "ja")
DEFAULT = "en"
#: The session key of the language the user picked.
SESSION_KEY = "lang"
_DIR = Path(__file__).resolve().parent / "i18n"


@dataclass(frozen=True)
class Catalogue:
    """The strings of one language."""

    language: str
    strings: dict[str, str]

    def t(self, key: str, **values: Any) -> str:
        """The string ``key``, with ``{name}`` placeholders filled from ``values``."""
        text = self.strings[key]
        return text.format(**values) if values else text

    def label(self, kind: str, value: str | None) -> str:
        """The word for an enum value (``label("role", "DECIDER")``); the value itself when
        the catalogue has none."""
        if value is None:
            return ""
        return self.strings.get(f"{kind}.{value}", value)

    def js(self) -> dict[str, str]:
        """The strings the page's script needs (the keys under ``js.``)."""
        return {k[3:]: v for k, v in self.strings.items() if k.startswith("js.")}


@functools.cache
def catalogue(language: str) -> Catalogue:
    """The catalogue of ``language`` (one of :data:`LANGUAGES`)."""
    if language not in LANGUAGES:
        raise ValueError(f"no catalogue for {language!r} (one of {', '.join(LANGUAGES)})")
    strings = json.loads((_DIR / f"{language}.json").read_text(encoding="utf-8"))
    return Catalogue(language, strings)


def negotiate(accept_language: str | None, chosen: object = None) -> str:
    """The language of a request: ``chosen`` (the switch) if we have it, else the
    ``Accept-Language`` range of highest weight that we have, else :data:`DEFAULT`."""
    if isinstance(chosen, str) and chosen in LANGUAGES:
        return chosen
    best, best_q = DEFAULT, 0.0
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        weight = q - position * 1e-6  # equal weights: the first listed wins
        if primary in LANGUAGES and q > 0 and weight > best_q:
            best, best_q = primary, weight
    return best
