"""Serving benchmark: the account view at the raw-Cypher floor, over our HTTP, and on the peer.

One command (``python bench/serving.py``; ``--quick`` for a smoke run of minutes):

1. generates a portfolio (``loaders.generate``, 2,000 accounts by default, ``--large`` for
   50,000; account ``c-000001`` is made ``--big-account`` people, 2,000 by default, because the
   generator draws no account that large by chance) and loads it into an embedded Neo4j
   started with 4 GB heap and 4 GB page cache and the APOC core plugin;
2. picks the accounts whose head counts are nearest to 50, 300 and 2,000 people
   (:func:`pick_accounts`, from the bundle's ``people.csv``);
3. starts three targets over that one Neo4j:

   * **floor**: the account-view Cypher the Neo4j store runs for ``account``
     (``graph_service.store.neo4j.reads.ACCOUNT_VIEW``, imported), through the Python driver;
   * **us**: ``abmgraph serve`` on the Neo4j store, a child process, ``ABMGRAPH_AUTH=required``
     with a key from ``abmgraph keys create`` (a strategist service account);
   * **uncached**: a second ``abmgraph serve`` like the first with its view and path caches
     off (``ABMGRAPH_VIEW_CACHE_SIZE=0``, ``ABMGRAPH_PATH_CACHE_SIZE=0``): every request
     reads the store, as the floor does;
   * **peer**: ``@neo4j/graphql`` 7 on ``@apollo/server`` (``bench/peer``, ``npm ci``), the same
     labels and relationships, the equivalent query; checked to return the same people and
     touch ids as ours;

4. measures the load generator's own overhead on ``/healthz``, then, in interleaved rounds
   (every round runs floor, us, uncached and peer, in an order rotated round by round), the
   account view at 1 client for each account size and at 1, 10 and 50 clients for the
   ~300-person account;
   our coverageGaps, nextBestTouches, influencePaths (cold: on the uncached server; cached),
   shareOfWallet and targetList(first: 50) at 1 and 10 clients;
5. reports p50 / p95 / p99 and req/s, ratios computed within each round (the median and range
   over rounds), each server's RSS at rest and at its peak under load, a ``/healthz`` probe
   during a portfolio-wide query (targetList over all accounts), the machine, versions, date.

Results go to ``bench/results/serving-<stamp>.json`` and ``.md`` (gitignored) and are printed.
See ``bench/README.md`` and ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PEER_DIR = Path(__file__).resolve().parent / "peer"
#: ``uncached``: our service with its view and path caches off (the second server), so that
#: what the caches buy and what our code costs over the floor both show.
TARGETS = ("floor", "us", "uncached", "peer")
SIZES = (50, 300, 2000)
#: The account-view size the concurrency sweep and the other operations use.
MID_SIZE = 300
BIG_ACCOUNT = 2000
DEFAULT_ACCOUNTS = 2000
LARGE_ACCOUNTS = 50_000
QUICK_ACCOUNTS = 150
RECENT_TOUCHES = 20

#: Issue 16's targets (ratios on one machine in one run).
TARGET_P50_VS_FLOOR = 1.5
TARGET_RPS_VS_PEER = 1.5
TARGET_RPS_VS_FLOOR = 0.7
TARGET_OPS_VS_VIEW = 2.0
TARGET_HEALTHZ_MS = 20.0

OUR_ACCOUNT_VIEW = """
query AccountView($id: ID!) {
  account(id: $id) {
    __typename
    ... on Account {
      id name industry country employees
      businessUnits { id name }
      people { id fullName title businessUnitId reportsToId }
      accountTeam { member { id fullName } }
      deals { id name stage }
      recentTouches(limit: 20) { id type occurredAt direction personId memberId }
      touchCount
    }
  }
}
"""

PEER_ACCOUNT_VIEW = """
query AccountView($id: ID!) {
  companies(where: { id: { eq: $id } }) {
    id name industry country employees
    businessUnits { id name }
    people { id full_name title unit { id } reportsTo { id } }
    accountTeam { id full_name }
    deals { id name stage }
    recentTouches(limit: 20) { id type occurred_at direction person { id } by { id } }
    touchCount
  }
}
"""

OPERATIONS: dict[str, str] = {
    "coverageGaps": """
query ($id: ID!) { coverageGaps(accountId: $id) { __typename
  ... on CoverageGaps { score engagedPersonIds
    businessUnits { businessUnitId roles { role status } } } } }""",
    "nextBestTouches": """
query ($id: ID!) { nextBestTouches(accountId: $id) { __typename
  ... on NextBestTouches { touches { gap role personId why } } } }""",
    "influencePaths": """
query ($id: ID!, $target: ID!) {
  influencePaths(accountId: $id, targetPersonId: $target, anyMember: true) { __typename
    ... on InfluencePaths { paths { memberId strength hops { toPersonId } } } } }""",
    "shareOfWallet": """
query ($id: ID!) { shareOfWallet(accountId: $id) { __typename
  ... on ShareOfWallet { total { share spend { amount currency } } } } }""",
    "targetList": """
