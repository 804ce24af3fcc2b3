"""The GraphQL schema: queries over the account graph, and the writes to it (mutations).

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

from graph_service import domain as dm
from graph_service.api import account_sections, context, lookup
from graph_service.api.analytics import AnalyticsQuery
from graph_service.api.audit_log import AuditLogQuery
from graph_service.api.connection import Connection, after_id, check_first
from graph_service.api.errors import ErrorPolicy, log_errors
from graph_service.api.execution import run_resolvers_off_loop
from graph_service.api.limits import limit_extensions
from graph_service.api.metrics import OperationName
from graph_service.api.mutations import Mutation
from graph_service.api.plain_fields import PlainFieldsExecutor
from graph_service.api.types import (
    Account,
    AccountFilter,
    AccountResult,
    DealResult,
    NotFound,
    PersonResult,
    TeamMember,
    TeamMemberResult,
    ViewIndex,
)
from graph_service.settings import Limits
from graph_service.store.members import seen_member


def _not_found(kind: str, id: strawberry.ID) -> NotFound:
    """The answer for an id that does not exist, and for one the caller may not see."""
    return NotFound(id=id, message=f"no {kind} with id {id!r}")


@strawberry.type
class Query(AnalyticsQuery, AuditLogQuery):
    @strawberry.field(description="One account with its units, people, team, deals and touches.")
    def account(self, info: Info[Any, Any], id: strawberry.ID) -> AccountResult:
        store = context.store(info)
        visible = context.visible(info)
        sections = account_sections.of_field(info.selected_fields[0])
        view = store.account(str(id), visible=visible, sections=sections)
        if view is None:
            return _not_found("account", id)
        return Account.of(view.company, store, view, visible=visible, sections=sections)

    @strawberry.field(description="Accounts in id order, Relay-style (first at most 500).")
    def accounts(
        self,
        info: Info[Any, Any],
        first: int = 50,
        after: str | None = None,
        filter: AccountFilter | None = None,
    ) -> Connection[Account]:
        check_first(first)
        last = after_id(after)
        store = context.store(info)
        visible = context.visible(info)
        where = filter.to_domain() if filter else AccountFilter().to_domain()
        page = store.accounts(first=first, after=last, where=where, visible=visible)
        sections = account_sections.of_connection(info.selected_fields[0])
        views: dict[str, dm.AccountView] = {}
        if sections != dm.AccountSections.only():  # the nodes show more than the company
            ids = [c.id for c in page.companies]
            found = store.account_views(ids, visible=visible, sections=sections)
            views = {v.company.id: v for v in found}
        return Connection.of(
            [
                (c.id, Account.of(c, store, views.get(c.id), visible=visible, sections=sections))
                for c in page.companies
            ],
            has_next=page.has_next,
            total=page.total,
        )

    @strawberry.field(description="One person at an account, with their roles, ties and touches.")
    def person(self, info: Info[Any, Any], id: strawberry.ID) -> PersonResult:
        found = _index_of(info, dm.Kind.PEOPLE, str(id))
        person = found.person(str(id)) if found else None
        return person or _not_found("person", id)

    @strawberry.field(description="One deal, with its owner and contacts.")
    def deal(self, info: Info[Any, Any], id: strawberry.ID) -> DealResult:
        found = _index_of(info, dm.Kind.DEALS, str(id))
        deal = found.deal(info, str(id)) if found else None
        return deal or _not_found("deal", id)

    @strawberry.field(
        description="One of our team members, with the accounts of theirs the caller sees: "
        "the caller themself, a member on the team of an account the caller sees, or (a "
        "strategist or admin) anyone."
    )
    def member(self, info: Info[Any, Any], id: strawberry.ID) -> TeamMemberResult:
        record = seen_member(
            context.store(info),
            str(id),
            caller_id=context.principal(info).member_id,
            visible=context.visible(info),
        )
        return TeamMember.of(record) if record else _not_found("team member", id)


def _index_of(info: Info[Any, Any], kind: dm.Kind, record_id: str) -> ViewIndex | None:
    """The view of the visible account the person or deal ``record_id`` belongs to."""
    store = context.store(info)
    visible = context.visible(info)
    company_id = lookup.company_of(store, kind, record_id, visible)
    view = store.account(company_id, visible=visible) if company_id else None
    return ViewIndex([view]) if view else None


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
    off and no store address in errors. Resolvers run on the request's store threads
    (:mod:`graph_service.api.execution`), plain fields are answered in one step
    (:mod:`graph_service.api.plain_fields`)."""
    extensions: list[Any] = [*(limit_extensions(limits) if limits is not None else [])]
    extensions += [lambda: ErrorPolicy(production=production), OperationName]
    if production:
        extensions.append(DisableIntrospection)
    built = _Schema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=production),
        execution_context_class=PlainFieldsExecutor,
    )
    run_resolvers_off_loop(built)
    return built


schema = build_schema()
