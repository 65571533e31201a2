"""No article number is typed into application code (issue #10 §1): what a user sees cites the
programme's rulebook through a parameter (`Cited.article`), so a page never borrows another city's
article. Docstrings, comments, tests, migrations and the catalogues are free to name articles."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # jiandu/
ARTICLE = re.compile(r"第[零〇一二三四五六七八九十百千两\d]+条")
SKIP_PARTS = {"tests", "migrations", "locale", "__pycache__", "static"}
# Demo data stands for what staff type into a record (a case file's legal basis may quote 刑法 第七十八条);
# it is content, not the application citing a rule. The application's own strings are checked.
SKIP_FILES = {"demo.py"}
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)


def _files(suffixes: tuple[str, ...]) -> list[Path]:
    return [
        p
        for p in sorted(ROOT.rglob("*"))
        if p.suffix in suffixes
        and p.is_file()
        and p.name not in SKIP_FILES
        and not SKIP_PARTS & set(p.relative_to(ROOT).parts)
    ]


def _literal_articles(path: Path, base: Path = ROOT.parent) -> list[str]:
    """Article numbers in string literals, leaving out docstrings and bare string statements."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bare: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            bare.add(id(node.value))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in bare:
            for hit in ARTICLE.findall(node.value):
                found.append(f"{path.relative_to(base)}:{node.lineno}: {hit} in {node.value[:60]!r}")
    return found


def test_no_article_number_in_python_string_literals() -> None:
    found = [hit for path in _files((".py",)) for hit in _literal_articles(path)]
    assert not found, "typed-in articles (cite the programme's rulebook instead):\n" + "\n".join(found)


def test_no_article_number_in_templates() -> None:
    found = []
    for path in _files((".html", ".txt")):
        text = TEMPLATE_COMMENT.sub("", path.read_text(encoding="utf-8"))
        for lineno, line in enumerate(text.splitlines(), 1):
            for hit in ARTICLE.findall(line):
                found.append(f"{path.relative_to(ROOT.parent)}:{lineno}: {hit}")
    assert not found, "typed-in articles in templates:\n" + "\n".join(found)


def test_the_check_sees_a_typed_article(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""Docstring 第十三条 is fine."""\nMESSAGE = "请说明回避理由（第十三条）"\n', encoding="utf-8"
    )
    hits = _literal_articles(sample, base=tmp_path)
    assert len(hits) == 1 and "第十三条" in hits[0] and ":2:" in hits[0]
