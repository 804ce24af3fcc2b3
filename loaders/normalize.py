"""Normalization of names and labels, so that the same thing spelled differently matches.

Every name abmgraph compares (products, stages, categories, company and person names) goes
through :func:`normalize_key` first: Unicode NFKC (full-width letters and digits become
half-width, ㈱ becomes (株)), case folded, and every run of whitespace or punctuation removed.
"""

from __future__ import annotations

import re
import unicodedata

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def normalize_key(text: str) -> str:
    """The comparison key of ``text``.

    >>> normalize_key("GTXPro") == normalize_key("GTX Pro")
    True
    >>> normalize_key("ＡＢＣ　株式会社")
    'abc株式会社'
    """
    return _NOISE.sub("", unicodedata.normalize("NFKC", text).casefold())
