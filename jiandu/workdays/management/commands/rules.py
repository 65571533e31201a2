"""`jiandu rules list | show ID | check | eligibility --rulebook ID --person FILE --on DATE` — JSON out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiandu.rules.cases import run_cases
from jiandu.rules.eligibility import PersonError, eligibility_decide, person_from_dict
from jiandu.rules.rulebook import RulebookError, list_rulebooks, validate_structure
from jiandu.workdays.cli import parse_date, read_data_file, rulebook_get, rulebook_root, to_json


class Command(BaseCommand):
    help = "规则库：列出、查看、校验规则，判断任职资格（输出 JSON）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{list,show,check,eligibility}")
        sub.add_parser("list", help="列出所有规则")
        show = sub.add_parser("show", help="规则的元数据和当日（或 --on）有效的参数及其条文")
        show.add_argument("rulebook_id", metavar="ID")
        show.add_argument("--on", help="参照日期 YYYY-MM-DD（默认今天）")
        check = sub.add_parser("check", help="校验每个规则并运行其 cases.yaml")
        check.add_argument("ids", nargs="*", metavar="ID", help="只校验这些规则（默认全部）")
        el = sub.add_parser("eligibility", help="按规则判断一个人是否符合任职条件")
        el.add_argument("--rulebook", required=True, metavar="ID")
        el.add_argument(
            "--person", required=True, metavar="FILE", help="人员信息 JSON/YAML 文件（- 为标准输入）"
        )
        el.add_argument("--on", required=True, metavar="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        out: Any
        if action == "list":
            out = [rulebook_get(rid).summary() for rid in list_rulebooks(rulebook_root())]
        elif action == "show":
            on = parse_date(options["on"], "参照日期") if options.get("on") else dt.date.today()
            book = rulebook_get(options["rulebook_id"])
            out = {
                **book.summary(),
                "on": on.isoformat(),
                "notes": book.metadata.get("notes", ""),
                "elsewhere": book.metadata.get("elsewhere") or [],
                "articles": len(book.articles),
                "parameters": book.params_in_force(on),
            }
        elif action == "check":
            out, ok = self._check(options["ids"])
            self.stdout.write(to_json(out))
            if not ok:
                raise CommandError("规则校验未通过：见上方 problems")
            return
        else:
            book = rulebook_get(options["rulebook"])
            on = parse_date(options["on"], "参照日期")
            data = read_data_file(options["person"], "人员信息")
            try:
                person = person_from_dict(data)
            except PersonError as exc:
                raise CommandError(f"人员信息有误：{exc}") from None
            if on < person.birth_date:
                raise CommandError(f"参照日期{on.isoformat()}早于出生日期{person.birth_date.isoformat()}")
            try:
                out = eligibility_decide(book, person, on).to_dict()
            except RulebookError as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(to_json(out))

    def _check(self, ids: list[str]) -> tuple[dict[str, Any], bool]:
        root = rulebook_root()
        wanted = ids or list_rulebooks(root)
        results = []
        ok = bool(wanted)
        for rid in wanted:
            try:
                book = rulebook_get(rid)
            except CommandError as exc:
                results.append({"id": rid, "ok": False, "problems": [str(exc)]})
                ok = False
                continue
            problems = validate_structure(book)
            cases = run_cases(book)
            problems += [f"案例“{c.name}”未通过：{c.message}" for c in cases if not c.ok]
            results.append(
                {
                    "id": rid,
                    "version": book.version,
                    "ok": not problems,
                    "cases": len(cases),
                    "cases_passed": sum(1 for c in cases if c.ok),
                    "problems": problems,
                }
            )
            ok = ok and not problems
        return {"ok": ok, "root": str(root), "rulebooks": results}, ok
