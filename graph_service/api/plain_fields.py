"""Completing plain fields without graphql-core's per-field machinery.

Most of an account view's answer is plain fields: an attribute of a record, a scalar or an
enum, no arguments, no resolver (a 300-person account is some 1,700 of them). graphql-core
executes each one as it would a resolver: a path, a resolve info, the resolver call, the
awaitable checks and the recursive completion, about 25 µs a field, which made the view's
answer cost more in Python than in Neo4j.

:class:`PlainFieldsExecutor` answers such a field in one step: the attribute, coerced by the
field's own type (``coerce_output_value``, as graphql-core's leaf completion does). Anything
that is not plainly a value takes graphql-core's own path from the start, so errors, their
paths and their messages are graphql-core's: a null for a non-null field, a value the type
refuses, a missing attribute, an exception or an awaitable in place of a value. The shortcut
is off when any schema extension wraps resolvers (a ``resolve`` hook must see every field).

A field is plain when strawberry resolves it as a basic field (no resolver, no field
extensions, the default resolver ``getattr``), it takes no arguments, and its type is a leaf
(scalar or enum) or a non-null leaf.
"""

from __future__ import annotations

import weakref
from typing import Any, NamedTuple

from graphql import (
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
    is_leaf_type,
)
from graphql.pyutils import Path, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

#: Values that are never awaitable: no need to ask.
_VALUES = frozenset({str, int, float, bool})


class PlainField(NamedTuple):
    """How to answer a plain field: the attribute to read and the type to coerce it by."""

    attribute: str
    leaf: GraphQLLeafType
    non_null: bool


_KNOWN: weakref.WeakKeyDictionary[GraphQLSchema, dict[tuple[str, str], PlainField | None]] = (
    weakref.WeakKeyDictionary()
)


def plain_field(schema: GraphQLSchema, type_name: str, field_name: str) -> PlainField | None:
    """How to answer ``type_name.field_name`` directly, or None when graphql-core must
    (worked out once per schema and field)."""
    known = _KNOWN.get(schema)
    if known is None:
        known = _KNOWN.setdefault(schema, {})
    key = (type_name, field_name)
    try:
        return known[key]
    except KeyError:
        found = known[key] = _plain_field(schema, type_name, field_name)
        return found


def _plain_field(schema: GraphQLSchema, type_name: str, field_name: str) -> PlainField | None:
    parent = schema.type_map.get(type_name)
    if not isinstance(parent, GraphQLObjectType):
        return None
    field = parent.fields.get(field_name)
    if field is None or field.args:
        return None
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if (
        definition is None
        or not getattr(definition, "is_basic_field", False)
        or getattr(definition, "default_resolver", None) is not getattr
        or not getattr(field.resolve, "_is_default", False)
    ):
        return None
    field_type = field.type
    non_null = isinstance(field_type, GraphQLNonNull)
    leaf = field_type.of_type if non_null else field_type
    if not is_leaf_type(leaf):
        return None
    return PlainField(definition.python_name, leaf, non_null)


class PlainFieldsExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, answering plain fields in one step (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        self.shortcut = not (manager and manager.middlewares)
        #: Each selection's plan, by the identity of its grouped field set (kept with it).
        self._plans: dict[int, tuple[Any, list[tuple[str, Any, PlainField | None]]]] = {}
        self.answered_plainly = 0

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Any,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        if not self.shortcut:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        awaitable_fields: list[str] = []
        is_awaitable = self.is_awaitable
        plainly = 0
        try:
            for response_name, field_details_list, plain in self._plan(
                parent_type, grouped_field_set
            ):
                if plain is not None:
                    answer = _answer(plain, source_value, is_awaitable)
                    if answer is not Undefined:
                        results[response_name] = answer
                        plainly += 1
                        continue
                result = self.execute_field(
                    parent_type,
                    source_value,
                    field_details_list,
                    Path(path, response_name, parent_type.name),
                    position_context,
                )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        finally:
            self.answered_plainly += plainly
        if not awaitable_fields:
            return results
        return _gathered(results, awaitable_fields)

    def _plan(
        self, parent_type: GraphQLObjectType, grouped_field_set: Any
    ) -> list[tuple[str, Any, PlainField | None]]:
        """The selection's fields in order, each with its :class:`PlainField` if it is one."""
        known = self._plans.get(id(grouped_field_set))
        if known is not None and known[0] is grouped_field_set:
            return known[1]
        plan = [
            (
                response_name,
                field_details_list,
                plain_field(self.schema, parent_type.name, field_details_list[0].node.name.value),
            )
            for response_name, field_details_list in grouped_field_set.items()
        ]
        self._plans[id(grouped_field_set)] = (grouped_field_set, plan)
        return plan


async def _gathered(results: dict[str, Any], awaitable_fields: list[str]) -> dict[str, Any]:
    """``results`` with its awaitables awaited (together), as graphql-core's own
    ``execute_fields`` does."""
    if len(awaitable_fields) == 1:
        field = awaitable_fields[0]
        results[field] = await results[field]
    else:
        awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
        results.update(zip(awaitable_fields, awaited, strict=True))
    return results


def _answer(plain: PlainField, source: Any, is_awaitable: Any) -> Any:
    """The field's answer, or Undefined when graphql-core's own path must give it (and any
    error it makes)."""
    try:
        value = getattr(source, plain.attribute)
    except Exception:
        return Undefined
    if value is None:
        return Undefined if plain.non_null else None
    if value is Undefined or isinstance(value, Exception):
        return Undefined
    if type(value) not in _VALUES and is_awaitable(value):
        return Undefined
    try:
        coerced = plain.leaf.coerce_output_value(value)
    except Exception:
        return Undefined
    return Undefined if coerced is None else coerced
