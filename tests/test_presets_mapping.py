"""The mapping preset: a TOML file says which file and column feeds which bundle column."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_service.domain import Stage
from graph_service.errors import ConfigError
from graph_service.store.memory import MemoryStore
from loaders.presets import load_preset
from loaders.report import LoadReport

MAPPING = """
encoding = "cp932"

[companies]
file = "取引先.csv"
columns = { company_id = "取引先名", name = "取引先名", employees = "従業員数" }
constants = { country = "Japan" }
slug = ["company_id"]

[[deals]]
file = "商談.csv"
columns = { deal_id = "商談番号", company_id = "取引先名", stage = "フェーズ", amount = "金額" }
constants = { currency = "JPY" }
slug = ["company_id"]
values.stage = { "受注" = "won", "失注" = "lost", "提案中" = "proposal", "*" = "qualifying" }
"""


def export(tmp_path: Path, mapping: str = MAPPING) -> tuple[Path, Path]:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "取引先.csv").write_bytes(
        "取引先名,従業員数\n株式会社さくら,120\nみどり商事,多数\n".encode("cp932")
    )
    (folder / "商談.csv").write_bytes(
        "商談番号,取引先名,フェーズ,金額\n"
        'D-1,株式会社さくら,受注,"￥1,200,000"\n'
        "D-2,株式会社さくら,ヒアリング,500000\n"
        "D-3,株式会社さくら,提案中,２０００\n"
        "D-4,未登録商事,受注,100\n".encode("cp932")
    )
    path = tmp_path / "mapping.toml"
    path.write_text(mapping, encoding="utf-8")
    return folder, path


def load(tmp_path: Path, mapping: str = MAPPING) -> tuple[MemoryStore, LoadReport]:
    folder, path = export(tmp_path, mapping)
    store = MemoryStore(tmp_path / "data")
    return store, load_preset("mapping", folder, store, mapping=path)


def test_a_mapping_file_loads_any_csv_with_value_maps_and_constants(tmp_path: Path) -> None:
    store, report = load(tmp_path)
    try:
        assert [(f.file, f.read, f.loaded, f.rejected) for f in report.files] == [
            ("取引先.csv", 2, 1, 1),
            ("商談.csv", 4, 3, 1),
        ]
        view = store.account("株式会社さくら")
        assert view is not None and view.company.country == "Japan"
        stages = {d.id: (d.stage, d.amount, d.currency) for d in view.deals}
        assert stages == {
            "D-1": (Stage.WON, 1_200_000.0, "JPY"),
            "D-2": (Stage.QUALIFYING, 500_000.0, "JPY"),  # "*" default
            "D-3": (Stage.PROPOSAL, 2000.0, "JPY"),
        }
        assert {(r.file, r.line, r.field) for r in report.rejects} == {
            ("取引先.csv", 3, "従業員数"),
            ("商談.csv", 5, "取引先名"),
        }
    finally:
        store.close()


@pytest.mark.parametrize(
    "mapping, message",
    [
        ("[widgets]\nfile = 'x.csv'\n", "unknown section [widgets]"),
        (
            "[deals]\nfile = '商談.csv'\ncolumns = { deal_id = 'a' }\n",
            "required column 'company_id'",
        ),
        ("[companies]\nfile = 'x.csv'\ncolumns = { colour = 'c' }\n", "columns.colour"),
        ("[companies\n", "not a valid TOML mapping file"),
        ("", "maps no kind"),
    ],
)
def test_a_bad_mapping_file_is_a_one_line_config_error(
    tmp_path: Path, mapping: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[")):
        load(tmp_path, mapping)


def test_a_source_column_the_mapping_names_must_be_in_the_file(tmp_path: Path) -> None:
    mapping = MAPPING.replace('amount = "金額"', 'amount = "売上"')
    store, report = load(tmp_path, mapping)
    store.close()
    deals = report.files[1]
    assert deals.error == "商談.csv: column '売上': required column is missing"
