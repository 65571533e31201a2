"""The draw "jiandu-draw-v2" (jiandu/rules/draw_v2.py, docs/draw.md part II): the stream, the worked
example, quotas met whenever the pool allows (威海 人民监督员 第十一条: 机会均衡, 就近与跨区, 特定专业),
balance within each quota cell, replacement (第十四条) and the record checks; with hypothesis, that
quotas hold when feasible, that the draw is deterministic, and that a record replays."""

from __future__ import annotations

import copy
import hashlib
import itertools
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiandu.rules import draw_v2 as v
from jiandu.rules.draw import DrawInputError

SEED = bytes(range(32))
WITNESSES = ["张三：4821", "李四：0930"]
CANDIDATES = [
    # id, prior, gender, local, specialties
    ("S01", 0, "女", "local", ["law"]),
    ("S02", 1, "男", "local", []),
    ("S03", 0, "男", "cross", ["medicine"]),
    ("S04", 0, "女", "cross", []),
    ("S05", 2, "男", "local", ["finance", "law"]),
    ("S06", 1, "女", "cross", ["law"]),
    ("S07", 0, "男", "local", []),
    ("S08", 1, "女", "local", ["medicine"]),
]


def _pool(rows: list[tuple[str, int, str, str, list[str]]] = CANDIDATES) -> dict[str, Any]:
    return {
        "candidates": [
            {"id": i, "prior": p, "categories": {"gender": [g], "local": [loc], "specialty": s}}
            for i, p, g, loc, s in rows
        ],
        "excluded": [],
    }


def _req(k: int, *quotas: tuple[str, str, int, int | None]) -> v.Requirements:
    return v.Requirements(k=k, quotas=tuple(v.Quota(c, val, mn, mx) for c, val, mn, mx in quotas))


def _draw(req: v.Requirements, seed: bytes = SEED, witnesses: list[str] = WITNESSES) -> v.DrawResult:
    doc, _, _ = v.pool_seal(_pool(), req.to_dict())
    return v.draw(doc, req, seed, witnesses)


# The vectors printed in docs/draw.md part II; test_docs_carry_the_v2_vectors keeps them in step.
VECTORS: dict[str, Any] = {
    "key": "28c7100a7751d226622bda481002c8b227711df1924b82f9da35ce4115998c8d",
    "u64": ["8a9b054d39185429", "3881fe4b53b90abf", "06e96c20c4e77cae", "2de713985b952d4e"],
    "pool_hash_k3": "e04d2caf4a23fb1c0b4ecd867c38b4fcc922e0b061efe20e692db35259005b9c",
}
CASES: list[tuple[v.Requirements, list[str]]] = [
    (v.Requirements(k=3), ["S03", "S07", "S01", "S04", "S02", "S06", "S08", "S05"]),
    (
        v.Requirements(
            k=3,
            quotas=(
                v.Quota("specialty", "law", 2, None),
                v.Quota("local", "cross", 1, 1),
                v.Quota("gender", "男", 0, 1),
            ),
        ),
        ["S07", "S01", "S06", "S04", "S03", "S08", "S02", "S05"],
    ),
]


def test_stream_is_shake256_of_domain_and_key() -> None:
    key = bytes.fromhex(VECTORS["key"])
    s = v.ShakeStream(key)
    raw = hashlib.shake_256(b"jiandu-draw-v2" + key).digest(8 * 100)
    assert [s.next_u64() for _ in range(100)] == [
        int.from_bytes(raw[i : i + 8], "big") for i in range(0, 800, 8)
    ]
    assert s.bytes_used == 800


def test_vectors() -> None:
    s = v.ShakeStream(bytes.fromhex(VECTORS["key"]))
    assert [f"{s.next_u64():016x}" for _ in range(4)] == VECTORS["u64"]
    assert v.pool_seal(_pool(), v.Requirements(k=3).to_dict())[2] == VECTORS["pool_hash_k3"]
    for req, order in CASES:
        assert _draw(req).order == order


def test_docs_carry_the_vectors() -> None:
    text = (Path(__file__).resolve().parents[3] / "docs" / "draw.md").read_text(encoding="utf-8")
    part = text[text.index("# Part II") :]
    assert "first u64 values  " + " ".join(VECTORS["u64"]) in part
    assert VECTORS["pool_hash_k3"] in part
    for _, order in CASES:
        assert " ".join(order) in part


