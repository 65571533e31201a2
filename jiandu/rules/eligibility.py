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
    roster of 100,000 against the same rulebook and date then costs no parameter look-ups per person."""

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


def _rules_resolve(rulebook: Rulebook, on: dt.date) -> EligibilityRules:
    birthday = rulebook.param_or_none("eligibility.birthday_counts", on)
    return EligibilityRules(
        sets_none=not any(rulebook.has_param(name, on) for name in CONDITION_PARAMS),
        period_error=rulebook.in_force_error(on),
        birthday_counts=True if birthday is None else bool(birthday.value),
        min_age=rulebook.param_or_none("eligibility.min_age", on),
        max_age=rulebook.param_or_none("eligibility.max_age", on),
        min_education=rulebook.param_or_none("eligibility.min_education", on),
        nationality=rulebook.param_or_none("eligibility.nationality", on),
        disqualifying_records=rulebook.param_or_none("eligibility.disqualifying_records", on),
        excluded_posts=rulebook.param_or_none("eligibility.excluded_posts", on),
        review_posts=rulebook.param_or_none("eligibility.review_posts", on),
        judgement=tuple(
            Reason(
                f"judgement.{item['code']}", item["rulebook"], item["article"], f"须人工审查：{item['text']}"
            )
            for item in rulebook.judgement_criteria(on)
        ),
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

    def reason(code: str, cited_rulebook: str, article: str, message: str, **facts: Any) -> Reason:
        return Reason(code, cited_rulebook, article, message, facts)

    birthday_counts = rules.birthday_counts
    age = age_on(person.birth_date, on, birthday_counts=birthday_counts) if on >= person.birth_date else -1
    if (c := rules.min_age) is not None:
        facts = {"age": age, "min_age": c.value, "birth_date": person.birth_date, "on": on}
        if age < c.value:
            reaches = date_reaching_age(person.birth_date, c.value, birthday_counts=birthday_counts)
            failed.append(
                reason(
                    "age.below_min",
                    c.rulebook,
                    c.article,
                    f"截至{on.isoformat()}年龄为{age}周岁，未满{c.value}周岁（{reaches.isoformat()}起年满）",
                    **facts,
                    reaches_on=reaches,
                )
            )
        else:
            passed.append(
                reason("age.min_ok", c.rulebook, c.article, f"年龄{age}周岁，已满{c.value}周岁", **facts)
            )
    if (c := rules.max_age) is not None:
        facts = {"age": age, "max_age": c.value, "birth_date": person.birth_date, "on": on}
        if age > c.value:
            failed.append(
                reason("age.above_max", c.rulebook, c.article, f"年龄{age}周岁，超过{c.value}周岁", **facts)
            )
        else:
            passed.append(
                reason("age.max_ok", c.rulebook, c.article, f"年龄{age}周岁，不超过{c.value}周岁", **facts)
            )
    if (c := rules.min_education) is not None:
        need = EDUCATION_LABELS[c.value]
        if person.education is None:
            unknown.append(
                reason(
                    "education.unknown",
                    c.rulebook,
                    c.article,
                    f"未提供学历，须核实是否具有{need}以上学历",
                    min_education=c.value,
                )
            )
        elif EDUCATION_RANK[person.education] < EDUCATION_RANK[c.value]:
            failed.append(
                reason(
                    "education.below_min",
                    c.rulebook,
                    c.article,
                    f"学历为{EDUCATION_LABELS[person.education]}，低于要求的{need}以上学历",
                    education=person.education,
                    min_education=c.value,
                )
            )
        else:
            passed.append(
                reason(
                    "education.ok",
                    c.rulebook,
                    c.article,
                    f"学历为{EDUCATION_LABELS[person.education]}，符合{need}以上学历的要求",
                    education=person.education,
                    min_education=c.value,
                )
            )
    if (c := rules.nationality) is not None:
        if person.nationality is None:
            unknown.append(
                reason(
                    "nationality.unknown", c.rulebook, c.article, "未提供国籍，须核实", nationality=c.value
                )
            )
        elif c.value == "CN" and person.nationality in PRC_REGIONS:
            region = PRC_REGIONS[person.nationality]
            unknown.append(
                reason(
                    "nationality.region_verify",
                    c.rulebook,
                    c.article,
                    f"填写为{region}（地区，不是国籍）：{region}居民中的中国公民即中华人民共和国公民，"
                    f"须核实其具有中国国籍（如持{region}居民来往内地（大陆）通行证）",
                    nationality=person.nationality,
                    required=c.value,
                )
            )
        elif person.nationality != c.value:
            failed.append(
                reason(
                    "nationality.mismatch",
                    c.rulebook,
                    c.article,
                    f"国籍为{person.nationality}，须为{c.value}（中华人民共和国）公民",
                    nationality=person.nationality,
                    required=c.value,
                )
            )
        else:
            passed.append(
                reason("nationality.ok", c.rulebook, c.article, "具有中华人民共和国国籍", nationality=c.value)
            )
    if (c := rules.disqualifying_records) is not None:
        given_records = person.records
        hits = [item for item in c.value if given_records is not None and item["record"] in given_records]
        for item in hits:
            failed.append(
                reason(
                    f"record.{item['record']}",
                    c.rulebook,
                    item["article"],
                    f"有{RECORDS[item['record']]}记录，依规定不得担任（{item['text']}）",
                    record=item["record"],
                )
            )
        if given_records is None:
            checked = list(dict.fromkeys(item["record"] for item in c.value))
            unknown.append(
                reason(
                    "records.unknown",
                    c.rulebook,
                    c.article,
                    "未提供记录情况，须核实有无：" + "、".join(RECORDS[r] for r in checked),
                    checked=checked,
                )
            )
        elif not hits:
            checked = list(dict.fromkeys(item["record"] for item in c.value))
            articles = sorted({item["article"] for item in c.value})
            passed.append(
                reason(
                    "records.none",
                    c.rulebook,
                    articles[0] if articles else c.article,
                    "无取消资格的记录：" + "、".join(RECORDS[r] for r in checked),
                    checked=checked,
                )
            )
    if (c := rules.excluded_posts) is not None:
        given_posts = person.posts
        hits = [item for item in c.value if given_posts is not None and item["post"] in given_posts]
        for item in hits:
            failed.append(
                reason(
                    f"post.{item['post']}",
                    c.rulebook,
                    item["article"],
                    f"现任{POSTS[item['post']]}，依规定不得担任（{item['text']}）",
                    post=item["post"],
                )
            )
        if given_posts is None:
            checked = [item["post"] for item in c.value]
            unknown.append(
                reason(
                    "posts.unknown",
                    c.rulebook,
                    c.article,
                    "未提供现任职务，须核实是否担任：" + "、".join(POSTS[p] for p in checked),
                    checked=checked,
                )
            )
        elif not hits:
            checked = [item["post"] for item in c.value]
            articles = sorted({item["article"] for item in c.value})
            passed.append(
                reason(
                    "posts.none",
                    c.rulebook,
                    articles[0] if articles else c.article,
                    "未担任不得兼任的职务：" + "、".join(POSTS[p] for p in checked),
                    checked=checked,
                )
            )
    if (c := rules.review_posts) is not None:
        # Posts a text is reported to bar but whose wording was not recovered: a person holding one is
        # never passed by the machine, nor refused on a text nobody has read.
        if person.posts is None:
            checked = [item["post"] for item in c.value]
            unknown.append(
                reason(
                    "posts.unknown",
                    c.rulebook,
                    c.article,
                    "未提供现任职务，须核实是否担任：" + "、".join(POSTS[p] for p in checked),
                    checked=checked,
                )
            )
        else:
            for item in c.value:
                if item["post"] in person.posts:
                    unknown.append(
                        reason(
                            f"post_review.{item['post']}",
                            c.rulebook,
                            item["article"],
                            f"现任{POSTS[item['post']]}：{item['text']}，须人工核对",
                            post=item["post"],
                        )
                    )
    if failed:
        return Decision(INELIGIBLE, failed, rulebook.id, rulebook.version)
    judgement = list(rules.judgement)
    outcome = REVIEW if (judgement or unknown) else ELIGIBLE
    return Decision(outcome, unknown + judgement + passed, rulebook.id, rulebook.version)
