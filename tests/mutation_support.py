"""What the mutation tests share: the graph with several account teams, the GraphQL of each
mutation's answer, and reading the audit trail.

Times are fixed in the past (the writes refuse the future): touches on 2026-11-20 at 10:00
in Tokyo (01:00 UTC).
"""

from __future__ import annotations

from typing import Any

import pytest

from graph_service.audit import AuditFilter, AuditRecord
from graph_service.store.base import Store
from tests.fixtures import load
from tests.scope_support import BETA

WHEN = "2026-11-20T10:00:00+09:00"

FAILURES = """
... on InvalidInput { message errors { field message } }
... on NotFound { id message }
... on Forbidden { message }
"""


def audit_trail(store: Store, operation: str) -> list[AuditRecord]:
    """Every audit record of ``operation``, newest first."""
    return store.audit_log(AuditFilter(operation=operation), first=500, after=None).records


def field_errors(answer: dict[str, Any]) -> dict[str, str]:
    """An ``InvalidInput`` answer's errors by field."""
    assert answer["__typename"] == "InvalidInput", answer
    return {e["field"]: e["message"] for e in answer["errors"]}


@pytest.fixture
def beta(store: Store) -> Store:
    load(store, BETA)
    return store
