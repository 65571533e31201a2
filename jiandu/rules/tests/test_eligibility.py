"""Person records and eligibility decisions: reasons name rulebook, article and the compared facts."""

from __future__ import annotations

import datetime as dt

import pytest

from jiandu.rules.decision import ELIGIBLE, INELIGIBLE, REVIEW
from jiandu.rules.eligibility import PersonError, eligibility_decide, person_from_dict
from jiandu.rules.rulebook import REPO_RULEBOOK_DIR, load_rulebook

ON = dt.date(2026, 11, 22)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"education": "bachelor"}, "birth_date"),
        ({"birth_date": "1990-02-30"}, "不是有效日期"),
        ({"birth_date": "1990-01-01", "height": 180}, "未知字段：height"),
        ({"birth_date": "1990-01-01", "education": "phd"}, "education"),
        ({"birth_date": "1990-01-01", "records": ["parking_ticket"]}, "parking_ticket"),
        ({"birth_date": "1990-01-01", "posts": ["astronaut"]}, "astronaut"),
        ({"birth_date": "1990-01-01", "records": "criminal_penalty"}, "列表"),
        ({"birth_date": "1990-01-01", "nationality": "China"}, "ISO 3166"),
        ({"id_number": "110105199003070018"}, "校验码"),
        ({"id_number": "110105199003070017", "birth_date": "1990-03-08"}, "不一致"),
        (["not", "a", "dict"], "键值对"),
    ],
)
def test_bad_person_records_are_refused(data: object, message: str) -> None:
    with pytest.raises(PersonError, match=message):
        person_from_dict(data)


def test_ineligible_names_every_failed_article_with_facts() -> None:
    book = load_rulebook("shanxi-prison-2023", REPO_RULEBOOK_DIR)
    person = person_from_dict(
        {
            "birth_date": "1950-01-01",
            "education": "senior_secondary",
            "records": ["criminal_penalty"],
            "posts": ["court_staff"],
        }
    )
    d = eligibility_decide(book, person, ON)
    assert d.outcome == INELIGIBLE
    assert set(d.codes) == {
        "age.above_max",
        "education.below_min",
        "record.criminal_penalty",
        "post.court_staff",
    }
    age = next(r for r in d.reasons if r.code == "age.above_max")
    assert (age.rulebook, age.article, age.facts["age"], age.facts["max_age"]) == (
        "shanxi-prison-2023",
        "第五条第（一）项",
        76,
        65,
    )
    payload = d.to_dict()
    assert payload["rulebook_version"] == book.version
    assert payload["reasons"][0]["facts"]["birth_date"] == "1950-01-01"


def test_review_lists_judgement_criteria_with_articles() -> None:
    book = load_rulebook("weihai-admin-2022", REPO_RULEBOOK_DIR)
    d = eligibility_decide(book, person_from_dict({"birth_date": "1980-01-01"}), ON)
    assert d.outcome == REVIEW
    judgement = [r for r in d.reasons if r.code.startswith("judgement.")]
    assert [r.article for r in judgement] == [f"第七条第（{n}）项" for n in "一二三四五"]
    assert any("公道正派" in r.message for r in judgement)


def test_eligible_when_no_judgement_remains(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    shutil.copytree(REPO_RULEBOOK_DIR / "shanxi-prison-2023", tmp_path / "shanxi-prison-2023")
    params = tmp_path / "shanxi-prison-2023" / "parameters.yaml"
    text = params.read_text(encoding="utf-8")
    start = text.index("eligibility.judgement_criteria:")
    end = text.index("roster.min_size:")
    params.write_text(text[:start] + text[end:], encoding="utf-8")
    book = load_rulebook("shanxi-prison-2023", root=tmp_path)
    person = {"birth_date": "1980-01-01", "education": "bachelor", "records": [], "posts": []}
    d = eligibility_decide(book, person_from_dict(person), ON)
    assert d.outcome == ELIGIBLE
    # Without records and posts the same person is not "eligible": those checks go to a person.
    d = eligibility_decide(book, person_from_dict({"birth_date": "1980-01-01", "education": "bachelor"}), ON)
    assert d.outcome == REVIEW and {"records.unknown", "posts.unknown"} <= {r.code for r in d.reasons}
