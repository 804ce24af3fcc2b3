"""Entity resolution (名寄せ): the same company or person under two ids becomes one record.

:class:`EntityResolver` is the :class:`~loaders.bundle.Resolver` every load uses. It sees each
accepted company and person row in load order, together with what the store already holds, and
maps a duplicate onto the record that survives; references to a merged id in later rows (a
person's company, a touch's person, a deal contact, ...) are rewritten to the survivor. At the
end of the load the store folds every merged id that exists there as a node of its own into its
survivor (:meth:`~graph_service.store.base.Store.merge_into`): relationships move, the node goes,
and the store remembers the merged id so that a later load referring to it still resolves.

Rules (also in ``docs/entity-resolution.md``; the bundle generator plants duplicates by them):

Companies, first rule that finds a compatible survivor wins:

1. ``corporate_number``: the same valid 法人番号
   (:func:`~loaders.normalize.normalize_corporate_number`; an invalid one is kept as given but
   never matched).
2. ``domain``: the same :func:`~loaders.normalize.normalize_domain` of ``domain``.
3. ``name``: the same :func:`~loaders.normalize.normalize_company_name`, when exactly one
   compatible survivor has it (two same-named companies with different domains make the name
   ambiguous, and then nothing is merged by name) and nothing contradicts the match: the
   countries differ where both are known (:func:`~loaders.normalize.normalize_country`), or the
   legal forms do where both state one (:func:`~loaders.normalize.legal_forms`: 株式会社, (株),
   ㈱ and KK are one form; Inc. and GmbH are two). A contradicted match is not merged but listed
   in the merge report as a *proposed* merge with its score; an ``always_merge`` pair confirms it.

Two companies are *incompatible*, and never merged by a rule, when both have non-empty
normalized domains and none is shared, or both have valid corporate numbers and none is shared.

People, first rule that finds a compatible survivor wins:

1. ``email``: the same :func:`~loaders.normalize.normalize_email` (case-insensitive), at any
   company.
2. ``name``: at the same company (after company merges), a name similarity of at least
   :data:`NAME_THRESHOLD`: the greater of rapidfuzz ``ratio`` on
   :func:`~loaders.normalize.normalize_person_name` (spaces dropped, so 佐藤 花子 = 佐藤花子) and
   ``token_sort_ratio`` on the names split into words (so ``Hanako Sato`` = ``Sato Hanako``).
   Two people whose non-empty emails differ are never merged by name. The best score wins; a
   tie goes to the survivor seen first.

A romanized name and a kanji one (``Sato Hanako`` / ``佐藤花子``) score near 0, so they are
merged only when an email or an ``always_merge`` override confirms them.

Overrides (:class:`Overrides`, a TOML file): ``never_merge = [["a", "b"], ...]`` keeps two ids
(and the groups they end up in) apart under every rule; ``always_merge = [["keep", "merge"],
...]`` merges ``merge`` into ``keep`` regardless of the rules, as soon as both are known (in the
store or in this load). Ids are those of companies or people; a pair applies to the kind that
has both.

Survivor: the record already in the store, else the one seen first in the load (for an
``always_merge`` pair, ``keep``). Fields: the survivor's non-empty values win, and its empty ones
are filled from the merged records in the order they were merged (a person's unit and manager
only from records at the survivor's company).

Every merge is reported as a :class:`~loaders.report.Merge` (kind, kept id, merged ids, rule,
score, file); the rule ``earlier_merge`` marks a row whose id an earlier load merged away and that
no rule matches now.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from graph_service.audit import (
    AuditRecord,
    direct_account_ids,
    field_changes,
    loader_actor,
    merge_changes,
    new_audit,
)
from graph_service.domain import (
    Company,
    Kind,
    Person,
    Record,
    Relationship,
    record_id,
)
from graph_service.errors import ConfigError
from graph_service.store.base import Store
from loaders.normalize import (
    legal_forms,
    normalize_company_name,
    normalize_corporate_number,
    normalize_country,
    normalize_domain,
    normalize_email,
    normalize_person_name,
)
from loaders.report import Merge
from loaders.tables import COLUMNS, SourceTable

#: Name similarity (0-100) at or above which two people at the same company are one person.
#:
#: rapidfuzz's ratio is ``100 * (1 - edits / (len(a) + len(b)))`` with a substitution counting
#: as two edits. At 92 a single substituted letter merges only names of 13 or more characters
#: (``Katherine Johnson`` / ``Katharine Johnson``), so short names that differ in one letter
#: (``Mark Chen`` / ``Mary Chen``, 89; ``Maria Garcia`` / ``Mario Garcia``, 92 minus) stay apart,
#: while a letter left out of a name of six or more characters (``Ann Lee`` / ``Anne Lee``, 93)
#: and any difference of spacing, case, width or word order merge. Kanji names are short: two
#: of them merge only when equal after normalization (佐藤花子 / 佐藤華子 is 75).
NAME_THRESHOLD = 92.0

#: The kinds entity resolution merges.
RESOLVED_KINDS: tuple[Kind, ...] = (Kind.COMPANIES, Kind.PEOPLE)

#: Per kind, the record fields that refer to a company or a person (from the bundle contract).
REF_FIELDS: dict[Kind, tuple[tuple[str, Kind], ...]] = {
    kind: tuple((c.field, r) for c in columns if (r := c.ref) is not None and r in RESOLVED_KINDS)
    for kind, columns in COLUMNS.items()
}

STORE_SOURCE = "(store)"


class MergedReferenceError(ValueError):
    """A row that merging makes meaningless (a tie from a person to themself)."""

    def __init__(self, field: str, value: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.value = value


@dataclass(frozen=True, slots=True)
class Overrides:
    """Manual decisions that beat the rules (see the module docstring for the file format)."""

    never_merge: frozenset[frozenset[str]] = frozenset()
    #: merge id -> keep id
    always_merge: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Overrides:
        """Read an overrides TOML file; raise :class:`ConfigError` naming what is wrong."""
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"overrides file {path}: cannot read: {exc.strerror}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"overrides file {path}: not TOML: {exc}") from None
        return cls.from_dict(data, source=str(path))

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, source: str = "overrides") -> Overrides:
        unknown = set(data) - {"never_merge", "always_merge"}
        if unknown:
            raise ConfigError(
                f"{source}: unknown key {sorted(unknown)[0]!r} "
                "(expected never_merge and always_merge)"
            )
        never = frozenset(frozenset(p) for p in _pairs(data, "never_merge", source))
        always: dict[str, str] = {}
        for keep, merge in _pairs(data, "always_merge", source):
            if always.get(merge, keep) != keep:
                raise ConfigError(
                    f"{source}: always_merge merges {merge!r} into both "
                    f"{always[merge]!r} and {keep!r}"
                )
            if frozenset((keep, merge)) in never:
                raise ConfigError(
                    f"{source}: {keep!r} and {merge!r} are in both always_merge and never_merge"
                )
            always[merge] = keep
        return cls(never_merge=never, always_merge=always)


def _pairs(data: dict[str, Any], key: str, source: str) -> list[tuple[str, str]]:
    value = data.get(key, [])
    pairs = []
    if isinstance(value, list):
        for item in value:
            if (
                not isinstance(item, list)
                or len(item) != 2
                or not all(isinstance(i, str) and i.strip() for i in item)
            ):
                break
            a, b = item[0].strip(), item[1].strip()
            if a == b:
                raise ConfigError(f"{source}: {key} pair [{a!r}, {b!r}] names one id twice")
            pairs.append((a, b))
        else:
            return pairs
    raise ConfigError(f'{source}: {key} must be a list of id pairs, e.g. [["c-1", "c-2"]]')


# -- groups and their keys ---------------------------------------------------------------------


@dataclass(slots=True)
class _Group:
    """A survivor and what has been merged into it."""

    id: str
    own: Record  # the survivor's own record: from the store, or its latest row
    seq: int  # when it was first seen (ties go to the earlier)
    stored: Record | None = None  # the survivor's record in the store before this load
    fills: list[Record] = field(default_factory=list)  # merged records, in merge order
    members: list[str] = field(default_factory=list)  # every id merged into it
    new_members: list[str] = field(default_factory=list)  # ids merged into it in this load
    written: Record | None = None  # what this load last wrote for it

    def records(self) -> Iterator[Record]:
        yield self.own
        yield from self.fills

    def ids(self) -> set[str]:
        return {self.id, *self.members}


@dataclass(slots=True)
class _Names:
    """The names of the people at one company, as rapidfuzz choice lists."""

    compact: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Index:
    """One kind's survivors, aliases and lookup keys."""

    kind: Kind
    groups: dict[str, _Group] = field(default_factory=dict)
    alias: dict[str, str] = field(default_factory=dict)  # merged id -> survivor (maybe chained)
    stored_alias: dict[str, str] = field(default_factory=dict)  # merged by an earlier load
    settled: set[str] = field(default_factory=set)  # ids this load has resolved
    # companies
    by_corp: dict[str, str] = field(default_factory=dict)
    by_domain: dict[str, str] = field(default_factory=dict)
    by_name: dict[str, list[str]] = field(default_factory=dict)
    # people
    by_email: dict[str, str] = field(default_factory=dict)
    by_company: dict[str, _Names] = field(default_factory=dict)

    def canonical(self, id_: str) -> str:
        path = []
        while id_ in self.alias:
            path.append(id_)
            id_ = self.alias[id_]
        for p in path[:-1]:
            self.alias[p] = id_
        return id_


