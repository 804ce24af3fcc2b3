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


#: The shortest API token production mode accepts.
MIN_PRODUCTION_TOKEN = 16


def _comma_list(value: object) -> object:
    """``"a, b"`` as ``["a", "b"]`` (lists pass as they are)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def default_data_dir() -> Path:
    """The per-user data directory of the embedded store."""
    return Path(platformdirs.user_data_dir("abmgraph"))


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
    #: When set, every endpoint but ``/healthz`` needs ``Authorization: Bearer <token>``.
    api_token: SecretStr | None = None
    #: Accounts whose influence-path graphs the service keeps (reused while the data is
    #: unchanged); 0 turns the cache off.
    path_cache_size: int = Field(default=32, ge=0)
    #: Portfolio rollups on Neo4j run one scan per kind of fact, this many at once.
    rollup_workers: int = Field(default=4, ge=1)
    #: The currency (ISO 4217) answers are in unless a request asks for another; also what
    #: the data's rates are against when the rates do not say. None: the data's base currency.
    reporting_currency: str | None = None

    #: ``production``: GraphiQL, introspection and field suggestions off, errors masked, the API
    #: token required, the Host allow-list on (docs/security.md).
    env: Environment = Environment.DEVELOPMENT
    #: ``Host`` names answered (comma-separated); unset: any in development, ``localhost`` and
    #: ``127.0.0.1`` in production.
    allowed_hosts: Annotated[list[str] | None, NoDecode] = None
    #: Origins browsers may call the API from (comma-separated; CORS); none by default.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _hosts(cls, value: object) -> object:
        return _comma_list(value) or None  # set but empty: the default

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> object:
        return _comma_list(value)

    @field_validator("env")
    @classmethod
    def _production_needs_a_token(cls, env: Environment, info: ValidationInfo) -> Environment:
        # api_token is declared, hence validated, before env.
        if env is Environment.PRODUCTION:
            secret = info.data.get("api_token")
            token = secret.get_secret_value() if isinstance(secret, SecretStr) else ""
            if len(token) < MIN_PRODUCTION_TOKEN:
                raise ValueError(
                    "production mode (ABMGRAPH_ENV=production) needs ABMGRAPH_API_TOKEN of at "
                    f"least {MIN_PRODUCTION_TOKEN} characters"
                )
        return env

    @property
    def production(self) -> bool:
        return self.env is Environment.PRODUCTION

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
