"""English everywhere (issue 12): find what a reader of the English interface would still see in Chinese.

- `po_untranslated(path)`: msgids of the English catalogue with an empty or fuzzy translation.
- `template_untranslated(path)`: Chinese text in a template outside a translation tag — in the page's
  text, in attribute values, and in string literals of {{ … }} / {% … %} (e.g. `|default:"无"`).
- `python_untranslated(path)`: Chinese string literals (and f-strings) in Python code that reach people
  without a gettext mark (`gettext`, `gettext_lazy`, `gettext_noop`, `ngettext`, `pgettext`, `_`).
  What is not scanned or not counted, and why, is in `PY_SKIP_PARTS` / `PY_EXEMPT_CALLS` below.

Used by jiandu/core/tests/test_english.py; `python -m jiandu.core.i18n_check` prints both lists.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from django.template.base import Lexer, TokenType

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
ROOT = Path(__file__).resolve().parents[1]  # the jiandu package

# Proper names shown as they are in every language: the product's own name beside its Latin spelling,
# and the language switch, which names each language in itself.
ALLOWED = ("简体中文", "中文", "监督")  # longest first
OPENERS = {"blocktranslate", "blocktrans"}
CLOSERS = {"endblocktranslate", "endblocktrans"}
TRANSLATE_TAGS = {"translate", "trans"}


def _unquoted(s: str) -> str:
    """Text outside quoted literals that sit in translation calls: `_("…")` inside a tag is fine."""
    return re.sub(r'_\((["\']).*?\1\)', "", s)


def template_untranslated(path: Path) -> list[tuple[int, str]]:
    """(line, text) of each piece of Chinese outside a translation tag."""
    text = path.read_text(encoding="utf-8")
    problems: list[tuple[int, str]] = []
    depth = 0  # inside {% blocktranslate %} … {% endblocktranslate %}
    comment = False
    for token in Lexer(text).tokenize():
        content = token.contents
        if token.token_type == TokenType.COMMENT:
            continue
        if token.token_type == TokenType.BLOCK:
            name = content.split(None, 1)[0] if content else ""
            if name == "comment":
                comment = True
                continue
            if name == "endcomment":
                comment = False
                continue
            if comment:
                continue
            if name in OPENERS:
                depth += 1
                continue
            if name in CLOSERS:
                depth = max(depth - 1, 0)
                continue
            if name in TRANSLATE_TAGS or depth:
                continue
            chunk = _unquoted(content)
        elif comment or depth:
            continue
        elif token.token_type == TokenType.VAR:
            chunk = _unquoted(content)
        else:
            chunk = content
        for found in re.findall(r"[^<>{}\"'=]*[\u3400-\u9fff][^<>{}\"'=]*", chunk):
            piece = found.strip()
            rest = piece
            for name in ALLOWED:
                rest = rest.replace(name, "")
            if CJK.search(rest):
                problems.append((token.lineno or 0, piece))
    return problems


# Python files that are not scanned, each for a reason:
PY_SKIP_PARTS = (
    "/tests/",  # test code
    "/migrations/",  # frozen history; verbose names there follow the models
    "jiandu/rules/",  # the pure-Python core (no Django, so no gettext); its reasons are the rulebooks' words
    "/management/commands/",  # operators' console: commands run in the settings language, with no user choice
    "jiandu/workdays/cli.py",  # the same, shared by the `rules` and `calendar` commands
    "/demo.py",  # demo content is data, as staff would have typed it (names, places, opinions)
    "/testing.py",  # helpers for tests
    "jiandu/core/i18n_check.py",  # this file: the allow-list itself
)
# Calls whose Chinese arguments are records, not messages: the audit trail keeps what happened in the
# source language (event keys are ASCII; before/after hold facts), and log lines are for operators.
PY_EXEMPT_CALLS = {"audit_record", "debug", "info", "warning", "error", "exception", "critical"}
PY_LOGGERS = {"logger", "log", "logging"}
# The OpenAPI document (operation summaries, schema field descriptions, the API's description) is the
# contract agencies' developers code against; it is written once, in Chinese, like its examples.
PY_OPENAPI_KEYWORDS = {"summary", "description"}
PY_OPENAPI_CALLS = {"Field"}
MARKS = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
# A literal on a line carrying this comment (or in a statement whose first line carries it) is data in
# Chinese by definition, e.g. the column headings of the roster's Excel template, which the import
# matches: `# i18n: zh-only (why)`. Keep these few; each says why.
PY_PRAGMA = "i18n: zh-only"


def _call_name(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _exempt_call(call: ast.Call) -> bool:
    name = _call_name(call)
    if name == "audit_record":
        return True
    f = call.func
    return (
        name in PY_EXEMPT_CALLS
        and isinstance(f, ast.Attribute)
        and isinstance(f.value, ast.Name)
        and f.value.id in PY_LOGGERS
    )


def _has_cjk(node: ast.AST) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(
            str(v.value) for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
    else:
        return ""
    rest = text
    for name in ALLOWED:
        rest = rest.replace(name, "")
    return text if CJK.search(rest) else ""


def python_literal_problems(
    path: Path, tree: ast.Module | None = None
) -> list[tuple[int, str, ast.AST, str]]:
    """(line, text, node, why-not-markable) of each unmarked Chinese literal; why is "" when it can simply
    be wrapped in gettext, else the context (dict key, comparison, subscript) a person must judge."""
    src = path.read_text(encoding="utf-8")
    tree = tree or ast.parse(src)
    lines = src.splitlines()
    parents: dict[ast.AST, ast.AST] = {}
    for n in ast.walk(tree):
        for c in ast.iter_child_nodes(n):
            parents[c] = n
    out: list[tuple[int, str, ast.AST, str]] = []
    for node in ast.walk(tree):
        text = _has_cjk(node)
        if not text:
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Expr):  # a docstring or a bare string statement
            continue
        if isinstance(parent, ast.JoinedStr):  # a piece of an f-string: the f-string is the unit
            continue
        stmt: ast.AST = node
        while not isinstance(stmt, ast.stmt) and stmt in parents:
            stmt = parents[stmt]
        pragma_lines = {node.lineno, node.end_lineno or node.lineno, getattr(stmt, "lineno", node.lineno)}  # type: ignore[attr-defined]
        if any(PY_PRAGMA in lines[n - 1] for n in pragma_lines):
            continue
        marked = False
        q: ast.AST | None = node
        while q is not None and q in parents:
            p = parents[q]
            if (
                isinstance(p, ast.Call)
                and q is not p.func
                and (_call_name(p) in MARKS or _exempt_call(p) or _call_name(p) in PY_OPENAPI_CALLS)
            ):
                marked = True
                break
            if isinstance(p, ast.keyword) and p.arg in PY_OPENAPI_KEYWORDS:
                marked = True
                break
            q = p
        if marked:
            continue
        why = ""
        if isinstance(parent, ast.Dict) and node in parent.keys:
            why = "dict key"
        elif isinstance(parent, ast.Compare):
            why = "comparison"
        elif isinstance(parent, ast.Subscript) and node is parent.slice:
            why = "subscript"
        out.append((node.lineno, text, node, why))  # type: ignore[attr-defined]
    out.sort(key=lambda t: t[0])
    return out


def python_untranslated(path: Path) -> list[tuple[int, str]]:
    return [(line, text) for line, text, _node, _why in python_literal_problems(path)]


def python_files() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        rel = "/" + path.relative_to(ROOT.parent).as_posix()
        if not any(part in rel for part in PY_SKIP_PARTS):
            yield path


def templates() -> Iterator[Path]:
    yield from sorted(ROOT.rglob("templates/**/*.html"))


def po_entries(path: Path) -> Iterator[dict[str, object]]:
    """A small reader of the .po format: each entry's flags, msgid and msgstr(s), joined."""
    entry: dict[str, object] = {"flags": "", "msgid": "", "msgstr": [], "obsolete": False}
    field = ""

    def done() -> Iterator[dict[str, object]]:
        if entry["msgid"] or entry["msgstr"]:
            yield dict(entry)

    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            yield from done()
            entry = {"flags": "", "msgid": "", "msgstr": [], "obsolete": False}
            field = ""
            continue
        if line.startswith("#~"):
            entry["obsolete"] = True
            continue
        if line.startswith("#,"):
            entry["flags"] = str(entry["flags"]) + line[2:]
            continue
        if line.startswith("#"):
            continue
        m = re.match(r'(msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+"(.*)"$', line)
        if m:
            field = m.group(1)
            value = _unescape(m.group(2))
            if field == "msgid":
                entry["msgid"] = value
            elif field.startswith("msgstr"):
                entry["msgstr"].append(value)  # type: ignore[attr-defined]
            continue
        if line.startswith('"') and field:
            value = _unescape(line[1:-1])
            if field == "msgid":
                entry["msgid"] = str(entry["msgid"]) + value
            elif field.startswith("msgstr"):
                strs: list[str] = entry["msgstr"]  # type: ignore[assignment]
                strs[-1] += value


def _unescape(s: str) -> str:
    return s.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def po_untranslated(path: Path) -> list[str]:
    out = []
    for e in po_entries(path):
        if not e["msgid"] or e["obsolete"]:
            continue
        strs: list[str] = e["msgstr"]  # type: ignore[assignment]
        if "fuzzy" in str(e["flags"]) or not strs or any(not s.strip() for s in strs):
            out.append(str(e["msgid"]))
    return out


def main() -> int:
    po = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
    missing = po_untranslated(po)
    for msgid in missing:
        print(f"po: {msgid!r}")
    count = 0
    for path in templates():
        for line, piece in template_untranslated(path):
            count += 1
            print(f"{path.relative_to(ROOT.parent)}:{line}: {piece}")
    py = 0
    for path in python_files():
        for line, text in python_untranslated(path):
            py += 1
            print(f"{path.relative_to(ROOT.parent)}:{line}: {text}")
    print(
        f"{len(missing)} untranslated msgids, {count} untranslated template texts, {py} unmarked Python literals",
        file=sys.stderr,
    )
    return 1 if missing or count or py else 0


if __name__ == "__main__":
    import django

    django.setup()
    raise SystemExit(main())
