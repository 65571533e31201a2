"""Who can be drawn for a duty (docs/draw.md §7): the programme's supervisors, less those not in
office, without initial training where the programme's rulebook sets `training.required_before_duty`
(威海 人民监督员 第二十二条), with a tie to the case where it sets `duty.recusal_grounds` (威海 人民监督员
第十三条, 威海 2022 第十条, 山西/万州 第十二条), busy with another duty that day, or — for a redraw —
already asked (威海 人民监督员 第十四条). Every exclusion is kept with its reason and the article of
the programme's own rulebook; each candidate carries the number of duties already had this year,
and (for draw v2's quotas) its categories.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils.translation import gettext

from jiandu.duties.models import OPPORTUNITY, Assignment, AssignmentStatus, Duty
from jiandu.roster.models import Relationship, RelationshipKind, Supervisor, SupervisorStatus
from jiandu.roster.rules import programme_cite


def candidate_id(supervisor_id: int) -> str:
    """The id a supervisor has in public draw records: no name, only the database number."""
    return f"S{supervisor_id}"


def supervisor_pk(candidate: str) -> int:
    return int(candidate.removeprefix("S"))


def supervisor_categories(s: Supervisor, duty: Duty) -> dict[str, list[str]]:
    """The supervisor as draw quotas see them (docs/draw.md §II.2): district (organisation id),
    local/cross-district for this duty, specialties, gender, 民族."""
    local = duty.district_id is not None and s.district_id == duty.district_id
    return {
        "district": [str(s.district_id)] if s.district_id else [],
        "local": ["local" if local else "cross"],
        "specialty": sorted(set(s.specialties or [])),
        "gender": [s.gender] if s.gender else [],
        "ethnicity": [s.ethnicity] if s.ethnicity else [],
    }


def _reason(code: str, article: str, message: str) -> dict[str, str]:
    return {"code": code, "article": article, "message": message}


def _norm(name: str) -> str:
    return "".join(name.split())


def pool_build(duty: Duty, *, exclude_contacted: bool = False) -> dict[str, Any]:
    """The pool snapshot: {"candidates": [...], "excluded": [...], "counts": {...}}."""
    supervisors = list(
        Supervisor.objects.filter(programme_id=duty.programme_id).only(
            "id",
            "status",
            "initial_training_on",
            "employer",
            "employer_org_id",
            "specialties",
            "district_id",
            "gender",
            "ethnicity",
        )
    )
    names = {_norm(p) for p in duty.parties if _norm(p)}
    related = list(duty.related_orgs.all())
    org_ids = {o.pk for o in related}
    names |= {_norm(o.name) for o in related}

    ties: dict[int, list[Relationship]] = {}
    for rel in Relationship.objects.filter(supervisor__programme_id=duty.programme_id):
        ties.setdefault(rel.supervisor_id, []).append(rel)

    year_start = duty.duty_on.replace(month=1, day=1)
    year_end = duty.duty_on.replace(month=12, day=31)
    prior = Counter(
        Assignment.objects.filter(
            supervisor__programme_id=duty.programme_id,
            status__in=OPPORTUNITY,
            duty__duty_on__range=(year_start, year_end),
        )
        .exclude(duty=duty)
        .values_list("supervisor_id", flat=True)
    )
    busy = set(
        Assignment.objects.filter(
            duty__duty_on=duty.duty_on,
            status__in=(AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED),
        )
        .exclude(duty=duty)
        .values_list("supervisor_id", flat=True)
    )
    contacted = set(duty.assignments.values_list("supervisor_id", flat=True)) if exclude_contacted else set()
    # The programme's own rules, on the day of the duty: a gate its text does not set is not applied.
    training = programme_cite(duty.programme, "training.required_before_duty", duty.duty_on)
    training_gate = training if training is not None and training.value else None
    recusal = programme_cite(duty.programme, "duty.recusal_grounds", duty.duty_on)
    recusal_article = recusal.article if recusal is not None else ""
    redraw = programme_cite(duty.programme, "duty.redraw_when_short", duty.duty_on)
    redraw_article = redraw.article if redraw is not None else ""

    candidates: list[dict[str, Any]] = []
    excluded: list[dict[str, Any]] = []
    for s in supervisors:
        reasons = []
        if s.status != SupervisorStatus.ACTIVE:
            reasons.append(
                _reason(
                    "not_active",
                    "",
                    gettext("状态为“{get_status_display}”，不在任").format(
                        get_status_display=s.get_status_display()
                    ),
                )
            )
        # Passed (jiandu.training sets the date when the exam is passed) on or before the duty's day.
        if training_gate is not None and (
            s.initial_training_on is None or s.initial_training_on > duty.duty_on
        ):
            reasons.append(
                _reason(
                    "no_initial_training", training_gate.article, gettext("未经初任培训，不得参与监督活动")
                )
            )
        if recusal is None:
            pass  # the text sets no recusal: ties to the case are not a ground here
        elif (s.employer_org_id and s.employer_org_id in org_ids) or (
            s.employer and _norm(s.employer) in names
        ):
            reasons.append(
                _reason(
                    "conflict_own_employer", recusal_article, gettext("本人工作单位为案件当事人或相关单位")
                )
            )
        for rel in ties.get(s.pk, []) if recusal is not None else []:
            hit = (rel.organisation_id and rel.organisation_id in org_ids) or (
                rel.name and _norm(rel.name) in names
            )
            if not hit:
                continue
            if rel.kind == RelationshipKind.RELATIVE_EMPLOYER:
                reasons.append(
                    _reason(
                        "conflict_relative_employer",
                        recusal_article,
                        gettext("近亲属工作单位为案件当事人或相关单位"),
                    )
                )
            elif rel.kind == RelationshipKind.OWN_EMPLOYER:
                reasons.append(
                    _reason(
                        "conflict_own_employer",
                        recusal_article,
                        gettext("本人工作单位为案件当事人或相关单位"),
                    )
                )
            else:
                reasons.append(
                    _reason("conflict_interest", recusal_article, gettext("申报了与案件的利害关系"))
                )
        if s.pk in busy:
            reasons.append(_reason("busy_same_day", "", gettext("同日已有其他监督活动")))
        if s.pk in contacted:
            reasons.append(_reason("already_contacted", redraw_article, gettext("本次活动已联络过")))
        if reasons:
            # One reason per code (a supervisor may be tied to the case twice over).
            unique = list({r["code"]: r for r in reasons}.values())
            excluded.append({"id": candidate_id(s.pk), "reasons": unique})
            continue
        local = duty.district_id is not None and s.district_id == duty.district_id
        candidates.append(
            {
                "id": candidate_id(s.pk),
                "prior": prior.get(s.pk, 0),
                "specialties": sorted(set(s.specialties or [])),
                "local": local,
                "categories": supervisor_categories(s, duty),  # draw v2's quotas (v1 ignores them)
            }
        )
    excluded.sort(key=lambda e: e["id"])
    by_code = Counter(r["code"] for e in excluded for r in e["reasons"])
    return {
        "candidates": candidates,
        "excluded": excluded,
        "counts": {
            "programme_supervisors": len(supervisors),
            "candidates": len(candidates),
            "excluded": len(excluded),
            "excluded_by_reason": dict(sorted(by_code.items())),
        },
    }
