"""`jiandu draw list|show|verify|simulate`: verify passes on a real draw and fails, naming the first
difference, on a record altered behind the ORM's back."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from jiandu.duties.models import DrawRecord

from .conftest import open_and_draw


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("draw", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def drawn(world: Any, duty: Any) -> DrawRecord:
    return open_and_draw(world, duty)


def test_list_show_and_verify(drawn: DrawRecord) -> None:
    listed = json.loads(run("list", "--json"))
    assert [r["id"] for r in listed] == [drawn.pk]
    shown = json.loads(run("show", str(drawn.pk), "--json"))
    assert shown["id"] == drawn.pk and shown["seed"] and shown["result"]["order"]
    assert "一致" in run("verify", str(drawn.pk))
    assert "一致" in run("verify", "--all")


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("result", "selected"), ["X1", "X2", "X3"], "result.selected[0]"),
        (("seed",), "00" * 32, "commitment"),
        (("witnesses",), [{"name": "张三", "role": "检察官", "value": "4822"}], "result.order["),
    ],
)
def test_verify_fails_on_an_altered_record(
    drawn: DrawRecord, path: tuple[str, ...], value: Any, expected: str
) -> None:
    record = drawn.record
    target = record
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with connection.cursor() as cursor:  # behind the ORM, which refuses the update
        cursor.execute(
            "UPDATE duties_drawrecord SET record = %s WHERE id = %s",
            [json.dumps(record, ensure_ascii=False), drawn.pk],
        )
    with pytest.raises(CommandError) as failed:
        run("verify", str(drawn.pk))
    assert failed.value.returncode == 1
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("draw", "verify", str(drawn.pk), stdout=out)
    assert "不一致" in out.getvalue() and expected in out.getvalue()


def test_verify_fails_when_the_record_hash_alone_is_rewritten(drawn: DrawRecord) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE duties_drawrecord SET record_hash = %s WHERE id = %s", ["f" * 64, drawn.pk])
    with pytest.raises(CommandError):
        run("verify", str(drawn.pk))


def test_simulate_prints_the_spreads() -> None:
    result = json.loads(
        run("simulate", "--supervisors", "30", "--duties", "50", "--per-duty", "3", "--seed", "t", "--json")
    )
    assert result["spread"] <= 1
    assert result["uniform_spread"] >= result["spread"]
    assert {"spread", "uniform_spread", "draw_ms_p50"} <= set(result)
