"""The embedded store keeps what it acknowledged, and only one process writes a data directory."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from graph_service.audit import AuditFilter, AuditRecord
from graph_service.domain import Company, Kind
from graph_service.errors import StoreLockedError
from graph_service.store.memory import MemoryStore
from tests.fixtures import ACME_STATS, load


def test_a_reopened_store_has_everything_written_before_close(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    load(store)
    store.close()
    again = MemoryStore(tmp_path)
    assert again.stats().as_dict() == ACME_STATS
    again.close()


def test_acknowledged_writes_survive_without_a_clean_close(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    load(store)
    # Simulate a crash: no close(), the journal is the only record; drop the lock by hand.
    assert store._lock is not None
    store._lock.release()
    reader = MemoryStore(tmp_path, read_only=True)
    assert reader.stats().as_dict() == ACME_STATS


def test_a_torn_last_journal_line_is_ignored(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    store.upsert(Kind.COMPANIES, [Company(id="c1", name="Acme")])
    store.close()
    again = MemoryStore(tmp_path)
    again.upsert(Kind.COMPANIES, [Company(id="c2", name="Beta")])
    journal = next(tmp_path.glob("journal-*.jsonl"))
    with journal.open("a", encoding="utf-8") as fh:
        fh.write('{"kind": "companies", "rows": [{"id": "c3", "na')  # crash mid-append
    assert again._lock is not None
    again._lock.release()
    reopened = MemoryStore(tmp_path)
    assert reopened.existing_ids(Kind.COMPANIES, ["c1", "c2", "c3"]) == {"c1", "c2"}
    reopened.upsert(Kind.COMPANIES, [Company(id="c4", name="Delta")])
    reopened.close()
    final = MemoryStore(tmp_path, read_only=True)
    assert final.existing_ids(Kind.COMPANIES, ["c1", "c2", "c3", "c4"]) == {"c1", "c2", "c4"}


def test_a_second_writer_gets_a_clear_error(tmp_path: Path) -> None:
    first = MemoryStore(tmp_path)
    with pytest.raises(StoreLockedError, match="in use by another abmgraph process"):
        MemoryStore(tmp_path)
    first.close()
    MemoryStore(tmp_path).close()  # free again once the first has closed


def test_readers_see_a_directory_a_writer_holds(tmp_path: Path) -> None:
    writer = MemoryStore(tmp_path)
    writer.upsert(Kind.COMPANIES, [Company(id="c1", name="Acme")])
    reader = MemoryStore(tmp_path, read_only=True)
    assert reader.existing_ids(Kind.COMPANIES, ["c1"]) == {"c1"}
    writer.close()


def test_a_read_only_store_refuses_writes(tmp_path: Path) -> None:
    MemoryStore(tmp_path).close()
    reader = MemoryStore(tmp_path, read_only=True)
    with pytest.raises(Exception, match="read-only"):
        reader.upsert(Kind.COMPANIES, [Company(id="c1", name="Acme")])


def test_a_process_killed_after_an_acknowledged_write_loses_nothing(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import sys, time
        from graph_service.store.memory import MemoryStore
        from tests.fixtures import load
        store = MemoryStore(__import__("pathlib").Path({str(tmp_path)!r}))
        load(store)
        print("ACK", flush=True)
        time.sleep(60)
    """)
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ACK"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    store = MemoryStore(tmp_path)  # the lock died with the process
    assert store.stats().as_dict() == ACME_STATS
    store.close()


