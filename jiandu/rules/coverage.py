"""Article-by-article coverage: what Jiandu does with every article (or item) of every text.

Statuses:
- encoded       a parameter cites it (derived from parameters.yaml; nothing to declare);
- applied       a service or task applies it: declared in coverage.yaml with `by:` naming the code
                (`jiandu.recruitment.services.round_publish`), checked to exist;
- judgement     listed for a reviewer (`reason:` says what to judge); an article whose text was not
                recovered (〔未检索到原文〕) is judgement by itself;
- elsewhere     the text leaves the matter to another document (rulebook.yaml `elsewhere`, or declared
                with `refers_to:`);
- out_of_scope  not something the platform does (`reason:` in one line).

coverage.yaml, one line per article, easy to edit when a helper builds what applies one:

    第一条: {status: out_of_scope, reason: 制定目的和依据}
    第二十二条: {status: applied, by: [jiandu.training.services.session_attendance_record]}

A declared status wins over a derived one. `jiandu rules check` fails on an article with no status.
Pure Python: code named in `by:` is found by reading the source, never imported.
"""

from __future__ import annotations

import ast
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jiandu.rules.rulebook import SUMMARY_PREFIX, UNKNOWN_TEXT, Rulebook

STATUSES = ("encoded", "applied", "judgement", "elsewhere", "out_of_scope")
STATUS_LABELS = {
    "encoded": "已编码（参数）",
    "applied": "已实施（代码）",
    "judgement": "人工判断",
    "elsewhere": "交由其他文件",
    "out_of_scope": "不属平台范围",
}
CODE_ROOT = Path(__file__).resolve().parents[2]  # the repository: `jiandu.x.y` is jiandu/x/y.py


@dataclass(frozen=True)
class ArticleCoverage:
    article: str
    status: str | None  # None: unclassified (a check failure)
    detail: str = ""
    by: list[str] = field(default_factory=list)
    parameters: list[str] = field(default_factory=list)
    declared: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _cited_articles(book: Rulebook) -> dict[str, list[str]]:
    """Article key → the parameters of this rulebook that cite it (the entry or one of its items)."""
    out: dict[str, list[str]] = {}

    def add(citation: str, name: str) -> None:
        key = book.article_key(citation)
        if key is not None and name not in out.setdefault(key, []):
            out[key].append(name)

    def walk(value: Any, name: str) -> None:
        if isinstance(value, list):
            for item in value:
                walk(item, name)
        elif isinstance(value, dict) and "article" in value:
            add(str(value["article"]), name)

    for name, entries in book.entries.items():
        for entry in entries:
            add(entry.article, name)
            walk(entry.value, name)
    return out


def code_exists(dotted: str, root: Path = CODE_ROOT) -> bool:
    """`jiandu.pkg.module.func` or `jiandu.pkg.module.Class.method` is defined in the source."""
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        path = root.joinpath(*parts[:cut]).with_suffix(".py")
        if path.is_file():
            return _defined(str(path), tuple(parts[cut:]))
    return False


@cache
def _tree(path: str) -> ast.Module:
    return ast.parse(Path(path).read_text(encoding="utf-8"))


def _defined(path: str, names: tuple[str, ...]) -> bool:
    body: list[ast.stmt] = _tree(path).body
    for name in names:
        found = next(
            (
                node
                for node in body
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                and node.name == name
            ),
            None,
        )
        if found is None:
            return False
        body = found.body if isinstance(found, ast.ClassDef) else []
    return True


def coverage(book: Rulebook) -> list[ArticleCoverage]:
    """Every article of the text (summary entries of unrecovered points left out), with its status."""
    cited = _cited_articles(book)
    elsewhere: dict[str, str] = {}
    for item in book.metadata.get("elsewhere") or []:
        key = book.article_key(str(item.get("article", "")))
        if key is not None:
            elsewhere.setdefault(key, f"{item.get('matter', '')}：{item.get('refers_to', '')}")
    out = []
    for key, text in book.articles.items():
        if key.startswith(SUMMARY_PREFIX):
            continue
        declared = book.coverage.get(key)
        params = cited.get(key, [])
        if isinstance(declared, dict) and declared.get("status"):
            status = str(declared["status"])
            detail = str(declared.get("reason") or declared.get("refers_to") or declared.get("note") or "")
            by = [str(b) for b in declared.get("by") or []]
            out.append(ArticleCoverage(key, status, detail, by, params, True))
        elif text.startswith((UNKNOWN_TEXT, "〔均未检索到")):
            out.append(
                ArticleCoverage(key, "judgement", "原文未检索到：交审核人对照原文，不作推测", [], params)
            )
        elif params:  # encoded, even where part of the matter is left to another document
            out.append(ArticleCoverage(key, "encoded", "、".join(params), [], params))
        elif key in elsewhere:
            out.append(ArticleCoverage(key, "elsewhere", elsewhere[key], [], params))
        else:
            out.append(ArticleCoverage(key, None, "", [], params))
    return out


def coverage_problems(book: Rulebook) -> list[str]:
    """What `jiandu rules check` reports: unclassified articles, bad statuses, missing code."""
    problems = []
    for key in book.coverage:
        if key not in book.articles:
            problems.append(f"coverage.yaml 中的“{key}”不是本规则的条文")
    for item in coverage(book):
        where = f"条文 {item.article}"
        if item.status is None:
            problems.append(f"{where} 没有状态（coverage.yaml：{'/'.join(STATUSES)}）")
        elif item.status not in STATUSES:
            problems.append(f"{where} 的状态“{item.status}”应为 {'/'.join(STATUSES)} 之一")
        elif item.status == "applied":
            if not item.by:
                problems.append(f"{where} 标为 applied，须在 by 中写明实施它的代码")
            for dotted in item.by:
                if not code_exists(dotted):
                    problems.append(f"{where} 的实施代码 {dotted} 不存在")
        elif item.status in ("judgement", "out_of_scope", "elsewhere") and not item.detail:
            problems.append(f"{where} 标为 {item.status}，须写明理由（reason）")
    return problems


def coverage_summary(book: Rulebook) -> dict[str, Any]:
    items = coverage(book)
    counts = {status: sum(1 for i in items if i.status == status) for status in STATUSES}
    return {
        "rulebook": book.id,
        "title": book.title,
        "articles": len(items),
        **counts,
        "unclassified": sum(1 for i in items if i.status not in STATUSES),
        "summary_entries": sum(1 for k in book.articles if k.startswith(SUMMARY_PREFIX)),
    }
