"""The random draw of supervisors for a duty (抽选), "jiandu-draw-v1".

威海 人民监督员 第十一条: supervisors are drawn at random from the database "按照机会均衡、就近与跨区
履职相结合的原则", optionally among those with a given specialty; 第十二条 and 第十四条: they are
contacted in draw order, and a decline or recusal moves on to the next in that order.

Everything here is specified byte for byte in docs/draw.md so that anyone can replay a published draw
in another language: no language's built-in random generator is used. Randomness comes from
HMAC-SHA256 in counter mode keyed by SHA-256(seed || witness values); integers are drawn by rejection
sampling (no modulo bias); the pool is put in a canonical order first so the caller's order does not
matter.

Balance (机会均衡): candidates are ordered by the number of duties they already had this year
(ascending) and at random within each count. Drawing from the front of that order, supervisors who
are equally available end a year with counts that differ by at most one.

Notes carry codes and figures, not articles: the page cites the programme's own rulebook
(`duty.redraw_when_short`, `duty.random_draw`), since this algorithm serves every programme.

Pure Python: no Django import (import-linter contract). O(n log n) in the pool size.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import struct
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

ALGORITHM = "jiandu-draw-v1"
_DOMAIN = ALGORITHM.encode("ascii")
_TWO_64 = 1 << 64
SEED_BYTES = 32


class DrawInputError(ValueError):
    """The inputs cannot be drawn from (duplicate ids, negative counts, no witness value …)."""


# ---------------------------------------------------------------------------------------------------
# Seed, commitment, key
# ---------------------------------------------------------------------------------------------------


def seed_new() -> bytes:
    """32 bytes from the operating system's CSPRNG: the secret the commitment binds."""
    return secrets.token_bytes(SEED_BYTES)


def commitment(seed: bytes) -> str:
    """SHA-256 over the raw seed bytes, lowercase hex. Published before the draw, so the seed cannot
    be chosen after the witness values are known."""
    return hashlib.sha256(seed).hexdigest()


def witness_encoding(witnesses: Sequence[str]) -> bytes:
    """u32be(count) || for each value: u32be(byte length) || UTF-8 bytes — the values exactly as stored
    (the caller trims and NFC-normalises before storing; this function changes nothing)."""
    out = bytearray(len(witnesses).to_bytes(4, "big"))
    for value in witnesses:
        raw = value.encode("utf-8")
        out += len(raw).to_bytes(4, "big")
        out += raw
    return bytes(out)


def draw_key(seed: bytes, witnesses: Sequence[str]) -> bytes:
    """key = SHA-256(seed || witness_encoding(witnesses))."""
    return hashlib.sha256(seed + witness_encoding(witnesses)).digest()


class RandomStream:
    """block(i) = HMAC-SHA256(key, b"jiandu-draw-v1" || u64be(i)), i = 0, 1, 2, …; the stream is the
    blocks concatenated, consumed 8 bytes at a time."""

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._counter = 0
        self._words: list[int] = []
        self._pos = 0
        self.bytes_used = 0

    def _refill(self) -> None:
        # Blocks in batches of 4, 4, 8, 16, 32, then 64, unpacked to u64 words: the draw of a 100,000 pool
        # reads ~800 kB of stream, one of a dozen candidates ~100 bytes (a first batch of 64 blocks made
        # its draw cost 15 times the rest). Each 32-byte block is four big-endian u64 words, in order,
        # so this is the same byte stream whatever the batch.
        key, start = self._key, self._counter
        n = min(64, max(4, start))
        chunk = b"".join(
            hmac.digest(key, _DOMAIN + (start + i).to_bytes(8, "big"), "sha256") for i in range(n)
        )
        self._counter += n
        self._words = list(struct.unpack(f">{len(chunk) // 8}Q", chunk))
        self._pos = 0

    def next_u64(self) -> int:
        if self._pos >= len(self._words):
            self._refill()
        value = self._words[self._pos]
        self._pos += 1
        self.bytes_used += 8
        return value

    def uniform(self, n: int) -> int:
        """A uniform integer in [0, n) by rejection: limit = 2^64 − (2^64 mod n); read u64 values until
        one is below the limit; return it mod n. n = 1 still reads one value (no special cases)."""
        if n < 1:
            raise DrawInputError("uniform(n) needs n ≥ 1")
        limit = _TWO_64 - (_TWO_64 % n)
        while True:
            # next_u64, inlined: this loop runs once per candidate in a 100,000 pool.
            if self._pos >= len(self._words):
                self._refill()
            x = self._words[self._pos]
            self._pos += 1
            self.bytes_used += 8
            if x < limit:
                return x % n


