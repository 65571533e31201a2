"""The random draw of supervisors for a duty (抽选), "jiandu-draw-v2" (docs/draw.md, part II).

What changed from v1 (jiandu/rules/draw.py, kept so that v1 records still verify):

- **Lazy.** v1 shuffled and sorted the whole pool and published the whole order (325 ms CPU and a
  megabyte of record for 100,000 candidates). v2 picks slot by slot from the front of the lowest
  duty-count tier (机会均衡): a uniform index into that tier's eligible candidates. The seed-independent
  index of the pool (tiers × quota profiles) is built once when the draw is opened (`pool_prepare`);
  the draw itself (`draw_prepared`) then costs O(k × profiles), not O(n).
- **SHAKE256.** The stream is SHAKE256("jiandu-draw-v2" || key), an extendable-output function: in
  Python's hashlib and in Node's crypto (`createHash("shake256", {outputLength})`), with no library;
  one call yields as many bytes as needed.
- **Pool by hash.** The record carries SHA-256 of the pool file (canonical JSON, candidates sorted by
  duty count then id) instead of the pool: anyone downloads the file, checks its hash and replays.
- **Quotas, minimum and maximum,** over any categories (district, local/cross, specialty, gender,
  民族 …: data on the candidate). A candidate is eligible for the next place only if the panel can
  still be completed within every quota from those not yet picked; so where the pool allows, every
  draw meets every quota, and where it does not, `infeasibility` says which quota and why before any
  seed is drawn (the answer does not depend on the seed).

Within a quota cell (candidates alike on every quota) a place always goes to one of the cell's
fewest-duty members, so a year of draws keeps each cell's duty counts within one of each other.

Pure Python: no Django import (import-linter contract). Codes and figures here; the service words the
Chinese message and cites the programme's rulebook.
"""

from __future__ import annotations

import hashlib
import struct
from bisect import insort
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jiandu.rules.draw import (
    DrawInputError,
    Note,
    canonical_json,
    commitment,
    draw_key,
    record_hash,
    record_hash_problems,
    result_problems,
)

ALGORITHM = "jiandu-draw-v2"
_DOMAIN = ALGORITHM.encode("ascii")
_TWO_64 = 1 << 64

# The categories the service fills from the supervisor (docs/draw.md §II.2); a pool may carry others.
CATEGORIES = ("district", "local", "specialty", "gender", "ethnicity")

Profile = tuple[int, ...]  # 1 where the candidate counts towards quota i (quotas in canonical order)


class DrawInfeasible(DrawInputError):
    """No panel of this pool meets every quota. `reasons` says which (codes and figures)."""

    def __init__(self, reasons: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(r["code"] for r in reasons))
        self.reasons = reasons


# ---------------------------------------------------------------------------------------------------
# The stream
# ---------------------------------------------------------------------------------------------------


class ShakeStream:
    """stream = SHAKE256(b"jiandu-draw-v2" || key), read 8 bytes at a time as big-endian u64.

    An XOF's output of length 2L begins with its output of length L, so the stream is produced by
    asking for more bytes when needed (doubling); only the bytes read matter."""

    def __init__(self, key: bytes) -> None:
        self._xof = hashlib.shake_256(_DOMAIN + key)
        self._words: tuple[int, ...] = ()
        self._pos = 0

    @property
    def bytes_used(self) -> int:
        return self._pos * 8

    def next_u64(self) -> int:
        if self._pos >= len(self._words):
            n = max(32, 2 * len(self._words))
            self._words = struct.unpack(f">{n}Q", self._xof.digest(8 * n))
        x = self._words[self._pos]
        self._pos += 1
        return x

    def uniform(self, n: int) -> int:
        """Uniform in [0, n) by rejection, as v1: limit = 2^64 − (2^64 mod n)."""
        if n < 1:
            raise DrawInputError("uniform(n) needs n ≥ 1")
        limit = _TWO_64 - (_TWO_64 % n)
        while True:
            x = self.next_u64()
            if x < limit:
                return x % n


