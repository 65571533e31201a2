"""Who may be appointed: age bounds in 周岁, education, nationality, disqualifying records and current
posts — each compared against a rulebook parameter and reported with its article. Criteria the text
leaves to a human (公道正派, 身体健康 …) turn an otherwise passing person into `review`.

Only what the text says:
- a rulebook with no eligibility rules at all (the Ningxia plan) answers `no_conditions`, not eligible;
- a reference date outside the rulebook's period is refused with the dates (`RulebookNotInForce`);
- a person file without `records` / `posts` makes those checks `review` (not “none”);
- nationality is citizenship: every PRC citizen is CN, including residents of Hong Kong, Macao and
  Taiwan. A file that gives HK / MO / TW (a region, not a nationality) is `review`: most residents are
  Chinese citizens, some are foreign nationals, so a person checks it (e.g. the 港澳居民来往内地通行证
  is issued only to Chinese citizens) — never an automatic mismatch, never an automatic pass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from jiandu.rules.age import age_on, date_reaching_age
from jiandu.rules.catalogue import EDUCATION_LABELS, EDUCATION_LEVELS, EDUCATION_RANK, POSTS, RECORDS
from jiandu.rules.decision import ELIGIBLE, INELIGIBLE, NO_CONDITIONS, REVIEW, Decision, Reason
from jiandu.rules.identifiers import id_number_birth_date, id_number_error
from jiandu.rules.rulebook import Cited, Rulebook, RulebookNotInForce

PERSON_FIELDS = ("birth_date", "id_number", "education", "nationality", "records", "posts", "name")
# Regions whose residents are mostly, not all, PRC citizens (国籍法; the NPCSC explanations of 1996 and
# 1998 on its application in Hong Kong and Macao): given as a nationality, they call for a check.
PRC_REGIONS = {"HK": "香港", "MO": "澳门", "TW": "台湾"}
# Parameters that make a rulebook set eligibility conditions at all (sources alone do not).
CONDITION_PARAMS = (
    "eligibility.min_age",
    "eligibility.max_age",
    "eligibility.min_education",
    "eligibility.nationality",
    "eligibility.disqualifying_records",
    "eligibility.excluded_posts",
    "eligibility.review_posts",
    "eligibility.judgement_criteria",
)


class PersonError(ValueError):
    """A person record is malformed; the message (Chinese) says which field."""


@dataclass(frozen=True)
class Person:
    birth_date: dt.date
    education: str | None = None
    nationality: str | None = None
    # None: not given, so the records / posts checks go to review (never read as "none").
    records: frozenset[str] | None = None
    posts: frozenset[str] | None = None
    name: str = ""


def _list_of(values: Any, allowed: dict[str, str], field_name: str) -> frozenset[str] | None:
    if values is None:
        return None
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise PersonError(f"{field_name} 应为字符串列表")
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise PersonError(f"{field_name} 含未知取值：{', '.join(unknown)}（可用：{', '.join(allowed)}）")
    return frozenset(values)


def person_from_dict(data: Any) -> Person:
    """Build a Person from a dict (a JSON/YAML person file). Unknown fields or values are an error."""
    if not isinstance(data, dict):
        raise PersonError("人员信息应为键值对（JSON 对象）")
    unknown = sorted(set(data) - set(PERSON_FIELDS))
    if unknown:
        raise PersonError(f"人员信息含未知字段：{', '.join(unknown)}（可用：{', '.join(PERSON_FIELDS)}）")
    birth: dt.date | None = None
    if data.get("id_number") is not None:
        number = str(data["id_number"])
        error = id_number_error(number)
        if error:
            raise PersonError(error)
        birth = id_number_birth_date(number)
    if data.get("birth_date") is not None:
        raw = data["birth_date"]
        try:
            given = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw))
        except ValueError as exc:
            raise PersonError(f"birth_date “{raw}” 不是有效日期（应为 YYYY-MM-DD）") from exc
        if birth is not None and given != birth:
            raise PersonError(
                f"birth_date {given.isoformat()} 与身份证号中的出生日期 {birth.isoformat()} 不一致"
            )
        birth = given
    if birth is None:
        raise PersonError("需要 birth_date（出生日期）或 id_number（身份证号）")
    education = data.get("education")
    if education is not None and education not in EDUCATION_LEVELS:
        raise PersonError(f"education “{education}” 未知（可用：{', '.join(EDUCATION_LEVELS)}）")
    nationality = data.get("nationality")
    if nationality is not None:
        if not (isinstance(nationality, str) and len(nationality) == 2 and nationality.isalpha()):
            raise PersonError(f"nationality “{nationality}” 应为 ISO 3166 两位字母代码，如 CN")
        nationality = nationality.upper()
    return Person(
        birth_date=birth,
        education=education,
        nationality=nationality,
        records=_list_of(data.get("records"), RECORDS, "records"),
        posts=_list_of(data.get("posts"), POSTS, "posts"),
        name=str(data.get("name") or ""),
    )


@dataclass(frozen=True)
class EligibilityRules:
    """The eligibility parameters of one rulebook in force on one date, looked up once: deciding a
    roster of 100,000 against the same rulebook and date then costs no parameter look-ups per person.
    The reasons that do not depend on the person (each education level against the minimum, the
    required nationality, each listed record or post, "none of them", "not given") are built here once
    too and shared by every decision (`Reason` is frozen); only the age and an unexpected nationality
    are worded per person."""

    sets_none: bool
    period_error: str | None
    birthday_counts: bool
    min_age: Cited | None
    max_age: Cited | None
    min_education: Cited | None
    nationality: Cited | None
    disqualifying_records: Cited | None
    excluded_posts: Cited | None
    review_posts: Cited | None
    judgement: tuple[Reason, ...]  # what the text leaves to a person: the same for everyone
    # Keyed by what the person gave (None: not given): (FAILED | UNKNOWN | PASSED, reason).
    education: dict[str | None, tuple[str, Reason]]
    nationality_given: dict[str | None, tuple[str, Reason]]
    # Each listed record / post with its reason, in the text's order (a person's hits keep that order).
    record_items: tuple[tuple[str, Reason], ...]
    records_unknown: Reason | None
    records_none: Reason | None
    post_items: tuple[tuple[str, Reason], ...]
    posts_unknown: Reason | None
    posts_none: Reason | None
    review_post_items: tuple[tuple[str, Reason], ...]
    review_posts_unknown: Reason | None


FAILED, UNKNOWN, PASSED = "failed", "unknown", "passed"


def _education_reasons(c: Cited | None) -> dict[str | None, tuple[str, Reason]]:
    if c is None:
        return {}
    need = EDUCATION_LABELS[c.value]
    message = f"未提供学历，须核实是否具有{need}以上学历"
    facts: dict[str, Any] = {"min_education": c.value}
    out: dict[str | None, tuple[str, Reason]] = {
        None: (UNKNOWN, Reason("education.unknown", c.rulebook, c.article, message, facts))
    }
    for level in EDUCATION_LEVELS:
        facts = {"education": level, "min_education": c.value}
        label = EDUCATION_LABELS[level]
        if EDUCATION_RANK[level] < EDUCATION_RANK[c.value]:
            message = f"学历为{label}，低于要求的{need}以上学历"
            out[level] = (FAILED, Reason("education.below_min", c.rulebook, c.article, message, facts))
        else:
            message = f"学历为{label}，符合{need}以上学历的要求"
            out[level] = (PASSED, Reason("education.ok", c.rulebook, c.article, message, facts))
    return out


def _nationality_reasons(c: Cited | None) -> dict[str | None, tuple[str, Reason]]:
    """Not given, the required nationality, and (when it is CN) each PRC region. Any other nationality
    is a mismatch, worded per person since it names what was given."""
    if c is None:
        return {}
    out: dict[str | None, tuple[str, Reason]] = {
        None: (
            UNKNOWN,
            Reason(
                "nationality.unknown", c.rulebook, c.article, "未提供国籍，须核实", {"nationality": c.value}
            ),
        ),
    }
    if c.value == "CN":
        for code, region in PRC_REGIONS.items():
            message = (
                f"填写为{region}（地区，不是国籍）：{region}居民中的中国公民即中华人民共和国公民，"
                f"须核实其具有中国国籍（如持{region}居民来往内地（大陆）通行证）"
            )
            facts = {"nationality": code, "required": c.value}
            out[code] = (UNKNOWN, Reason("nationality.region_verify", c.rulebook, c.article, message, facts))
    out[c.value] = (
        PASSED,
        Reason("nationality.ok", c.rulebook, c.article, "具有中华人民共和国国籍", {"nationality": c.value}),
    )
    return out


def _listed(
    c: Cited | None, key: str, code_prefix: str, message: str, labels: dict[str, str]
) -> tuple[tuple[str, Reason], ...]:
    """Each listed record or post with the reason a person who has it gets, citing the item's own article."""
    if c is None:
        return ()
    return tuple(
        (
            item[key],
            Reason(
                f"{code_prefix}.{item[key]}",
                c.rulebook,
                item["article"],
                message.format(label=labels[item[key]], text=item["text"]),
                {key: item[key]},
            ),
        )
        for item in c.value
    )