def test_no_quotas_takes_the_lowest_tier_first() -> None:
    result = _draw(_req(4))
    # tier 0 is S01 S03 S04 S07: four places, all from it
    assert sorted(result.selected) == ["S01", "S03", "S04", "S07"]
    # reserves: twice the places as far as the pool goes, lowest tier first
    assert result.order[:4] == result.selected
    assert len(result.order) == 8
    assert set(result.order[4:7]) == {"S02", "S06", "S08"} and result.order[7] == "S05"


def test_quota_minimum_and_maximum_are_met() -> None:
    req = _req(3, ("specialty", "law", 2, None), ("local", "cross", 1, 1), ("gender", "男", 0, 1))
    for i in range(50):
        result = _draw(req, seed=hashlib.sha256(str(i).encode()).digest())
        rows = {r[0]: r for r in CANDIDATES}
        picked = [rows[c] for c in result.selected]
        assert sum("law" in r[4] for r in picked) >= 2
        assert sum(r[3] == "cross" for r in picked) == 1
        assert sum(r[2] == "男" for r in picked) <= 1


def test_infeasible_quota_says_which_and_why() -> None:
    doc, _, _ = v.pool_seal(_pool(), _req(3, ("specialty", "finance", 2, None)).to_dict())
    p = v.pool_prepare(doc, _req(3, ("specialty", "finance", 2, None)))
    assert v.infeasibility(p) == [
        {
            "code": "quota_short",
            "facts": {"category": "specialty", "value": "finance", "min": 2, "max": None, "available": 1},
        }
    ]
    with pytest.raises(v.DrawInfeasible) as caught:
        v.draw_prepared(p, SEED, WITNESSES)
    assert caught.value.reasons[0]["code"] == "quota_short"


def test_quotas_that_conflict_only_together_are_named() -> None:
    # Two lawyers (there are three: S01 女, S05 男, S06 女) and no woman each hold alone; together
    # they cannot. The cross-district minimum plays no part and is not named.
    req = _req(2, ("gender", "女", 0, 0), ("specialty", "law", 2, None), ("local", "cross", 1, None))
    doc, _, _ = v.pool_seal(_pool(), req.to_dict())
    reasons = v.infeasibility(v.pool_prepare(doc, req))
    assert [r["code"] for r in reasons] == ["quotas_conflict"]
    names = {(q["category"], q["value"]) for q in reasons[0]["facts"]["quotas"]}
    assert names == {("gender", "女"), ("specialty", "law")}


def test_min_above_max_and_above_places() -> None:
    req = _req(2, ("gender", "女", 2, 1), ("specialty", "law", 3, None))
    doc, _, _ = v.pool_seal(_pool(), req.to_dict())
    codes = [r["code"] for r in v.infeasibility(v.pool_prepare(doc, req))]
    assert codes == ["quota_min_above_max", "quota_min_above_places"]


def test_pool_short_is_noted_and_everyone_drawn() -> None:
    result = _draw(_req(10))
    assert sorted(result.selected) == sorted(r[0] for r in CANDIDATES)
    assert [(n.code, n.facts) for n in result.notes] == [("pool_short", {"needed": 10, "available": 8})]


def test_witness_values_change_the_draw_and_inputs_order_does_not() -> None:
    req = _req(3)
    a = _draw(req)
    b = _draw(req, witnesses=[*WITNESSES[:1], "李四：0931"])
    seeds = [hashlib.sha256(bytes([i])).digest() for i in range(20)]
    assert any(_draw(req, seed=s).order != a.order for s in seeds) or a.order != b.order
    shuffled = _pool(list(reversed(CANDIDATES)))
    doc, _, h = v.pool_seal(shuffled, req.to_dict())
    _, _, h0 = v.pool_seal(_pool(), req.to_dict())
    assert h == h0 and v.draw(doc, req, SEED, WITNESSES).order == a.order


def test_the_pool_file_publishes_only_what_the_quotas_use() -> None:
    doc, _, _ = v.pool_seal(_pool(), _req(3, ("gender", "女", 1, None)).to_dict())
    assert {tuple(g["categories"]) for g in doc["groups"]} == {("gender",)}
    assert all(g["categories"]["gender"] in (["女"], []) for g in doc["groups"])


