"""The roster's door to the rules core (jiandu.rules): which rulebook a programme runs under, its
cited parameters, and the term / renewal / dismissal decisions. Kept in one module so the Django side
has one place that knows the core's names (docs/rulebooks.md, jiandu/rules/catalogue.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext, gettext_lazy

from jiandu.rules.catalogue import EDUCATION_LABELS, POSTS, RECORDS
from jiandu.rules.rulebook import Cited, Rulebook, UnknownParameter, load_rulebook


def rulebook_for(programme: Any) -> Rulebook:
    return load_rulebook(programme.rulebook_id)


def cited(rulebook: Rulebook, name: str, on: dt.date) -> Cited | None:
    """The parameter with its article, or None where the rulebook sets none (or leaves it elsewhere)."""
    try:
        return rulebook.param(name, on)
    except UnknownParameter:
        return None


# What a page says where the programme's text is silent on a matter (never another city's article).
SILENT = gettext_lazy("本项目适用的规则对此未作规定")


def programme_cite(programme: Any, name: str, on: dt.date | None = None) -> Cited | None:
    """The programme's parameter `name` in force on `on` (default: today in Asia/Shanghai), or None
    where its text is silent or leaves the matter elsewhere. `programme` may be a rulebook id. A
    rulebook that cannot be loaded raises: a broken rulebook is not "no rule"."""
    rulebook_id = programme if isinstance(programme, str) else getattr(programme, "rulebook_id", "")
    if not rulebook_id:
        return None
    if on is None:
        from django.utils import timezone

        on = timezone.localdate()
    return cited(load_rulebook(rulebook_id), name, on)


def article_label(c: Cited, rulebook_id: str) -> str:
    """The article as a page shows it: with the text's title when the value comes from the text this
    programme's rulebook extends (the national measures' 第十二条 is not Weihai's 第十二条)."""
    if c.rulebook == rulebook_id:
        return c.article
    return f"《{load_rulebook(c.rulebook).title}》{c.article}"


def cite_suffix(c: Cited | None) -> str:
    """'（第十三条）' for a message, or '' where the text is silent."""
    return f"（{c.article}）" if c is not None and c.article else ""


def cited_dict(c: Cited | None) -> dict[str, Any]:
    return c.to_dict() if c is not None else {}


def reason_dict(reason: Any) -> dict[str, Any]:
    if reason is None:
        return {}
    return reason.to_dict() if hasattr(reason, "to_dict") else dict(reason)


def announcement_conditions(rulebook: Rulebook, on: dt.date) -> list[dict[str, str]]:
    """The conditions of appointment, each with its article, for a recruitment announcement."""
    out: list[dict[str, str]] = []

    def add(text: str, c: Cited) -> None:
        out.append({"text": text, "article": c.article, "rulebook": c.rulebook})

    lo, hi = cited(rulebook, "eligibility.min_age", on), cited(rulebook, "eligibility.max_age", on)
    if lo and hi:
        add(gettext("年满{value}周岁且不超过{value2}周岁").format(value=lo.value, value2=hi.value), lo)
    elif lo:
        add(gettext("年满{value}周岁").format(value=lo.value), lo)
    elif hi:
        add(gettext("不超过{value}周岁").format(value=hi.value), hi)
    nat = cited(rulebook, "eligibility.nationality", on)
    if nat:
        add(
            gettext("具有中华人民共和国国籍")
            if nat.value == "CN"
            else gettext("国籍：{value}").format(value=nat.value),
            nat,
        )
    edu = cited(rulebook, "eligibility.min_education", on)
    if edu:
        add(
            gettext("{value}以上学历（文化程度）").format(value=EDUCATION_LABELS.get(edu.value, edu.value)),
            edu,
        )
    for name, labels, lead in (
        ("eligibility.disqualifying_records", RECORDS, gettext("无")),
        ("eligibility.excluded_posts", POSTS, gettext("非")),
    ):
        c = cited(rulebook, name, on)
        if not c:
            continue
        for item in c.value:
            key = item.get("record") or item.get("post") or ""
            text = item.get("text") or lead + labels.get(key, key)
            out.append({"text": text, "article": item.get("article", c.article), "rulebook": c.rulebook})
    crit = cited(rulebook, "eligibility.judgement_criteria", on)
    if crit:
        for item in crit.value:
            out.append(
                {
                    "text": item.get("text", ""),
                    "article": item.get("article", crit.article),
                    "rulebook": crit.rulebook,
                }
            )
    return out


def relevant_records(rulebook: Rulebook, on: dt.date) -> list[tuple[str, str]]:
    """(code, label) of the records this rulebook disqualifies for: the applicant declares them."""
    c = cited(rulebook, "eligibility.disqualifying_records", on)
    codes = [i.get("record") for i in (c.value if c else []) if i.get("record")]
    return [(code, RECORDS.get(code, code)) for code in dict.fromkeys(codes)]


def relevant_posts(rulebook: Rulebook, on: dt.date) -> list[tuple[str, str]]:
    c = cited(rulebook, "eligibility.excluded_posts", on)
    codes = [i.get("post") for i in (c.value if c else []) if i.get("post")]
    return [(code, POSTS.get(code, code)) for code in dict.fromkeys(codes)]


def change_criteria(
    rulebook: Rulebook, *, posts: list[str], records: list[str], on: dt.date
) -> list[dict[str, Any]]:
    """The rulebook's eligibility conditions a reported change touches, each with its article: what
    the bureau reviews a new post or a new record against."""
    out: list[dict[str, Any]] = []
    for param, key, codes, labels in (
        ("eligibility.excluded_posts", "post", posts, POSTS),
        ("eligibility.review_posts", "post", posts, POSTS),
        ("eligibility.disqualifying_records", "record", records, RECORDS),
    ):
        c = cited(rulebook, param, on)
        items = {i.get(key): i for i in (c.value if c else []) if i.get(key)}
        for code in codes:
            item = items.get(code)
            if item is None or c is None:
                continue
            out.append(
                {
                    "code": code,
                    "text": item.get("text") or labels.get(code, code),
                    "article": item.get("article", c.article),
                    "rulebook": c.rulebook,
                }
            )
    return out


def reportable_posts(rulebook: Rulebook, on: dt.date) -> list[tuple[str, str]]:
    """Posts a serving supervisor reports: those the rulebook excludes and those it sends to review."""
    found = dict(relevant_posts(rulebook, on))
    c = cited(rulebook, "eligibility.review_posts", on)
    for item in c.value if c else []:
        if item.get("post"):
            found.setdefault(item["post"], POSTS.get(item["post"], item["post"]))
    return list(found.items())