def _checked(
    c: Cited | None, key: str, code: str, prefix: str, labels: dict[str, str], *, dedupe: bool
) -> Reason | None:
    """The reason that names every listed record or post checked: for "none of them" (citing the first
    listing article) or "not given" (citing the parameter's article)."""
    if c is None:
        return None
    listed = [item[key] for item in c.value]
    checked = list(dict.fromkeys(listed)) if dedupe else listed
    article = c.article
    if code.endswith(".none"):
        articles = sorted({item["article"] for item in c.value})
        article = articles[0] if articles else c.article
    message = prefix + "、".join(labels[k] for k in checked)
    return Reason(code, c.rulebook, article, message, {"checked": checked})


def _rules_resolve(rulebook: Rulebook, on: dt.date) -> EligibilityRules:
    birthday = rulebook.param_or_none("eligibility.birthday_counts", on)
    min_education = rulebook.param_or_none("eligibility.min_education", on)
    nationality = rulebook.param_or_none("eligibility.nationality", on)
    records = rulebook.param_or_none("eligibility.disqualifying_records", on)
    excluded = rulebook.param_or_none("eligibility.excluded_posts", on)
    review = rulebook.param_or_none("eligibility.review_posts", on)
    posts_unknown = "未提供现任职务，须核实是否担任："
    return EligibilityRules(
        sets_none=not any(rulebook.has_param(name, on) for name in CONDITION_PARAMS),
        period_error=rulebook.in_force_error(on),
        birthday_counts=True if birthday is None else bool(birthday.value),
        min_age=rulebook.param_or_none("eligibility.min_age", on),
        max_age=rulebook.param_or_none("eligibility.max_age", on),
        min_education=min_education,
        nationality=nationality,
        disqualifying_records=records,
        excluded_posts=excluded,
        review_posts=review,
        judgement=tuple(
            Reason(
                f"judgement.{item['code']}", item["rulebook"], item["article"], f"须人工审查：{item['text']}"
            )
            for item in rulebook.judgement_criteria(on)
        ),
        education=_education_reasons(min_education),
        nationality_given=_nationality_reasons(nationality),
        record_items=_listed(records, "record", "record", "有{label}记录，依规定不得担任（{text}）", RECORDS),
        records_unknown=_checked(
            records, "record", "records.unknown", "未提供记录情况，须核实有无：", RECORDS, dedupe=True
        ),
        records_none=_checked(records, "record", "records.none", "无取消资格的记录：", RECORDS, dedupe=True),
        post_items=_listed(excluded, "post", "post", "现任{label}，依规定不得担任（{text}）", POSTS),
        posts_unknown=_checked(excluded, "post", "posts.unknown", posts_unknown, POSTS, dedupe=False),
        posts_none=_checked(excluded, "post", "posts.none", "未担任不得兼任的职务：", POSTS, dedupe=False),
        review_post_items=_listed(review, "post", "post_review", "现任{label}：{text}，须人工核对", POSTS),
        review_posts_unknown=_checked(review, "post", "posts.unknown", posts_unknown, POSTS, dedupe=False),
    )


