"""The review of 减刑、假释、暂予监外执行 proposals (宁夏 2020 三（一）): the steps as rulebook data, the
collective vote (two thirds of those who should attend; 较大分歧 → deferred), a refused case that goes
on only with a recorded override, a later level changing an earlier one only with its legal basis and
statutory reason, the publicity period, and the medical-parole checks. Pure functions: no Django."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from jiandu.rules.calendar import WorkCalendar
from jiandu.rules.decision import ALLOWED, REFUSED, Decision, Reason
from jiandu.rules.rulebook import Rulebook

# Outcomes of a review step (besides ALLOWED = 同意提请 and REFUSED = 不同意).
DEFERRED = "deferred"  # 较大分歧：暂缓决定，重新调查核实后再次提请
UNDECIDED = "undecided"  # no side reached the majority and the dissent is small: too few present

FOR, AGAINST, ABSTAIN = "for", "against", "abstain"


@dataclass(frozen=True)
class Step:
    code: str
    level: int
    name: str
    collective: bool
    article: str
    responsibility: str
    rulebook: str


def review_steps(rulebook: Rulebook, on: dt.date) -> list[Step]:
    """The programme's review order (宁夏: 责任警察提名 … 监狱长办公会)."""
    c = rulebook.param("casework.review_steps", on)
    return [
        Step(
            code=str(s["code"]),
            level=int(s["level"]),
            name=str(s["name"]),
            collective=bool(s.get("collective", False)),
            article=str(s.get("article") or c.article),
            responsibility=str(s.get("responsibility", "")),
            rulebook=c.rulebook,
        )
        for s in c.value
    ]


def _share(value: Any) -> Fraction:
    return Fraction(value).limit_denominator(12)