def _company_keys(record: Record) -> tuple[str, str, str]:
    assert isinstance(record, Company)
    return (
        normalize_corporate_number(record.corporate_number or ""),
        normalize_domain(record.domain or ""),
        normalize_company_name(record.name),
    )


def _words(name: str) -> str:
    """A person's name as space-separated words (for word-order-insensitive comparison)."""
    return " ".join(normalize_person_name(w) for w in name.split() if normalize_person_name(w))


def name_score(a: str, b: str) -> float:
    """How alike two person names are (0-100), as the people ``name`` rule scores them.

    >>> name_score("佐藤 花子", "佐藤花子"), name_score("Hanako Sato", "SATO Hanako")
    (100.0, 100.0)
    >>> name_score("Sato Hanako", "佐藤花子")
    0.0
    """
    return max(
        fuzz.ratio(normalize_person_name(a), normalize_person_name(b)),
        fuzz.token_sort_ratio(_words(a), _words(b)),
    )


def _contradicted(ours: list[Record], group: _Group) -> bool:
    """Whether a name-only match of ``ours`` with ``group`` meets another country or another
    legal form (where both sides state one)."""
    mine = [r for r in ours if isinstance(r, Company)]
    theirs = [r for r in group.records() if isinstance(r, Company)]
    for a, b in (
        (_countries(mine), _countries(theirs)),
        (_forms(mine), _forms(theirs)),
    ):
        if a and b and not a & b:
            return True
    return False