query { targetList(first: 50) { totalCount edges { node { accountId score tier } } } }""",
}
#: The portfolio-wide query the /healthz probe runs beside (every account is scored).
PORTFOLIO_QUERY = "query { targetList(first: 500) { totalCount edges { node { accountId } } } }"


# -- the pure pieces (tests/test_bench_serving.py) ----------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation between closest ranks.

    The definition of numpy's default: rank ``(n - 1) * q / 100``, interpolated.

    >>> percentile([1, 2, 3, 4], 50)
    2.5
    >>> percentile([10, 20, 30, 40, 50], 95)
    48.0
    >>> percentile([7], 99)
    7.0
    """
    if not values:
        raise ValueError("no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is outside 0-100")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (rank - low))


@dataclass(frozen=True)
class Stats:
    """Latencies of one run of ``n`` requests: milliseconds, and requests per wall second."""

    n: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    rps: float
    errors: int = 0
    error: str = ""


def summarize(
    latencies_s: Sequence[float], wall_s: float, errors: int = 0, error: str = ""
) -> Stats:
    """:class:`Stats` of latencies (seconds) measured over ``wall_s`` seconds.

    Only answered requests count; ``errors`` failed (``error``: the first one's message). When
    every request failed the latencies are 0 and ``n`` is 0: no ratio is taken from it.

    >>> summarize([0.010, 0.020, 0.030, 0.040], wall_s=0.05)
    Stats(n=4, p50_ms=25.0, p95_ms=38.5, p99_ms=39.7, rps=80.0, errors=0, error='')
    >>> summarize([], wall_s=1.0, errors=3, error="timeout").n
    0
    """
    if wall_s <= 0:
        raise ValueError("wall time must be positive")
    if not latencies_s:
        return Stats(n=0, p50_ms=0.0, p95_ms=0.0, p99_ms=0.0, rps=0.0, errors=errors, error=error)
    ms = [x * 1000 for x in latencies_s]
    return Stats(
        n=len(ms),
        p50_ms=round(percentile(ms, 50), 3),
        p95_ms=round(percentile(ms, 95), 3),
        p99_ms=round(percentile(ms, 99), 3),
        rps=round(len(ms) / wall_s, 2),
        errors=errors,
        error=error,
    )


def round_order(targets: Sequence[str], round_index: int) -> list[str]:
    """The order the targets run in, in round ``round_index``: rotated by one each round.

    Every round runs every target once, and each target leads as often as the others, so
    that a warming cache or a neighbour's burst of work does not always fall on one target.

    >>> for r in range(4):
    ...     print(round_order(["floor", "us", "peer"], r))
    ['floor', 'us', 'peer']
    ['us', 'peer', 'floor']
    ['peer', 'floor', 'us']
    ['floor', 'us', 'peer']
    """
    if not targets:
        return []
    k = round_index % len(targets)
    return [*targets[k:], *targets[:k]]


@dataclass(frozen=True)
class Ratio:
    """A ratio taken within each round: its median and range over the rounds."""

    median: float
    low: float
    high: float
    per_round: tuple[float, ...]


def ratio_by_round(
    rounds: Sequence[dict[str, Stats]], numerator: str, denominator: str, metric: str
) -> Ratio | None:
    """``metric`` of ``numerator`` over ``denominator``'s, round by round (same round only).

    Rounds missing either target, where either answered nothing (``n`` 0), or with a zero
    denominator, are left out; ``None`` if none is left.

    >>> a = {"us": Stats(10, 8.0, 9, 9, 100), "floor": Stats(10, 4.0, 5, 5, 200)}
    >>> b = {"us": Stats(10, 6.0, 9, 9, 100), "floor": Stats(10, 2.0, 5, 5, 250)}
    >>> ratio_by_round([a, b], "us", "floor", "p50_ms")
    Ratio(median=2.5, low=2.0, high=3.0, per_round=(2.0, 3.0))
    >>> ratio_by_round([a], "us", "peer", "rps") is None
    True
    """
    values: list[float] = []
    for stats in rounds:
        num, den = stats.get(numerator), stats.get(denominator)
        if num is None or den is None or num.n == 0 or den.n == 0:
            continue
        bottom = float(getattr(den, metric))
        if bottom == 0:
            continue
        values.append(round(float(getattr(num, metric)) / bottom, 3))
    if not values:
        return None
    return Ratio(
        median=round(statistics.median(values), 3),
        low=min(values),
        high=max(values),
        per_round=tuple(values),
    )


def pick_accounts(people: dict[str, int], sizes: Sequence[int]) -> dict[int, tuple[str, int]]:
    """For each wanted size, the account with the nearest head count (each account once).

    Ties go to the smaller id. Sizes are served largest first, so that the big account is the
    big one and a small size never takes it.

    >>> pick_accounts({"c-1": 48, "c-2": 55, "c-3": 290, "c-4": 2000}, [50, 300, 2000])
    {50: ('c-1', 48), 300: ('c-3', 290), 2000: ('c-4', 2000)}
    >>> pick_accounts({"c-1": 40, "c-2": 60}, [50, 300])
    {50: ('c-1', 40), 300: ('c-2', 60)}
    """
    if len(people) < len(sizes):
        raise ValueError(f"{len(people)} accounts cannot give {len(sizes)} distinct sizes")
    left = dict(people)
    picked: dict[int, tuple[str, int]] = {}
    for size in sorted(sizes, reverse=True):
        best = min(sorted(left), key=lambda cid: abs(left[cid] - size))
        picked[size] = (best, left.pop(best))
    return {size: picked[size] for size in sizes}


