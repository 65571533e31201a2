"""Rulebooks: each jurisdiction's regulation as data (rulebooks/<id>/), loaded and validated.

A rulebook folder holds
- rulebook.yaml   metadata (title, 文号, issuer, signed/effective dates, status such as 试行), `extends`,
                  matters the text leaves to another document (`elsewhere`) and judgement criteria;
- articles.yaml   article number → text as written (copied from source.txt);
- parameters.yaml dated parameter values, each citing the article it comes from;
- cases.yaml      scenarios a lawyer can read: input → expected outcome and cited articles;
- source.txt      the regulation as received (articles are checked against it).

See docs/rulebooks.md for the format and the catalogue of parameter names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, cast

import yaml

T = TypeVar("T")

REPO_RULEBOOK_DIR = Path(__file__).resolve().parents[2] / "rulebooks"
FILES = ("rulebook.yaml", "articles.yaml", "parameters.yaml", "cases.yaml")
STATUSES = ("施行", "试行", "活动方案", "摘要")
SUMMARY_PREFIX = "摘要"  # articles.yaml keys for what DESIGN.md states where the article is unknown
UNKNOWN_TEXT = "〔未检索到"  # an article whose wording was not recovered (never invented)


class RulebookError(Exception):
    """A rulebook cannot be loaded (missing folder, malformed YAML, broken citation …)."""


class UnknownRulebook(RulebookError):
    pass


class RulebookNotInForce(RulebookError):
    """The reference date is before the rulebook takes effect or after its period ends."""


class UnknownParameter(KeyError):
    """The rulebook has no value for this parameter on this date."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ParameterNotStated(UnknownParameter):
    """The text names the matter but leaves it to another document or to judgement; no value is guessed."""


def default_root() -> Path:
    """Where rulebooks live: $JIANDU_RULEBOOK_DIR (the Django setting reads the same variable) or the
    repository's rulebooks/ folder."""
    env = os.environ.get("JIANDU_RULEBOOK_DIR")
    return Path(env) if env else REPO_RULEBOOK_DIR


@dataclass(frozen=True)
class Cited:
    """A rule value with the article it rests on."""

    value: Any
    rulebook: str
    article: str
    note: str = ""
    name: str = ""

    def to_dict(self) -> dict[str, Any]:
        value = self.value.isoformat() if isinstance(self.value, dt.date) else self.value
        return {"value": value, "rulebook": self.rulebook, "article": self.article, "note": self.note}


@dataclass(frozen=True)
class ParamEntry:
    name: str
    value: Any
    article: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    note: str
    refers_to: str  # non-empty: the text leaves this matter to another document / to judgement

    def in_force(self, on: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )


CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 36 → 三十六, 100 → 一百 (enough for article numbers)."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + cn_number(rest) if rest < 10 else cn_number(rest))
    if 10 <= rest < 20:
        tail = "一" + cn_number(rest)
    return CN_DIGITS[n // 100] + "百" + tail


ITEM_RE = re.compile(r"第（([一二三四五六七八九十]+)）项")
PARAGRAPH_RE = re.compile(r"第([一二三四五六七八九十]+)款")


@dataclass
class Rulebook:
    id: str
    path: Path
    metadata: dict[str, Any]
    articles: dict[str, str]
    entries: dict[str, list[ParamEntry]]
    cases: list[dict[str, Any]]
    version: str
    parent: Rulebook | None = None
    source_text: str = ""
    # coverage.yaml: article → {status, reason | by | refers_to} (jiandu.rules.coverage)
    coverage: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    # (name, on) → Cited or the exception to raise: decisions look the same values up again and again.
    _memo: dict[tuple[str, dt.date], Cited | UnknownParameter] = field(default_factory=dict, repr=False)
    # (key, on) → a value derived from the parameters in force that day (`derived`).
    _derived: dict[tuple[str, dt.date], Any] = field(default_factory=dict, repr=False)

    @property
    def title(self) -> str:
        return str(self.metadata.get("title", self.id))

    @property
    def chain(self) -> list[Rulebook]:
        out: list[Rulebook] = []
        book: Rulebook | None = self
        while book is not None:
            out.append(book)
            book = book.parent
        return out

    # -- parameters -------------------------------------------------------------------------------
    def _entries(self, name: str) -> tuple[Rulebook, list[ParamEntry]] | None:
        for book in self.chain:
            if name in book.entries:
                return book, book.entries[name]
        return None

    def param(self, name: str, on: dt.date) -> Cited:
        """The value of `name` in force on `on`, with its article. `on` is required: the core has no
        clock of its own (a hidden "today" made decisions depend on the machine's date).

        Raises UnknownParameter when the rulebook (and the ones it extends) has no such value, and
        ParameterNotStated when the text leaves the matter to another document or to judgement."""
        key = (name, on)
        memo = self._memo.get(key)
        if memo is None:
            if len(self._memo) > 50_000:
                self._memo.clear()
            try:
                memo = self._lookup(name, on)
            except UnknownParameter as exc:
                memo = exc
            self._memo[key] = memo
        if isinstance(memo, UnknownParameter):
            raise type(memo)(memo.message)
        return memo

    def _lookup(self, name: str, on: dt.date) -> Cited:
        found = self._entries(name)
        if found is None:
            raise UnknownParameter(f"规则《{self.title}》（{self.id}）没有参数 {name}")
        book, entries = found
        for entry in entries:
            if entry.in_force(on):
                if entry.refers_to:
                    raise ParameterNotStated(
                        f"《{book.title}》{entry.article}未规定{name}的具体值，交由{entry.refers_to}"
                    )
                return Cited(entry.value, book.id, entry.article, entry.note, name)
        raise UnknownParameter(f"规则《{book.title}》（{book.id}）的参数 {name} 在 {on.isoformat()} 未生效")

    def derived(self, key: str, on: dt.date, build: Callable[[Rulebook, dt.date], T]) -> T:
        """`build(self, on)`, computed once per rulebook and date: a batch (a roster of 100,000 checked
        against one rulebook) resolves the dated parameters once instead of once per person."""
        memo = self._derived.get((key, on))
        if memo is None:
            if len(self._derived) > 10_000:
                self._derived.clear()
            memo = self._derived[(key, on)] = build(self, on)
        return cast(T, memo)

    def param_or_none(self, name: str, on: dt.date) -> Cited | None:
        """The value in force on `on`, or None where the rulebook sets none (or leaves it elsewhere)."""
        try:
            return self.param(name, on)
        except UnknownParameter:
            return None

    def has_param(self, name: str, on: dt.date) -> bool:
        try:
            self.param(name, on)
        except UnknownParameter:
            return False
        return True

    def param_names(self) -> list[str]:
        names: set[str] = set()
        for book in self.chain:
            names.update(book.entries)
        return sorted(names)

    def params_in_force(self, on: dt.date) -> dict[str, dict[str, Any]]:
        """Every parameter on `on`: a value with its article, or what the text leaves elsewhere."""
        out: dict[str, dict[str, Any]] = {}
        for name in self.param_names():
            found = self._entries(name)
            assert found is not None
            book, entries = found
            for entry in entries:
                if entry.in_force(on):
                    if entry.refers_to:
                        out[name] = {
                            "value": None,
                            "rulebook": book.id,
                            "article": entry.article,
                            "refers_to": entry.refers_to,
                            "note": entry.note,
                        }
                    else:
                        out[name] = Cited(entry.value, book.id, entry.article, entry.note).to_dict()
        return out

    # -- articles ---------------------------------------------------------------------------------
    def resolve_article(self, citation: str) -> tuple[Rulebook, str] | None:
        """The (rulebook, article number) a citation such as 第五条第（一）项 rests on, searching the
        rulebooks this one extends too."""
        for book in self.chain:
            key = book.article_key(citation)
            if key is not None:
                return book, key
        return None

    def article_key(self, citation: str) -> str | None:
        best = None
        for key in self.articles:
            if citation.startswith(key) and (best is None or len(key) > len(best)):
                best = key
        return best

    def citation_error(self, citation: str) -> str | None:
        if not citation:
            return "缺少条文引用"
        found = self.resolve_article(citation)
        if found is None:
            return f"引用的条文“{citation}”不存在"
        book, key = found
        text = book.articles[key]
        rest = citation[len(key) :]
        para = PARAGRAPH_RE.search(rest)
        if para:
            count = len([p for p in text.split("\n") if p.strip() and not re.match(r"[（(0-9]", p.strip())])
            wanted = CN_DIGITS.index(para.group(1)) if len(para.group(1)) == 1 else 10
            if wanted > max(count, 1):
                return f"引用的条文“{citation}”不存在：{key}只有{count}款"
        item = ITEM_RE.search(rest)
        if item and f"（{item.group(1)}）" not in _normalise(text):
            return f"引用的条文“{citation}”不存在：{key}没有第（{item.group(1)}）项"
        return None

    def article_text(self, citation: str) -> str:
        found = self.resolve_article(citation)
        return "" if found is None else found[0].articles[found[1]]

    # -- period -----------------------------------------------------------------------------------
    def in_force_period(self) -> tuple[dt.date | None, dt.date | None]:
        """(first day, last day) of the text's period: `effective_from`, and `effective_to` or the end
        of an `activity_period` (the Ningxia plan's year) — open-ended when a later text continues it
        (`continued_by`)."""
        m = self.metadata
        start = m.get("effective_from") if isinstance(m.get("effective_from"), dt.date) else None
        end = m.get("effective_to")
        period = m.get("activity_period")
        if end is None and isinstance(period, dict):
            end = period.get("to")
        if m.get("continued_by") or not isinstance(end, dt.date):
            end = None
        return start, end

    def in_force_error(self, on: dt.date) -> str | None:
        """A Chinese message when `on` falls outside the period, else None."""
        start, end = self.in_force_period()
        span = f"{start.isoformat() if start else '（未载明）'}至{end.isoformat() if end else '今'}"
        if start is not None and on < start:
            return (
                f"参照日期{on.isoformat()}早于《{self.title}》施行之日{start.isoformat()}（有效期间{span}）"
            )
        if end is not None and on > end:
            return f"参照日期{on.isoformat()}晚于《{self.title}》的有效期间{span}，且没有后续规则接续"
        return None

    # -- metadata helpers -------------------------------------------------------------------------
    def param_chain(self, name: str, on: dt.date) -> list[Cited]:
        """The value of a list parameter from every rulebook in the chain that sets it (the extended
        rulebook first) — for lists that add up rather than override, such as judgement criteria."""
        out: list[Cited] = []
        for book in reversed(self.chain):
            for entry in book.entries.get(name, []):
                if entry.in_force(on) and not entry.refers_to:
                    out.append(Cited(entry.value, book.id, entry.article, entry.note, name))
        return out

    def judgement_criteria(self, on: dt.date) -> list[dict[str, str]]:
        """Criteria the text leaves to a human judgement (公道正派, 身体健康 …), with their articles,
        from this rulebook and those it extends."""
        return [
            {**item, "rulebook": c.rulebook}
            for c in self.param_chain("eligibility.judgement_criteria", on)
            for item in c.value
        ]

    def summary(self) -> dict[str, Any]:
        m = self.metadata
        return {
            "id": self.id,
            "title": self.title,
            "doc_number": m.get("doc_number", ""),
            "issuer": m.get("issuer", []),
            "signed_on": _iso(m.get("signed_on")),
            "effective_from": _iso(m.get("effective_from")),
            "status": m.get("status", ""),
            "extends": m.get("extends") or None,
            "programme_kind": m.get("programme_kind", ""),
            "version": self.version,
        }


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


# -- loading --------------------------------------------------------------------------------------


class RulebookLoader(yaml.SafeLoader):
    """YAML 1.2 booleans only: `on:` (a reference date in cases) must stay a string key, not True."""


RulebookLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
RulebookLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def yaml_load(text: str) -> Any:
    """Parse rulebook/overlay YAML (YAML 1.2 booleans: on/off/yes/no stay strings)."""
    try:
        return yaml.load(text, Loader=RulebookLoader)  # noqa: S506 — a SafeLoader subclass
    except ValueError as exc:  # a YYYY-MM-DD that is not a date (2027-13-01) fails inside PyYAML
        raise RulebookError(f"文件中有无效日期：{exc}") from exc


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml_load(handle.read())
    except FileNotFoundError:
        return None
    except yaml.YAMLError as exc:
        raise RulebookError(f"{path} 不是有效的YAML：{exc}") from exc


def _as_date(value: Any, where: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise RulebookError(f"{where}：日期“{value}”应为 YYYY-MM-DD") from exc


def folder_version(path: Path) -> str:
    """Content hash over every file in the folder (names and bytes), so a stored decision can cite
    exactly the rulebook text it was made under."""
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(file.relative_to(path)).encode())
        digest.update(b"\0")
        digest.update(file.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def load_rulebook_from(path: Path, *, root: Path | None = None) -> Rulebook:
    """Load one rulebook folder (its parent, if it extends one, from the same root)."""
    path = Path(path)
    root = Path(root) if root is not None else path.parent
    if not (path / "rulebook.yaml").is_file():
        raise UnknownRulebook(f"找不到规则 {path.name}（{path} 下没有 rulebook.yaml）")
    metadata = _read_yaml(path / "rulebook.yaml") or {}
    if not isinstance(metadata, dict):
        raise RulebookError(f"{path / 'rulebook.yaml'} 应为键值对")
    if isinstance(metadata.get("notes"), str):
        # A folded YAML block joins lines with a space, which Chinese text does not want.
        metadata["notes"] = re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", metadata["notes"]).strip()
    rid = str(metadata.get("id") or path.name)
    problems: list[str] = []
    if rid != path.name:
        problems.append(f"rulebook.yaml 的 id “{rid}” 与文件夹名 “{path.name}” 不一致")
    articles_raw = _read_yaml(path / "articles.yaml") or {}
    if not isinstance(articles_raw, dict):
        raise RulebookError(f"{path / 'articles.yaml'} 应为 条文编号: 条文 的键值对")
    articles = {str(k): str(v).strip() for k, v in articles_raw.items()}
    params_raw = _read_yaml(path / "parameters.yaml") or {}
    if not isinstance(params_raw, dict):
        raise RulebookError(f"{path / 'parameters.yaml'} 应为 参数名: 取值 的键值对")
    entries: dict[str, list[ParamEntry]] = {}
    for name, raw in params_raw.items():
        items = raw if isinstance(raw, list) else [raw]
        parsed: list[ParamEntry] = []
        for i, item in enumerate(items):
            where = f"{rid} 参数 {name}[{i}]"
            if not isinstance(item, dict) or ("value" not in item and "refers_to" not in item):
                raise RulebookError(f"{where}：应写成 {{value: …, article: …}}")
            parsed.append(
                ParamEntry(
                    name=str(name),
                    value=item.get("value"),
                    article=str(item.get("article") or ""),
                    valid_from=_as_date(item.get("from"), where),
                    valid_to=_as_date(item.get("to"), where),
                    note=str(item.get("note") or ""),
                    refers_to=str(item.get("refers_to") or ""),
                )
            )
        entries[str(name)] = sorted(parsed, key=lambda e: e.valid_from or dt.date.min)
    cases = _read_yaml(path / "cases.yaml") or []
    if isinstance(cases, dict):
        cases = cases.get("cases") or []
    if not isinstance(cases, list):
        raise RulebookError(f"{path / 'cases.yaml'} 应为案例列表")
    coverage = _read_yaml(path / "coverage.yaml") or {}
    if not isinstance(coverage, dict):
        raise RulebookError(f"{path / 'coverage.yaml'} 应为 条文编号: {{status: …}} 的键值对")
    source = path / "source.txt"
    parent = None
    parent_id = metadata.get("extends")
    if parent_id:
        if parent_id == rid:
            raise RulebookError(f"{rid} 不能扩展自身")
        parent = load_rulebook_from(root / str(parent_id), root=root)
    version = folder_version(path)
    if parent is not None:
        version = hashlib.sha256(f"{version}:{parent.version}".encode()).hexdigest()[:16]
    return Rulebook(
        id=rid,
        path=path,
        metadata=metadata,
        articles=articles,
        entries=entries,
        cases=cases,
        version=version,
        parent=parent,
        source_text=source.read_text(encoding="utf-8") if source.is_file() else "",
        problems=problems,
        coverage={str(k): v for k, v in coverage.items()},
    )


@cache
def _load_cached(rulebook_id: str, root: str) -> Rulebook:
    return load_rulebook_from(Path(root) / rulebook_id, root=Path(root))


def load_rulebook(rulebook_id: str, root: Path | str | None = None) -> Rulebook:
    """The rulebook `rulebook_id` from `root` (default: default_root()), cached per process."""
    if not rulebook_id or "/" in rulebook_id or "\\" in rulebook_id or rulebook_id.startswith("."):
        raise UnknownRulebook(f"规则编号“{rulebook_id}”无效")
    return _load_cached(rulebook_id, str(Path(root) if root is not None else default_root()))


def clear_cache() -> None:
    _load_cached.cache_clear()


def list_rulebooks(root: Path | str | None = None) -> list[str]:
    """The ids of every rulebook folder under `root`."""
    base = Path(root) if root is not None else default_root()
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / "rulebook.yaml").is_file())


