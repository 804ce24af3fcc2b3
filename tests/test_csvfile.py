"""Reading CSV as CRMs and Excel write it: encodings detected or given, broken quoting and
undecodable bytes become reject rows (file, line, field, reason), never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_service.errors import ConfigError, InputFileError
from graph_service.store.memory import MemoryStore
from loaders.bundle import load_bundle
from loaders.csvfile import MAX_RECORD_LINES, CsvFile, detect_encoding, rejection

JAPANESE = "company_id,name\nc1,株式会社さくら\nc2,髙橋商店\n"


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def rows(path: Path, encoding: str | None = "auto") -> list[tuple[int, dict[str, str | None]]]:
    return list(CsvFile(path, encoding).rows())


@pytest.mark.parametrize(
    "encoding, detected",
    [("utf-8", "utf-8-sig"), ("utf-8-sig", "utf-8-sig"), ("cp932", "cp932")],
)
def test_the_encoding_of_each_file_is_detected(
    tmp_path: Path, encoding: str, detected: str
) -> None:
    path = write(tmp_path / "c.csv", JAPANESE.encode(encoding))
    assert detect_encoding(path) == detected
    assert [r["name"] for _, r in rows(path)] == ["株式会社さくら", "髙橋商店"]


def test_a_file_mixing_utf8_and_cp932_lines_reads_each_line_in_its_own_encoding(
    tmp_path: Path,
) -> None:
    data = "company_id,name\nc1,株式会社さくら\n".encode() + "c2,髙橋商店\n".encode("cp932")
    path = write(tmp_path / "c.csv", data)
    assert detect_encoding(path) == "mixed"
    assert [r["name"] for _, r in rows(path)] == ["株式会社さくら", "髙橋商店"]


def test_a_given_encoding_rejects_the_rows_it_cannot_decode_and_reads_the_others(
    tmp_path: Path,
) -> None:
    data = b"company_id,name\nc1,Acme\n" + "c2,髙橋商店\n".encode("cp932")
    path = write(tmp_path / "c.csv", data)
    (first, ok), (second, bad) = rows(path, "utf-8")
    assert (first, ok) == (2, {"company_id": "c1", "name": "Acme"})
    field, value, reason = rejection(bad) or ("", "", "")
    assert (second, field, reason) == (3, "name", "not utf-8-sig text (pass the file's encoding)")
    assert value.startswith("\\x")


def test_shift_jis_is_read_as_cp932_as_japanese_excel_writes_it(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", JAPANESE.encode("cp932"))
    assert [r["name"] for _, r in rows(path, "Shift_JIS")] == ["株式会社さくら", "髙橋商店"]


def test_an_unknown_encoding_name_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown encoding 'klingon'"):
        CsvFile(tmp_path / "c.csv", "klingon")


def test_a_cell_with_a_stray_quote_rejects_that_row_only(tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", b'company_id,name\nc1,"Acme"Corp\nc2,Beta\n')
    (line, bad), (next_line, good) = rows(path)
    assert line == 2 and "check the quotes" in (rejection(bad) or ("", "", ""))[2]
    assert (next_line, good["name"]) == (3, "Beta")


def test_a_quote_never_closed_rejects_each_line_it_swallowed_with_its_number(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "c.csv", b'company_id,name\nc1,Acme\nc2,"Beta\nc3,Gamma\nc4,Delta\n')
    result = rows(path)
    assert result[0] == (2, {"company_id": "c1", "name": "Acme"})
    reasons = [(line, (rejection(bad) or ("", "", ""))[2]) for line, bad in result[1:]]
    assert reasons == [
        (3, "a quoted cell opened on line 3 is never closed; check the quotes"),
        (4, "read as part of the broken record on line 3"),
        (5, "read as part of the broken record on line 3"),
    ]


def test_an_unclosed_quote_costs_every_later_row_a_reject_never_a_silent_loss(
    tmp_path: Path,
) -> None:
    """27 rows, a quote left open on the 5th: the report said read 5, loaded 4, rejected 1."""
    body = [f"c{i},Company {i}" for i in range(1, 28)]
    body[4] = 'c5,"Company 5'
    write(tmp_path / "b" / "companies.csv", ("company_id,name\n" + "\n".join(body) + "\n").encode())
    store = MemoryStore(tmp_path / "data")
    try:
        report = load_bundle(tmp_path / "b", store)
    finally:
        store.close()
    f = report.files[0]
    assert (f.read, f.loaded, f.rejected) == (27, 4, 23)
    assert [r.line for r in report.rejects] == list(range(6, 29))


def test_a_quote_open_past_the_line_limit_rejects_those_lines_and_reading_goes_on(
    tmp_path: Path,
) -> None:
    swallowed = b"".join(b"c%d,Name\n" % i for i in range(MAX_RECORD_LINES + 10))
    path = write(tmp_path / "c.csv", b'company_id,name\nc0,"Open\n' + swallowed)
    result = list(CsvFile(path).records())
    rejected = [first for first, _, row in result if rejection(row)]
    assert rejected == list(range(2, 2 + MAX_RECORD_LINES))
    assert "still open after 100 lines" in (rejection(result[0][2]) or ("", "", ""))[2]
    loaded = [first for first, _, row in result if not rejection(row)]
    assert loaded == list(range(2 + MAX_RECORD_LINES, 2 + MAX_RECORD_LINES + 11))


def test_a_quoted_cell_may_span_lines_within_the_limit(tmp_path: Path) -> None:
    notes = "\n".join(f"line {i}" for i in range(MAX_RECORD_LINES - 1))
    path = write(tmp_path / "c.csv", f'company_id,name\nc1,"{notes}"\nc2,Beta\n'.encode())
    assert [(f, last, row["name"]) for f, last, row in CsvFile(path).records()] == [
        (2, MAX_RECORD_LINES, notes),
        (MAX_RECORD_LINES + 1, MAX_RECORD_LINES + 1, "Beta"),
    ]


def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "companies.csv"
    os.mkfifo(fifo)
    for encoding in (None, "auto", "cp932"):
        with pytest.raises(InputFileError, match="not a regular file"):
            CsvFile(fifo, encoding).header()


def test_utf16_asked_of_a_file_that_is_not_utf16_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "companies.csv", b"company_id,name\nc1,Acme\n")
    with pytest.raises(InputFileError, match=r"companies\.csv: not utf-16 text .*encoding"):
        CsvFile(path, "utf-16").header()
    odd = write(tmp_path / "odd.csv", "company_id,name\nc1,Acme\n".encode("utf-16") + b"x")
    with pytest.raises(InputFileError, match=r"odd\.csv: not utf-16 text"):
        list(CsvFile(odd, "utf-16").rows())


def test_the_bundle_loader_reports_bad_quoting_as_a_reject_not_a_traceback(
    tmp_path: Path,
) -> None:
    write(tmp_path / "b" / "companies.csv", b'company_id,name\nc1,"Acme"x\nc2,Beta\n')
    store = MemoryStore(tmp_path / "data")
    try:
        report = load_bundle(tmp_path / "b", store)
    finally:
        store.close()
    assert (report.files[0].read, report.files[0].loaded, report.files[0].rejected) == (2, 1, 1)
    assert report.rejects[0].line == 2


def test_the_bundle_takes_an_encoding_and_by_default_stays_utf8_only(tmp_path: Path) -> None:
    write(tmp_path / "b" / "companies.csv", JAPANESE.encode("cp932"))
    store = MemoryStore(tmp_path / "data")
    try:
        strict = load_bundle(tmp_path / "b", store)
        assert strict.files[0].error is not None and "not UTF-8" in strict.files[0].error
        detected = load_bundle(tmp_path / "b", store, encoding="auto")
        assert detected.files[0].loaded == 2
        view = store.account("c2")
        assert view is not None and view.company.name == "髙橋商店"
    finally:
        store.close()


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=200))
def test_any_bytes_become_rows_or_rejects_never_an_exception(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = write(tmp_path_factory.mktemp("bytes") / "c.csv", b"company_id,name\n" + data)
    for line, row in rows(path):
        assert line >= 2
        assert rejection(row) is not None or set(row) == {"company_id", "name"}
