"""Opaque Relay cursors over company ids."""

from __future__ import annotations

import base64
import binascii

_PREFIX = "account:"


def encode(company_id: str) -> str:
    """The cursor that points at ``company_id``.

    >>> decode(encode("c-42"))
    'c-42'
    """
    return base64.urlsafe_b64encode((_PREFIX + company_id).encode()).decode()


def decode(cursor: str) -> str:
    """The company id in ``cursor``; :class:`ValueError` if it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise ValueError(f"invalid cursor {cursor!r}") from None
    if not text.startswith(_PREFIX):
        raise ValueError(f"invalid cursor {cursor!r}")
    return text[len(_PREFIX) :]
