"""Helper (issue 12): list the English catalogue's untranslated msgids (`list`), and fill them
from a JSON file mapping their number in that list to the English (`fill FILE`); fuzzy flags go."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parents[1] / "jiandu/locale/en/LC_MESSAGES/django.po"


def _unescape(s: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s)


def _escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")


def blocks() -> list[str]:
    return PO.read_text(encoding="utf-8").split("\n\n")


def parse(block: str) -> tuple[str, bool, bool, bool]:
    """msgid, needs-translation, fuzzy, plural"""
    lines = block.splitlines()
    msgid, field, strs = "", "", []
    obsolete = any(line.startswith("#~") for line in lines)
    fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
    plural = any(line.startswith("msgid_plural") for line in lines)
    for line in lines:
        m = re.match(r'(msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+"(.*)"$', line)
        if m:
            field = m.group(1)
            if field == "msgid":
                msgid = _unescape(m.group(2))
            elif field.startswith("msgstr"):
                strs.append(_unescape(m.group(2)))
        elif line.startswith('"') and field:
            if field == "msgid":
                msgid += _unescape(line[1:-1])
            elif field.startswith("msgstr"):
                strs[-1] += _unescape(line[1:-1])
    need = bool(msgid) and not obsolete and (fuzzy or not strs or any(not s for s in strs))
    return msgid, need, fuzzy, plural


def translated(block: str) -> tuple[str, str]:
    msgid, need, _f, plural = parse(block)
    if need or plural:
        return "", ""
    m = re.search(r'\nmsgstr "(.*?)"((?:\n".*")*)\s*$', "\n" + block)
    if not m:
        return "", ""
    text = _unescape(m.group(1)) + "".join(_unescape(x[1:-1]) for x in m.group(2).split("\n") if x)
    return msgid, text


def todo() -> list[str]:
    return [parse(b)[0] for b in blocks() if parse(b)[1]]


def main() -> None:
    if sys.argv[1] == "list":
        for i, m in enumerate(todo()):
            print(json.dumps({str(i): m}, ensure_ascii=False)[1:-1])
        return
    if sys.argv[1] == "save":  # every translated msgid → its English, to refill after a rebase
        saved = {m: s for m, s in (translated(b) for b in blocks()) if m and s}
        Path(sys.argv[2]).write_text(json.dumps(saved, ensure_ascii=False, indent=0), encoding="utf-8")
        return
    if sys.argv[1] == "refill":
        saved = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
        mapping = {i: saved[m] for i, m in enumerate(todo()) if m in saved}
    else:
        mapping = {int(k): v for k, v in json.loads(Path(sys.argv[2]).read_text(encoding="utf-8")).items()}
    out, i = [], 0
    for b in blocks():
        _msgid, need, _fuzzy, plural = parse(b)
        if need:
            en = mapping.get(i)
            i += 1
            if en is not None:
                kept = [
                    line
                    for line in b.splitlines()
                    if not line.startswith("#|")
                    and not (line.startswith("#,") and "fuzzy" in line and line.strip() == "#, fuzzy")
                ]
                kept = [
                    line.replace("fuzzy, ", "").replace(", fuzzy", "") if line.startswith("#,") else line
                    for line in kept
                ]
                head = []
                for line in kept:
                    if line.startswith("msgstr"):
                        break
                    head.append(line)
                while head and head[-1].startswith('"') and not any(h.startswith("msgid") for h in head[-1:]):
                    # continuation lines of msgid stay; only msgstr lines are replaced
                    break
                if plural:
                    one, many = en if isinstance(en, list) else (en, en)
                    b = "\n".join([*head, f'msgstr[0] "{_escape(one)}"', f'msgstr[1] "{_escape(many)}"'])
                else:
                    b = "\n".join([*head, f'msgstr "{_escape(en)}"'])
        out.append(b)
    PO.write_text("\n\n".join(out), encoding="utf-8")


if __name__ == "__main__":
    main()
