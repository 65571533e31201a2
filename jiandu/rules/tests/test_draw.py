"""The draw algorithm "jiandu-draw-v1" (jiandu/rules/draw.py) against the test vectors published in
docs/draw.md, and its properties: balance (威海 人民监督员 第十一条 机会均衡), constraints, contact
order for replacements (第十二条, 第十四条), and the record checks."""

from __future__ import annotations

import copy
import hashlib
import hmac
import re
from pathlib import Path
from typing import Any

import pytest

from jiandu.rules import draw as d

SEED = bytes(range(32))
WITNESSES = ["张三：4821", "李四：0930"]
POOL = [
    d.Candidate("S01", 0, ("law",), True),
    d.Candidate("S02", 1, (), True),
    d.Candidate("S03", 0, ("medicine",), False),
    d.Candidate("S04", 0, (), False),
    d.Candidate("S05", 2, ("finance", "law"), True),
    d.Candidate("S06", 1, ("law",), False),
    d.Candidate("S07", 0, (), True),
    d.Candidate("S08", 1, ("medicine",), True),
]

# The vectors printed in docs/draw.md ("Test vectors"); test_docs_carry_the_vectors keeps them in step.
VECTORS: dict[str, Any] = {
    "commitment": "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd",
    "witness_encoding": "000000020000000de5bca0e4b889efbc9a343832310000000de69d8ee59b9befbc9a30393330",
    "key": "28c7100a7751d226622bda481002c8b227711df1924b82f9da35ce4115998c8d",
    "u64": ["8768fb3f46070304", "6ae06eaaededf6ae", "b151bd7862f5feff", "fd6efbcd90f4e8d8"],
    "base_order": ["S07", "S03", "S01", "S04", "S08", "S06", "S02", "S05"],
}
CASES = [
    # requirements, order, notes (code, facts)
    (d.Requirements(k=3), ["S07", "S03", "S01", "S04", "S08", "S06", "S02", "S05"], []),
    (
        d.Requirements(k=3, specialty_minimums={"law": 2}, cross_min=1),
        ["S07", "S01", "S06", "S03", "S04", "S08", "S02", "S05"],
        [],
    ),
    (
        d.Requirements(k=3, specialty_minimums={"finance": 2}),
        ["S07", "S03", "S05", "S01", "S04", "S08", "S06", "S02"],
        [
            (
                "specialty_unmet",
                {"constraint": "specialty", "value": "finance", "minimum": 2, "met": 1},
            )
        ],
    ),
    (
        d.Requirements(k=10),
        ["S07", "S03", "S01", "S04", "S08", "S06", "S02", "S05"],
        [("pool_short", {"needed": 10, "available": 8})],
    ),
]


def test_commitment_and_key_vectors() -> None:
    assert d.commitment(SEED) == VECTORS["commitment"]
    assert d.witness_encoding(WITNESSES).hex() == VECTORS["witness_encoding"]
    assert d.draw_key(SEED, WITNESSES).hex() == VECTORS["key"]


def test_stream_is_hmac_sha256_in_counter_mode() -> None:
    key = bytes.fromhex(VECTORS["key"])
    stream = d.RandomStream(key)
    assert [f"{stream.next_u64():016x}" for _ in range(4)] == VECTORS["u64"]
    # The same bytes computed straight from the definition in docs/draw.md, across a block boundary.
    stream = d.RandomStream(key)
    words = [stream.next_u64() for _ in range(12)]
    raw = b"".join(
        hmac.new(key, b"jiandu-draw-v1" + i.to_bytes(8, "big"), hashlib.sha256).digest() for i in range(3)
    )
    assert words == [int.from_bytes(raw[i : i + 8], "big") for i in range(0, 96, 8)]


def test_uniform_rejects_values_above_the_limit() -> None:
    stream = d.RandomStream(b"")
    # n = 3: 2^64 mod 3 = 1, so the limit is 2^64 − 1 and the value 2^64 − 1 is rejected.
    stream._words, stream._pos = [(1 << 64) - 1, 5], 0
    assert stream.uniform(3) == 2
    assert stream._pos == 2 and stream.bytes_used == 16
    with pytest.raises(d.DrawInputError):
        d.RandomStream(b"k").uniform(0)


def test_base_order_vector() -> None:
    stream = d.RandomStream(d.draw_key(SEED, WITNESSES))
    assert [c.id for c in d.base_order(POOL, stream)] == VECTORS["base_order"]


@pytest.mark.parametrize(("requirements", "order", "notes"), CASES)
def test_draw_vectors(requirements: d.Requirements, order: list[str], notes: list) -> None:
    result = d.draw(POOL, requirements, SEED, WITNESSES)
    assert result.order == order
    assert result.selected == order[: min(requirements.k, len(POOL))]
    assert [(n.code, n.facts) for n in result.notes] == notes


def test_input_order_does_not_matter() -> None:
    req = d.Requirements(k=3, specialty_minimums={"law": 2}, cross_min=1)
    assert (
        d.draw(list(reversed(POOL)), req, SEED, WITNESSES).order == d.draw(POOL, req, SEED, WITNESSES).order
    )


