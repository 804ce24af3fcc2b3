"""API keys: created once, shown once, stored as an argon2 hash, revocable.

A key reads ``abm_<id>_<secret>``: the id (12 hex digits) finds the one record whose hash is
checked, the secret (32 random bytes from :mod:`secrets`, URL-safe base64) is what makes the key
unguessable. Only an argon2id hash of the whole key is kept, so the file that holds the keys
does not let anyone call the service.

The keys live in one JSON file in the data directory (:func:`key_file`), not in the graph:
they are credentials, not account data, so they must not travel with graph exports or loads,
and one file serves the embedded store and Neo4j alike. Changes take a lock beside the file
and replace it atomically (write a temporary file, fsync, rename), as the embedded store writes
its snapshot; readers never take the lock and always see a whole file. :meth:`ApiKeyStore.verify`
checks the file on each call (re-reading it whenever it changed), so a revoked key is refused
at once by a running service.

A service checks the same key on every request, and argon2 is slow on purpose (tens of
milliseconds). Once a key has passed the argon2 check, the store remembers the SHA-256 digest of
that key beside the hash it matched, in memory only; the same key against the same, unrevoked
record is then accepted by comparing digests in constant time. The secret has 256 random bits,
so a digest of it cannot be reversed or guessed; what protects keys at rest is still the
argon2 hash in the file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import filelock
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from graph_service.auth.principal import AuthMethod, Principal, PrincipalKind, Role
from graph_service.domain import Kind
from graph_service.errors import AbmGraphError, AuthError, ConfigError, NotFoundError

#: Every API key starts with this; what does not is taken for a JWT.
KEY_PREFIX = "abm_"
KEY_FILE_NAME = "api_keys.json"
_FORMAT_VERSION = 1
_ID_BYTES = 6
_SECRET_BYTES = 32
_KEY_ID = re.compile(r"[0-9a-f]{12}")
_SERVICE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
#: The one message for a key that is malformed, unknown, revoked or has a wrong secret, so a
#: caller learns nothing about which keys exist.
INVALID_KEY = "invalid API key"


def key_file(data_dir: Path) -> Path:
    """The file that holds the API keys of a data directory."""
    return Path(data_dir) / KEY_FILE_NAME


class MemberDirectory(Protocol):
    """What key creation needs of a store: which team members exist (every Store has this)."""

    def existing_ids(self, kind: Kind, ids: Collection[str]) -> set[str]: ...


@dataclass(frozen=True, slots=True)
class ApiKeyRecord:
    """What is stored of one key: never the key itself, only its hash."""

    id: str
    kind: PrincipalKind
    principal: str
    role: Role
    name: str | None
    created_at: datetime
    revoked_at: datetime | None
    hash: str

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind.value,
            "principal": self.principal,
            "role": self.role.value,
            "name": self.name,
            "created_at": self.created_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "hash": self.hash,
        }

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> ApiKeyRecord:
        revoked = row.get("revoked_at")
        return cls(
            id=str(row["id"]),
            kind=PrincipalKind(row["kind"]),
            principal=str(row["principal"]),
            role=Role(row["role"]),
            name=row.get("name"),
            created_at=datetime.fromisoformat(row["created_at"]),
            revoked_at=datetime.fromisoformat(revoked) if revoked else None,
            hash=str(row["hash"]),
        )


@dataclass(frozen=True, slots=True)
class CreatedKey:
    """A new key: ``key`` is the only time the secret exists outside the caller's hands."""

    record: ApiKeyRecord
    key: str


