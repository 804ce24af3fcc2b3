"""bench/serving.py's pure pieces: arguments, percentiles, ratios, rounds, account picks.

No Neo4j, no servers: the numbers are worked by hand from the small lists below.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import serving
from serving import (
    Stats,
    parse_args,
    percentile,
    pick_accounts,
    ratio_by_round,
    round_order,
    run_load,
    summarize,
)


def test_the_default_plan_is_the_issue_s_portfolio_and_sweep() -> None:
    _, plan = parse_args([])
    assert plan.accounts == 2000
    assert plan.big_account == 2000
    assert plan.sizes == (50, 300, 2000)
    assert plan.clients == (1, 10, 50)
    assert plan.peer


def test_large_is_50000_accounts_and_quick_is_small() -> None:
    assert parse_args(["--large"])[1].accounts == 50_000
    _, quick = parse_args(["--quick"])
    assert quick.accounts < 500
    assert quick.requests <= 10
    assert quick.sizes == (50, 300)  # the big account is 300 people: no 2,000-person size


def test_explicit_options_override_the_mode() -> None:
    args, plan = parse_args(
        ["--quick", "--clients", "2,4", "--rounds", "5", "--requests", "7", "--no-peer"]
    )
    assert plan.clients == (2, 4)
    assert (plan.rounds, plan.requests, plan.peer) == (5, 7, False)
    assert args.heap == "4g"
    assert args.pagecache_mb == 4096


@pytest.mark.parametrize(
    "argv",
    [
        ["--clients", "1,ten"],
        ["--clients", "0,10"],
        ["--large", "--quick"],
        ["--rounds", "0"],
        ["--accounts", "2"],
    ],
)
def test_bad_arguments_are_usage_errors(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_args(argv)
    assert exited.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_percentiles_interpolate_between_ranks() -> None:
    values = [5.0, 1.0, 4.0, 2.0, 3.0]  # unsorted on purpose
    assert percentile(values, 0) == 1.0
    assert percentile(values, 50) == 3.0
    assert percentile(values, 100) == 5.0
    # rank (5 - 1) * 0.95 = 3.8: 4 + 0.8 * (5 - 4)
    assert percentile(values, 95) == pytest.approx(4.8)
    # rank 4 * 0.99 = 3.96
    assert percentile(values, 99) == pytest.approx(4.96)


def test_percentile_of_nothing_or_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)
    with pytest.raises(ValueError, match="outside 0-100"):
        percentile([1.0], 101)


def test_summary_is_in_milliseconds_and_requests_per_wall_second() -> None:
    stats = summarize([0.002, 0.004, 0.006, 0.008, 0.010], wall_s=0.025, errors=1)
    assert stats.n == 5
    assert stats.p50_ms == pytest.approx(6.0)
    assert stats.p95_ms == pytest.approx(9.6)  # 8 + 0.8 * 2
    assert stats.rps == pytest.approx(200.0)  # 5 / 0.025
    assert stats.errors == 1


def test_each_round_runs_every_target_once_and_each_leads_in_turn() -> None:
    targets = ["floor", "us", "peer"]
    orders = [round_order(targets, r) for r in range(6)]
    assert all(sorted(order) == sorted(targets) for order in orders)
    assert [order[0] for order in orders] == ["floor", "us", "peer", "floor", "us", "peer"]
    assert round_order([], 3) == []


def _stats(p50: float, rps: float) -> Stats:
    return Stats(n=10, p50_ms=p50, p95_ms=p50 * 2, p99_ms=p50 * 3, rps=rps)


def test_ratios_are_taken_within_each_round_not_across() -> None:
    # Round 1 is slow for everyone (a busy neighbour), round 2 fast: within-round ratios are 2
    # both times, while the ratio of medians across rounds would mix the two.
    rounds = [
        {"us": _stats(20.0, 50), "floor": _stats(10.0, 100)},
        {"us": _stats(4.0, 250), "floor": _stats(2.0, 500)},
        {"us": _stats(9.0, 100)},  # no floor this round: left out
    ]
    p50 = ratio_by_round(rounds, "us", "floor", "p50_ms")
    assert p50 is not None
    assert p50.per_round == (2.0, 2.0)
    assert (p50.median, p50.low, p50.high) == (2.0, 2.0, 2.0)
    rps = ratio_by_round(rounds, "us", "floor", "rps")
    assert rps is not None
    assert rps.median == 0.5


def test_a_ratio_with_no_round_to_take_it_from_is_none() -> None:
    rounds = [{"us": _stats(1.0, 1.0), "floor": _stats(0.0, 0.0)}]
    assert ratio_by_round(rounds, "us", "floor", "p50_ms") is None
    assert ratio_by_round(rounds, "us", "peer", "p50_ms") is None


def test_accounts_nearest_each_size_each_once() -> None:
    people = {"c-1": 51, "c-2": 49, "c-3": 320, "c-4": 1990, "c-5": 2200}
    picked = pick_accounts(people, [50, 300, 2000])
    # c-1 and c-2 are both 1 away from 50: the smaller id wins
    assert picked == {50: ("c-1", 51), 300: ("c-3", 320), 2000: ("c-4", 1990)}


def test_the_big_account_is_not_taken_by_a_smaller_size() -> None:
    # Only two accounts: the 2,000 size is served first, so 300 gets the 60-person account.
    picked = pick_accounts({"c-1": 60, "c-2": 2000}, [300, 2000])
    assert picked == {300: ("c-1", 60), 2000: ("c-2", 2000)}
    with pytest.raises(ValueError, match="cannot give 3 distinct sizes"):
        pick_accounts({"c-1": 1, "c-2": 2}, [50, 300, 2000])


def test_people_per_account_counts_the_bundle_rows(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text(
        "person_id,company_id,full_name\np1,c-1,A\np2,c-1,B\np3,c-2,C\n", encoding="utf-8"
    )
    assert serving.people_per_account(tmp_path) == {"c-1": 2, "c-2": 1}


def test_the_load_generator_sends_exactly_the_requests_and_counts_failures() -> None:
    sent = 0

    async def call() -> None:
        nonlocal sent
        sent += 1
        mine = sent
        await asyncio.sleep(0)
        if mine % 4 == 0:
            raise RuntimeError("boom")

    stats = asyncio.run(run_load(call, clients=3, requests=12))
    assert sent == 12
    assert stats.errors == 3
    assert stats.n == 9
    assert stats.error == "RuntimeError: boom"


def test_a_cell_where_every_request_failed_is_reported_not_raised() -> None:
    async def call() -> None:
        raise TimeoutError("REQUEST_TIMEOUT")

    stats = asyncio.run(run_load(call, clients=2, requests=4))
    assert (stats.n, stats.errors, stats.rps) == (0, 4, 0.0)
    assert stats.error == "TimeoutError: REQUEST_TIMEOUT"
    # and no ratio is taken from it
    rounds = [{"us": stats, "floor": _stats(5.0, 100)}]
    assert ratio_by_round(rounds, "us", "floor", "p50_ms") is None


def test_the_ratios_of_the_issue_are_derived_from_the_cells() -> None:
    _, plan = parse_args(["--quick", "--no-peer"])
    view = [{"us": _stats(10.0, 100), "floor": _stats(5.0, 400)}]
    cells = {
        "account view, 50 people": view,
        "account view, 300 people, 1 client": view,
        "account view, 300 people, 10 clients": view,
        "coverageGaps, 10 clients": [{"us": _stats(15.0, 60)}],
        "nextBestTouches, 10 clients": [{"us": _stats(30.0, 30)}],
    }
    got = serving.ratios(cells, plan)
    assert got["p50 us/floor, 1 client"]["median"] == 2.0
    assert got["req/s us/floor, 10 clients"]["median"] == 0.25
    assert got["p95 us/peer, 10 clients"] is None  # no peer in this run
    assert got["p95 coverageGaps/view, 10 clients"]["median"] == 1.5  # 30 / 20
    assert got["p95 nextBestTouches/view, 10 clients"]["median"] == 3.0  # 60 / 20
    met = serving.targets_met({"ratios": got, "healthz_probe": {"probe_max_ms": 25.0}})
    assert met["p50 us/floor, 1 client"]["met"] is False  # 2.0 > 1.5
    assert met["p95 coverageGaps/view, 10 clients"]["met"] is True
    assert met["/healthz during a portfolio query (max ms)"]["met"] is False
    assert met["req/s us/peer, 10 clients"]["met"] is None


def test_the_module_s_doctests_hold() -> None:
    # bench/ is outside pytest's doctest paths: run its examples here.
    import doctest

    failures, tried = doctest.testmod(serving)
    assert tried >= 10
    assert failures == 0


def test_the_floor_runs_the_query_our_api_runs_for_the_account_view(tmp_path: Path) -> None:
    """The floor's parameters are the ones our API derives from the benchmark's query: the
    same parts of the view, the same touch limit."""
    from typing import Any

    from graph_service.api.context import Context
    from graph_service.api.schema import schema
    from graph_service.store.memory import MemoryStore
    from tests.fixtures import load

    asked: list[Any] = []

    class Spy(MemoryStore):
        def account(self, company_id: str, **kwargs: Any) -> Any:
            asked.append(kwargs.get("sections"))
            return super().account(company_id, **kwargs)

    store = Spy(tmp_path / "data")
    load(store)
    result = schema.execute_sync(
        serving.OUR_ACCOUNT_VIEW,
        variable_values={"id": "c1"},
        context_value=Context.for_store(store),
    )
    assert result.errors is None
    assert asked == [serving.floor_sections()]
    assert serving.floor_params("c1")["s"] == serving.floor_sections().params()
