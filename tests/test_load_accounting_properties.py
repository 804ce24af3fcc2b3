"""Property: whatever quoting damage a CSV file has (quotes never closed, stray quotes, line
breaks in cells, rows too short or too long), every physical line after the header is blank or
in exactly one row, every row is loaded or rejected, and loading the file again changes
nothing."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph_service.store.memory import MemoryStore
from loaders.bundle import IdentityResolver, load_bundle
from loaders.csvfile import CsvFile, rejection

HEADER = "company_id,name,employees"

plain = st.sampled_from(["c1", "c2", "c3", "Acme", "株式会社さくら", "12", "many", "", " "])
quoted = plain.map(lambda v: f'"{v}"')
with_newline = st.sampled_from(['"Acme\nHoldings"', '"a\n\nb"', '"say ""hi""\nthere"'])
unclosed = st.sampled_from(['"Acme', '"c1', '"'])
stray = st.sampled_from(['Ac"me', '"Acme"x', 'x"', '""a'])
cell = st.one_of(plain, plain, plain, quoted, with_newline, unclosed, stray)
#: A row: one to five cells (the header has three), a blank line now and then.
row = st.one_of(st.lists(cell, min_size=1, max_size=5).map(",".join), st.just(""))
ending = st.sampled_from(["\n", "\r\n"])


def physical_lines(text: str) -> list[str]:
    """The file's lines as the loader reads them (``\\n``, ``\\r\\n`` or ``\\r`` end a line)."""
    return list(io.StringIO(text, newline=""))


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(row, max_size=25), newline=ending, final_newline=st.booleans())
def test_every_physical_line_is_loaded_or_rejected_and_reloading_changes_nothing(
    tmp_path_factory: pytest.TempPathFactory, rows: list[str], newline: str, final_newline: bool
) -> None:
    text = newline.join([HEADER, *rows]) + (newline if final_newline else "")
    base = tmp_path_factory.mktemp("damage")
    (base / "b").mkdir()
    path = base / "b" / "companies.csv"
    path.write_bytes(text.encode("utf-8"))

    records = list(CsvFile(path).records())
    covered: list[int] = []
    for first, last, _ in records:
        assert first <= last
        covered.extend(range(first, last + 1))
    assert covered == sorted(set(covered)), "rows overlap or come out of order"
    lines = physical_lines(text)
    for number, line in enumerate(lines[1:], start=2):
        if line.strip("\r\n"):
            assert number in covered, f"line {number} {line!r} is in no row"
    assert all(2 <= n <= len(lines) for n in covered)

    store = MemoryStore(base / "data")
    try:
        report = load_bundle(base / "b", store, resolver=IdentityResolver())
        (f,) = report.files
        assert f.error is None
        assert f.read == len(records) == f.loaded + f.rejected
        assert f.warned <= f.loaded
        assert len(report.rejects) == f.rejected
        broken = [first for first, _, r in records if rejection(r) is not None]
        assert set(broken) <= {r.line for r in report.rejects}
        before = store.stats()
        again = load_bundle(base / "b", store, resolver=IdentityResolver())
        assert again.as_dict() == report.as_dict()
        assert again.rejects == report.rejects and again.warnings == report.warnings
        assert store.stats() == before
    finally:
        store.close()