# ---------------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quota:
    """At least `min` and at most `max` (None: no maximum) selected with `value` in `category`."""

    category: str
    value: str
    min: int = 0
    max: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"category": self.category, "value": self.value, "min": self.min, "max": self.max}


@dataclass(frozen=True)
class Requirements:
    k: int
    quotas: tuple[Quota, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "quotas", tuple(sorted(self.quotas, key=lambda q: (q.category, q.value))))

    def to_dict(self) -> dict[str, Any]:
        return {"k": self.k, "quotas": [q.to_dict() for q in self.quotas]}

    def used(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for q in self.quotas:
            out.setdefault(q.category, set()).add(q.value)
        return out


def requirements_from_dict(data: Mapping[str, Any]) -> Requirements:
    quotas = []
    for q in data.get("quotas", ()):
        mx = q.get("max")
        quotas.append(
            Quota(
                str(q["category"]), str(q["value"]), int(q.get("min") or 0), None if mx is None else int(mx)
            )
        )
    return Requirements(k=int(data["k"]), quotas=tuple(quotas))


def quotas_merge(quotas: Iterable[Quota]) -> tuple[Quota, ...]:
    """Several quotas on the same (category, value) → one: the highest minimum, the lowest maximum."""
    merged: dict[tuple[str, str], Quota] = {}
    for q in quotas:
        old = merged.get((q.category, q.value))
        if old is None:
            merged[(q.category, q.value)] = q
            continue
        maxes = [m for m in (old.max, q.max) if m is not None]
        merged[(q.category, q.value)] = Quota(
            q.category, q.value, max(old.min, q.min), min(maxes) if maxes else None
        )
    return tuple(sorted(merged.values(), key=lambda q: (q.category, q.value)))


def _validate(req: Requirements, witnesses: Sequence[str] | None) -> None:
    if req.k < 1:
        raise DrawInputError("人数须至少为 1")
    seen: set[tuple[str, str]] = set()
    for q in req.quotas:
        if q.min < 0 or (q.max is not None and q.max < 0):
            raise DrawInputError("名额要求不能为负数")
        if (q.category, q.value) in seen:
            raise DrawInputError(f"名额要求重复：{q.category}={q.value}")
        seen.add((q.category, q.value))
    if witnesses is not None and not witnesses:
        raise DrawInputError("至少需要一名在场见证人输入的值")


def _values(cats: Mapping[str, Any], cat: str, allowed: set[str]) -> tuple[str, ...]:
    values = cats.get(cat) or ()
    if isinstance(values, str):
        values = (values,)
    return tuple(sorted({str(v) for v in values} & allowed))


# ---------------------------------------------------------------------------------------------------
# The pool index (seed-independent, built when the draw is opened)
# ---------------------------------------------------------------------------------------------------


@dataclass
class Prepared:
    requirements: Requirements
    n: int
    want: int
    mins: tuple[int, ...]
    maxs: tuple[int, ...]  # None → want
    profiles: list[Profile]  # every profile present, ascending ('0'/'1' string order)
    avail: dict[Profile, int]  # candidates per profile
    # ascending by prior: (prior, {profile: [ids in code point order]})
    tiers: list[tuple[int, dict[Profile, list[str]]]] = field(default_factory=list)


def pool_prepare(pool_doc: Mapping[str, Any], requirements: Requirements) -> Prepared:
    """Index the pool file's groups by duty count (tier) and quota profile. O(groups) Python work plus
    a C-speed order check over the ids; seed-independent. That every id appears once is checked when
    the file is made (`pool_seal`) and when a record is verified (`pool_problems`), not here."""
    _validate(requirements, None)
    keys = [(q.category, q.value) for q in requirements.quotas]
    tiers: dict[int, dict[Profile, list[str]]] = {}
    avail: Counter[Profile] = Counter()
    n = 0
    for g in pool_doc["groups"]:
        cats = g.get("categories") or {}
        prof = tuple([1 if v in (cats.get(cat) or ()) else 0 for cat, v in keys])
        prior = int(g.get("prior", 0))
        if prior < 0:
            raise DrawInputError("履职次数不能为负数")
        ids = g["ids"]
        n += len(ids)
        tier = tiers.setdefault(prior, {})
        if prof in tier:  # two groups alike on every quota (categories no quota names): merge
            tier[prof] = sorted(tier[prof] + list(ids))
        else:
            tier[prof] = ids if ids == sorted(ids) else sorted(ids)
        avail[prof] += len(ids)
    want = min(requirements.k, n)
    return Prepared(
        requirements=requirements,
        n=n,
        want=want,
        mins=tuple(q.min for q in requirements.quotas),
        maxs=tuple(want if q.max is None else q.max for q in requirements.quotas),
        profiles=sorted(p for p, a in avail.items() if a),
        avail=dict(avail),
        tiers=sorted(tiers.items()),
    )


class Oracle:
    """Exact answers to "completable?" for one set of quotas, sharing what earlier questions learnt.

    Whether m more candidates (at most avail[p] of profile p) can bring every quota count into
    [min, max] depends on each avail[p] only up to m: the search runs on the availabilities capped at
    m, and the states it has settled (profile index, places left, counts) are kept per capped
    availability, so the many questions of one place (one per profile) mostly share one search."""

    def __init__(self, mins: Sequence[int], maxs: Sequence[int]) -> None:
        self.mins = tuple(mins)
        self.maxs = tuple(maxs)
        self._searches: dict[tuple[tuple[Profile, int], ...], _Search] = {}

    def completable(self, counts: Sequence[int], m: int, avail: Mapping[Profile, int]) -> bool:
        mins, maxs = self.mins, self.maxs
        for i in range(len(mins)):
            if counts[i] > maxs[i] or counts[i] + m < mins[i]:
                return False
        if m == 0:
            return True
        key = tuple(sorted(((p, a if a < m else m) for p, a in avail.items() if a > 0), reverse=True))
        search = self._searches.get(key)
        if search is None:
            search = self._searches[key] = _Search(key, mins, maxs)
        return search.rec(0, m, tuple(counts))


class _Search:
    def __init__(
        self, plist: Sequence[tuple[Profile, int]], mins: tuple[int, ...], maxs: tuple[int, ...]
    ) -> None:
        nq = len(mins)
        self.plist, self.mins, self.maxs, self.nq = plist, mins, maxs, nq
        size = len(plist)
        self.suf = [[0] * nq for _ in range(size + 1)]
        self.sufn = [0] * (size + 1)
        for i in range(size - 1, -1, -1):
            p, a = plist[i]
            row = list(self.suf[i + 1])
            for q in range(nq):
                if p[q]:
                    row[q] += a
            self.suf[i] = row
            self.sufn[i] = self.sufn[i + 1] + a
        self.known: dict[tuple[int, int, tuple[int, ...]], bool] = {}

    def rec(self, i: int, m: int, cnt: tuple[int, ...]) -> bool:
        mins, nq = self.mins, self.nq
        if m == 0:
            return all(cnt[q] >= mins[q] for q in range(nq))
        if self.sufn[i] < m:
            return False
        row = self.suf[i]
        for q in range(nq):
            d = mins[q] - cnt[q]
            if d > 0 and (d > m or row[q] < d):
                return False
        state = (i, m, cnt)
        known = self.known.get(state)
        if known is not None:
            return known
        p, a = self.plist[i]
        cap = a if a < m else m
        maxs = self.maxs
        for q in range(nq):
            if p[q]:
                cap = min(cap, maxs[q] - cnt[q])
        found = False
        for take in range(cap, -1, -1):
            nxt = tuple([cnt[q] + take * p[q] for q in range(nq)]) if take else cnt
            if self.rec(i + 1, m - take, nxt):
                found = True
                break
        self.known[state] = found
        return found


def completable(
    counts: Sequence[int],
    m: int,
    avail: Mapping[Profile, int],
    mins: Sequence[int],
    maxs: Sequence[int],
) -> bool:
    """Can m more candidates, at most avail[p] of each profile p, bring every quota count into
    [min, max]? Depth-first over profiles, pruned by what the rest can still add; exact."""
    return Oracle(mins, maxs).completable(counts, m, avail)


def _add(counts: Sequence[int], prof: Profile) -> list[int]:
    return [c + b for c, b in zip(counts, prof, strict=True)]


def _minus(avail: Mapping[Profile, int], prof: Profile) -> dict[Profile, int]:
    out = dict(avail)
    out[prof] -= 1
    return out


def _allowed(
    counts: Sequence[int], m: int, avail: Mapping[Profile, int], p: Prepared, oracle: Oracle
) -> list[Profile]:
    """The profiles a candidate may have to take the next place: the panel stays completable."""
    return [
        prof
        for prof in p.profiles
        if avail[prof] > 0 and oracle.completable(_add(counts, prof), m, _minus(avail, prof))
    ]


# ---------------------------------------------------------------------------------------------------
# When no panel meets every quota: which, and why (before anything is committed)
# ---------------------------------------------------------------------------------------------------


def _project(p: Prepared, keep: Sequence[int]) -> dict[Profile, int]:
    out: Counter[Profile] = Counter()
    for prof, a in p.avail.items():
        out[tuple(prof[i] for i in keep)] += a
    return dict(out)


def _feasible_with(p: Prepared, keep: Sequence[int]) -> bool:
    return completable(
        [0] * len(keep),
        p.want,
        _project(p, keep),
        [p.mins[i] for i in keep],
        [p.maxs[i] for i in keep],
    )


def infeasibility(p: Prepared) -> list[dict[str, Any]]:
    """[] when some panel of `want` candidates meets every quota; otherwise the reasons, each
    {"code", "facts"}: a quota whose minimum exceeds its maximum or the places, one the pool has too
    few (or too many) candidates for, or else the smallest set of quotas that cannot hold together."""
    if completable([0] * len(p.mins), p.want, p.avail, p.mins, p.maxs):
        return []
    reasons: list[dict[str, Any]] = []
    for i, q in enumerate(p.requirements.quotas):
        have = sum(a for prof, a in p.avail.items() if prof[i])
        base = {"category": q.category, "value": q.value, "min": q.min, "max": q.max}
        if q.max is not None and q.min > q.max:
            reasons.append({"code": "quota_min_above_max", "facts": base})
        elif q.min > p.want:
            reasons.append({"code": "quota_min_above_places", "facts": {**base, "places": p.want}})
        elif have < q.min:
            reasons.append({"code": "quota_short", "facts": {**base, "available": have}})
        elif p.n - have < p.want - p.maxs[i]:
            reasons.append(
                {
                    "code": "quota_max_too_low",
                    "facts": {**base, "places": p.want, "others_available": p.n - have},
                }
            )
    if reasons:
        return reasons
    keep = list(range(len(p.mins)))
    for i in list(keep):
        trial = [j for j in keep if j != i]
        if not _feasible_with(p, trial):
            keep = trial
    quotas = [p.requirements.quotas[i].to_dict() for i in keep]
    return [{"code": "quotas_conflict", "facts": {"quotas": quotas, "places": p.want}}]


# ---------------------------------------------------------------------------------------------------
# The draw
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DrawResult:
    algorithm: str
    selected: list[str]
    order: list[str]  # the selected, then the reserves (contacted in this order after a decline)
    notes: list[Note]
    key_hex: str
    stream_bytes: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "order": list(self.order),
            "selected": list(self.selected),
            "notes": [n.to_dict() for n in self.notes],
        }


