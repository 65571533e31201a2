"""`jiandu draw list|show|verify|simulate` — the public side of the draw (docs/draw.md).

jiandu draw list --json          every draw record (id, duty, date, hash)
jiandu draw show ID --json       the public record, as published
jiandu draw pool ID              a v2 draw's pool file (its SHA-256 is the record's pool_hash)
jiandu draw verify ID|--all      replay and compare; exit 1 with the first difference
jiandu draw simulate --supervisors N --duties M --per-duty K --seed S --json
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiandu.duties.models import DrawRecord
from jiandu.duties.simulation import simulate_year
from jiandu.duties.verify import record_problems
from jiandu.rules import draw_v2


def public_record(row: DrawRecord) -> dict[str, Any]:
    return {"id": row.pk, **row.record}


class Command(BaseCommand):
    help = "抽选记录：列表、公开记录、复核（重放比对）、模拟一年的抽选"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("list", help="所有抽选记录")
        p.add_argument("--json", action="store_true")
        p = sub.add_parser("show", help="一次抽选的公开记录")
        p.add_argument("id", type=int)
        p.add_argument("--json", action="store_true")
        p = sub.add_parser("pool", help="v2 抽选的候选池文件（其 SHA-256 即记录中的 pool_hash）")
        p.add_argument("id", type=int)
        p = sub.add_parser("verify", help="重放并比对；不一致时退出码为 1")
        p.add_argument("id", type=int, nargs="?")
        p.add_argument("--all", action="store_true")
        p = sub.add_parser("simulate", help="在内存中模拟一年的抽选")
        p.add_argument("--supervisors", type=int, default=100)
        p.add_argument("--duties", type=int, default=200)
        p.add_argument("--per-duty", type=int, default=3)
        p.add_argument("--seed", default="jiandu")
        p.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, f"_{opts['action']}")(opts)

    def _emit(self, data: Any) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))

    def _list(self, opts: dict[str, Any]) -> None:
        rows = [
            {
                "id": r.pk,
                "duty": r.duty_id,
                "number": r.commitment.number,
                "date": r.record.get("duty", {}).get("date"),
                "programme": r.record.get("duty", {}).get("programme"),
                "drawn_at": r.record.get("drawn_at"),
                "selected": r.record["result"]["selected"],
                "record_hash": r.record_hash,
            }
            for r in DrawRecord.objects.select_related("commitment").order_by("id")
        ]
        if opts["json"]:
            self._emit(rows)
            return
        for row in rows:
            self.stdout.write(
                f"#{row['id']}  活动 {row['duty']} 第{row['number']}次  {row['date']}  "
                f"{' '.join(row['selected'])}  {row['record_hash'][:16]}…"
            )

    def _get(self, pk: int) -> DrawRecord:
        row = DrawRecord.objects.select_related("commitment").filter(pk=pk).first()
        if row is None:
            raise CommandError(f"没有编号为 {pk} 的抽选记录")
        return row

    def _show(self, opts: dict[str, Any]) -> None:
        row = self._get(opts["id"])
        if opts["json"]:
            self._emit(public_record(row))
            return
        r = row.record
        self.stdout.write(f"抽选记录 #{row.pk}（{r['algorithm']}）")
        self.stdout.write(f"承诺值 {r['commitment']}\n种子   {r['seed']}")
        for w in r["witnesses"]:
            self.stdout.write(f"见证   {w['name']}（{w['role']}）：{w['value']}")
        if r["algorithm"] == "jiandu-draw-v1":
            self.stdout.write(f"候选 {len(r['pool']['candidates'])} 人，排除 {len(r['pool']['excluded'])} 人")
        else:  # v2: the pool is published as a file, the record carries its hash
            self.stdout.write(f"候选 {r['pool']['candidates']} 人；候选池文件 SHA-256 {r['pool_hash']}")
        self.stdout.write(f"抽中   {' '.join(r['result']['selected'])}")
        self.stdout.write(f"顺序   {' '.join(r['result']['order'])}")

    def _pool(self, opts: dict[str, Any]) -> None:
        row = self._get(opts["id"])
        if row.record.get("algorithm") != draw_v2.ALGORITHM:
            raise CommandError("v1 抽选记录本身包含候选池（show --json）")
        self.stdout.write(draw_v2.pool_file_bytes(row.commitment.pool).decode("utf-8"), ending="")

    def _verify(self, opts: dict[str, Any]) -> None:
        if opts["all"]:
            rows = list(DrawRecord.objects.select_related("commitment").order_by("id"))
        elif opts["id"] is not None:
            rows = [self._get(opts["id"])]
        else:
            raise CommandError("请给出抽选记录编号，或用 --all")
        failed = 0
        for row in rows:
            problems = record_problems(row)
            if problems:
                failed += 1
                self.stdout.write(f"#{row.pk} 不一致：{problems[0]}")
            else:
                self.stdout.write(f"#{row.pk} 一致：重放结果与公开记录相同")
        if failed:
            raise CommandError(f"{failed} 条抽选记录复核不通过", returncode=1)

    def _simulate(self, opts: dict[str, Any]) -> None:
        try:
            result = simulate_year(
                supervisors=opts["supervisors"],
                duties=opts["duties"],
                per_duty=opts["per_duty"],
                seed=opts["seed"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if opts["json"]:
            self._emit(result)
            return
        self.stdout.write(
            f"均衡抽选：差值 {result['spread']}；简单随机：差值 {result['uniform_spread']}；"
            f"单次抽选中位数 {result['draw_ms_p50']} ms"
        )