def clients_label(n: int) -> str:
    """``1 client``, ``10 clients``.

    >>> clients_label(1), clients_label(50)
    ('1 client', '50 clients')
    """
    return f"{n} client" if n == 1 else f"{n} clients"


def parse_clients(text: str) -> tuple[int, ...]:
    """``"1,10,50"`` as client counts, each at least 1.

    >>> parse_clients("1, 10,50")
    (1, 10, 50)
    """
    try:
        clients = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of client counts: {text!r}") from None
    if not clients or min(clients) < 1:
        raise argparse.ArgumentTypeError(f"client counts must be at least 1: {text!r}")
    return clients


@dataclass(frozen=True)
class Plan:
    """What a run does: the portfolio, the rounds and how many requests each cell sends."""

    accounts: int
    big_account: int
    sizes: tuple[int, ...]
    clients: tuple[int, ...]
    rounds: int
    requests: int
    op_requests: int
    peer: bool


def parse_args(argv: Sequence[str] | None = None) -> tuple[argparse.Namespace, Plan]:
    """The command line and the :class:`Plan` it makes.

    >>> _, plan = parse_args(["--quick"])
    >>> plan.accounts, plan.sizes, plan.clients, plan.rounds, plan.requests
    (150, (50, 300), (1, 10), 2, 10)
    >>> parse_args(["--large"])[1].accounts
    50000
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--accounts", type=int, help=f"generated accounts ({DEFAULT_ACCOUNTS:,})")
    size.add_argument("--large", action="store_true", help=f"{LARGE_ACCOUNTS:,} accounts")
    size.add_argument("--quick", action="store_true", help="a small portfolio, few requests")
    parser.add_argument("--big-account", type=int, help="people of c-000001 (2,000)")
    parser.add_argument("--clients", type=parse_clients, help="client counts (1,10,50)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (3)")
    parser.add_argument("--requests", type=int, help="account-view requests per cell (60)")
    parser.add_argument("--op-requests", type=int, help="requests per other operation (20)")
    parser.add_argument("--no-peer", action="store_true", help="skip @neo4j/graphql")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--heap", default="4g", help="embedded Neo4j heap (4g)")
    parser.add_argument("--pagecache-mb", type=int, default=4096, help="page cache (4096)")
    parser.add_argument("--bundle", type=Path, help="reuse (or keep) the generated bundle here")
    args = parser.parse_args(argv)
    quick = bool(args.quick)
    accounts = (
        args.accounts
        if args.accounts is not None
        else (LARGE_ACCOUNTS if args.large else QUICK_ACCOUNTS if quick else DEFAULT_ACCOUNTS)
    )
    big = args.big_account or (MID_SIZE if quick else BIG_ACCOUNT)
    plan = Plan(
        accounts=accounts,
        big_account=big,
        sizes=tuple(s for s in SIZES if s <= big) if quick else SIZES,
        clients=args.clients or ((1, 10) if quick else (1, 10, 50)),
        rounds=_given(args.rounds, 2 if quick else 3),
        requests=_given(args.requests, 10 if quick else 60),
        op_requests=_given(args.op_requests, 5 if quick else 20),
        peer=not args.no_peer,
    )
    for name in ("rounds", "requests", "op_requests"):
        if getattr(plan, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if plan.accounts < len(plan.sizes):
        parser.error(f"--accounts must be at least {len(plan.sizes)}")
    return args, plan


def _given(value: int | None, default: int) -> int:
    return default if value is None else value


def people_per_account(bundle: Path) -> dict[str, int]:
    """Head counts per company from a bundle's ``people.csv``."""
    with (bundle / "people.csv").open(encoding="utf-8", newline="") as f:
        return dict(Counter(row["company_id"] for row in csv.DictReader(f)))


# -- the load generator -------------------------------------------------------------------------

Call = Callable[[], Awaitable[None]]


async def run_load(call: Call, clients: int, requests: int) -> Stats:
    """``requests`` calls from ``clients`` concurrent workers; each call timed on its own."""
    latencies: list[float] = []
    failures: list[str] = []
    remaining = requests

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            began = time.perf_counter()
            try:
                await call()
            except Exception as exc:  # counted, reported; a failing target must not stop the run
                failures.append(f"{type(exc).__name__}: {exc}"[:300])
                continue
            latencies.append(time.perf_counter() - began)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    wall = time.perf_counter() - began
    return summarize(latencies, wall, len(failures), failures[0] if failures else "")


class GraphQLError(RuntimeError):
    """A GraphQL answer with errors, or not 200."""