def reserve_count(n: int, want: int) -> int:
    """Reserves drawn after the panel: twice the places, as far as the pool goes."""
    return min(n - want, 2 * want)


class _Picker:
    def __init__(self, p: Prepared, stream: ShakeStream) -> None:
        self.p = p
        self.stream = stream
        self.avail = dict(p.avail)
        self.taken: dict[tuple[int, Profile], list[int]] = {}

    def pick(self, allowed: Sequence[Profile]) -> tuple[str, Profile]:
        """Uniform among the unpicked candidates of the lowest tier that has one with an allowed
        profile, listed by profile then id."""
        options: list[tuple[Profile, int]] = []
        total, tier = 0, 0
        lists: dict[Profile, list[str]] = {}
        for tier, (_prior, lists) in enumerate(self.p.tiers):
            for prof in allowed:
                ids = lists.get(prof)
                if ids:
                    left = len(ids) - len(self.taken.get((tier, prof), ()))
                    if left:
                        options.append((prof, left))
                        total += left
            if total:
                break
        r = self.stream.uniform(total)
        prof = options[-1][0]
        for option, left in options:
            if r < left:
                prof = option
                break
            r -= left
        taken = self.taken.setdefault((tier, prof), [])
        idx = r
        for t in taken:  # the r-th position not yet taken
            if t <= idx:
                idx += 1
            else:
                break
        insort(taken, idx)
        self.avail[prof] -= 1
        return lists[prof][idx], prof


