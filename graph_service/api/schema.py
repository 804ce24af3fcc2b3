"""The GraphQL schema: queries over the account graph.

Expected failures (an unknown account id) are typed results; a bad request (an invalid cursor,
a currency no rate converts) is an error whose message reaches the client and is logged in one
line; anything unexpected is masked to "Unexpected error." for the client and logged once in
full on the server (:mod:`graph_service.api.errors`).
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext, Info

from graph_service.api import context, cursor
from graph_service.api.analytics import AnalyticsQuery
from graph_service.api.errors import ErrorPolicy, log_errors
from graph_service.api.limits import limit_extensions
from graph_service.api.metrics import OperationName
from graph_service.api.types import (
    Account,
    AccountConnection,
    AccountEdge,
    AccountFilter,
    AccountResult,
    NotFound,
    PageInfo,
)
from graph_service.settings import Limits

MAX_PAGE = 500


@strawberry.type
class Query(AnalyticsQuery):
    @strawberry.field(description="One account with its units, people, team, deals and touches.")
    def account(self, info: Info[Any, Any], id: strawberry.ID) -> AccountResult:
        store = context.store(info)
        view = store.account(str(id))
        if view is None:
            return NotFound(id=id, message=f"no account with id {id!r}")
        return Account.of(view.company, store, view)

    @strawberry.field(description="Accounts in id order, Relay-style (first at most 500).")
    def accounts(
        self,
        info: Info[Any, Any],
        first: int = 50,
        after: str | None = None,
        filter: AccountFilter | None = None,
    ) -> AccountConnection:
        if not 0 <= first <= MAX_PAGE:
            raise GraphQLError(f"first must be between 0 and {MAX_PAGE}")
        try:
            after_id = cursor.decode(after) if after else None
        except ValueError as exc:
            raise GraphQLError(str(exc)) from None
        store = context.store(info)
        where = filter.to_domain() if filter else AccountFilter().to_domain()
        page = store.accounts(first=first, after=after_id, where=where)
        edges = [
            AccountEdge(cursor=cursor.encode(c.id), node=Account.of(c, store))
            for c in page.companies
        ]
        return AccountConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None
            ),
            total_count=page.total,
        )


class _Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Each error logged once, before :class:`ErrorPolicy` masks it (strawberry's own
        logging would log it again, with a traceback even for a client's mistake)."""
        log_errors(errors)


def build_schema(limits: Limits | None = None, *, production: bool = False) -> strawberry.Schema:
    """The schema with the error policy; with ``limits``, every request is held to them
    (:mod:`graph_service.api.limits`); in ``production``, introspection and field suggestions
    off and no store address in errors."""
    extensions: list[Any] = [*(limit_extensions(limits) if limits is not None else [])]
    extensions += [lambda: ErrorPolicy(production=production), OperationName]
    if production:
        extensions.append(DisableIntrospection)
    return _Schema(
        query=Query,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=production),
    )


schema = build_schema()
