"""`jiandu rules list | show ID | check | eligibility --rulebook ID --person FILE --on DATE` — JSON out;
`jiandu rules coverage [--rulebook ID] [--json]` — every article's status, a table or JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiandu.rules.cases import run_cases
from jiandu.rules.coverage import STATUS_LABELS, STATUSES, coverage, coverage_problems, coverage_summary
from jiandu.rules.eligibility import PersonError, eligibility_decide, person_from_dict
from jiandu.rules.rulebook import RulebookError, list_rulebooks, validate_structure
from jiandu.workdays.cli import parse_date, read_data_file, rulebook_get, rulebook_root, to_json


class Command(BaseCommand):
    help = "规则库：列出、查看、校验规则，判断任职资格（输出 JSON）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(
            dest="action", required=True, metavar="{list,show,check,eligibility,coverage}"
        )
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
        cov = sub.add_parser(
            "coverage", help="每条条文的处理状态：已编码、已实施、人工判断、交由其他文件、不属平台范围"
        )
        cov.add_argument("--rulebook", metavar="ID", help="只看这个规则（默认全部）")
        cov.add_argument("--json", action="store_true", help="输出 JSON")

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
        elif action == "coverage":
            self._coverage(options.get("rulebook"), as_json=bool(options.get("json")))
            return
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

    def _coverage(self, rulebook_id: str | None, *, as_json: bool) -> None:
        ids = [rulebook_id] if rulebook_id else list_rulebooks(rulebook_root())
        books = [rulebook_get(rid) for rid in ids]
        if as_json:
            out = [{**coverage_summary(b), "items": [i.to_dict() for i in coverage(b)]} for b in books]
            self.stdout.write(to_json(out if rulebook_id is None else out[0]))
            return
        for b in books:
            s = coverage_summary(b)
            figures = "，".join(f"{STATUS_LABELS[k]} {s[k]}" for k in STATUSES)
            unclassified = f"，未分类 {s['unclassified']}" if s["unclassified"] else ""
            self.stdout.write(f"《{b.title}》（{b.id}）：条文 {s['articles']}；{figures}{unclassified}")
            for i in coverage(b):
                label = STATUS_LABELS.get(i.status or "", "未分类")
                extra = "、".join(i.by) if i.by else i.detail
                self.stdout.write(f"  {i.article}\t{label}\t{extra}")
            self.stdout.write("")

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
            problems = validate_structure(book) + coverage_problems(book)
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
