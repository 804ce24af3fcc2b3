"""Configuration, read once from the environment (prefix ``ABMGRAPH_``; Neo4j's own ``NEO4J_*``)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import platformdirs
from pydantic import AliasChoices, Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class StoreKind(StrEnum):
    """Which store holds the graph."""

    MEMORY = "memory"
    NEO4J = "neo4j"


class Environment(StrEnum):
    """How the service runs: ``production`` is locked down (docs/security.md)."""

    DEVELOPMENT = "development"
    PRODUCTION = "production"


class AuthMode(StrEnum):
    """When the service asks for credentials (``ABMGRAPH_AUTH``; docs/authentication.md):
    ``auto`` as soon as any are configured, ``required`` always, ``open`` never (development
    only)."""

    AUTO = "auto"
    REQUIRED = "required"
    OPEN = "open"


#: The shortest ``ABMGRAPH_SESSION_SECRET`` accepted.
MIN_SESSION_SECRET = 32


def _comma_list(value: object) -> object:
    """``"a, b"`` as ``["a", "b"]`` (lists pass as they are)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def default_data_dir() -> Path:
    """The per-user data directory of the embedded store."""
    return Path(platformdirs.user_data_dir("abmgraph"))


class Limits(BaseSettings):
    """Bounds on what one request may ask of the service, each refused before it runs
    (docs/limits.md). Environment ``ABMGRAPH_<NAME>``, e.g. ``ABMGRAPH_QUERY_COST_BUDGET``."""

    model_config = SettingsConfigDict(env_prefix="ABMGRAPH_", extra="ignore")

    #: Fields nested inside one another (introspection not counted).
    max_query_depth: int = Field(default=10, ge=1)
    #: Aliased fields in one document, fragments expanded.
    max_aliases: int = Field(default=30, ge=0)
    #: Tokens of one document; parsing stops at the first one over.
    max_tokens: int = Field(default=2_000, ge=1)
    #: The cost a query may add up to (graph_service/api/cost.py).
    query_cost_budget: int = Field(default=25_000, ge=1)
    #: Items of a list argument or variable (``fromMemberIds``, ``avoidPersonIds``).
    max_id_list: int = Field(default=100, ge=1)
    #: Bytes of a request body; more is refused with 413 before it is read.
    max_body_bytes: int = Field(default=1_000_000, ge=1)
    #: Seconds a request body may take to arrive in full (408 after).
    body_timeout: float = Field(default=10.0, gt=0)
    #: Seconds a GraphQL request may run before it is cancelled.
    request_timeout: float = Field(default=30.0, gt=0)
    #: Seconds one Neo4j transaction may run (the server stops it after).
    store_timeout: float = Field(default=30.0, gt=0)
    #: Seconds the Neo4j driver keeps retrying a transaction that failed for a transient
    #: reason (the server unreachable included) before the call fails as "store unavailable":
    #: under the request timeout, so that an outage answers STORE_UNAVAILABLE.
    store_retry_time: float = Field(default=10.0, gt=0)
    #: Seconds a connection may take to send a request's headers.
    header_timeout: float = Field(default=10.0, gt=0)
    #: Seconds an idle keep-alive connection stays open.
    keep_alive_timeout: int = Field(default=5, ge=1)
    #: Bytes of a request's headers (uvicorn's ``h11_max_incomplete_event_size``).
    max_header_bytes: int = Field(default=16_384, ge=1024)
    #: Connections and tasks at once; more are answered 503 (uvicorn's ``limit_concurrency``).
    max_concurrency: int = Field(default=100, ge=1)