def _countries(companies: list[Company]) -> set[str]:
    return {normalize_country(c.country) for c in companies if c.country}


def _forms(companies: list[Company]) -> set[str]:
    return {form for c in companies for form in legal_forms(c.name)}


def _empty(value: Any) -> bool:
    return value is None or value == ""


# -- the resolver ------------------------------------------------------------------------------


class EntityResolver:
    """Merges duplicate companies and people on every load (see the module docstring)."""

    def __init__(self, store: Store, overrides: Overrides | None = None) -> None:
        self._store = store
        self._overrides = overrides or Overrides()
        self._never: dict[str, set[str]] = {}
        for pair in self._overrides.never_merge:
            a, b = sorted(pair)
            self._never.setdefault(a, set()).add(b)
            self._never.setdefault(b, set()).add(a)
        self._keeps: dict[str, list[str]] = {}
        for merge, keep in self._overrides.always_merge.items():
            self._keeps.setdefault(keep, []).append(merge)
        self._indexes: dict[Kind, _Index] = {}
        self._merges: list[Merge] = []
        self._file = STORE_SOURCE
        self._seq = 0

    # -- Resolver protocol ---------------------------------------------------------------------

    def begin(self, table: SourceTable) -> None:
        self._file = table.name
        if table.kind in RESOLVED_KINDS:
            self._index(table.kind)

    def ref(self, kind: Kind, id_: str) -> str:
        """The survivor ``id_`` now stands for (``id_`` itself unless it was merged)."""
        if kind not in RESOLVED_KINDS:
            return id_
        return self._index(kind).canonical(id_)

    def map(self, kind: Kind, record: Record) -> Record:
        if kind in RESOLVED_KINDS:
            return self._resolve(kind, record)
        return self._remap(kind, record)

    def finish(self) -> list[Merge]:
        """Write the survivors merges changed and fold merged nodes into them in the store."""
        self._file = STORE_SOURCE
        for kind in RESOLVED_KINDS:
            self._index(kind)
        for kind in RESOLVED_KINDS:
            changed = []
            before: dict[str, Record | None] = {}
            for g in self._merged_groups(kind):
                record = self._combined(kind, g)
                if record not in (g.written, g.stored):
                    changed.append(record)
                    before[g.id] = g.written or g.stored
                    g.written = record
            if changed:
                self._store.upsert(kind, changed, audit=_survivors_audit(kind, changed, before))
        for kind in RESOLVED_KINDS:
            for g in self._merged_groups(kind):
                self._store.merge_into(kind, g.id, g.new_members, audit=_merge_audit(kind, g))
                g.new_members = []
        return list(self._merges)

    @property
    def merges(self) -> list[Merge]:
        """The merges decided so far."""
        return list(self._merges)

    # -- building the index from the store -----------------------------------------------------

    def _index(self, kind: Kind) -> _Index:
        index = self._indexes.get(kind)
        if index is not None:
            return index
        if kind is Kind.PEOPLE:
            self._index(Kind.COMPANIES)  # people compare canonical companies
        index = self._indexes[kind] = _Index(kind)
        held = self._store.resolution_records(kind)
        for record in held.records:
            g = _Group(record_id(record), own=record, seq=self._next(), stored=record)
            index.groups[g.id] = g
            self._add_keys(index, g.id, record)
        for merged, survivor in sorted(held.aliases.items()):
            if merged in index.groups or survivor not in index.groups:
                continue
            if self._never_between({merged}, index.groups[survivor].ids()):
                continue  # a never_merge given later: the id stands for itself again
            index.alias[merged] = index.stored_alias[merged] = survivor
            index.groups[survivor].members.append(merged)
        for merge, keep in sorted(self._overrides.always_merge.items()):
            known = index.groups.keys() | index.alias.keys()
            if merge in known and keep in known:
                survivor, merged = index.canonical(keep), index.canonical(merge)
                self._join(index, survivor, merged, "always_merge", source=STORE_SOURCE)
        return index

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    def _add_keys(self, index: _Index, gid: str, record: Record) -> None:
        if index.kind is Kind.COMPANIES:
            corp, domain, name = _company_keys(record)
            if corp:
                index.by_corp.setdefault(corp, gid)
            if domain:
                index.by_domain.setdefault(domain, gid)
            if name:
                index.by_name.setdefault(name, []).append(gid)
            return
        assert isinstance(record, Person)
        if email := normalize_email(record.email or ""):
            index.by_email.setdefault(email, gid)
        compact = normalize_person_name(record.full_name)
        if compact:
            names = index.by_company.setdefault(record.company_id, _Names())
            names.compact.append(compact)
            names.words.append(_words(record.full_name))
            names.groups.append(gid)

    # -- resolving one row ---------------------------------------------------------------------

    def _resolve(self, kind: Kind, record: Record) -> Record:
        index = self._index(kind)
        x = record_id(record)
        if x in index.settled:  # seen before in this load: same id, same outcome
            s = index.canonical(x)
            g = index.groups[s]
            if s == x:
                g.own = record
            else:
                g.fills.append(record)
            self._add_keys(index, s, record)
            return self._emit(kind, g)
        index.settled.add(x)
        mine = index.groups.get(x)
        match = self._match(index, record, mine)
        prior = index.stored_alias.get(x)
        if prior is not None:
            prior = index.canonical(prior)
            if match is None or match[0] != prior:
                match = (prior, "earlier_merge", None)
        if match is None:
            if mine is None:
                mine = index.groups[x] = _Group(x, own=record, seq=self._next())
            else:
                mine.own = record
            self._add_keys(index, x, record)
            self._absorb_pending(index, x)
            return self._emit(kind, mine)
        survivor, rule, score = match
        if mine is not None:  # a record of the store that a rule now joins to another
            mine.fills.insert(0, mine.own)  # its stored version fills what its row leaves empty
            mine.own = record
            self._join(index, survivor, x, rule, score)
        else:
            g = index.groups[survivor]
            g.fills.append(record)
            g.members.append(x)
            g.new_members.append(x)
            index.alias[x] = survivor
            self._merges.append(Merge(kind.value, survivor, (x,), rule, score, self._file))
        index.settled.add(survivor)
        self._add_keys(index, survivor, record)
        self._absorb_pending(index, x)
        return self._emit(kind, index.groups[index.canonical(x)])

    def _join(
        self,
        index: _Index,
        survivor: str,
        merged: str,
        rule: str,
        score: float | None = None,
        *,
        source: str | None = None,
    ) -> None:
        """Merge the group ``merged`` (with everything already in it) into ``survivor``."""
        if survivor == merged:
            return
        g, m = index.groups[survivor], index.groups.pop(merged)
        g.fills.extend(m.records())
        g.members.extend([m.id, *m.members])
        g.new_members.extend([m.id, *m.new_members])
        index.alias[merged] = survivor
        index.settled.update((survivor, merged))
        for record in m.records():
            self._add_keys(index, survivor, record)
        file = source or self._file
        self._merges.append(Merge(index.kind.value, survivor, (merged,), rule, score, file))

    def _absorb_pending(self, index: _Index, keep: str) -> None:
        """``always_merge`` pairs whose ``keep`` just appeared: merge the others into it."""
        for merge in self._keeps.get(keep, ()):
            if merge in index.groups or merge in index.alias:
                s, m = index.canonical(keep), index.canonical(merge)
                if s != m:
                    self._join(index, s, m, "always_merge")

    def _match(
        self, index: _Index, record: Record, mine: _Group | None
    ) -> tuple[str, str, float | None] | None:
        """The survivor ``record`` is a duplicate of, with the rule and score, or ``None``."""
        x = record_id(record)
        keep = self._overrides.always_merge.get(x)
        if keep is not None and (keep in index.groups or keep in index.alias):
            s = index.canonical(keep)
            if s != x:
                return s, "always_merge", None
        mine_ids = mine.ids() if mine is not None else {x}
        mine_records = [record, *(mine.records() if mine is not None else ())]
        if index.kind is Kind.COMPANIES:
            return self._match_company(index, record, mine_ids, mine_records)
        return self._match_person(index, record, mine_ids, mine_records)

    def _match_company(
        self, index: _Index, record: Record, mine_ids: set[str], mine: list[Record]
    ) -> tuple[str, str, float | None] | None:
        corp, domain, name = _company_keys(record)

        def fits(gid: str) -> bool:
            return gid not in mine_ids and self._companies_compatible(index, gid, mine_ids, mine)

        for key, table, rule in (
            (corp, index.by_corp, "corporate_number"),
            (domain, index.by_domain, "domain"),
        ):
            if key and key in table:
                gid = index.canonical(table[key])
                if fits(gid):
                    return gid, rule, 100.0
        if name:
            candidates = {index.canonical(g) for g in index.by_name.get(name, [])}
            fitting = [g for g in candidates if fits(g)]
            if len(fitting) == 1:
                if not _contradicted(mine, index.groups[fitting[0]]):
                    return fitting[0], "name", 100.0
                x = record_id(record)
                self._merges.append(
                    Merge(index.kind.value, fitting[0], (x,), "name", 100.0, self._file, True)
                )
        return None

    def _companies_compatible(
        self, index: _Index, gid: str, mine_ids: set[str], mine: list[Record]
    ) -> bool:
        g = index.groups[gid]
        if self._never_between(mine_ids, g.ids()):
            return False
        theirs = [_company_keys(r) for r in g.records()]
        ours = [_company_keys(r) for r in mine]
        for i in (0, 1):  # corporate number, domain
            a = {k[i] for k in ours if k[i]}
            b = {k[i] for k in theirs if k[i]}
            if a and b and not a & b:
                return False
        return True

    def _match_person(
        self, index: _Index, record: Record, mine_ids: set[str], mine: list[Record]
    ) -> tuple[str, str, float | None] | None:
        assert isinstance(record, Person)
        email = normalize_email(record.email or "")
        if email and email in index.by_email:
            gid = index.canonical(index.by_email[email])
            if gid not in mine_ids and not self._never_between(mine_ids, index.groups[gid].ids()):
                return gid, "email", 100.0
        compact = normalize_person_name(record.full_name)
        if not compact:
            return None
        words = _words(record.full_name)
        ours = {e for r in mine if isinstance(r, Person) and (e := normalize_email(r.email or ""))}
        scores: dict[str, float] = {}
        for company in self._company_ids(record.company_id):
            names = index.by_company.get(company)
            if names is None:
                continue
            for query, choices, scorer in (
                (compact, names.compact, fuzz.ratio),
                (words, names.words, fuzz.token_sort_ratio),
            ):
                for _, score, i in process.extract(
                    query, choices, scorer=scorer, score_cutoff=NAME_THRESHOLD, limit=None
                ):
                    gid = index.canonical(names.groups[i])
                    scores[gid] = max(scores.get(gid, 0.0), float(score))
        best: tuple[float, int, str] | None = None
        for gid, score in scores.items():
            g = index.groups[gid]
            if gid in mine_ids or self._never_between(mine_ids, g.ids()):
                continue
            theirs = {
                e
                for r in g.records()
                if isinstance(r, Person) and (e := normalize_email(r.email or ""))
            }
            if ours and theirs and not ours & theirs:
                continue
            if best is None or (score, -g.seq) > (best[0], -best[1]):
                best = (score, g.seq, gid)
        return (best[2], "name", best[0]) if best is not None else None

    def _company_ids(self, company_id: str) -> set[str]:
        """The ids that stand for the same company as ``company_id`` (its merged ones too)."""
        companies = self._index(Kind.COMPANIES)
        survivor = companies.canonical(company_id)
        g = companies.groups.get(survivor)
        return g.ids() if g is not None else {company_id, survivor}

    def _never_between(self, a: Iterable[str], b: set[str]) -> bool:
        return any(self._never.get(i, set()) & b for i in a)

    def _merged_groups(self, kind: Kind) -> list[_Group]:
        return [g for g in self._index(kind).groups.values() if g.new_members]

    # -- records out -----------------------------------------------------------------------------

    def _emit(self, kind: Kind, g: _Group) -> Record:
        record = self._combined(kind, g)
        g.written = record
        return record

    def _combined(self, kind: Kind, g: _Group) -> Record:
        """The survivor's record: its own values, empty ones filled from the merged records."""
        base = g.own
        values = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
        values["id"] = g.id
        same_company: set[str] = set()
        if isinstance(base, Person):
            same_company = self._company_ids(base.company_id)
        for name, value in values.items():
            if not _empty(value) or name == "retired_at":  # a duplicate's retirement is its own
                continue
            for other in g.fills:
                if (
                    isinstance(other, Person)
                    and name in ("bu_id", "reports_to")
                    and other.company_id not in same_company
                ):
                    continue
                if not _empty(fill := getattr(other, name)):
                    values[name] = fill
                    break
        record = kind.record_type(**values)
        return self._remap(kind, record, own_id=g.id)

    def _remap(self, kind: Kind, record: Record, own_id: str | None = None) -> Record:
        """``record`` with its references to merged companies and people set to survivors."""
        changes: dict[str, Any] = {}
        for name, ref_kind in REF_FIELDS.get(kind, ()):
            value = getattr(record, name)
            if value is None:
                continue
            survivor = self.ref(ref_kind, value)
            if ref_kind is kind and survivor == own_id:
                changes[name] = None  # a survivor's parent or manager that merged into it
            elif survivor != value:
                changes[name] = survivor
        if not changes:
            return record
        record = dataclasses.replace(record, **changes)
        if isinstance(record, Relationship) and record.from_person_id == record.to_person_id:
            raise MergedReferenceError(
                "to_person_id",
                record.to_person_id,
                f"both ends of this tie are person {record.to_person_id!r} after merging",
            )
        return record


def _survivors_audit(
    kind: Kind, changed: list[Record], before: dict[str, Record | None]
) -> AuditRecord:
    """The audit record of writing the survivors that merges changed (``before``: what the
    store held of each)."""
    return new_audit(
        actor=loader_actor(),
        actor_kind="loader",
        operation="merge",
        kind=kind,
        entity_ids=[record_id(r) for r in changed],
        account_ids=direct_account_ids(changed),
        changes={record_id(r): field_changes(before.get(record_id(r)), r) for r in changed},
    )


def _merge_audit(kind: Kind, g: _Group) -> AuditRecord:
    """The audit record of folding a group's new members into its survivor."""
    merged = [m for m in g.new_members if m != g.id]
    accounts = [g.id, *merged] if kind is Kind.COMPANIES else direct_account_ids([g.own])
    return new_audit(
        actor=loader_actor(),
        actor_kind="loader",
        operation="merge",
        kind=kind,
        entity_ids=[g.id, *merged],
        account_ids=accounts,
        changes=merge_changes(g.id, merged),
    )