def eligibility_rules(rulebook: Rulebook, on: dt.date) -> EligibilityRules:
    """The rulebook's eligibility parameters on `on`, resolved once per rulebook and date."""
    return rulebook.derived("eligibility.rules", on, _rules_resolve)


def eligibility_decide(rulebook: Rulebook, person: Person, on: dt.date) -> Decision:
    """Eligible, ineligible (with the articles it fails), review (listing the judgement criteria and
    what was not given) or no_conditions (the text sets none). Raises RulebookNotInForce when `on` is
    outside the rulebook's period."""
    rules = eligibility_rules(rulebook, on)
    sets_none, period_error = rules.sets_none, rules.period_error
    if period_error:
        raise RulebookNotInForce(period_error + ("；且本规则未规定任职条件" if sets_none else ""))
    if sets_none:
        start, end = rulebook.in_force_period()
        return Decision(
            NO_CONDITIONS,
            [
                Reason(
                    "eligibility.none_set",
                    rulebook.id,
                    "",
                    f"《{rulebook.title}》未规定任职条件，本规则不作资格判断",
                    {"on": on, "effective_from": start, "effective_to": end},
                )
            ],
            rulebook.id,
            rulebook.version,
        )
    failed: list[Reason] = []
    passed: list[Reason] = []
    unknown: list[Reason] = []
    lists = {FAILED: failed, UNKNOWN: unknown, PASSED: passed}

    birthday_counts = rules.birthday_counts
    birth = person.birth_date
    age = age_on(birth, on, birthday_counts=birthday_counts) if on >= birth else -1
    if (c := rules.min_age) is not None:
        facts = {"age": age, "min_age": c.value, "birth_date": birth, "on": on}
        if age < c.value:
            reaches = date_reaching_age(birth, c.value, birthday_counts=birthday_counts)
            message = f"截至{on.isoformat()}年龄为{age}周岁，未满{c.value}周岁（{reaches.isoformat()}起年满）"
            facts["reaches_on"] = reaches
            failed.append(Reason("age.below_min", c.rulebook, c.article, message, facts))
        else:
            message = f"年龄{age}周岁，已满{c.value}周岁"
            passed.append(Reason("age.min_ok", c.rulebook, c.article, message, facts))
    if (c := rules.max_age) is not None:
        facts = {"age": age, "max_age": c.value, "birth_date": birth, "on": on}
        if age > c.value:
            message = f"年龄{age}周岁，超过{c.value}周岁"
            failed.append(Reason("age.above_max", c.rulebook, c.article, message, facts))
        else:
            message = f"年龄{age}周岁，不超过{c.value}周岁"
            passed.append(Reason("age.max_ok", c.rulebook, c.article, message, facts))
    if rules.education:
        kind, found = rules.education[person.education]
        lists[kind].append(found)
    if (c := rules.nationality) is not None:
        given = rules.nationality_given.get(person.nationality)
        if given is not None:
            lists[given[0]].append(given[1])
        else:
            message = f"国籍为{person.nationality}，须为{c.value}（中华人民共和国）公民"
            facts = {"nationality": person.nationality, "required": c.value}
            failed.append(Reason("nationality.mismatch", c.rulebook, c.article, message, facts))
    if rules.disqualifying_records is not None:
        records = person.records
        hits = [r for code, r in rules.record_items if code in records] if records else []
        failed.extend(hits)
        if records is None:
            unknown.append(rules.records_unknown)  # type: ignore[arg-type]
        elif not hits:
            passed.append(rules.records_none)  # type: ignore[arg-type]
    if rules.excluded_posts is not None:
        posts = person.posts
        hits = [r for code, r in rules.post_items if code in posts] if posts else []
        failed.extend(hits)
        if posts is None:
            unknown.append(rules.posts_unknown)  # type: ignore[arg-type]
        elif not hits:
            passed.append(rules.posts_none)  # type: ignore[arg-type]
    if rules.review_posts is not None:
        # Posts a text is reported to bar but whose wording was not recovered: a person holding one is
        # never passed by the machine, nor refused on a text nobody has read.
        posts = person.posts
        if posts is None:
            unknown.append(rules.review_posts_unknown)  # type: ignore[arg-type]
        elif posts:
            unknown.extend(r for code, r in rules.review_post_items if code in posts)
    if failed:
        return Decision(INELIGIBLE, failed, rulebook.id, rulebook.version)
    judgement = list(rules.judgement)
    outcome = REVIEW if (judgement or unknown) else ELIGIBLE
    return Decision(outcome, unknown + judgement + passed, rulebook.id, rulebook.version)