# ---------------------------------------------------------------------------------------------------
# Inputs and outputs
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    id: str
    prior: int = 0  # duties already had this year (the balance tier)
    specialties: tuple[str, ...] = ()
    local: bool = True  # lives in the duty's district (就近) or not (跨区)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "prior": self.prior,
            "specialties": sorted(set(self.specialties))
            if len(self.specialties) > 1
            else list(self.specialties),
            "local": self.local,
        }


def _normal_specialties(values: Any) -> tuple[str, ...]:
    return tuple(sorted(set(values))) if len(values) > 1 else tuple(values)


def candidate_from_dict(data: Mapping[str, Any]) -> Candidate:
    return Candidate(
        id=str(data["id"]),
        prior=int(data.get("prior", 0)),
        specialties=_normal_specialties(data.get("specialties", ())),
        local=bool(data.get("local", True)),
    )


@dataclass(frozen=True)
class Requirements:
    k: int
    specialty_minimums: Mapping[str, int] = field(default_factory=dict)
    local_min: int = 0  # at least this many from the duty's own district (就近)
    cross_min: int = 0  # at least this many from other districts (跨区)

    def to_dict(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "specialty_minimums": {s: n for s, n in sorted(self.specialty_minimums.items()) if n > 0},
            "local_min": self.local_min,
            "cross_min": self.cross_min,
        }


def requirements_from_dict(data: Mapping[str, Any]) -> Requirements:
    return Requirements(
        k=int(data["k"]),
        specialty_minimums={str(s): int(n) for s, n in dict(data.get("specialty_minimums", {})).items()},
        local_min=int(data.get("local_min", 0)),
        cross_min=int(data.get("cross_min", 0)),
    )


@dataclass(frozen=True)
class Note:
    """Where the pool could not meet a requirement. `code` and `facts` are part of the replayable
    result; `message` is the sentence shown to people."""

    code: str
    message: str
    facts: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "facts": self.facts}


@dataclass(frozen=True)
class DrawResult:
    algorithm: str
    order: list[str]  # the full contact order: the selected first, then everyone else
    selected: list[str]  # order[:min(k, pool size)]
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


# ---------------------------------------------------------------------------------------------------
# The draw
# ---------------------------------------------------------------------------------------------------


def _constraints(req: Requirements) -> list[tuple[str, str, int]]:
    """(kind, value, minimum) in the fixed order the draw honours them: specialties by code (Unicode
    code point order), then the local minimum, then the cross-district minimum."""
    out = [("specialty", s, n) for s, n in sorted(req.specialty_minimums.items()) if n > 0]
    if req.local_min > 0:
        out.append(("local", "", req.local_min))
    if req.cross_min > 0:
        out.append(("cross", "", req.cross_min))
    return out


def _matches(c: Candidate, kind: str, value: str) -> bool:
    if kind == "specialty":
        return value in c.specialties
    if kind == "local":
        return c.local
    return not c.local


def _validate(pool: Sequence[Candidate], req: Requirements, witnesses: Sequence[str]) -> None:
    if req.k < 1:
        raise DrawInputError("人数须至少为 1")
    if any(n < 0 for n in req.specialty_minimums.values()) or req.local_min < 0 or req.cross_min < 0:
        raise DrawInputError("最低人数不能为负数")
    if not witnesses:
        raise DrawInputError("至少需要一名在场见证人输入的值")
    seen: set[str] = set()
    for c in pool:
        if c.id in seen:
            raise DrawInputError(f"候选人编号重复：{c.id}")
        if c.prior < 0:
            raise DrawInputError(f"候选人 {c.id} 的履职次数为负数")
        seen.add(c.id)


def base_order(pool: Sequence[Candidate], stream: RandomStream) -> list[Candidate]:
    """Canonical order (id, code point order) → Fisher–Yates shuffle from the stream → stable sort by
    prior count ascending: tiers by count, random within each tier."""
    items = sorted(pool, key=attrgetter("id"))
    uniform = stream.uniform
    for i in range(len(items) - 1, 0, -1):
        j = uniform(i + 1)
        items[i], items[j] = items[j], items[i]
    items.sort(key=attrgetter("prior"))  # list.sort is stable
    return items


_CONSTRAINT_LABEL = {"local": "本区县（就近）", "cross": "跨区县"}


