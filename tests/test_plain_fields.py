"""Plain fields answered in one step give graphql-core's answer, errors included (issue 16;
graph_service/api/plain_fields.py).

Each check runs one document through two copies of a schema: one with the shortcut, one with
strawberry's own executor, and holds the answers (data and errors, with their paths and
messages) equal.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import GraphQLScalarType
from hypothesis import given, settings
from hypothesis import strategies as st
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graph_service.api import plain_fields
from graph_service.api.context import Context
from graph_service.api.plain_fields import PlainFieldsExecutor, plain_field
from graph_service.api.schema import build_schema
from graph_service.store.base import Store
from tests.fixtures import load


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Item:
    name: str
    tag: str | None
    count: int | None
    score: float
    flag: bool | None
    ref: strawberry.ID | None
    colour: Colour | None

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()


@dataclass
class Loose:
    """What a resolver may hand back in place of an Item: any value in any field."""

    name: Any = "x"
    tag: Any = None
    count: Any = None
    score: Any = 0.0
    flag: Any = None
    ref: Any = None
    colour: Any = None


ITEMS: list[Any] = []


@strawberry.type
class ItemQuery:
    @strawberry.field
    def items(self) -> list[Item]:
        return ITEMS


DOCUMENT = "{ items { name tag count score flag ref colour shout alias: name } }"


class Upper(SchemaExtension):
    """A ``resolve`` hook that changes every string it sees."""

    def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        value = _next(root, info, *args, **kwargs)
        return value.upper() if isinstance(value, str) else value


def both(*extensions: Any) -> tuple[strawberry.Schema, strawberry.Schema]:
    shortcut = strawberry.Schema(
        query=ItemQuery,
        extensions=list(extensions),
        execution_context_class=PlainFieldsExecutor,
    )
    plain = strawberry.Schema(
        query=ItemQuery,
        extensions=list(extensions),
        execution_context_class=StrawberryGraphQLCoreExecutionContext,
    )
    return shortcut, plain


def answer(schema: strawberry.Schema, document: str = DOCUMENT, **kw: Any) -> dict[str, Any]:
    result = schema.execute_sync(document, **kw)
    return {
        "data": result.data,
        "errors": [
            {"message": e.message, "path": e.path, "locations": e.locations}
            for e in result.errors or ()
        ],
    }


def test_plain_fields_are_the_leaf_attributes_without_arguments_or_resolvers() -> None:
    shortcut, _ = both()
    graphql_schema = shortcut._schema
    string = graphql_schema.type_map["String"]
    assert isinstance(string, GraphQLScalarType)
    assert plain_field(graphql_schema, "Item", "name") == plain_fields.PlainField(
        "name", string, non_null=True
    )
    assert plain_field(graphql_schema, "Item", "colour") is not None
    assert plain_field(graphql_schema, "Item", "shout") is None  # a resolver
    assert plain_field(graphql_schema, "ItemQuery", "items") is None  # a list of objects
    assert plain_field(graphql_schema, "Item", "nothing") is None


def test_good_values_answer_alike() -> None:
    ITEMS[:] = [
        Item(
            name="a",
            tag=None,
            count=3,
            score=1.5,
            flag=True,
            ref=strawberry.ID("i1"),
            colour=Colour.RED,
        ),
        Item(name="b", tag="t", count=None, score=2, flag=None, ref=None, colour=None),
    ]
    shortcut, plain = both()
    assert answer(shortcut) == answer(plain)
    assert answer(shortcut)["data"]["items"][0] == {
        "name": "a",
        "tag": None,
        "count": 3,
        "score": 1.5,
        "flag": True,
        "ref": "i1",
        "colour": "RED",
        "shout": "A",
        "alias": "a",
    }


def test_a_null_in_a_non_null_field_is_graphql_cores_error() -> None:
    ITEMS[:] = [Loose(name="fine"), Loose(name=None)]
    shortcut, plain = both()
    got = answer(shortcut)
    assert got == answer(plain)
    assert got["data"] is None  # the null propagates to the non-null list item, then up
    assert got["errors"][0]["path"] == ["items", 1, "name"]


def test_a_value_the_type_refuses_is_graphql_cores_error() -> None:
    ITEMS[:] = [Loose(count="many"), Loose(score="high"), Loose(colour="green")]
    shortcut, plain = both()
    got = answer(shortcut, "{ items { count colour } }")
    assert got == answer(plain, "{ items { count colour } }")
    assert [e["path"] for e in got["errors"]] == [["items", 0, "count"], ["items", 2, "colour"]]


class Raising:
    @property
    def name(self) -> str:
        raise RuntimeError("the attribute failed")


def test_an_attribute_that_raises_is_graphql_cores_error() -> None:
    ITEMS[:] = [Raising()]
    shortcut, plain = both()
    got = answer(shortcut, "{ items { name } }")
    assert got == answer(plain, "{ items { name } }")
    assert got["errors"][0]["message"] == "the attribute failed"


def test_a_resolve_hook_sees_every_field() -> None:
    ITEMS[:] = [Loose(name="quiet", tag="low")]
    shortcut, plain = both(Upper)
    got = answer(shortcut, "{ items { name tag } }")
    assert got == answer(plain, "{ items { name tag } }")
    assert got["data"] == {"items": [{"name": "QUIET", "tag": "LOW"}]}


VALUES = st.one_of(
    st.none(),
    st.text(max_size=5),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(list(Colour)),
    st.sampled_from(["red", "RED", "green"]),
    st.builds(object),
)
LOOSE = st.builds(
    Loose,
    name=VALUES,
    tag=VALUES,
    count=VALUES,
    score=VALUES,
    flag=VALUES,
    ref=VALUES,
    colour=VALUES,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(LOOSE, max_size=4))
def test_any_values_answer_alike(items: list[Loose]) -> None:
    ITEMS[:] = items
    document = "{ items { name tag count score flag ref colour } }"
    shortcut, plain = SCHEMAS
    assert repr(answer(shortcut, document)) == repr(answer(plain, document))


SCHEMAS = both()


def test_the_account_view_is_answered_alike_and_plainly(store: Store, monkeypatch: Any) -> None:
    load(store)
    document = """{ account(id: "c1") { ... on Account {
        id name industry employees people { id fullName title businessUnitId reportsToId }
        recentTouches(limit: 5) { id type occurredAt direction personId memberId }
        deals { id name stage } touchCount } } }"""
    ours = build_schema()
    theirs = build_schema()
    theirs.execution_context_class = StrawberryGraphQLCoreExecutionContext
    plainly: list[int] = []
    answered = plain_fields.PlainFieldsExecutor.execute_fields

    def counted(self: PlainFieldsExecutor, *args: Any) -> Any:
        before = self.answered_plainly
        result = answered(self, *args)
        plainly.append(self.answered_plainly - before)
        return result

    monkeypatch.setattr(plain_fields.PlainFieldsExecutor, "execute_fields", counted)
    got = ours.execute_sync(document, context_value=Context.for_store(store))
    expected = theirs.execute_sync(document, context_value=Context.for_store(store))
    assert got.errors is None
    assert json.dumps(got.data) == json.dumps(expected.data)
    people = len(got.data["account"]["people"])  # type: ignore[index]
    assert people > 0
    assert sum(plainly) >= 5 * people  # every person's five fields, at the least