def draw_prepared(p: Prepared, seed: bytes, witnesses: Sequence[str]) -> DrawResult:
    _validate(p.requirements, witnesses)
    key = draw_key(seed, witnesses)
    stream = ShakeStream(key)
    picker = _Picker(p, stream)
    counts = [0] * len(p.mins)
    oracle = Oracle(p.mins, p.maxs)
    if p.mins and not oracle.completable(counts, p.want, picker.avail):
        raise DrawInfeasible(infeasibility(p))
    selected: list[str] = []
    for slot in range(p.want):
        allowed = _allowed(counts, p.want - slot - 1, picker.avail, p, oracle) if p.mins else p.profiles
        cid, prof = picker.pick([a for a in allowed if picker.avail[a] > 0])
        counts = _add(counts, prof)
        selected.append(cid)
    reserves: list[str] = []
    for _ in range(reserve_count(p.n, p.want)):
        cid, _prof = picker.pick([a for a in p.profiles if picker.avail[a] > 0])
        reserves.append(cid)
    notes: list[Note] = []
    if p.n < p.requirements.k:
        notes.append(
            Note(
                "pool_short",
                f"可抽选人数 {p.n} 人，少于所需 {p.requirements.k} 人，须重新抽选或补充",
                {"needed": p.requirements.k, "available": p.n},
            )
        )
    return DrawResult(
        algorithm=ALGORITHM,
        selected=selected,
        order=selected + reserves,
        notes=notes,
        key_hex=key.hex(),
        stream_bytes=stream.bytes_used,
    )