def test_a_year_keeps_each_quota_cell_within_one() -> None:
    rows = [
        (
            f"S{i:03d}",
            0,
            "女" if i % 3 == 0 else "男",
            "local" if i % 4 else "cross",
            ["law"] if i % 5 == 0 else [],
        )
        for i in range(60)
    ]
    counts = dict.fromkeys((r[0] for r in rows), 0)
    req = _req(5, ("gender", "女", 2, 3), ("local", "cross", 1, 2), ("specialty", "law", 1, None))
    for day in range(120):
        pool = _pool([(i, counts[i], g, loc, s) for i, _, g, loc, s in rows])
        doc, _, _ = v.pool_seal(pool, req.to_dict())
        result = v.draw(doc, req, hashlib.sha256(f"d{day}".encode()).digest(), [str(day)])
        for cid in result.selected:
            counts[cid] += 1
    cells: dict[tuple[Any, ...], list[int]] = {}
    for i, _, g, loc, s in rows:
        cells.setdefault((g, loc, bool(s)), []).append(counts[i])
    for cell, values in cells.items():
        assert max(values) - min(values) <= 1, (cell, values)


def test_next_to_contact_keeps_the_quotas_or_asks_for_a_redraw() -> None:
    req = _req(3, ("specialty", "law", 2, None))
    doc, _, _ = v.pool_seal(_pool(), req.to_dict())
    profiles = v.profiles_by_id(doc, req)
    result = v.draw(doc, req, SEED, WITNESSES)
    lawyers = [c for c in result.selected if profiles[c] == (1,)]
    others = [c for c in result.selected if profiles[c] == (0,)]
    assert len(lawyers) >= 2
    decliner = lawyers[0]
    engaged = {c: profiles[c] for c in result.selected if c != decliner}
    nxt = v.next_to_contact(result.order, doc, req, engaged=engaged, contacted=result.selected)
    if len(lawyers) == 2:
        assert nxt is None or profiles[nxt] == (1,)
    assert nxt != decliner
    # Nobody left in the order: a redraw.
    assert v.next_to_contact(result.order, doc, req, engaged=engaged, contacted=result.order) is None
    del others


def test_record_is_small_verifies_and_any_change_is_caught() -> None:
    req = _req(3, ("specialty", "law", 1, None))
    doc, req_out, h = v.pool_seal(_pool(), req.to_dict())
    record = v.record_build(
        pool_doc=doc,
        requirements=req_out,
        seed=SEED,
        witnesses=[{"name": "张三", "role": "律师", "value": WITNESSES[0]}],
        meta={"number": 1},
    )
    assert record["algorithm"] == "jiandu-draw-v2" and record["pool_hash"] == h
    assert "groups" not in record["pool"]
    assert hashlib.sha256(v.pool_file_bytes(doc)).hexdigest() == h
    assert v.record_verify(record, doc) == []
    changed = copy.deepcopy(record)
    changed["witnesses"][0]["value"] += "x"
    assert v.record_verify(changed, doc)
    other = copy.deepcopy(doc)
    other["groups"][0]["ids"].append("S99")
    assert any(p.startswith("pool_hash") for p in v.record_verify(record, other))


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(DrawInputError):
        _draw(_req(0))
    with pytest.raises(DrawInputError):
        _draw(_req(2, ("gender", "女", -1, None)))
    with pytest.raises(DrawInputError):
        _draw(_req(2), witnesses=[])


# ----------------------------------------------------------------------------------- properties

GENDERS = ["女", "男"]
DISTRICTS = ["D1", "D2", "D3"]


@st.composite
def pools_and_requirements(draw: Any) -> tuple[dict[str, Any], v.Requirements]:
    n = draw(st.integers(1, 14))
    rows = []
    for i in range(n):
        rows.append(
            {
                "id": draw(st.sampled_from(["S", "甲", "𠀀"])) + str(i),
                "prior": draw(st.integers(0, 2)),
                "categories": {
                    "gender": [draw(st.sampled_from(GENDERS))],
                    "district": [draw(st.sampled_from(DISTRICTS))],
                    "specialty": draw(st.lists(st.sampled_from(["law", "it"]), max_size=2, unique=True)),
                },
            }
        )
    k = draw(st.integers(1, 6))
    quotas = []
    for cat, values in (("gender", GENDERS), ("district", DISTRICTS), ("specialty", ["law", "it"])):
        for value in values:
            if draw(st.booleans()):
                mn = draw(st.integers(0, 3))
                mx = draw(st.one_of(st.none(), st.integers(0, 4)))
                quotas.append(v.Quota(cat, value, mn, mx))
    return {"candidates": rows, "excluded": []}, v.Requirements(k=k, quotas=tuple(quotas))


def _meets(selected: list[str], pool: dict[str, Any], req: v.Requirements, want: int) -> bool:
    by_id = {c["id"]: c for c in pool["candidates"]}
    for q in req.quotas:
        got = sum(q.value in by_id[c]["categories"].get(q.category, []) for c in selected)
        if got < q.min or got > (want if q.max is None else q.max):
            return False
    return True