def test_the_snapshot_is_plain_json_lines(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    load(store)
    store.close()
    lines = (tmp_path / "snapshot.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["format"] == 1
    assert {json.loads(line)["kind"] for line in lines[1:]} == {k.value for k in Kind}


def an_audit(audit_id: str) -> AuditRecord:
    at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    return AuditRecord(audit_id, at, "m2", "member", "upsertCompany", Kind.COMPANIES, (), (), "{}")


def trail(store: MemoryStore) -> list[str]:
    return [a.id for a in store.audit_log(AuditFilter(), first=10, after=None).records]


def test_a_write_and_its_audit_record_are_one_journal_line(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    store.upsert(Kind.COMPANIES, [Company(id="c1", name="Acme")], audit=an_audit("a1"))
    journal = next(tmp_path.glob("journal-*.jsonl"))
    (line,) = journal.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["audit"]["id"] == "a1"
    assert json.loads(line)["rows"][0]["id"] == "c1"
    store.close()


def test_a_torn_last_line_loses_the_write_and_its_audit_record_together(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    store.upsert(Kind.COMPANIES, [Company(id="c1", name="Acme")], audit=an_audit("a1"))
    journal = next(tmp_path.glob("journal-*.jsonl"))
    with journal.open("a", encoding="utf-8") as fh:
        fh.write('{"kind": "companies", "rows": [{"id": "c2", "name": "B"}], "audit": {"id": "a')
    assert store._lock is not None
    store._lock.release()
    reopened = MemoryStore(tmp_path)
    assert reopened.existing_ids(Kind.COMPANIES, ["c1", "c2"]) == {"c1"}
    assert trail(reopened) == ["a1"]
    reopened.close()


def test_audit_records_are_kept_through_every_compaction(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    store.upsert(Kind.COMPANIES, [Company(id="c1", name="Acme")], audit=an_audit("a1"))
    store.close()
    again = MemoryStore(tmp_path)  # compacted on open when the journal has lines; here on close
    again.upsert(Kind.COMPANIES, [Company(id="c2", name="Beta")], audit=an_audit("a2"))
    again.close()
    lines = (tmp_path / "snapshot.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["audit"]["id"] for x in lines if "audit" in json.loads(x)] == ["a1", "a2"]
    final = MemoryStore(tmp_path, read_only=True)
    assert sorted(trail(final)) == ["a1", "a2"]


def test_a_snapshot_without_audit_lines_opens_with_an_empty_trail(tmp_path: Path) -> None:
    row = {"kind": "companies", "rows": [{"id": "c1", "name": "Acme"}]}
    (tmp_path / "snapshot.jsonl").write_text(
        json.dumps({"format": 1, "generation": 1}) + "\n" + json.dumps(row) + "\n",
        encoding="utf-8",
    )
    (tmp_path / "journal-1.jsonl").touch()
    store = MemoryStore(tmp_path)
    assert store.existing_ids(Kind.COMPANIES, ["c1"]) == {"c1"}
    assert trail(store) == []
    store.close()


def test_reads_beside_writes_never_see_a_write_half_applied(tmp_path: Path) -> None:
    """The service reads from several threads while a mutation writes: every read answers
    (no "dictionary changed size" from a write in flight) with whole batches only."""
    import threading
    from datetime import UTC, datetime, timedelta

    from graph_service.domain import Touch, TouchType
    from tests.fixtures import ACME, load

    store = MemoryStore(tmp_path / "data")
    load(store, ACME)
    base = len(store.account("c1").touches)  # type: ignore[union-attr]
    batch = 20
    errors: list[BaseException] = []
    seen: list[int] = []
    done = threading.Event()

    def write() -> None:
        start = datetime(2026, 1, 1, tzinfo=UTC)
        for n in range(30):
            touches = [
                Touch(f"t-w{n}-{i}", "m2", "p2", TouchType.CALL, start + timedelta(minutes=i))
                for i in range(batch)
            ]
            store.upsert(Kind.TOUCHES, touches)
        done.set()

    def read() -> None:
        try:
            while not done.is_set():
                view = store.account("c1")
                assert view is not None
                seen.append(len(view.touches))
                store.stats()
        except BaseException as exc:
            errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for r in readers:
        r.start()
    write()
    for r in readers:
        r.join()
    store.close()
    assert errors == []
    assert all((n - base) % batch == 0 for n in seen)