async def post_graphql(
    client: Any, url: str, query: str, variables: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    response = await client.post(
        url, json={"query": query, "variables": variables}, headers=headers
    )
    if response.status_code != 200:
        raise GraphQLError(f"{url}: HTTP {response.status_code}: {response.text[:300]}")
    body: dict[str, Any] = response.json()
    if body.get("errors"):
        raise GraphQLError(f"{url}: {json.dumps(body['errors'])[:500]}")
    return body


# -- processes and their memory -----------------------------------------------------------------


def rss_mb(pid: int) -> float:
    """A process's resident set (``VmRSS``) in MiB; 0 if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


class RssSampler:
    """The highest RSS of some processes, sampled every 50 ms while it runs."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.peak: dict[str, float] = {name: 0.0 for name in pids}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            for name, pid in self.pids.items():
                self.peak[name] = max(self.peak[name], rss_mb(pid))

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def wait_for_line(proc: subprocess.Popen[str], prefix: str, timeout: float, name: str) -> str:
    """The first stdout line of ``proc`` that starts with ``prefix``."""
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith(prefix):
            return line[len(prefix) :].strip()
        if not line and proc.poll() is not None:
            raise SystemExit(f"{name} exited with code {proc.returncode} before it was ready")
    raise SystemExit(f"{name} was not ready after {timeout:.0f}s")


def wait_http(url: str, timeout: float, name: str, proc: subprocess.Popen[bytes]) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{name} exited with code {proc.returncode}; see its log")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{name} did not answer {url} within {timeout:.0f}s")