def _ceil(n: int, share: Fraction) -> int:
    return -(-n * share.numerator // share.denominator)


def review_vote_decide(
    rulebook: Rulebook,
    *,
    should_attend: int,
    in_favour: int,
    against: int,
    abstain: int,
    on: dt.date,
) -> Decision:
    """A collective step decides by two thirds of those who should attend (应参会人员), not of those
    present. When neither side has that majority and the dissent reaches the rulebook's 较大分歧 share,
    the case is deferred for re-investigation; when the dissent is smaller (too few came), nothing is
    decided and the meeting must sit again."""
    if should_attend <= 0 or min(in_favour, against, abstain) < 0:
        raise ValueError("应参会人数须大于零，票数不能为负")
    if in_favour + against + abstain > should_attend:
        raise ValueError("表决人数不能超过应参会人数")
    m = rulebook.param("casework.review_majority", on)
    share = _share(m.value)
    needed = _ceil(should_attend, share)
    dissent = against + abstain
    facts = {
        "should_attend": should_attend,
        "present": in_favour + against + abstain,
        "in_favour": in_favour,
        "against": against,
        "abstain": abstain,
        "needed": needed,
        "share": str(share),
    }
    head = f"应参会{should_attend}人，须{needed}人（{share}）以上多数；同意{in_favour}人、不同意{against}人、弃权{abstain}人"

    def one(outcome: str, code: str, article: str, message: str, extra: dict[str, Any]) -> Decision:
        reason = Reason(code, m.rulebook, article, message, {**facts, **extra})
        return Decision(outcome, [reason], rulebook.id, rulebook.version)

    if in_favour >= needed:
        return one(ALLOWED, "casework.majority_met", m.article, head + "：达到多数，同意", {})
    if against >= needed:
        return one(REFUSED, "casework.majority_against", m.article, head + "：多数不同意", {})
    d = rulebook.param("casework.disagreement_share", on)
    dshare = _share(d.value)
    threshold = _ceil(should_attend, dshare)
    if dissent >= threshold:
        return one(
            DEFERRED,
            "casework.major_disagreement",
            d.article,
            head + f"：不同意（含弃权）{dissent}人，达到应参会人员{dshare}（{threshold}人），"
            "属较大分歧，暂缓作出决定，重新调查核实后再次提请",
            {"dissent": dissent, "threshold": threshold, "disagreement_share": str(dshare)},
        )
    return one(
        UNDECIDED,
        "casework.majority_not_met",
        m.article,
        head + "：任何一方均未达到多数，不能作出决定，须重新召开",
        {"dissent": dissent, "threshold": threshold},
    )


def review_continue_decide(
    rulebook: Rulebook, *, earlier_refused: bool, legal_basis: str, reason: str, on: dt.date
) -> Decision:
    """A case refused at an earlier level goes on only 原则上不: with the legal basis and statutory
    reason recorded it may (the later level then answers for changing the earlier decision)."""
    c = rulebook.param("casework.refused_stops", on)
    if not earlier_refused or not c.value:
        return Decision(ALLOWED, [], rulebook.id, rulebook.version)
    facts = {"legal_basis": legal_basis.strip(), "reason": reason.strip()}
    if legal_basis.strip() and reason.strip():
        return Decision(
            ALLOWED,
            [
                Reason(
                    "casework.refused_override",
                    c.rulebook,
                    c.article,
                    "前一级不同意的案件原则上不再提交后一级；本次提交已记录法律依据和法定理由",
                    facts,
                )
            ],
            rulebook.id,
            rulebook.version,
        )
    return Decision(
        REFUSED,
        [
            Reason(
                "casework.refused_stops",
                c.rulebook,
                c.article,
                "前一级不同意的案件原则上不再提交后一级；如确需提交，须写明法律依据和法定理由",
                facts,
            )
        ],
        rulebook.id,
        rulebook.version,
    )


def review_change_decide(
    rulebook: Rulebook, *, earlier: str, now: str, legal_basis: str, reason: str, on: dt.date
) -> Decision:
    """A later level that changes the earlier level's decision records the legal basis and statutory
    reason of the change; without them the change is refused."""
    if earlier == now or earlier not in (ALLOWED, REFUSED) or now not in (ALLOWED, REFUSED):
        return Decision(ALLOWED, [], rulebook.id, rulebook.version)
    c = rulebook.param("casework.change_requires_legal_basis", on)
    facts = {"earlier": earlier, "now": now, "legal_basis": legal_basis.strip(), "reason": reason.strip()}
    if not c.value or (legal_basis.strip() and reason.strip()):
        return Decision(
            ALLOWED,
            [
                Reason(
                    "casework.change_recorded",
                    c.rulebook,
                    c.article,
                    "后一级变更前一级决定，已记录改变的法律依据和法定理由",
                    facts,
                )
            ],
            rulebook.id,
            rulebook.version,
        )
    return Decision(
        REFUSED,
        [
            Reason(
                "casework.change_without_basis",
                c.rulebook,
                c.article,
                "后一级变更前一级决定的，须特别记录改变的法律依据和法定理由",
                facts,
            )
        ],
        rulebook.id,
        rulebook.version,
    )


def publicity_end(
    rulebook: Rulebook, calendar: WorkCalendar, start: dt.date, *, days: int | None = None, basis: str = ""
) -> tuple[dt.date, Reason]:
    """The last day of the publicity begun on `start`: N working days, the start day not counted.

    The period comes from the rulebook; where the rulebook leaves it to another document
    (ParameterNotStated is raised then), `days` and `basis` are the administration's recorded setting."""
    if days is None:
        c = rulebook.param("casework.publicity_working_days", start)
        days, article, source = int(c.value), c.article, c.rulebook
        message = f"公示{days}个工作日"
    else:
        article, source = basis, rulebook.id
        message = f"公示{days}个工作日（依据：{basis}）"
    end = calendar.add_working_days(start, days)
    return end, Reason(
        "casework.publicity_end",
        source,
        article,
        f"{message}：自{start.isoformat()}起至{end.isoformat()}",
        {"start": start, "days": days, "end": end},
    )


@dataclass(frozen=True)
class Diagnosis:
    hospital: str
    designated: bool  # 政府指定医院


def medical_checks_decide(
    rulebook: Rulebook,
    *,
    records_complete: bool,
    explanation: str,
    tumour_without_pathology: bool,
    diagnoses: list[Diagnosis],
    specialty_confirmed: bool,
    on: dt.date,
) -> Decision:
    """暂予监外执行 medical evidence (宁夏 2020 三（一）3): complete records or a written explanation (the
    records then due within N days of approval); two hospitals' diagnoses incl. a designated one for a
    malignant tumour without pathology; the expert's specialty matching the disease, confirmed."""
    reasons: list[Reason] = []
    refused = False
    rec = rulebook.param("casework.medical_records_days", on)
    if records_complete:
        reasons.append(Reason("casework.records_complete", rec.rulebook, rec.article, "病历资料完整", {}))
    elif explanation.strip():
        reasons.append(
            Reason(
                "casework.records_explained",
                rec.rulebook,
                rec.article,
                f"病历暂不完整，已书面说明；须在审批完备后{rec.value}日内补充完善",
                {"days": rec.value},
            )
        )
    else:
        refused = True
        reasons.append(
            Reason(
                "casework.records_missing",
                rec.rulebook,
                rec.article,
                "病历资料不完整且没有书面说明",
                {},
            )
        )
    if tumour_without_pathology:
        h = rulebook.param("casework.tumour_diagnosis_hospitals", on)
        g = rulebook.param("casework.tumour_designated_hospitals_min", on)
        hospitals = {d.hospital.strip() for d in diagnoses if d.hospital.strip()}
        designated = {d.hospital.strip() for d in diagnoses if d.hospital.strip() and d.designated}
        facts = {
            "hospitals": len(hospitals),
            "needed": h.value,
            "designated": len(designated),
            "designated_needed": g.value,
        }
        if len(hospitals) >= h.value and len(designated) >= g.value:
            reasons.append(
                Reason(
                    "casework.tumour_diagnoses_ok",
                    h.rulebook,
                    h.article,
                    f"无法病理确诊的恶性肿瘤：{len(hospitals)}所医院诊断证明，含政府指定医院{len(designated)}所",
                    facts,
                )
            )
        else:
            refused = True
            reasons.append(
                Reason(
                    "casework.tumour_diagnoses_missing",
                    h.rulebook,
                    h.article,
                    f"无法病理确诊的恶性肿瘤须{h.value}所医院（含{g.value}所政府指定医院）的诊断证明；"
                    f"现有{len(hospitals)}所，其中政府指定医院{len(designated)}所",
                    facts,
                )
            )
    s = rulebook.param("casework.expert_specialty_match", on)
    if s.value:
        if specialty_confirmed:
            reasons.append(
                Reason(
                    "casework.specialty_confirmed", s.rulebook, s.article, "经办人已确认诊断专家专业对口", {}
                )
            )
        else:
            refused = True
            reasons.append(
                Reason(
                    "casework.specialty_unconfirmed",
                    s.rulebook,
                    s.article,
                    "诊断专家须为该类疾病所属专业的医学专家，经办人尚未确认",
                    {},
                )
            )
    return Decision(REFUSED if refused else ALLOWED, reasons, rulebook.id, rulebook.version)