class Settings(BaseSettings):
    """All of abmgraph's settings.

    ``store`` selects the embedded store (``memory``: networkx in process, persisted to
    ``data_dir``) or a Neo4j server at ``neo4j_uri``.
    """

    model_config = SettingsConfigDict(env_prefix="ABMGRAPH_", extra="ignore")

    store: StoreKind = StoreKind.MEMORY
    data_dir: Path = Field(default_factory=default_data_dir)
    neo4j_uri: str | None = Field(
        default=None, validation_alias=AliasChoices("NEO4J_URI", "ABMGRAPH_NEO4J_URI")
    )
    neo4j_user: str | None = Field(
        default=None, validation_alias=AliasChoices("NEO4J_USER", "ABMGRAPH_NEO4J_USER")
    )
    neo4j_password: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("NEO4J_PASSWORD", "ABMGRAPH_NEO4J_PASSWORD")
    )
    neo4j_database: str = Field(
        default="neo4j", validation_alias=AliasChoices("NEO4J_DATABASE", "ABMGRAPH_NEO4J_DATABASE")
    )
    batch_size: int = Field(default=5000, ge=1)
    host: str = "127.0.0.1"
    port: int = 8000
    graphiql: bool = True
    #: The shared token of earlier versions, no longer accepted: set, it is an error, so that
    #: a service someone believes protected never runs open.
    api_token: SecretStr | None = None
    #: Threads the API's resolvers read the store on: None, 1 for the embedded store (its
    #: reads go one at a time anyway) and 8 for Neo4j, where requests then overlap.
    store_threads: int | None = Field(default=None, ge=1, le=64)

    #: Accounts whose influence-path graphs the service keeps (reused while the data is
    #: unchanged); 0 turns the cache off.
    path_cache_size: int = Field(default=32, ge=0)
    #: Single-account views the service keeps (reused while the data is unchanged,
    #: :mod:`graph_service.store.view_cache`); 0 turns the cache off.
    view_cache_size: int = Field(default=32, ge=0)
    #: Portfolio rollups on Neo4j run one scan per kind of fact, this many at once.
    rollup_workers: int = Field(default=4, ge=1)
    #: The currency (ISO 4217) answers are in unless a request asks for another; also what
    #: the data's rates are against when the rates do not say. None: the data's base currency.
    reporting_currency: str | None = None
    #: What one request may ask of the service (docs/limits.md).
    limits: Limits = Field(default_factory=Limits)

    #: ``production``: GraphiQL, introspection and field suggestions off, errors masked, the API
    #: credentials required, the Host allow-list on (docs/security.md).
    env: Environment = Environment.DEVELOPMENT
    #: When the service asks for credentials (API keys, JWTs; docs/authentication.md);
    #: declared after ``env``, which it is checked against.
    auth: AuthMode = AuthMode.AUTO
    #: ``Host`` names answered (comma-separated); unset: any in development, ``localhost`` and
    #: ``127.0.0.1`` in production.
    allowed_hosts: Annotated[list[str] | None, NoDecode] = None
    #: Origins browsers may call the API from (comma-separated; CORS); none by default.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    #: The key that signs the account workspace's session cookies (docs/workspace.md), at
    #: least 32 characters; required in production. Unset in development: a random key per
    #: process, so that sessions end when the service restarts.
    session_secret: SecretStr | None = None

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _hosts(cls, value: object) -> object:
        return _comma_list(value) or None  # set but empty: the default

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> object:
        return _comma_list(value)

    @field_validator("session_secret")
    @classmethod
    def _long_session_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_SESSION_SECRET:
            raise ValueError(
                f"ABMGRAPH_SESSION_SECRET must be at least {MIN_SESSION_SECRET} characters "
                "(python -c 'import secrets; print(secrets.token_urlsafe(32))')"
            )
        return value

    @field_validator("api_token")
    @classmethod
    def _no_shared_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            raise ValueError(
                "ABMGRAPH_API_TOKEN is no longer read: callers now have their own API keys "
                "(abmgraph keys create --member ID --role ROLE, or --service NAME) or JWTs; "
                "see docs/authentication.md, then unset ABMGRAPH_API_TOKEN"
            )
        return value

    @field_validator("auth")
    @classmethod
    def _production_never_open(cls, auth: AuthMode, info: ValidationInfo) -> AuthMode:
        if auth is AuthMode.OPEN and info.data.get("env") is Environment.PRODUCTION:
            raise ValueError("production mode (ABMGRAPH_ENV=production) cannot run open")
        return auth

    @property
    def production(self) -> bool:
        return self.env is Environment.PRODUCTION

    def api_store_threads(self) -> int:
        """The store threads the API uses: ``store_threads``, else 1 for the embedded store
        and 8 for Neo4j."""
        if self.store_threads is not None:
            return self.store_threads
        return 8 if self.store is StoreKind.NEO4J else 1

    @field_validator("reporting_currency", mode="before")
    @classmethod
    def _iso_currency(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        code = value.strip().upper() if isinstance(value, str) else None
        # The same list as graph_service.money.parse_currency (a layer above settings).
        import pycountry

        if code is None or pycountry.currencies.get(alpha_3=code) is None:
            raise ValueError(f"not an ISO 4217 currency code: {value!r} (JPY, USD, ...)")
        return code

    # Who is calling (graph_service.auth; docs/authentication.md). API keys need no setting:
    # they live in data_dir. JWTs are accepted only when a key to check them is set here.
    #: The shared secret of HS256 tokens.
    jwt_secret: SecretStr | None = None
    #: A PEM file with the public key of RS256 tokens.
    jwt_public_key_file: Path | None = None
    #: A JWKS file (JSON) with the public keys of RS256 tokens, chosen by the token's ``kid``.
    jwt_jwks_file: Path | None = None
    #: The algorithms a token may be signed with (comma-separated in the environment); none:
    #: HS256 when ``jwt_secret`` is set and RS256 when a public key or JWKS file is.
    jwt_algorithms: Annotated[list[str], NoDecode] = Field(default_factory=list)
    #: When set, a token's ``aud`` must name this audience.
    jwt_audience: str | None = None
    #: When set, a token's ``iss`` must be this issuer.
    jwt_issuer: str | None = None
    #: The claim that carries the caller's role (rep, manager, strategist, admin).
    jwt_role_claim: str = "role"

    @field_validator("jwt_algorithms", mode="before")
    @classmethod
    def _algorithm_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value