@contextmanager
def child(
    cmd: list[str], env: dict[str, str], log: Path, cwd: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """A child process with its output in ``log``, terminated (then killed) on the way out."""
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def abmgraph_env(work: Path, uri: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ABMGRAPH_", "NEO4J_"))}
    return {
        **env,
        "ABMGRAPH_STORE": "neo4j",
        "NEO4J_URI": uri,
        "ABMGRAPH_DATA_DIR": str(work / "data"),
        "ABMGRAPH_AUTH": "required",
        **extra,
    }


def create_key(work: Path, uri: str) -> str:
    """A strategist service account's API key from ``abmgraph keys create``."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "graph_service",
            "keys",
            "create",
            "--service",
            "bench",
            "--role",
            "strategist",
            "--name",
            "bench/serving.py",
        ],
        env=abmgraph_env(work, uri),
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"abmgraph keys create failed: {result.stderr.strip()}")
    return result.stdout.strip().splitlines()[-1]


def npm_ci() -> None:
    """``npm ci`` in bench/peer unless its node_modules is as new as its lockfile."""
    marker = PEER_DIR / "node_modules" / ".package-lock.json"
    lock = PEER_DIR / "package-lock.json"
    if marker.exists() and marker.stat().st_mtime >= lock.stat().st_mtime:
        return
    print("-- npm ci (bench/peer) ...", file=sys.stderr, flush=True)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PEER_DIR, check=True)


# -- the run ------------------------------------------------------------------------------------


@dataclass
class Targets:
    """What the calls need: URLs, the key, the accounts, clients (set in :func:`measure`)."""

    us: str
    cold: str
    peer: str | None
    key: str
    accounts: dict[int, tuple[str, int]]
    targets_of: dict[str, str]  # account id -> an influence-path target person
    uri: str
    driver: Any = None
    http: Any = None


def floor_sections() -> Any:
    """The parts of the account view our API reads for :data:`OUR_ACCOUNT_VIEW` (what its
    selection asks for; tests/test_bench_serving.py checks the API derives exactly these)."""
    from graph_service.domain import AccountSections

    return AccountSections.only(
        business_units=True,
        people=True,
        account_team=True,
        deals=True,
        touch_count=True,
        touch_limit=RECENT_TOUCHES,
    )


def floor_params(account: str) -> dict[str, Any]:
    """The parameters of the store's account-view Cypher for ``account``, as our API sends
    them for :data:`OUR_ACCOUNT_VIEW`."""
    from graph_service.store.neo4j.reads import account_params

    return account_params([account], None, floor_sections())


def floor_call(t: Targets, account: str) -> Call:
    from graph_service.store.neo4j.reads import ACCOUNT_VIEW

    async def call() -> None:
        records, _, _ = await t.driver.execute_query(
            ACCOUNT_VIEW, floor_params(account), database_="neo4j", routing_="r"
        )
        if not records:
            raise RuntimeError(f"no account {account}")

    return call


def graphql_call(t: Targets, url: str, query: str, variables: dict[str, Any], auth: bool) -> Call:
    headers = {"Authorization": f"Bearer {t.key}"} if auth else {}

    async def call() -> None:
        await post_graphql(t.http, url, query, variables, headers)

    return call


def view_call(t: Targets, target: str, account: str) -> Call:
    if target == "floor":
        return floor_call(t, account)
    if target == "us":
        return graphql_call(t, t.us, OUR_ACCOUNT_VIEW, {"id": account}, auth=True)
    if target == "uncached":
        return graphql_call(t, t.cold, OUR_ACCOUNT_VIEW, {"id": account}, auth=True)
    assert t.peer is not None
    return graphql_call(t, t.peer, PEER_ACCOUNT_VIEW, {"id": account}, auth=False)


def op_call(t: Targets, op: str, account: str) -> Call:
    variables: dict[str, Any] = {} if op == "targetList" else {"id": account}
    url = t.us
    if op.startswith("influencePaths"):
        variables["target"] = t.targets_of[account]
        url = t.cold if op.endswith("(cold)") else t.us
    return graphql_call(t, url, OPERATIONS[op.split(" ", maxsplit=1)[0]], variables, auth=True)


def influence_target(uri: str, account: str) -> str:
    """A person of ``account`` that the account team reaches: its most senior person."""
    import neo4j

    with neo4j.GraphDatabase.driver(uri) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (p:Person)-[:WORKS_AT]->(:Company {id: $id}) WHERE NOT (p)-[:REPORTS_TO]->() "
            "RETURN p.id AS id ORDER BY id LIMIT 1",
            id=account,
        )
    return str(records[0]["id"])


async def same_data(t: Targets) -> dict[str, Any]:
    """Whether ours, the peer and the floor give the same people, touches and counts."""
    from graph_service.store.neo4j.reads import ACCOUNT_VIEW

    checks: dict[str, Any] = {}
    auth = {"Authorization": f"Bearer {t.key}"}
    for size, (account, _) in t.accounts.items():
        ours = (await post_graphql(t.http, t.us, OUR_ACCOUNT_VIEW, {"id": account}, auth))["data"][
            "account"
        ]
        records, _, _ = await t.driver.execute_query(
            ACCOUNT_VIEW, floor_params(account), database_="neo4j", routing_="r"
        )
        floor = records[0]
        check: dict[str, Any] = {
            "account": account,
            "people": len(ours["people"]),
            "touches": ours["touchCount"],
            "floor_people": len(floor["people"]),
            "floor_touches": floor["touch_count"],
        }
        same = {
            "floor_people": {p["id"] for p in floor["people"]} == {p["id"] for p in ours["people"]},
            "floor_touch_count": floor["touch_count"] == ours["touchCount"],
            "floor_recent_touches": {x["id"] for x in floor["touches"]}
            == {x["id"] for x in ours["recentTouches"]},
        }
        if t.peer is not None:
            peer = (await post_graphql(t.http, t.peer, PEER_ACCOUNT_VIEW, {"id": account}, {}))[
                "data"
            ]["companies"][0]
            our_people = {p["id"] for p in ours["people"]}
            peer_people = {p["id"] for p in peer["people"]}
            same |= {
                "peer_people": our_people == peer_people,
                "peer_recent_touches": [x["id"] for x in ours["recentTouches"]]
                == [x["id"] for x in peer["recentTouches"]],
                "peer_touch_count": ours["touchCount"] == peer["touchCount"],
                "peer_deals": {d["id"] for d in ours["deals"]} == {d["id"] for d in peer["deals"]},
            }
            check["only_ours"] = sorted(our_people - peer_people)[:5]
            check["only_peer"] = sorted(peer_people - our_people)[:5]
        check["same"] = same
        checks[str(size)] = check
    return checks


async def healthz_probe(t: Targets, seconds_cap: float = 120.0) -> dict[str, Any]:
    """``/healthz`` probed every 10 ms while a portfolio-wide query runs on our server."""
    health = t.us.replace("/graphql", "/healthz")
    auth = {"Authorization": f"Bearer {t.key}"}
    began = time.perf_counter()
    query = asyncio.create_task(post_graphql(t.http, t.us, PORTFOLIO_QUERY, {}, auth))
    await asyncio.sleep(0.05)  # let the query reach the server first
    probes: list[float] = []
    while not query.done() and time.perf_counter() - began < seconds_cap:
        sent = time.perf_counter()
        await t.http.get(health)
        probes.append(time.perf_counter() - sent)
        await asyncio.sleep(0.01)
    await query
    total = time.perf_counter() - began
    return {
        "portfolio_query_ms": round(total * 1000, 1),
        "probes": len(probes),
        "probe_p50_ms": round(percentile(probes, 50) * 1000, 2) if probes else None,
        "probe_max_ms": round(max(probes) * 1000, 2) if probes else None,
    }


async def measure(t: Targets, plan: Plan, pids: dict[str, int]) -> dict[str, Any]:
    import httpx
    import neo4j

    result: dict[str, Any] = {}
    limits = httpx.Limits(max_connections=max(plan.clients) + 2, max_keepalive_connections=64)
    async with (
        httpx.AsyncClient(timeout=300, limits=limits) as http,
        neo4j.AsyncGraphDatabase.driver(
            t.uri, max_connection_pool_size=128, notifications_min_severity="OFF"
        ) as driver,
    ):
        t.http, t.driver = http, driver
        result["same_data"] = await same_data(t)
        print(f"-- same data: {json.dumps(result['same_data'])}", file=sys.stderr, flush=True)

        health = t.us.replace("/graphql", "/healthz")

        async def healthz() -> None:
            response = await http.get(health)
            response.raise_for_status()

        await run_load(healthz, 1, 20)  # warm the connections
        result["overhead"] = {
            str(c): asdict(await run_load(healthz, c, max(100, 10 * c))) for c in plan.clients
        }
        print(f"-- load generator on /healthz: {result['overhead']}", file=sys.stderr)

        targets = [x for x in TARGETS if x != "peer" or t.peer is not None]
        mid = t.accounts[MID_SIZE if MID_SIZE in t.accounts else max(t.accounts)][0]
        for target in targets:  # warm each target and the page cache once per account
            for account, _ in t.accounts.values():
                await run_load(view_call(t, target, account), 1, 3)
        rest = {name: rss_mb(pid) for name, pid in pids.items()}
        result["rss_at_rest_mb"] = rest

        cells: dict[str, list[dict[str, Stats]]] = {}
        with RssSampler(pids) as sampler:
            for r in range(plan.rounds):
                for size, (account, _) in t.accounts.items():
                    if account == mid and 1 in plan.clients:
                        continue  # measured at 1 client in the sweep below
                    key = f"account view, {size} people"
                    stats: dict[str, Stats] = {}
                    for target in round_order(targets, r):
                        stats[target] = await run_load(
                            view_call(t, target, account), 1, plan.requests
                        )
                    cells.setdefault(key, []).append(stats)
                for clients in plan.clients:
                    key = f"account view, {MID_SIZE} people, {clients_label(clients)}"
                    stats = {}
                    for target in round_order(targets, r):
                        n = max(plan.requests, 4 * clients)
                        stats[target] = await run_load(view_call(t, target, mid), clients, n)
                    cells.setdefault(key, []).append(stats)
                for op in [*OPERATIONS, "influencePaths (cold)"]:
                    name = "influencePaths (cached)" if op == "influencePaths" else op
                    for clients in plan.clients[:2]:
                        n = max(plan.op_requests, 2 * clients)
                        if op == "targetList":
                            n = max(2, plan.op_requests // 4) * (1 if clients == 1 else 2)
                        key = f"{name}, {clients_label(clients)}"
                        stats = {"us": await run_load(op_call(t, op, mid), clients, n)}
                        cells.setdefault(key, []).append(stats)
                print(f"-- round {r + 1}/{plan.rounds} done", file=sys.stderr, flush=True)
        result["rss_peak_mb"] = sampler.peak
        result["cells"] = {
            key: [{name: asdict(s) for name, s in row.items()} for row in rows]
            for key, rows in cells.items()
        }
        result["ratios"] = ratios(cells, plan)
        result["healthz_probe"] = await healthz_probe(t)
    return result


def ratios(cells: dict[str, list[dict[str, Stats]]], plan: Plan) -> dict[str, Any]:
    """The issue's ratios, each taken within rounds."""
    out: dict[str, Any] = {}

    def put(name: str, ratio: Ratio | None) -> None:
        out[name] = asdict(ratio) if ratio else None

    one = f"account view, {MID_SIZE} people, 1 client"
    ten = f"account view, {MID_SIZE} people, 10 clients"
    for size in plan.sizes:
        key = f"account view, {size} people"
        if key not in cells:  # the sweep's account: its 1-client cell
            key = one
        put(
            f"p50 us/floor, {size} people, 1 client",
            ratio_by_round(cells[key], "us", "floor", "p50_ms"),
        )
        put(
            f"p50 us/peer, {size} people, 1 client",
            ratio_by_round(cells[key], "us", "peer", "p50_ms"),
        )
    if one in cells:
        put("p50 us/floor, 1 client", ratio_by_round(cells[one], "us", "floor", "p50_ms"))
        put(
            "p50 uncached/floor, 1 client",
            ratio_by_round(cells[one], "uncached", "floor", "p50_ms"),
        )
    if ten in cells:
        for ours in ("us", "uncached"):
            put(f"p95 {ours}/peer, 10 clients", ratio_by_round(cells[ten], ours, "peer", "p95_ms"))
            put(f"req/s {ours}/peer, 10 clients", ratio_by_round(cells[ten], ours, "peer", "rps"))
            put(
                f"req/s {ours}/floor, 10 clients",
                ratio_by_round(cells[ten], ours, "floor", "rps"),
            )
        for op in ("coverageGaps", "nextBestTouches"):
            joined = [
                {"op": o["us"], "view": v["us"]}
                for o, v in zip(cells[f"{op}, 10 clients"], cells[ten], strict=True)
            ]
            put(f"p95 {op}/view, 10 clients", ratio_by_round(joined, "op", "view", "p95_ms"))
    return out


# -- the report ---------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    mem = 0.0
    model = platform.processor()
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = round(int(line.split()[1]) / 1024**2, 1)
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "memory_gib": mem,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "system": f"{platform.system()} {platform.release()}",
    }


def versions(uri: str) -> dict[str, str]:
    from importlib.metadata import version

    import httpx
    import neo4j
    import uvicorn

    with neo4j.GraphDatabase.driver(uri) as driver:
        records, _, _ = driver.execute_query(
            "CALL dbms.components() YIELD name, versions RETURN versions[0] AS v"
        )
    peer: dict[str, str] = {}
    for package in ("@neo4j/graphql", "@apollo/server", "graphql", "neo4j-driver"):
        meta = PEER_DIR / "node_modules" / package / "package.json"
        if meta.exists():
            peer[package] = json.loads(meta.read_text())["version"]
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=False)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    return {
        "abmgraph": commit.stdout.strip(),
        "python": platform.python_version(),
        "neo4j": str(records[0]["v"]),
        "neo4j python driver": neo4j.__version__,
        "strawberry": version("strawberry-graphql"),
        "uvicorn": uvicorn.__version__,
        "httpx": httpx.__version__,
        "node": node.stdout.strip(),
        **peer,
    }