def draw(
    pool: Sequence[Candidate],
    requirements: Requirements,
    seed: bytes,
    witnesses: Sequence[str],
) -> DrawResult:
    _validate(pool, requirements, witnesses)
    key = draw_key(seed, witnesses)
    stream = RandomStream(key)
    ordered = base_order(pool, stream)
    want = min(requirements.k, len(ordered))
    notes: list[Note] = []
    if len(ordered) < requirements.k:
        notes.append(
            Note(
                "pool_short",
                f"可抽选人数 {len(ordered)} 人，少于所需 {requirements.k} 人，须重新抽选或补充",
                {"needed": requirements.k, "available": len(ordered)},
            )
        )

    picked: set[str] = set()
    picked_list: list[Candidate] = []
    for kind, value, minimum in _constraints(requirements):
        have = sum(1 for c in picked_list if _matches(c, kind, value))
        for c in ordered:
            if have >= minimum or len(picked_list) >= want:
                break
            if c.id not in picked and _matches(c, kind, value):
                picked.add(c.id)
                picked_list.append(c)
                have += 1
        if have < minimum:
            label = f"专业“{value}”" if kind == "specialty" else _CONSTRAINT_LABEL[kind]
            notes.append(
                Note(
                    f"{kind}_unmet",
                    f"{label}要求至少 {minimum} 人，本次只能满足 {have} 人",
                    {"constraint": kind, "value": value, "minimum": minimum, "met": have},
                )
            )
    for c in ordered:
        if len(picked_list) >= want:
            break
        if c.id not in picked:
            picked.add(c.id)
            picked_list.append(c)

    order = [c.id for c in ordered if c.id in picked] + [c.id for c in ordered if c.id not in picked]
    return DrawResult(
        algorithm=ALGORITHM,
        order=order,
        selected=order[:want],
        notes=notes,
        key_hex=key.hex(),
        stream_bytes=stream.bytes_used,
    )


def next_to_contact(
    order: Sequence[str],
    pool: Iterable[Candidate],
    requirements: Requirements,
    *,
    engaged: Iterable[str],
    contacted: Iterable[str],
) -> str | None:
    """Who to ask after a decline or recusal (第十四条: "根据抽选顺序重新联络").

    `engaged`: those asked who have not declined or recused (pending or accepted); `contacted`: everyone
    asked so far. Rule: take the constraints in draw order; for the first one the engaged fall short of
    and some not-yet-contacted candidate meets, return the first such candidate in draw order; otherwise
    the first not-yet-contacted candidate in draw order; None when the order is exhausted (a redraw).
    """
    by_id = {c.id: c for c in pool}
    engaged_set = set(engaged)
    contacted_set = set(contacted) | engaged_set
    remaining = [by_id[i] for i in order if i not in contacted_set]
    if not remaining:
        return None
    engaged_c = [by_id[i] for i in order if i in engaged_set]
    for kind, value, minimum in _constraints(requirements):
        if sum(1 for c in engaged_c if _matches(c, kind, value)) < minimum:
            for c in remaining:
                if _matches(c, kind, value):
                    return c.id
    return remaining[0].id


def uniform_sample(ids: Sequence[str], k: int, stream: RandomStream) -> list[str]:
    """A plain uniform draw of k ids (partial Fisher–Yates), ignoring counts and constraints: the
    baseline `jiandu draw simulate` compares balance against."""
    items = sorted(ids)
    n = len(items)
    for i in range(min(k, n)):
        j = i + stream.uniform(n - i)
        items[i], items[j] = items[j], items[i]
    return items[: min(k, n)]


# ---------------------------------------------------------------------------------------------------
# The public record: canonical form, hash and replay
# ---------------------------------------------------------------------------------------------------


def canonical_json(value: Any) -> bytes:
    """UTF-8 JSON with keys sorted, no whitespace, non-ASCII kept as is (only integers, strings,
    booleans, null, lists and objects appear in a record)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def record_hash(record: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the record without its "id" and "record_hash" members."""
    body = {k: v for k, v in record.items() if k not in ("id", "record_hash")}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def record_replay(record: Mapping[str, Any]) -> DrawResult:
    pool = [candidate_from_dict(c) for c in record["pool"]["candidates"]]
    witnesses = [w["value"] for w in record["witnesses"]]
    return draw(
        pool, requirements_from_dict(record["requirements"]), bytes.fromhex(record["seed"]), witnesses
    )


def first_difference(path: str, stored: Any, replayed: Any) -> str | None:
    if isinstance(stored, list) and isinstance(replayed, list):
        for i, (a, b) in enumerate(zip(stored, replayed, strict=False)):
            diff = first_difference(f"{path}[{i}]", a, b)
            if diff:
                return diff
        if len(stored) != len(replayed):
            return f"{path}: stored {len(stored)} items, replay gives {len(replayed)}"
        return None
    if isinstance(stored, dict) and isinstance(replayed, dict):
        for key in sorted(set(stored) | set(replayed)):
            diff = first_difference(f"{path}.{key}", stored.get(key), replayed.get(key))
            if diff:
                return diff
        return None
    if stored != replayed:
        return f"{path}: stored {stored!r}, replay gives {replayed!r}"
    return None


