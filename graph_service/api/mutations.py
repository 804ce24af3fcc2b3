"""The GraphQL mutations: each one a write of :mod:`graph_service.writes` by the caller.

Every mutation answers a union of its success type and the expected failures
(:mod:`graph_service.api.mutation_results`); only the unexpected (a bug, the store away) is
an error. Definitions and examples: docs/api.md.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from graph_service.api import context
from graph_service.api import mutation_results as results
from graph_service.api.mutation_inputs import (
    BuyingRoleInput,
    EndBuyingRoleInput,
    LogTouchInput,
    NextActionInput,
    PersonInput,
    RelationshipInput,
    WalletEstimateInput,
)
from graph_service.writes import Writer
from graph_service.writes.actions import add_next_action, complete_next_action
from graph_service.writes.people import upsert_person
from graph_service.writes.relationships import upsert_relationship
from graph_service.writes.roles import end_buying_role, set_buying_role
from graph_service.writes.touches import log_touch
from graph_service.writes.wallet import set_wallet_estimate


def _writer(info: Info[Any, Any]) -> Writer:
    """The caller's writer, seeing the companies the request already looked up (the answer
    is read back within them too)."""
    return Writer(
        context.store(info), context.principal(info), visible_ids=lambda: context.visible(info)
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Record a touch, once per idempotency key (the same key again answers the "
        "touch already recorded, created: false)."
    )
    def log_touch(self, info: Info[Any, Any], input: LogTouchInput) -> results.LogTouchResult:
        return results.touch_logged(info, log_touch(_writer(info), input.to_write()))

    @strawberry.mutation(description="Add a person to an account, or change one.")
    def upsert_person(self, info: Info[Any, Any], input: PersonInput) -> results.UpsertPersonResult:
        person_id = str(input.id) if input.id is not None else None
        return results.person_saved(info, upsert_person(_writer(info), person_id, input.patch()))

    @strawberry.mutation(description="Give a person a buying role (or hold it again).")
    def set_buying_role(
        self, info: Info[Any, Any], input: BuyingRoleInput
    ) -> results.BuyingRoleResult:
        return results.role_saved(info, set_buying_role(_writer(info), input.key(), input.since))

    @strawberry.mutation(description="End a buying role a person holds.")
    def end_buying_role(
        self, info: Info[Any, Any], input: EndBuyingRoleInput
    ) -> results.BuyingRoleResult:
        return results.role_saved(info, end_buying_role(_writer(info), input.key(), input.until))

    @strawberry.mutation(description="Record a tie between two people, or change its strength.")
    def upsert_relationship(
        self, info: Info[Any, Any], input: RelationshipInput
    ) -> results.RelationshipResult:
        return results.tie_saved(info, upsert_relationship(_writer(info), input.to_write()))

    @strawberry.mutation(description="Add a next action to an account.")
    def add_next_action(
        self, info: Info[Any, Any], input: NextActionInput
    ) -> results.NextActionResult:
        return results.action_saved(info, add_next_action(_writer(info), input.to_write()))

    @strawberry.mutation(description="Mark a next action done (again: no change).")
    def complete_next_action(
        self, info: Info[Any, Any], id: strawberry.ID
    ) -> results.NextActionResult:
        return results.action_saved(info, complete_next_action(_writer(info), str(id)))

    @strawberry.mutation(description="Set what an account spends a year in a category.")
    def set_wallet_estimate(
        self, info: Info[Any, Any], input: WalletEstimateInput
    ) -> results.WalletEstimateResult:
        return results.estimate_saved(info, set_wallet_estimate(_writer(info), input.to_write()))
