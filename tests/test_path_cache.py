"""The path-graph cache: reused while the data is unchanged, rebuilt after any write."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from graph_service.analytics import queries
from graph_service.analytics.params import AnalyticsParams
from graph_service.analytics.path_cache import PathGraphCache
from graph_service.domain import Kind
from graph_service.errors import NotFoundError
from graph_service.store.base import Store
from tests.fixtures import a_touch, load

AS_OF = date(2026, 11, 1)


def strongest(store: Store, cache: PathGraphCache, target: str = "p1") -> float:
    answer = queries.influence(store, "c1", target, AS_OF, any_member=True, cache=cache)
    return answer.paths[0].strength


def test_a_second_question_on_the_account_reuses_its_graph(store: Store) -> None:
    load(store)
    cache = PathGraphCache()
    first = strongest(store, cache, "p1")
    again = strongest(store, cache, "p3")
    assert (cache.misses, cache.hits) == (1, 1)
    assert first == strongest(store, cache, "p1")
    assert again > 0


def test_answers_from_the_cache_equal_answers_without_it(store: Store) -> None:
    load(store)
    cache = PathGraphCache()
    for target in ("p1", "p2", "p3", "p4"):
        for _ in range(2):
            cached = queries.influence(store, "c1", target, AS_OF, any_member=True, cache=cache)
            fresh = queries.influence(store, "c1", target, AS_OF, any_member=True)
            assert cached == fresh
    assert cache.misses == 1


def test_a_write_makes_the_next_question_see_it(store: Store) -> None:
    load(store)
    cache = PathGraphCache()
    before = strongest(store, cache, "p1")
    store.upsert(
        Kind.TOUCHES,
        [a_touch("t-new", "p1", datetime(2026, 10, 30, tzinfo=UTC))],
    )
    after = strongest(store, cache, "p1")
    assert cache.misses == 2
    assert after > before


def test_another_as_of_date_or_parameters_is_another_graph(store: Store) -> None:
    load(store)
    cache = PathGraphCache()
    strongest(store, cache)
    queries.influence(store, "c1", "p1", date(2026, 12, 1), any_member=True, cache=cache)
    queries.influence(
        store,
        "c1",
        "p1",
        AS_OF,
        any_member=True,
        params=AnalyticsParams(half_life_days=30),
        cache=cache,
    )
    assert (cache.misses, cache.hits) == (3, 0)


def test_the_least_recently_used_account_goes_first(store: Store) -> None:
    load(store)
    cache = PathGraphCache(size=1)
    queries.next_best(store, "c1", AS_OF, cache=cache)
    queries.next_best(store, "c2", AS_OF, cache=cache)
    queries.next_best(store, "c1", AS_OF, cache=cache)
    assert (cache.misses, cache.hits) == (3, 0)


def test_size_zero_keeps_nothing(store: Store) -> None:
    load(store)
    cache = PathGraphCache(size=0)
    strongest(store, cache)
    strongest(store, cache)
    assert (cache.misses, cache.hits) == (2, 0)


def test_an_unknown_account_is_not_found_and_not_kept(store: Store) -> None:
    load(store)
    cache = PathGraphCache()
    with pytest.raises(NotFoundError):
        queries.influence(store, "nope", "p1", AS_OF, cache=cache)
    with pytest.raises(NotFoundError):
        queries.influence(store, "c1", "nobody", AS_OF, cache=cache)
    assert cache.misses == 2


def test_threads_sharing_a_cached_graph_get_the_answers_one_thread_gets(store: Store) -> None:
    from concurrent.futures import ThreadPoolExecutor

    load(store)
    targets = ["p1", "p2", "p3", "p4"] * 10
    alone = {t: queries.influence(store, "c1", t, AS_OF, any_member=True) for t in set(targets)}
    cache = PathGraphCache()
    with ThreadPoolExecutor(8) as pool:
        shared = list(
            pool.map(
                lambda t: queries.influence(store, "c1", t, AS_OF, any_member=True, cache=cache),
                targets,
            )
        )
    assert [a == alone[t] for a, t in zip(shared, targets, strict=True)] == [True] * len(targets)


def counted(compute: list[int], value: object) -> object:
    compute.append(1)
    return value


def test_an_answer_is_kept_until_a_write(store: Store) -> None:
    load(store)
    cache = PathGraphCache()
    computed: list[int] = []
    first = cache.answer(store, ("k",), lambda: counted(computed, ["first"]))
    assert cache.answer(store, ("k",), lambda: counted(computed, ["again"])) is first
    store.upsert(Kind.TOUCHES, [a_touch("t-new", "p1", datetime(2026, 10, 30, tzinfo=UTC))])
    assert cache.answer(store, ("k",), lambda: counted(computed, ["after"])) == ["after"]
    assert len(computed) == 2


def test_an_answer_that_fails_is_not_kept(store: Store) -> None:
    load(store)
    cache = PathGraphCache()
    with pytest.raises(NotFoundError):
        queries.coverage_gaps(store, "nope", AS_OF, cache=cache)
    with pytest.raises(NotFoundError):
        queries.coverage_gaps(store, "nope", AS_OF, cache=cache)


def test_kept_coverage_and_next_best_equal_fresh_ones(store: Store) -> None:
    load(store)
    cache = PathGraphCache()
    for _ in range(2):
        assert queries.coverage_gaps(store, "c1", AS_OF, cache=cache) == queries.coverage_gaps(
            store, "c1", AS_OF
        )
        assert queries.next_best(store, "c1", AS_OF, cache=cache) == queries.next_best(
            store, "c1", AS_OF
        )
    other = queries.coverage_gaps(store, "c1", date(2026, 11, 2), cache=cache)
    assert other.as_of == date(2026, 11, 2)  # another date is another answer


def test_size_zero_keeps_no_answer(store: Store) -> None:
    load(store)
    cache = PathGraphCache(size=0)
    computed: list[int] = []
    for _ in range(2):
        cache.answer(store, ("k",), lambda: counted(computed, 1))
    assert len(computed) == 2