def record_verify(record: Mapping[str, Any]) -> list[str]:
    """Every check a reader of the public record can make, in order; [] when the record holds.

    1. the algorithm is one this code implements; 2. SHA-256(seed) equals the published commitment;
    3. the pool hash equals the one published with the commitment; 4. replaying the draw from the
    stored pool, requirements, seed and witness values gives the stored result; 5. the record hash
    matches the record's content.
    """
    problems: list[str] = []
    if record.get("algorithm") != ALGORITHM:
        return [f"algorithm: {record.get('algorithm')!r} is not {ALGORITHM!r}"]
    try:
        seed = bytes.fromhex(record["seed"])
    except (KeyError, TypeError, ValueError):
        return ["seed: missing or not hex"]
    if commitment(seed) != record.get("commitment"):
        problems.append(
            f"commitment: SHA-256(seed) = {commitment(seed)}, published {record.get('commitment')}"
        )
    if pool_hash(record["pool"], record["requirements"]) != record.get("pool_hash"):
        problems.append("pool_hash: the pool or requirements differ from those published with the commitment")
    try:
        replay = record_replay(record).to_dict()
    except (DrawInputError, KeyError, TypeError, ValueError) as exc:
        problems.append(f"replay: {exc}")
    else:
        problems += result_problems(record, replay)
    problems += record_hash_problems(record)
    return problems


def result_problems(record: Mapping[str, Any], replay: dict[str, Any]) -> list[str]:
    """The replayed result against the stored one (notes compared by code and figures only: their
    wording is for people and may be reworded between versions). Shared by every draw version."""
    replay = {**replay, "notes": [{"code": n["code"], "facts": n["facts"]} for n in replay["notes"]]}
    stored = dict(record.get("result", {}))
    stored["notes"] = [{"code": n.get("code"), "facts": n.get("facts")} for n in stored.get("notes", [])]
    diff = first_difference("result", stored, replay)
    return [diff] if diff else []


def record_hash_problems(record: Mapping[str, Any]) -> list[str]:
    if record_hash(record) != record.get("record_hash"):
        return [f"record_hash: content hashes to {record_hash(record)}, stored {record.get('record_hash')}"]
    return []


def pool_hash(pool: Mapping[str, Any], requirements: Mapping[str, Any]) -> str:
    """SHA-256 of canonical JSON {"pool": …, "requirements": …}: published with the commitment, so the
    pool cannot be changed once the witness values are known."""
    return hashlib.sha256(canonical_json({"pool": pool, "requirements": requirements})).hexdigest()


def record_build(
    *,
    pool: Mapping[str, Any],
    requirements: Mapping[str, Any],
    seed: bytes,
    witnesses: Sequence[Mapping[str, str]],
    meta: Mapping[str, Any],
) -> dict[str, Any]:
    """The public record of one draw: `meta` (duty summary, times, who opened and drew) plus the
    commitment, pool (with its hash), requirements, seed, witness entries ({"name", "role", "value"})
    and the result, sealed by the record hash. `pool` is {"candidates": [...], "excluded": [...], ...};
    candidates are stored in canonical (id) order."""
    pool_out, req_out, sealed, candidates = _seal(pool, requirements)
    result = draw(candidates, requirements_from_dict(req_out), seed, [w["value"] for w in witnesses])
    record: dict[str, Any] = dict(meta)
    record.update(
        {
            "algorithm": ALGORITHM,
            "commitment": commitment(seed),
            "pool": pool_out,
            "requirements": req_out,
            "pool_hash": sealed,
            "seed": seed.hex(),
            "witnesses": [{"name": w["name"], "role": w["role"], "value": w["value"]} for w in witnesses],
            "result": result.to_dict(),
        }
    )
    record["record_hash"] = record_hash(record)
    return record


def pool_seal(
    pool: Mapping[str, Any], requirements: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The pool and requirements in their stored form (candidates in id order, attributes normalised)
    and their hash, as published with the commitment when the draw is opened."""
    pool_out, req_out, sealed, _ = _seal(pool, requirements)
    return pool_out, req_out, sealed


def _seal(
    pool: Mapping[str, Any], requirements: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], str, list[Candidate]]:
    candidates = sorted((candidate_from_dict(c) for c in pool["candidates"]), key=attrgetter("id"))
    pool_out = dict(pool)
    pool_out["candidates"] = [c.to_dict() for c in candidates]
    req_out = requirements_from_dict(requirements).to_dict()
    return pool_out, req_out, pool_hash(pool_out, req_out), candidates