def markdown(result: dict[str, Any]) -> str:
    meta = result["meta"]
    m = meta["machine"]
    lines = [
        f"# Serving: floor, us, peer ({meta['when']})",
        "",
        f"{m['cpus']} CPUs ({m['cpu']}), {m['memory_gib']} GiB, load average at start "
        f"{m['load_average']}; {meta['neo4j']}; {meta['accounts']:,} accounts; "
        f"{meta['rounds']} interleaved rounds.",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()) + ".",
        "",
        "Accounts: "
        + ", ".join(
            f"{a} ({n:,} people, {result['same_data'][str(s)]['touches']:,} touches)"
            for s, (a, n) in ((int(k), v) for k, v in meta["picked"].items())
        )
        + ".",
        "",
        "Load generator on /healthz (its own overhead): "
        + "; ".join(
            f"{clients_label(int(c))} p50 {s['p50_ms']:.2f} ms, p95 {s['p95_ms']:.2f} ms, "
            f"{s['rps']:,.0f} req/s"
            for c, s in result["overhead"].items()
        )
        + ".",
        "",
        "| operation | target | p50 ms | p95 ms | p99 ms | req/s | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, rows in result["cells"].items():
        for target in rows[0]:
            got = [row[target] for row in rows if target in row]
            errors = sum(x["errors"] for x in got)
            got = [x for x in got if x["n"] > 0]
            if not got:
                first = next(x["error"] for x in (row[target] for row in rows) if x["error"])
                lines.append(f"| {key} | {target} | | | | | {errors}: {first[:120]} |")
                continue
            med = {
                k: statistics.median(x[k] for x in got)
                for k in ("p50_ms", "p95_ms", "p99_ms", "rps")
            }
            lines.append(
                f"| {key} | {target} | {med['p50_ms']:,.1f} | {med['p95_ms']:,.1f} | "
                f"{med['p99_ms']:,.1f} | {med['rps']:,.1f} | {errors} |"
            )
    lines += [
        "",
        "(Each figure: the median over rounds.)",
        "",
        "| ratio (within each round) | median | range |",
        "| --- | ---: | --- |",
    ]
    for name, ratio in result["ratios"].items():
        if ratio is None:
            lines.append(f"| {name} | n/a | |")
        else:
            lines.append(
                f"| {name} | {ratio['median']:.2f} | {ratio['low']:.2f} - {ratio['high']:.2f} |"
            )
    probe = result["healthz_probe"]
    lines += [
        "",
        f"/healthz during targetList over all accounts ({probe['portfolio_query_ms']:,.0f} ms): "
        f"{probe['probes']} probes, p50 {probe['probe_p50_ms']} ms, "
        f"max {probe['probe_max_ms']} ms.",
        "",
        "RSS at rest (MiB): "
        + ", ".join(f"{k} {v:,.0f}" for k, v in result["rss_at_rest_mb"].items())
        + "; peak under load: "
        + ", ".join(f"{k} {v:,.0f}" for k, v in result["rss_peak_mb"].items())
        + ".",
        "",
        "Same data (ours vs peer and floor): "
        + "; ".join(
            f"{c['account']}: "
            + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in c["same"].items())
            for c in result["same_data"].values()
        ),
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    args, plan = parse_args(argv)
    from results_io import save_results

    from graph_service.neo4j_embedded import EmbeddedNeo4j, free_port
    from graph_service.store.neo4j import Neo4jStore
    from loaders.bundle import load_bundle
    from loaders.generate import generate_bundle

    if plan.peer:
        npm_ci()
    work = Path(tempfile.mkdtemp(prefix="abmgraph-serving-"))
    bundle = args.bundle or work / "bundle"
    if not (bundle / "people.csv").exists():
        print(f"-- generating {plan.accounts:,} accounts ...", file=sys.stderr, flush=True)
        generate_bundle(bundle, plan.accounts, args.seed, first_account_people=plan.big_account)
    picked = pick_accounts(people_per_account(bundle), plan.sizes)
    print(f"-- accounts: {picked}", file=sys.stderr, flush=True)
    print(
        f"-- starting embedded Neo4j (heap {args.heap}, page cache {args.pagecache_mb} MiB"
        f"{', APOC' if plan.peer else ''}) ...",
        file=sys.stderr,
        flush=True,
    )
    server = EmbeddedNeo4j(
        work / "neo4j", heap=args.heap, pagecache_mb=args.pagecache_mb, apoc=plan.peer
    )
    uri = server.start()
    try:
        store = Neo4jStore(uri)
        try:
            store.clear()
            store.ensure_schema()
            print("-- loading ...", file=sys.stderr, flush=True)
            began = time.perf_counter()
            report = load_bundle(bundle, store)
            load_s = time.perf_counter() - began
            if not report.ok:
                raise SystemExit("the generated bundle did not load cleanly")
        finally:
            store.close()
        print(f"   loaded in {load_s:.0f}s", file=sys.stderr, flush=True)
        key = create_key(work, uri)
        logs = work / "logs"
        logs.mkdir()
        us_port, cold_port, peer_port = free_port(), free_port(), free_port()
        serve = [sys.executable, "-m", "graph_service", "serve", "--port"]
        with (
            child([*serve, str(us_port)], abmgraph_env(work, uri), logs / "us.log", REPO) as us,
            child(
                [*serve, str(cold_port)],
                abmgraph_env(work, uri, ABMGRAPH_PATH_CACHE_SIZE="0", ABMGRAPH_VIEW_CACHE_SIZE="0"),
                logs / "us-cold.log",
                REPO,
            ) as cold,
        ):
            wait_http(f"http://127.0.0.1:{us_port}/readyz", 120, "abmgraph serve", us)
            wait_http(f"http://127.0.0.1:{cold_port}/readyz", 120, "abmgraph serve (cold)", cold)
            pids = {"us": us.pid, "neo4j": server.pid}
            peer_url: str | None = None
            peer_proc: subprocess.Popen[bytes] | None = None
            peer_ctx = None
            if plan.peer:
                env = {**os.environ, "NEO4J_URI": uri, "PORT": str(peer_port)}
                peer_ctx = child(["node", "server.mjs"], env, logs / "peer.log", PEER_DIR)
                peer_proc = peer_ctx.__enter__()
                peer_url = f"http://127.0.0.1:{peer_port}/"
                wait_peer(peer_url, peer_proc, logs / "peer.log")
                pids["peer"] = peer_proc.pid
            try:
                mid = picked[MID_SIZE if MID_SIZE in picked else max(picked)][0]
                t = Targets(
                    us=f"http://127.0.0.1:{us_port}/graphql",
                    cold=f"http://127.0.0.1:{cold_port}/graphql",
                    peer=peer_url,
                    key=key,
                    accounts=picked,
                    targets_of={mid: influence_target(uri, mid)},
                    uri=uri,
                )
                measured = asyncio.run(measure(t, plan, pids))
            finally:
                if peer_ctx is not None:
                    peer_ctx.__exit__(None, None, None)
        meta = {
            "when": datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": machine(),
            "versions": versions(uri),
            "neo4j": f"embedded Neo4j (heap {args.heap}, page cache {args.pagecache_mb} MiB)",
            "accounts": plan.accounts,
            "rounds": plan.rounds,
            "plan": asdict(plan),
            "picked": {str(k): v for k, v in picked.items()},
            "load_seconds": round(load_s, 1),
        }
    except BaseException:
        server.stop()
        print(f"kept for a look: {work} (logs/, neo4j/)", file=sys.stderr)
        raise
    server.stop()
    shutil.rmtree(work, ignore_errors=True)  # the database, logs, a bundle not asked kept
    result = {"meta": meta, **measured, "targets": targets_met(measured)}
    path = save_results("serving", result, markdown(result))
    print(f"written: {path} and .md", file=sys.stderr)


