"""``abmgraph viz``, run as users run it (a subprocess), on the embedded store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph_service.demo import DEMO_BUNDLE
from tests.test_cli import abmgraph
from tests.test_export import BRL_BUNDLE
from tests.viz_support import AS_OF, embedded


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("data")
    abmgraph("load", "bundle", str(DEMO_BUNDLE), data_dir=path)
    yield path


def test_org_map_writes_a_page_with_the_accounts_people(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "map.html"
    result = abmgraph(
        "viz",
        "org-map",
        "c-01",
        "--out",
        str(out),
        "--as-of",
        AS_OF.isoformat(),
        "--target",
        "p-02",
        "--with-subsidiaries",
        data_dir=data_dir,
    )
    data = embedded(out.read_text(encoding="utf-8"))
    people = {n["personId"] for n in data["nodes"] if n["kind"] == "person"}
    assert {"p-01", "p-02", "p-41"} <= people  # p-41 works at the subsidiary c-04
    assert any(e["kind"] == "path" for e in data["edges"])
    assert f"written to {out}" in result.stderr


def test_org_map_of_an_unknown_account_is_a_one_line_error(data_dir: Path, tmp_path: Path) -> None:
    result = abmgraph(
        "viz", "org-map", "c-404", "--out", str(tmp_path / "m.html"), data_dir=data_dir, check=False
    )
    assert result.returncode == 1
    assert "account 'c-404' not found" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "m.html").exists()


def test_sow_writes_png_or_html_by_suffix(data_dir: Path, tmp_path: Path) -> None:
    for name in ("sow.png", "sow.html"):
        abmgraph(
            "viz",
            "sow",
            "--out",
            str(tmp_path / name),
            "--as-of",
            AS_OF.isoformat(),
            data_dir=data_dir,
        )
    assert (tmp_path / "sow.png").read_bytes()[:4] == b"\x89PNG"
    assert 'id="ltv-share"' in (tmp_path / "sow.html").read_text(encoding="utf-8")
    bad = abmgraph("viz", "sow", "--out", str(tmp_path / "sow.gif"), data_dir=data_dir, check=False)
    assert bad.returncode == 1 and "--format is needed" in bad.stderr


def test_sow_answers_in_the_currency_asked(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "sow.html"
    result = abmgraph(
        "viz",
        "sow",
        "--out",
        str(out),
        "--as-of",
        AS_OF.isoformat(),
        "--currency",
        "USD",
        data_dir=data_dir,
    )
    page = out.read_text(encoding="utf-8")
    assert embedded(page)["currency"] == "USD" and "<th>whitespace (USD)</th>" in page
    assert "amounts in USD" in result.stderr


def test_sow_warns_of_amounts_no_rate_converts(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    for name, text in BRL_BUNDLE.items():
        (bundle / name).write_text(text, encoding="utf-8")
    abmgraph("load", "bundle", str(bundle), data_dir=tmp_path / "data")
    out = tmp_path / "sow.html"
    result = abmgraph(
        "viz", "sow", "--out", str(out), "--as-of", AS_OF.isoformat(), data_dir=tmp_path / "data"
    )
    assert "warning: 1 account has amounts in BRL" in " ".join(result.stderr.split())
    assert embedded(out.read_text(encoding="utf-8"))["unconverted"] == [
        {"kind": "deal", "record_id": "d-5", "company_id": "a-1", "amount": 50.0, "currency": "BRL"}
    ]
