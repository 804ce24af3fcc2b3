"""Name-only company matches merge only when nothing contradicts them; otherwise the merge
report proposes them, and an ``always_merge`` override confirms them."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_service.domain import Kind
from graph_service.store.memory import MemoryStore
from loaders.bundle import load_bundle
from loaders.report import LoadReport
from loaders.resolve import EntityResolver, Overrides


def load(tmp_path: Path, rows: str, overrides: Overrides | None = None) -> LoadReport:
    bundle = tmp_path / "b"
    bundle.mkdir(exist_ok=True)
    (bundle / "companies.csv").write_text("company_id,name,country\n" + rows, encoding="utf-8")
    store = MemoryStore(tmp_path / "data")
    return load_bundle(bundle, store, resolver=EntityResolver(store, overrides))


@pytest.mark.parametrize(
    "rows",
    [
        "c1,株式会社さくら,JP\nc2,㈱さくら,JP\n",
        "c1,さくら(株),JP\nc2,株式会社 さくら,\n",
        "c1,Sakura K.K.,JP\nc2,Sakura Kabushiki Kaisha,Japan\n",
        "c1,Beta LLC,US\nc2,Beta,\n",
        "c1,Acme Inc.,US\nc2,ACME Corporation,USA\n",
    ],
)
def test_a_name_match_nothing_contradicts_merges(tmp_path: Path, rows: str) -> None:
    report = load(tmp_path, rows)
    assert [(m.kept_id, m.merged_ids, m.rule, m.proposed) for m in report.merges] == [
        ("c1", ("c2",), "name", False)
    ]


@pytest.mark.parametrize(
    "rows",
    [
        "c1,Acme Inc.,US\nc2,Acme GmbH,\n",  # another legal form
        "c1,Acme,US\nc2,Acme,DE\n",  # another country
        "c1,さくら株式会社,JP\nc2,さくら合同会社,JP\n",
    ],
)
def test_a_contradicted_name_match_is_only_proposed(tmp_path: Path, rows: str) -> None:
    report = load(tmp_path, rows)
    assert [(m.kept_id, m.merged_ids, m.rule, m.score, m.proposed) for m in report.merges] == [
        ("c1", ("c2",), "name", 100.0, True)
    ]
    assert report.files[0].merged == 0
    path = report.write_merges(tmp_path / "merges.csv")
    assert path.read_text(encoding="utf-8").splitlines()[1].endswith(",proposed")


def test_always_merge_confirms_a_proposed_merge(tmp_path: Path) -> None:
    overrides = Overrides.from_dict({"always_merge": [["c1", "c2"]]})
    report = load(tmp_path, "c1,Acme Inc.,US\nc2,Acme GmbH,DE\n", overrides)
    assert [(m.kept_id, m.merged_ids, m.rule, m.proposed) for m in report.merges] == [
        ("c1", ("c2",), "always_merge", False)
    ]
    assert report.files[0].merged == 1
    assert Kind.COMPANIES.value == "companies"