# -- validation -----------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    text = re.sub(r"(?m)^\s*-\s+", "", text)  # markdown bullets in some received texts
    return re.sub(r"[\s　]+", "", text).replace("(", "（").replace(")", "）").replace(",", "，")


def _ranges_overlap(a: ParamEntry, b: ParamEntry) -> bool:
    a_from, a_to = a.valid_from or dt.date.min, a.valid_to or dt.date.max
    b_from, b_to = b.valid_from or dt.date.min, b.valid_to or dt.date.max
    return a_from <= b_to and b_from <= a_to


def validate_structure(book: Rulebook) -> list[str]:
    """Problems in the data itself: metadata, citations, date ranges, articles against the source."""
    from jiandu.rules.catalogue import PARAMETERS  # the catalogue of known parameter names

    problems = list(book.problems)
    m = book.metadata
    for key in ("title", "issuer", "status"):
        if not m.get(key):
            problems.append(f"rulebook.yaml 缺少 {key}")
    if m.get("status") and m["status"] not in STATUSES:
        problems.append(f"rulebook.yaml 的 status “{m['status']}” 应为 {'/'.join(STATUSES)} 之一")
    for key in ("signed_on", "effective_from"):
        if m.get(key) is not None and not isinstance(m.get(key), dt.date):
            problems.append(f"rulebook.yaml 的 {key} 应为日期 YYYY-MM-DD")
    if not book.articles:
        problems.append("articles.yaml 没有条文")
    for name, entries in book.entries.items():
        if name not in PARAMETERS:
            problems.append(f"未知参数 {name}（不在 docs/rulebooks.md 的参数目录中）")
        for entry in entries:
            error = book.citation_error(entry.article)
            if error:
                problems.append(f"参数 {name}：{error}")
            if entry.valid_from and entry.valid_to and entry.valid_from > entry.valid_to:
                problems.append(f"参数 {name}：起始日期晚于终止日期")
            expected = PARAMETERS.get(name)
            if expected is not None and not entry.refers_to:
                kind_error = expected.check(entry.value)
                if kind_error:
                    problems.append(f"参数 {name}：{kind_error}")
            for sub_article in _nested_articles(entry.value):
                error = book.citation_error(sub_article)
                if error:
                    problems.append(f"参数 {name} 的条目：{error}")
        for i, a in enumerate(entries):
            for b in entries[i + 1 :]:
                if _ranges_overlap(a, b):
                    problems.append(
                        f"参数 {name} 的生效期间重叠（{a.valid_from}–{a.valid_to} 与 {b.valid_from}–{b.valid_to}）"
                    )
    for item in m.get("elsewhere") or []:
        error = book.citation_error(str(item.get("article", "")))
        if error:
            problems.append(f"另有规定事项 {item.get('matter')}：{error}")
    if book.source_text:
        source = _normalise(book.source_text)
        for number, text in book.articles.items():
            if number.startswith(SUMMARY_PREFIX):
                continue  # a summary (摘要) of a point whose article was not recovered: not the text
            if _normalise(text) not in source:
                problems.append(f"条文 {number} 与 source.txt 原文不一致")
    return problems


def _nested_articles(value: Any) -> list[str]:
    """Citations inside structured values (e.g. each dismissal ground names its article)."""
    out: list[str] = []
    if isinstance(value, list):
        for item in value:
            out.extend(_nested_articles(item))
    elif isinstance(value, dict) and "article" in value:
        out.append(str(value["article"]))
    return out


def validate_rulebook(book: Rulebook) -> list[str]:
    """Every problem with a rulebook: structure, citations, date ranges, and failing cases."""
    from jiandu.rules.cases import run_cases
    from jiandu.rules.coverage import coverage_problems

    problems = validate_structure(book) + coverage_problems(book)
    for result in run_cases(book):
        if not result.ok:
            problems.append(f"案例“{result.name}”未通过：{result.message}")
    return problems