class ApiKeyStore:
    """The API keys of one key file (see the module docstring)."""

    def __init__(self, path: Path, *, hasher: PasswordHasher | None = None) -> None:
        self.path = Path(path)
        self._hasher = hasher or PasswordHasher()
        self._dummy_hash: str | None = None
        #: (inode, mtime, size) of the file last read, and what it held.
        self._seen: tuple[tuple[int, int, int], dict[str, ApiKeyRecord]] | None = None
        #: key id -> (the argon2 hash a key matched, that key's SHA-256 digest).
        self._verified: dict[str, tuple[str, bytes]] = {}

    def any(self) -> bool:
        """Whether any key was ever created here (revoked ones count): from then on a
        service in the default mode requires credentials."""
        return bool(self._current())

    def create(
        self,
        role: Role,
        *,
        member_id: str | None = None,
        service: str | None = None,
        name: str | None = None,
        members: MemberDirectory | None = None,
        now: datetime | None = None,
    ) -> CreatedKey:
        """A new key for team member ``member_id`` (which must exist in ``members``) or for
        service account ``service``; exactly one of the two."""
        if (member_id is None) == (service is None):
            raise AbmGraphError("a key is for one team member or one service account")
        if member_id is not None:
            member_id = member_id.strip()
            if not member_id:
                raise AbmGraphError("the member id is empty")
            if members is None:
                raise AbmGraphError("a member key needs the store to check the member exists")
            if member_id not in members.existing_ids(Kind.TEAM, [member_id]):
                raise NotFoundError("team member", member_id)
            kind, principal = PrincipalKind.MEMBER, member_id
        else:
            assert service is not None
            if not _SERVICE_NAME.fullmatch(service):
                raise AbmGraphError(
                    f"service account name {service!r}: letters, digits, '.', '_' and '-', "
                    "starting with a letter or digit"
                )
            kind, principal = PrincipalKind.SERVICE, service
        with self._locked():
            records = self._read()
            key_id = secrets.token_hex(_ID_BYTES)
            while key_id in records:  # pragma: no cover - 48 random bits
                key_id = secrets.token_hex(_ID_BYTES)
            key = f"{KEY_PREFIX}{key_id}_{secrets.token_urlsafe(_SECRET_BYTES)}"
            record = ApiKeyRecord(
                id=key_id,
                kind=kind,
                principal=principal,
                role=role,
                name=name,
                created_at=now or datetime.now(UTC),
                revoked_at=None,
                hash=self._hasher.hash(key),
            )
            records[key_id] = record
            self._write(records)
        return CreatedKey(record=record, key=key)

    def list(self) -> list[ApiKeyRecord]:
        """Every key, revoked ones too, oldest first."""
        return sorted(self._read().values(), key=lambda r: (r.created_at, r.id))

    def revoke(self, key_id: str, *, now: datetime | None = None) -> ApiKeyRecord:
        """Revoke a key by id; a key already revoked keeps its first revocation time."""
        with self._locked():
            records = self._read()
            record = records.get(key_id)
            if record is None:
                raise NotFoundError("API key", key_id)
            if record.revoked_at is None:
                record = dataclasses.replace(record, revoked_at=now or datetime.now(UTC))
                records[key_id] = record
                self._write(records)
        return record

    def verify(self, key: str) -> Principal:
        """The principal ``key`` belongs to, or :class:`AuthError` (one message for every
        failure). Only the hash of the record the key's id names is checked; an unknown or
        revoked id still costs one hash check, so timing does not tell them apart."""
        key_id = _key_id(key)
        record = self._current().get(key_id) if key_id else None
        if record is None or record.revoked:
            self._burn(key)
            raise AuthError(INVALID_KEY)
        digest = hashlib.sha256(key.encode()).digest()
        known = self._verified.get(record.id)
        if known is None or known[0] != record.hash or not hmac.compare_digest(known[1], digest):
            try:
                self._hasher.verify(record.hash, key)
            except (VerificationError, InvalidHashError):
                raise AuthError(INVALID_KEY) from None
            self._verified[record.id] = (record.hash, digest)
        return Principal(
            kind=record.kind,
            id=record.principal,
            role=record.role,
            method=AuthMethod.API_KEY,
            key_id=record.id,
        )

    def _burn(self, key: str) -> None:
        """One hash check that always fails, the cost of checking a real key."""
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(_SECRET_BYTES))
        with contextlib.suppress(VerificationError, InvalidHashError):
            self._hasher.verify(self._dummy_hash, key)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot create {self.path.parent}: {exc}") from exc
        lock = filelock.FileLock(str(self.path) + ".lock")
        try:
            lock.acquire(timeout=10)
        except filelock.Timeout:
            raise AbmGraphError(
                f"{self.path} is being changed by another abmgraph process; try again"
            ) from None
        try:
            yield
        finally:
            lock.release()

    def _current(self) -> dict[str, ApiKeyRecord]:
        """The records of the file as it is now, read again only when it changed (changes
        replace the file, so its inode changes with every write)."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise ConfigError(f"cannot read the API keys in {self.path}: {exc}") from exc
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        if self._seen is None or self._seen[0] != stamp:
            self._seen = (stamp, self._read())
        return self._seen[1]

    def _read(self) -> dict[str, ApiKeyRecord]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise ConfigError(f"cannot read the API keys in {self.path}: {exc}") from exc
        try:
            data = json.loads(text)
            if data.get("version") != _FORMAT_VERSION:
                raise ValueError(f"unknown format version {data.get('version')!r}")
            records = [ApiKeyRecord.from_json(row) for row in data["keys"]]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigError(f"the API key file {self.path} is damaged: {exc}") from None
        return {r.id: r for r in records}

    def _write(self, records: dict[str, ApiKeyRecord]) -> None:
        rows = [r.to_json() for r in sorted(records.values(), key=lambda r: (r.created_at, r.id))]
        text = json.dumps({"version": _FORMAT_VERSION, "keys": rows}, indent=2) + "\n"
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        dir_fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _key_id(key: str) -> str | None:
    """The id part of a well-formed key, else None.

    >>> _key_id("abm_0123456789ab_s3cr-et_x")
    '0123456789ab'
    >>> _key_id("abm_nothex_s3cret") is None
    True
    """
    if not key.startswith(KEY_PREFIX):
        return None
    parts = key[len(KEY_PREFIX) :].split("_", 1)
    if len(parts) != 2 or not _KEY_ID.fullmatch(parts[0]) or not parts[1]:
        return None
    return parts[0]