def draw(
    pool_doc: Mapping[str, Any],
    requirements: Requirements,
    seed: bytes,
    witnesses: Sequence[str],
) -> DrawResult:
    """The draw from a pool file document (see `pool_seal`)."""
    return draw_prepared(pool_prepare(pool_doc, requirements), seed, witnesses)


def profiles_by_id(pool_doc: Mapping[str, Any], requirements: Requirements) -> dict[str, Profile]:
    keys = [(q.category, q.value) for q in requirements.quotas]
    out: dict[str, Profile] = {}
    for g in pool_doc["groups"]:
        cats = g.get("categories") or {}
        prof = tuple([1 if v in (cats.get(cat) or ()) else 0 for cat, v in keys])
        out.update(dict.fromkeys(g["ids"], prof))
    return out


def profile_of(categories: Mapping[str, Any], requirements: Requirements) -> Profile:
    """The profile of someone described by their categories ({category: [values]})."""
    return tuple(
        1 if q.value in _values(categories, q.category, {q.value}) else 0 for q in requirements.quotas
    )


def next_to_contact(
    order: Sequence[str],
    pool_doc: Mapping[str, Any],
    requirements: Requirements,
    *,
    engaged: Mapping[str, Profile],
    contacted: Iterable[str],
) -> str | None:
    """Who to ask after a decline or recusal (docs/draw.md §II.4): the first not-yet-asked in `order`
    with whom the engaged can still be completed within every quota from those not yet asked. When
    none can but the pool could: None (a redraw, which honours every quota). When the pool cannot
    either: the first not-yet-asked in order. None when the order is exhausted.

    `engaged`: those asked who have not declined or recused, with their profiles (they may come from
    an earlier draw of the same duty); `requirements.k` is the duty's whole need."""
    p = pool_prepare(pool_doc, requirements)
    profiles = profiles_by_id(pool_doc, requirements)
    asked = set(contacted) | set(engaged)
    remaining = [cid for cid in order if cid not in asked]
    if not remaining:
        return None
    want = requirements.k
    maxs = [want if q.max is None else q.max for q in requirements.quotas]
    counts = [0] * len(p.mins)
    for prof in engaged.values():
        counts = _add(counts, prof)
    avail = dict(p.avail)
    for cid in asked:
        if cid in profiles:
            avail[profiles[cid]] -= 1
    m = want - len(engaged) - 1
    if m < 0:
        return remaining[0]
    for cid in remaining:
        prof = profiles[cid]
        if completable(_add(counts, prof), m, _minus(avail, prof), p.mins, maxs):
            return cid
    if completable(counts, m + 1, avail, p.mins, maxs):
        return None
    return remaining[0]


