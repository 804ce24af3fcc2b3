"""Documents that passed once: parsed, within the limits, valid against the schema.

Clients send the same few query texts again and again (an embedded account view is one
text with a new ``$id`` each time). Parsing and validating such a text again gives the same
answer every time, since neither depends on the variables: graphql-core's validation walks
the whole document with its type information, several milliseconds for an account view.
:class:`ValidDocuments` remembers the parsed document of each text that passed, the most
recently used :data:`SIZE` of them, so the next request with that text skips parsing and
validation. The query cost depends on the variables (``first``, id lists) and is checked on
every request (:mod:`graph_service.api.limits`). A text that failed is not remembered: its
errors are made afresh each time.

>>> from graphql import parse
>>> documents = ValidDocuments(size=2)
>>> documents.get("{ a }") is None
True
>>> documents.remember("{ a }", parse("{ a }"))
>>> documents.get("{ a }").definitions[0].operation.value
'query'
>>> documents.remember("{ b }", parse("{ b }"))
>>> documents.remember("{ c }", parse("{ c }"))  # "{ a }" is the least recently used
>>> [documents.get(text) is not None for text in ("{ a }", "{ b }", "{ c }")]
[False, True, True]
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from graphql import DocumentNode

#: How many query texts are remembered.
SIZE = 256


class ValidDocuments:
    """The parsed documents of the query texts that passed, least recently used first out."""

    def __init__(self, size: int = SIZE) -> None:
        self.size = size
        self._documents: OrderedDict[str, DocumentNode] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> DocumentNode | None:
        """The document of ``text`` if it passed before."""
        with self._lock:
            document = self._documents.get(text)
            if document is not None:
                self._documents.move_to_end(text)
            return document

    def remember(self, text: str, document: DocumentNode) -> None:
        """``text`` passed, parsed as ``document``."""
        with self._lock:
            self._documents[text] = document
            self._documents.move_to_end(text)
            while len(self._documents) > self.size:
                self._documents.popitem(last=False)
