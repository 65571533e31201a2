"""One-off helper (issue 12): wrap the Chinese string literals that jiandu.core.i18n_check reports in
gettext calls — `gettext` inside a function body, `gettext_noop` for TextChoices labels (the project's
convention: choice labels stay plain strings and are translated where displayed), `gettext_lazy` elsewhere
at import time. An f-string becomes `gettext("…{name}…").format(name=…)`. Literals it cannot place
(dict keys, comparisons, subscripts) are listed for a person to decide.

Usage: python scripts/i18n_mark.py jiandu/findings/services.py … (then ruff check --fix; ruff format)
"""

from __future__ import annotations

import ast
import keyword
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jiandu.core.i18n_check import CJK, python_literal_problems

FUNCS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _offsets(src: str) -> list[int]:
    starts = [0]
    for line in src.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def _quote(s: str) -> str:
    body = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{body}"'


def _name_for(expr: ast.expr) -> str:
    if isinstance(expr, ast.Name):
        name = expr.id
    elif isinstance(expr, ast.Attribute):
        name = expr.attr
    elif isinstance(expr, ast.Call):
        f = expr.func
        name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else "value"
        if name in {"len", "count"}:
            name = "count"
        elif name in {"str", "int", "float", "round", "abs", "join", "format", "strftime", "get", "sum"}:
            name = _name_for(expr.args[0]) if expr.args and name != "join" else "value"
    elif isinstance(expr, ast.Subscript):
        sl = expr.slice
        name = (
            sl.value if isinstance(sl, ast.Constant) and isinstance(sl.value, str) else _name_for(expr.value)
        )
    else:
        name = "value"
    name = name.strip("_") or "value"
    if not name.isidentifier() or keyword.iskeyword(name) or not name.isascii():
        name = "value"
    return name


class Marker:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.src = path.read_text(encoding="utf-8")
        self.tree = ast.parse(self.src)
        self.parents: dict[ast.AST, ast.AST] = {}
        for n in ast.walk(self.tree):
            for c in ast.iter_child_nodes(n):
                self.parents[c] = n
        self.underscore = self._underscore_binding()
        self.used_names: set[str] = set()
        self.skipped: list[str] = []

    def _underscore_binding(self) -> str | None:
        for n in ast.walk(self.tree):
            if isinstance(n, ast.ImportFrom) and n.module == "django.utils.translation":
                for a in n.names:
                    if a.asname == "_":
                        return a.name
        return None

    def _call(self, kind: str) -> str:
        if self.underscore == kind:
            return "_"
        self.used_names.add(kind)
        return kind

    def _kind(self, node: ast.AST) -> str:
        child, p = node, self.parents.get(node)
        while p is not None:
            if isinstance(p, FUNCS):
                body = [p.body] if isinstance(p, ast.Lambda) else p.body
                if child in body:
                    return "gettext"
            if (
                isinstance(p, ast.ClassDef)
                and child in p.body
                and any(
                    (isinstance(b, ast.Name) and b.id.endswith("Choices"))
                    or (isinstance(b, ast.Attribute) and b.attr.endswith("Choices"))
                    for b in p.bases
                )
            ):
                return "gettext_noop"
            child, p = p, self.parents.get(p)
        return "gettext_lazy"

    def _fstring(self, node: ast.JoinedStr) -> str | None:
        template: list[str] = []
        args: dict[str, str] = {}
        by_src: dict[str, str] = {}
        for v in node.values:
            if isinstance(v, ast.Constant):
                template.append(str(v.value).replace("{", "{{").replace("}", "}}"))
                continue
            assert isinstance(v, ast.FormattedValue)
            seg = ast.get_source_segment(self.src, v.value)
            if seg is None or "\n" in seg:
                return None
            if seg in by_src:
                name = by_src[seg]
            else:
                base = name = _name_for(v.value)
                i = 2
                while name in args:
                    name = f"{base}{i}"
                    i += 1
                args[name] = seg
                by_src[seg] = name
            conv = {-1: "", 115: "!s", 114: "!r", 97: "!a"}[v.conversion]
            spec = ""
            if v.format_spec is not None:
                assert isinstance(v.format_spec, ast.JoinedStr)
                if not all(isinstance(x, ast.Constant) for x in v.format_spec.values):
                    return None
                spec = ":" + "".join(str(x.value) for x in v.format_spec.values)  # type: ignore[attr-defined]
            template.append("{" + name + conv + spec + "}")
        call = self._call(self._kind(node))
        text = _quote("".join(template))
        if not args:
            return f"{call}({text})"
        kw = ", ".join(f"{k}={a}" for k, a in args.items())
        return f"{call}({text}).format({kw})"

    def run(self) -> bool:
        starts = _offsets(self.src)
        edits: list[tuple[int, int, str]] = []
        for line, _text, node, reason in python_literal_problems(self.path, self.tree):
            if reason:
                self.skipped.append(f"{self.path}:{line}: {reason}: {_text[:60]}")
                continue
            # outermost only: a literal inside an f-string's expression waits for the next pass
            q = self.parents.get(node)
            nested = False
            while q is not None:
                if isinstance(q, ast.JoinedStr):
                    nested = True
                q = self.parents.get(q)
            if nested:
                continue
            if isinstance(node, ast.JoinedStr):
                new = self._fstring(node)
                if new is None:
                    self.skipped.append(f"{self.path}:{line}: f-string too complex: {_text[:60]}")
                    continue
            else:
                seg = ast.get_source_segment(self.src, node)
                assert seg is not None
                new = f"{self._call(self._kind(node))}({seg})"
            a = starts[node.lineno - 1] + len(
                self.src.splitlines(keepends=True)[node.lineno - 1].encode()[: node.col_offset].decode()
            )  # type: ignore[attr-defined]
            end_line = self.src.splitlines(keepends=True)[node.end_lineno - 1]  # type: ignore[attr-defined]
            b = starts[node.end_lineno - 1] + len(end_line.encode()[: node.end_col_offset].decode())  # type: ignore[attr-defined]
            edits.append((a, b, new))
        if not edits:
            return False
        edits.sort(reverse=True)
        out = self.src
        last = len(out) + 1
        for a, b, new in edits:
            if b > last:
                continue
            out = out[:a] + new + out[b:]
            last = a
        need = sorted(self.used_names)
        if need:
            line = "from django.utils.translation import " + ", ".join(need) + "\n"
            out = _add_import(out, line)
        ast.parse(out)
        self.path.write_text(out, encoding="utf-8")
        return True


def _add_import(src: str, line: str) -> str:
    tree = ast.parse(src)
    last = 0
    for n in tree.body:
        if isinstance(n, ast.Import | ast.ImportFrom):
            last = n.end_lineno or n.lineno
        elif last:
            break
    lines = src.splitlines(keepends=True)
    if not last:  # after the docstring
        first = tree.body[0] if tree.body else None
        last = (
            first.end_lineno or 0
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            else 0
        )
    lines.insert(last, line)
    return "".join(lines)


def main(paths: list[str]) -> int:
    skipped: list[str] = []
    for p in paths:
        for _ in range(4):
            m = Marker(Path(p))
            changed = m.run()
            if not changed:
                skipped += m.skipped
                break
    for s in skipped:
        print(s)
    return 0


if __name__ == "__main__":
    assert CJK
    raise SystemExit(main(sys.argv[1:]))
