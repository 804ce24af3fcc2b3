"""docs/security.md carries the permission matrix exactly as the policy generates it."""

from __future__ import annotations

import re

from graph_service.api.permissions import OPERATIONS, matrix_markdown
from tests.conftest import REPO

SECURITY = REPO / "docs" / "security.md"
BLOCK = re.compile(
    r"<!-- permission-matrix:start -->\n(.*?)<!-- permission-matrix:end -->", re.DOTALL
)


def test_the_documented_matrix_is_the_generated_one() -> None:
    found = BLOCK.search(SECURITY.read_text(encoding="utf-8"))
    assert found is not None, "docs/security.md has no permission-matrix block"
    assert found.group(1) == matrix_markdown(), (
        "docs/security.md's permission matrix differs from the policy; paste "
        "graph_service.api.permissions.matrix_markdown() between the markers"
    )


def test_every_operation_is_listed_once() -> None:
    names = [op.name for op in OPERATIONS]
    assert len(names) == len(set(names))
