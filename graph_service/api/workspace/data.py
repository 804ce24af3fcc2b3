"""The data of every workspace page: the app's own GraphQL schema, executed with the caller's
:class:`~graph_service.api.context.Context`, so a page sees exactly what the API would answer
that caller (scope, limits, errors): an account another rep owns is the same ``NotFound`` as
an unknown id.

The documents are constants; values travel as variables only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from strawberry.schema.base import BaseSchema

from graph_service.analytics.params import AnalyticsParams
from graph_service.analytics.path_cache import PathGraphCache
from graph_service.api.context import Context
from graph_service.api.execution import StoreCalls
from graph_service.store.base import Store

#: Error codes that are the caller's doing (a bad date, a bad filter): the page says so (400).
CLIENT_CODES = frozenset({"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED", "NOT_FOUND"})
STORE_DOWN = "STORE_UNAVAILABLE"

PORTFOLIO = """
query WorkspacePortfolio($filter: PortfolioFilter, $asOf: Date, $after: String) {
  targetList(first: 500, after: $after, filter: $filter, asOf: $asOf) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      accountId name rank score tier coverage segment champion ownerIds reasons
      whitespace { amount currency }
    } }
  }
}
"""

ACCOUNTS = """
query WorkspaceAccounts($after: String) {
  accounts(first: 500, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id name industry country
      accountTeam { role member { id fullName } }
    } }
  }
}
"""

ACCOUNT = """
query WorkspaceAccount($id: ID!) {
  account(id: $id) {
    __typename
    ... on NotFound { message }
    ... on Account {
      id name industry country parentId
      businessUnits { id name parentId }
      people {
        id fullName title businessUnitId reportsToId leftAt isChampion
        roles { role businessUnitId since until }
      }
      accountTeam { role member { id fullName } }
      deals(openOnly: true) { id name stage amount { amount currency } businessUnitId }
      recentTouches(limit: 20) {
        id type occurredAt direction notes personId memberId
      }
      nextActions { id dueDate description status personId memberId }
    }
  }
}
"""

ANSWERS = """
fragment Share on WalletShare {
  spend { amount } wallet { amount } share whitespace { amount }
}
fragment Seat on RoleCoverage {
  role status engagedPersonIds coldPersonIds coolingPersonIds
}
fragment Row on UnitCoverageRow {
  businessUnitId name score roles { ...Seat } champion { ...Seat }
}
query WorkspaceAnswers($id: ID!, $asOf: Date) {
  coverageGaps(accountId: $id, asOf: $asOf) {
    __typename
    ... on CoverageGaps {
      asOf score noEngagedPeople structurallySingleThreaded whitespaceBusinessUnitIds
      account { ...Row }
      businessUnits { ...Row }
      championRisks { personId reasons }
      singleThreadedDeals { dealId name }
      people { personId status band lastTouch }
    }
  }
  nextBestTouches(accountId: $id, asOf: $asOf) {
    __typename
    ... on NextBestTouches {
      touches { gap role status businessUnitId dealId personId why path { memberId strength } }
    }
  }
  shareOfWallet(accountId: $id, asOf: $asOf) {
    __typename
    ... on ShareOfWallet {
      currency
      total { ...Share }
      byCategory { category share { ...Share } }
      byBusinessUnit { businessUnitId share { ...Share } }
    }
  }
}
"""


class PageQueryError(Exception):
    """A page's query failed: ``code`` is the first error's ``extensions.code``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code

    @property
    def status(self) -> int:
        """The page's HTTP status: 400 for the caller's mistake, 503 for a store outage."""
        if self.code in CLIENT_CODES:
            return 400
        return 503 if self.code == STORE_DOWN else 500


@dataclass(frozen=True)
class Executor:
    """Runs the app's schema as the request's caller would over ``/graphql``."""

    schema: BaseSchema
    store: Store
    params: AnalyticsParams
    path_cache: PathGraphCache | None
    #: A request's way to the app's store worker (a fresh one per page).
    calls: Callable[[], StoreCalls]

    def context(self, request: Request) -> Context:
        """The request's context: its caller is the one the middleware put on it."""
        return Context.for_request(
            request,
            store=self.store,
            params=self.params,
            path_cache=self.path_cache,
            store_calls=self.calls(),
        )

    async def run(
        self, context: Context, document: str, variables: dict[str, Any]
    ) -> dict[str, Any]:
        """The data of ``document``; a :class:`PageQueryError` when it answered errors."""
        result = await self.schema.execute(
            document, variable_values=variables, context_value=context
        )
        if result.errors:
            first = result.errors[0]
            code = str((first.extensions or {}).get("code", "INTERNAL_SERVER_ERROR"))
            raise PageQueryError(code, first.message)
        assert result.data is not None
        return dict(result.data)

    async def pages(
        self, context: Context, document: str, field: str, variables: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Every node of the connection ``field``, page after page."""
        nodes: list[dict[str, Any]] = []
        after: str | None = None
        while True:
            data = await self.run(context, document, {**variables, "after": after})
            connection = data[field]
            nodes.extend(edge["node"] for edge in connection["edges"])
            if not connection["pageInfo"]["hasNextPage"]:
                return nodes
            after = connection["pageInfo"]["endCursor"]
