"""English everywhere (issue 12): find what a reader of the English interface would still see in Chinese.

- `po_untranslated(path)`: msgids of the English catalogue with an empty or fuzzy translation.
- `template_untranslated(path)`: Chinese text in a template outside a translation tag — in the page's
  text, in attribute values, and in string literals of {{ … }} / {% … %} (e.g. `|default:"无"`).

Used by jiandu/core/tests/test_english.py; `python -m jiandu.core.i18n_check` prints both lists.
"""

from __future__ import annotations

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
    print(f"{len(missing)} untranslated msgids, {count} untranslated template texts", file=sys.stderr)
    return 1 if missing or count else 0


if __name__ == "__main__":
    import django

    django.setup()
    raise SystemExit(main())
