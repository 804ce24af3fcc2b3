"""A kept account view is handed back only while the store's data is unchanged, on both
stores (issue 16; graph_service/store/view_cache.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from graph_service.domain import AccountSections, Kind
from graph_service.store.base import Store
from graph_service.store.view_cache import cached_views
from tests.fixtures import JST, a_touch, load


def counted_reads(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the account views ``store`` reads from now on."""
    reads: list[str] = []
    read = store.account

    def counted(company_id: str, **options: Any) -> Any:
        reads.append(company_id)
        return read(company_id, **options)

    monkeypatch.setattr(store, "account", counted)
    return reads


def test_an_unchanged_account_is_read_once(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    load(store)
    reads = counted_reads(store, monkeypatch)
    views = cached_views(store, size=4)
    first = views.account("c1")
    assert views.account("c1") is first
    assert reads == ["c1"]


def test_a_write_is_seen_by_the_next_read(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    load(store)
    views = cached_views(store, size=4)
    before = views.account("c1")
    assert before is not None
    store.upsert(Kind.TOUCHES, [a_touch("t-new", "p1", datetime(2026, 11, 2, 9, 0, tzinfo=JST))])
    after = views.account("c1")
    assert after is not None
    assert {t.id for t in after.touches} - {t.id for t in before.touches} == {"t-new"}


def test_scopes_and_sections_are_kept_apart(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    load(store)
    reads = counted_reads(store, monkeypatch)
    views = cached_views(store, size=8)
    people = AccountSections.only(people=True)
    everything = views.account("c1")
    hidden = views.account("c1", visible=frozenset({"c2"}))
    only_people = views.account("c1", sections=people)
    assert everything is not None and only_people is not None
    assert hidden is None  # a scope that does not see c1 gets no view, kept or not
    assert views.account("c1", visible=frozenset({"c2"})) is None
    assert only_people.touches == [] and everything.touches
    assert views.account("c1", sections=people) is only_people
    assert reads == ["c1", "c1", "c1"]


def test_the_least_recently_used_view_goes_first(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(store)
    reads = counted_reads(store, monkeypatch)
    views = cached_views(store, size=2)
    for company_id in ("c1", "c2", "c1", "c3", "c1", "c2"):
        views.account(company_id)
    # c1 and c2 kept; c3 pushes out c2 (c1 was used since); c2 is read again.
    assert reads == ["c1", "c2", "c3", "c2"]


def test_size_zero_is_the_store_itself(store: Store) -> None:
    assert cached_views(store, size=0) is store