def wait_peer(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the peer exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        if "READY " in log.read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise SystemExit(f"the peer was not ready after {timeout:.0f}s; see {log}")


def targets_met(measured: dict[str, Any]) -> dict[str, Any]:
    """Each of issue 16's serving targets: the measured median ratio (or ms) and whether met."""
    r = measured["ratios"]

    def check(name: str, limit: float, *, at_most: bool) -> dict[str, Any]:
        got = r.get(name)
        if got is None:
            return {"measured": None, "target": limit, "met": None}
        value = got["median"]
        return {
            "measured": value,
            "target": limit,
            "met": value <= limit if at_most else value >= limit,
        }

    probe = measured["healthz_probe"]["probe_max_ms"]
    uncached = {  # the same targets for the service with its caches off, for reading beside
        f"{name.replace('us/', 'uncached/')} (caches off)": check(
            name.replace("us/", "uncached/"), limit, at_most=at_most
        )
        for name, limit, at_most in (
            ("p50 us/floor, 1 client", TARGET_P50_VS_FLOOR, True),
            ("p95 us/peer, 10 clients", 1.0, True),
            ("req/s us/peer, 10 clients", TARGET_RPS_VS_PEER, False),
            ("req/s us/floor, 10 clients", TARGET_RPS_VS_FLOOR, False),
        )
    }
    return {
        "p50 us/floor, 1 client": check(
            "p50 us/floor, 1 client", TARGET_P50_VS_FLOOR, at_most=True
        ),
        "p95 us/peer, 10 clients": check("p95 us/peer, 10 clients", 1.0, at_most=True),
        "req/s us/peer, 10 clients": check(
            "req/s us/peer, 10 clients", TARGET_RPS_VS_PEER, at_most=False
        ),
        "req/s us/floor, 10 clients": check(
            "req/s us/floor, 10 clients", TARGET_RPS_VS_FLOOR, at_most=False
        ),
        "p95 coverageGaps/view, 10 clients": check(
            "p95 coverageGaps/view, 10 clients", TARGET_OPS_VS_VIEW, at_most=True
        ),
        "p95 nextBestTouches/view, 10 clients": check(
            "p95 nextBestTouches/view, 10 clients", TARGET_OPS_VS_VIEW, at_most=True
        ),
        "/healthz during a portfolio query (max ms)": {
            "measured": probe,
            "target": TARGET_HEALTHZ_MS,
            "met": None if probe is None else probe < TARGET_HEALTHZ_MS,
        },
        **uncached,
    }


if __name__ == "__main__":
    main()