def test_witness_values_change_the_draw() -> None:
    orders = {tuple(d.draw(POOL, d.Requirements(k=3), SEED, [f"见证{i}"]).order) for i in range(20)}
    assert len(orders) > 10


def test_lower_counts_come_first() -> None:
    result = d.draw(POOL, d.Requirements(k=8), SEED, WITNESSES)
    priors = {c.id: c.prior for c in POOL}
    assert [priors[i] for i in result.order] == sorted(priors[i] for i in result.order)


def test_a_year_of_draws_stays_within_one() -> None:
    """机会均衡 (第十一条): equally available supervisors' duty counts differ by at most one."""
    counts = {f"P{i:03d}": 0 for i in range(37)}
    for n in range(120):
        pool = [d.Candidate(i, c) for i, c in counts.items()]
        result = d.draw(pool, d.Requirements(k=3), SEED, [f"duty {n}"])
        for i in result.selected:
            counts[i] += 1
        assert max(counts.values()) - min(counts.values()) <= 1


def test_within_a_tier_every_candidate_can_be_drawn() -> None:
    pool = [d.Candidate(f"T{i}", 0) for i in range(6)]
    firsts = {d.draw(pool, d.Requirements(k=1), SEED, [str(n)]).selected[0] for n in range(200)}
    assert firsts == {c.id for c in pool}


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(d.DrawInputError):
        d.draw(POOL, d.Requirements(k=1), SEED, [])
    with pytest.raises(d.DrawInputError):
        d.draw([*POOL, d.Candidate("S01")], d.Requirements(k=1), SEED, WITNESSES)
    with pytest.raises(d.DrawInputError):
        d.draw(POOL, d.Requirements(k=0), SEED, WITNESSES)


def test_next_to_contact_keeps_the_specialty_when_possible() -> None:
    req = d.Requirements(k=3, specialty_minimums={"law": 2}, cross_min=1)
    order = d.draw(POOL, req, SEED, WITNESSES).order  # S07 S01 S06 | S03 S04 S08 S02 S05
    # S06 (law, cross-district) declines: the engaged lack a law specialist → S05 (the next with law),
    # although S03 comes first in order.
    nxt = d.next_to_contact(order, POOL, req, engaged=["S07", "S01"], contacted=["S07", "S01", "S06"])
    assert nxt == "S05"
    # S07 declines: nothing is short → the next in order.
    nxt = d.next_to_contact(order, POOL, req, engaged=["S01", "S06"], contacted=["S07", "S01", "S06"])
    assert nxt == "S03"
    assert d.next_to_contact(order, POOL, req, engaged=[], contacted=order) is None


def _record() -> dict:
    pool = {
        "candidates": [c.to_dict() for c in POOL],
        "excluded": [{"id": "S09", "reasons": [{"code": "conflict", "message": "本人工作单位为案件当事人"}]}],
    }
    return d.record_build(
        pool=pool,
        requirements=d.Requirements(k=3, specialty_minimums={"law": 2}, cross_min=1).to_dict(),
        seed=SEED,
        witnesses=[
            {"name": "张三", "role": "检察官", "value": WITNESSES[0]},
            {"name": "李四", "role": "律师", "value": WITNESSES[1]},
        ],
        meta={"number": 1, "duty": {"kind": "hearing", "date": "2025-03-12"}},
    )


def test_record_verifies_and_any_change_is_caught() -> None:
    record = _record()
    assert d.record_verify(record) == []
    assert record["result"]["selected"] == ["S07", "S01", "S06"]

    swapped = copy.deepcopy(record)
    swapped["result"]["order"][0], swapped["result"]["order"][1] = "S01", "S07"
    assert d.record_verify(swapped)[0].startswith("result.order[0]")

    reseeded = copy.deepcopy(record)
    reseeded["seed"] = "00" * 32
    assert d.record_verify(reseeded)[0].startswith("commitment")

    padded = copy.deepcopy(record)
    padded["pool"]["candidates"][0]["prior"] = 5
    assert any(p.startswith("pool_hash") for p in d.record_verify(padded))

    renamed = copy.deepcopy(record)
    renamed["witnesses"][0]["name"] = "王五"
    assert d.record_verify(renamed) == [d.record_verify(renamed)[0]]
    assert d.record_verify(renamed)[0].startswith("record_hash")


def test_docs_carry_the_vectors() -> None:
    doc = Path(__file__).resolve().parents[3] / "docs" / "draw.md"
    text = doc.read_text(encoding="utf-8")
    for value in (VECTORS["commitment"], VECTORS["witness_encoding"], VECTORS["key"], *VECTORS["u64"]):
        assert value in text, value
    assert " ".join(VECTORS["base_order"]) in text
    for _req, order, _notes in CASES:
        assert " ".join(order) in text
    assert re.search(r"jiandu-draw-v1", text)
