"""What a GraphQL query costs, computed from its document before it runs (docs/limits.md).

Every field costs 1, a field that reads an account from the store 5, a field that reads one
account's analytics 50 (``nextBestTouches`` 500), a portfolio-wide field (``targetList``,
``portfolioCoverage``, ``ltvShareAnalysis``, ``rfmSegments``) 5,000 and ``influencePaths``
100 x k x maxHops. What a field selects is multiplied by how many items it returns: its page
size (``first``, ``limit``) when it has one, :data:`DEFAULT_LIST_SIZE` for other lists, and 1
for a connection's ``edges`` (already counted by the connection's ``first``); the factors
multiply down through nesting. A fragment is costed once and counted at every spread, so the
walk is linear in the document even when its expansion is exponential.

The same walk bounds lists in arguments and variables (``fromMemberIds``, ``avoidPersonIds``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
)
from graphql.pyutils import Undefined

#: The items assumed of a list without a page size (an account's people, subsidiaries, ...).
DEFAULT_LIST_SIZE = 5
#: A field that reads the whole portfolio.
PORTFOLIO_COST = 5_000
#: ``influencePaths`` costs this x k x maxHops.
PATH_COST = 100
#: Fields with their own cost; any other field costs 1.
FIELD_COSTS: Mapping[str, int] = {
    "Query.targetList": PORTFOLIO_COST,
    "Query.portfolioCoverage": PORTFOLIO_COST,
    "Query.ltvShareAnalysis": PORTFOLIO_COST,
    "Query.rfmSegments": PORTFOLIO_COST,
    "Query.nextBestTouches": 500,
    "Query.coverageGaps": 50,
    "Query.shareOfWallet": 50,
    "Query.account": 10,
    "Query.accounts": 10,
}
#: A field whose value is an account (its subgraph is read from the store when used).
ACCOUNT_COST = 5
_PAGE_ARGS = ("first", "limit")


class ListTooLongError(ValueError):
    """A list in the request's arguments or variables is longer than allowed."""