# ---------------------------------------------------------------------------------------------------
# The pool file and the public record
# ---------------------------------------------------------------------------------------------------


def pool_seal(
    pool: Mapping[str, Any], requirements: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """(pool file document, requirements, pool hash) as published when the draw is opened.

    `pool` is {"candidates": [{id, prior, categories: {category: [values]}}], "excluded", "counts"}.
    The document groups the candidates by duty count and by the values they have in the quotas'
    categories (only values some quota names: what the draw does not use is not published); groups
    are sorted by (prior, canonical JSON of categories), ids within a group by code point."""
    req = requirements_from_dict(requirements)
    _validate(req, None)
    used = req.used()
    cats = sorted(used)
    groups: dict[tuple[int, tuple[tuple[str, ...], ...]], list[str]] = {}
    for c in pool["candidates"]:
        cc = c.get("categories") or {}
        prior = int(c.get("prior", 0))
        key = (prior, tuple(_values(cc, cat, used[cat]) for cat in cats))
        groups.setdefault(key, []).append(str(c["id"]))
    out: list[dict[str, Any]] = []
    n = 0
    for (prior, values), ids in sorted(
        groups.items(), key=lambda kv: (kv[0][0], canonical_json(dict(zip(cats, kv[0][1], strict=True))))
    ):
        categories = {cat: list(v) for cat, v in zip(cats, values, strict=True)}
        out.append({"prior": prior, "categories": categories, "ids": sorted(ids)})
        n += len(ids)
    if len({i for g in out for i in g["ids"]}) != n:
        raise DrawInputError("候选人编号重复")
    doc = {
        "algorithm": ALGORITHM,
        "groups": out,
        "excluded": list(pool.get("excluded", [])),
        "counts": dict(pool.get("counts", {"candidates": n})),
    }
    return doc, req.to_dict(), pool_file_hash(doc)


def pool_problems(doc: Mapping[str, Any]) -> list[str]:
    """What a pool file must be beyond its hash: every candidate once, no negative duty count."""
    problems = []
    ids = [i for g in doc.get("groups", ()) for i in g.get("ids", ())]
    if len(set(ids)) != len(ids):
        problems.append("pool: a candidate appears more than once")
    if any(int(g.get("prior", 0)) < 0 for g in doc.get("groups", ())):
        problems.append("pool: a negative duty count")
    return problems


def pool_file_bytes(doc: Mapping[str, Any]) -> bytes:
    """The pool file as served: canonical JSON, so SHA-256 of the downloaded bytes is the pool hash."""
    return canonical_json(doc)


def pool_file_hash(doc: Mapping[str, Any]) -> str:
    return hashlib.sha256(pool_file_bytes(doc)).hexdigest()


def record_build(
    *,
    pool_doc: Mapping[str, Any],
    requirements: Mapping[str, Any],
    seed: bytes,
    witnesses: Sequence[Mapping[str, str]],
    meta: Mapping[str, Any],
    prepared: Prepared | None = None,
) -> dict[str, Any]:
    """The public record: small (no candidates), the pool by its hash."""
    req = requirements_from_dict(requirements)
    p = prepared or pool_prepare(pool_doc, req)
    result = draw_prepared(p, seed, [w["value"] for w in witnesses])
    record: dict[str, Any] = dict(meta)
    record.update(
        {
            "algorithm": ALGORITHM,
            "commitment": commitment(seed),
            "pool_hash": pool_file_hash(pool_doc),
            "pool": {"candidates": p.n, "counts": dict(pool_doc.get("counts", {}))},
            "requirements": req.to_dict(),
            "seed": seed.hex(),
            "witnesses": [{"name": w["name"], "role": w["role"], "value": w["value"]} for w in witnesses],
            "result": result.to_dict(),
        }
    )
    record["record_hash"] = record_hash(record)
    return record


def record_verify(record: Mapping[str, Any], pool_doc: Mapping[str, Any]) -> list[str]:
    """docs/draw.md §II.5: algorithm; SHA-256(seed) = commitment; SHA-256(pool file) = pool_hash;
    the replay gives the stored result; the record hash matches. [] when the record holds."""
    if record.get("algorithm") != ALGORITHM:
        return [f"algorithm: {record.get('algorithm')!r} is not {ALGORITHM!r}"]
    try:
        seed = bytes.fromhex(record["seed"])
    except (KeyError, TypeError, ValueError):
        return ["seed: missing or not hex"]
    problems: list[str] = []
    if commitment(seed) != record.get("commitment"):
        problems.append(
            f"commitment: SHA-256(seed) = {commitment(seed)}, published {record.get('commitment')}"
        )
    if pool_file_hash(pool_doc) != record.get("pool_hash"):
        problems.append("pool_hash: the pool file differs from the one published with the commitment")
    problems += pool_problems(pool_doc)
    try:
        replay = draw(
            pool_doc,
            requirements_from_dict(record["requirements"]),
            seed,
            [w["value"] for w in record["witnesses"]],
        ).to_dict()
    except (DrawInputError, KeyError, TypeError, ValueError) as exc:
        problems.append(f"replay: {exc}")
    else:
        problems += result_problems(record, replay)
    problems += record_hash_problems(record)
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m jiandu.rules.draw_v2 POOL.json < RECORD.json`: the checks of §II.5 in a process of
    its own (no Django), printing the selected; exit 1 when the record does not replay."""
    import json
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m jiandu.rules.draw_v2 POOL.json < RECORD.json", file=sys.stderr)
        return 2
    record = json.loads(sys.stdin.read())
    with open(args[0], "rb") as fh:
        raw = fh.read()
    record.pop("id", None)
    problems = record_verify(record, json.loads(raw))
    if hashlib.sha256(raw).hexdigest() != record.get("pool_hash"):
        problems.append("pool_hash: the file's bytes do not hash to the record's pool_hash")
    for problem in problems:
        print(f"FAIL {problem}")
    if problems:
        return 1
    print("selected: " + ", ".join(record["result"]["selected"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
