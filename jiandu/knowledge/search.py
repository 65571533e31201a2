"""Chinese search without a tokenizer.

PostgreSQL's full-text search has no Chinese parser built in (zhparser or pg_jieba are extensions this
deployment cannot assume), and SQLite's FTS5 has none either. Chinese is written without spaces, so a
word-based index would need segmentation — and a segmenter's mistakes hide legal terms (“暂予监外执行”
split the wrong way is not found). Instead the search is a normalised substring match: NFKC (full-width
to half-width), case-folded, whitespace and punctuation removed, every term of the query required.
It is exact, works the same on SQLite and PostgreSQL, and the corpus is small — a rulebook has tens of
articles, a programme's staff entries some hundreds — so articles are searched in memory and entries
with `icontains` in the database. Beyond that size a pg_trgm index would be the next step.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SPACE_PUNCT = re.compile(r"[\s\u3000,，.。;；:：!！?？、\"'“”‘’()（）\[\]【】《》<>〈〉·—\-]+")
MAX_TERMS, MAX_TERM = 5, 30


def normalise(text: str) -> str:
    return SPACE_PUNCT.sub("", unicodedata.normalize("NFKC", text).casefold())


def terms_of(query: str) -> list[str]:
    """The query's terms: split on spaces (a user may type several words), each normalised."""
    out = []
    for raw in unicodedata.normalize("NFKC", query).split():
        term = normalise(raw)[:MAX_TERM]
        if term and term not in out:
            out.append(term)
    return out[:MAX_TERMS]


def matches(text: str, terms: list[str]) -> int:
    """0 when a term is missing; otherwise how often the terms occur (the rank)."""
    flat = normalise(text)
    counts = [flat.count(t) for t in terms]
    return 0 if not terms or not all(counts) else sum(counts)


def snippet(text: str, terms: list[str], width: int = 60) -> SafeString:
    """A short excerpt around the first match with every term marked. Matching is on the raw text
    (case-insensitive); a term that only matches after punctuation is removed is not marked."""
    lowered = unicodedata.normalize("NFKC", text).casefold()
    first = min((i for i in (lowered.find(t) for t in terms) if i >= 0), default=0)
    start = max(0, first - width // 2)
    piece = text[start : start + width * 2]
    out: str = escape(piece)
    for t in sorted(terms, key=len, reverse=True):
        if t:
            out = re.sub(
                re.escape(escape(t)), lambda m: f"<mark>{m.group(0)}</mark>", out, flags=re.IGNORECASE
            )
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width * 2 < len(text) else ""
    return mark_safe(prefix + out + suffix)  # noqa: S308 - built from escaped text