@dataclass
class QueryCost:
    """The cost of the operations of one parsed document (see the module's docstring)."""

    schema: GraphQLSchema
    document: DocumentNode
    variables: Mapping[str, Any] = field(default_factory=dict)
    #: The most items a list argument or variable may have (None: unbounded).
    max_list: int | None = None
    _fragments: dict[str, FragmentDefinitionNode] = field(init=False)
    _memo: dict[str, int] = field(init=False, default_factory=dict)
    _visiting: set[str] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self._fragments = {
            d.name.value: d
            for d in self.document.definitions
            if isinstance(d, FragmentDefinitionNode)
        }
        if self.max_list is not None:
            for name, value in self.variables.items():
                self._check_list(f"${name}", value)

    def operation(self, name: str | None = None) -> int:
        """The cost of the operation called ``name`` (None: the most costly of them).

        Raises :class:`ListTooLongError` for a list longer than ``max_list``.
        """
        costs = [
            self._selections(self._root(op), op.selection_set)
            for op in self.document.definitions
            if isinstance(op, OperationDefinitionNode)
            and (name is None or (op.name is not None and op.name.value == name))
        ]
        return max(costs, default=0)

    def _root(self, op: OperationDefinitionNode) -> GraphQLObjectType | None:
        return self.schema.get_root_type(op.operation)

    def _selections(self, parent: GraphQLNamedType | None, selection_set: SelectionSetNode) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field(parent, selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                on = self.schema.get_type(condition.name.value) if condition else parent
                total += self._selections(on, selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment(selection.name.value)
        return total

    def _fragment(self, name: str) -> int:
        if name in self._memo:
            return self._memo[name]
        fragment = self._fragments.get(name)
        if fragment is None or name in self._visiting:  # unknown or a cycle: validation says
            return 0
        self._visiting.add(name)
        on = self.schema.get_type(fragment.type_condition.name.value)
        cost = self._selections(on, fragment.selection_set)
        self._visiting.discard(name)
        self._memo[name] = cost
        return cost

    def _field(self, parent: GraphQLNamedType | None, node: FieldNode) -> int:
        name = node.name.value
        definition: GraphQLField | None = None
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) and not (
            parent.name.startswith("__")
        ):
            definition = parent.fields.get(name)
        args = self._arguments(node, definition)
        if definition is None:  # __typename, introspection, or an unknown field
            inner = self._selections(None, node.selection_set) if node.selection_set else 0
            return 1 + inner
        named, is_list = _unwrap(definition.type)
        cost = self._own_cost(parent, name, named, args)
        if node.selection_set:
            cost += self._selections(named, node.selection_set) * _multiplier(name, is_list, args)
        return cost

    def _own_cost(
        self,
        parent: GraphQLNamedType | None,
        name: str,
        named: GraphQLNamedType,
        args: Mapping[str, Any],
    ) -> int:
        key = f"{parent.name if parent else ''}.{name}"
        if key == "Query.influencePaths":
            return PATH_COST * _positive(args.get("k")) * _positive(args.get("maxHops"))
        if key in FIELD_COSTS:
            return FIELD_COSTS[key]
        return ACCOUNT_COST if named.name == "Account" else 1

    def _arguments(self, node: FieldNode, definition: GraphQLField | None) -> dict[str, Any]:
        """The field's arguments as far as the cost needs them: ints as ints, lists checked."""
        values: dict[str, Any] = {}
        if definition is not None:
            for arg_name, arg in definition.args.items():
                if arg.default_value is not Undefined:
                    values[arg_name] = arg.default_value
        for argument in node.arguments or ():
            label = f"{node.name.value}.{argument.name.value}"
            values[argument.name.value] = self._value(label, argument.value)
        return values

    def _value(self, label: str, value: ValueNode) -> Any:
        if isinstance(value, VariableNode):
            return self.variables.get(value.name.value)
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, ListValueNode):
            if self.max_list is not None and len(value.values) > self.max_list:
                raise ListTooLongError(_too_long(label, len(value.values), self.max_list))
            return [self._value(label, v) for v in value.values]
        if isinstance(value, ObjectValueNode):
            return {
                f.name.value: self._value(f"{label}.{f.name.value}", f.value) for f in value.fields
            }
        return None

    def _check_list(self, label: str, value: Any) -> None:
        assert self.max_list is not None
        if isinstance(value, list):
            if len(value) > self.max_list:
                raise ListTooLongError(_too_long(label, len(value), self.max_list))
            for item in value:
                self._check_list(label, item)
        elif isinstance(value, dict):
            for key, item in value.items():
                self._check_list(f"{label}.{key}", item)


def _too_long(label: str, size: int, limit: int) -> str:
    return f"{label} has {size:,} items; at most {limit:,} are allowed (ABMGRAPH_MAX_ID_LIST)"


def _unwrap(type_: Any) -> tuple[GraphQLNamedType, bool]:
    is_list = False
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        is_list = is_list or isinstance(type_, GraphQLList)
        type_ = type_.of_type
    named: GraphQLNamedType = type_
    return named, is_list


def _positive(value: Any) -> int:
    """An int argument as a factor: at least 1 (a bad value is validation's to refuse)."""
    return max(value, 1) if isinstance(value, int) and not isinstance(value, bool) else 1


def _multiplier(name: str, is_list: bool, args: Mapping[str, Any]) -> int:
    for page in _PAGE_ARGS:
        if page in args:
            return _positive(args[page])
    if not is_list or name == "edges":
        return 1
    return DEFAULT_LIST_SIZE


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
    *,
    max_list: int | None = None,
) -> int:
    """The cost of ``document``'s operation ``operation_name`` (see :class:`QueryCost`).

    >>> from graphql import build_schema, parse
    >>> s = build_schema("type Query { items(first: Int = 50): [A] } type A { id: ID }")
    >>> operation_cost(s, parse("{ items(first: 3) { id } }"))
    4
    """
    return QueryCost(schema, document, variables or {}, max_list).operation(operation_name)


__all__: Sequence[str] = ["ListTooLongError", "QueryCost", "operation_cost"]