def _brute_feasible(pool: dict[str, Any], req: v.Requirements) -> bool:
    ids = [c["id"] for c in pool["candidates"]]
    want = min(req.k, len(ids))
    return any(_meets(list(combo), pool, req, want) for combo in itertools.combinations(ids, want))


@settings(max_examples=250, deadline=None)
@given(pools_and_requirements(), st.binary(min_size=32, max_size=32))
def test_quotas_hold_whenever_the_pool_allows(case: Any, seed: bytes) -> None:
    pool, req = case
    doc, _, _ = v.pool_seal(pool, req.to_dict())
    p = v.pool_prepare(doc, req)
    feasible = _brute_feasible(pool, req)
    assert (v.infeasibility(p) == []) == feasible
    if not feasible:
        with pytest.raises(v.DrawInfeasible):
            v.draw_prepared(p, seed, ["w"])
        return
    result = v.draw_prepared(p, seed, ["w"])
    assert len(set(result.order)) == len(result.order)
    assert len(result.selected) == p.want
    assert _meets(result.selected, pool, req, p.want)
    # balance: nobody selected while someone alike on every quota with fewer duties stays out
    priors = {c["id"]: c["prior"] for c in pool["candidates"]}
    prof = v.profiles_by_id(doc, req)
    out = set(priors) - set(result.selected)
    for c in result.selected:
        assert all(not (prof[o] == prof[c] and priors[o] < priors[c]) for o in out)


@settings(max_examples=100, deadline=None)
@given(pools_and_requirements(), st.binary(min_size=32, max_size=32), st.randoms(use_true_random=False))
def test_the_draw_is_deterministic_and_replays(case: Any, seed: bytes, rnd: Any) -> None:
    pool, req = case
    doc, req_out, h = v.pool_seal(pool, req.to_dict())
    if v.infeasibility(v.pool_prepare(doc, req)):
        return
    shuffled = dict(pool, candidates=rnd.sample(pool["candidates"], len(pool["candidates"])))
    doc2, _, h2 = v.pool_seal(shuffled, req.to_dict())
    assert h2 == h
    record = v.record_build(
        pool_doc=doc,
        requirements=req_out,
        seed=seed,
        witnesses=[{"name": "见证人", "role": "", "value": "值"}],
        meta={"number": 1},
    )
    assert record["result"]["order"] == v.draw(doc2, req, seed, ["值"]).order
    assert v.record_verify(record, doc2) == []


def test_within_a_tier_every_candidate_can_be_drawn() -> None:
    seen: Counter[str] = Counter()
    for i in range(300):
        seen.update(_draw(_req(1), seed=hashlib.sha256(str(i).encode()).digest()).selected)
    assert set(seen) == {"S01", "S03", "S04", "S07"}
    assert min(seen.values()) > 40


def test_docs_mention_every_reason_code() -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "draw.md").read_text(encoding="utf-8")
    src = (Path(v.__file__)).read_text(encoding="utf-8")
    for code in set(re.findall(r'"code": "([a-z_]+)"', src)):
        assert f"`{code}`" in doc, code


def test_a_pool_file_naming_someone_twice_does_not_verify() -> None:
    req = _req(3)
    doc, req_out, _ = v.pool_seal(_pool(), req.to_dict())
    record = v.record_build(
        pool_doc=doc,
        requirements=req_out,
        seed=SEED,
        witnesses=[{"name": "张三", "role": "", "value": WITNESSES[0]}],
        meta={},
    )
    twice = copy.deepcopy(doc)
    twice["groups"][1]["ids"] = sorted([*twice["groups"][1]["ids"], twice["groups"][0]["ids"][0]])
    assert "pool: a candidate appears more than once" in v.record_verify(record, twice)
    with pytest.raises(DrawInputError):
        v.pool_seal({"candidates": [{"id": "S1"}, {"id": "S1"}]}, req.to_dict())


def test_the_oracle_shares_its_search_and_agrees_with_a_fresh_one() -> None:
    mins, maxs = (1, 2, 0), (2, 3, 1)
    oracle = v.Oracle(mins, maxs)
    avail: dict[v.Profile, int] = {(1, 0, 0): 50, (0, 1, 0): 40, (0, 0, 1): 30, (1, 1, 1): 2, (0, 0, 0): 900}
    for counts in itertools.product(range(3), range(4), range(2)):
        for m in range(6):
            assert oracle.completable(counts, m, avail) == v.completable(counts, m, avail, mins, maxs)
