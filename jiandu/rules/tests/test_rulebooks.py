"""Every rulebook validates and every case in every cases.yaml passes; validation rejects broken data."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from jiandu.rules.cases import run_case
from jiandu.rules.rulebook import (
    REPO_RULEBOOK_DIR,
    ParameterNotStated,
    UnknownParameter,
    UnknownRulebook,
    list_rulebooks,
    load_rulebook,
    load_rulebook_from,
    validate_rulebook,
    validate_structure,
)

EXPECTED = {
    "national-people-2021",
    "weihai-people-2024",
    "shanxi-prison-2023",
    "weihai-admin-2022",
    "wanzhou-admin-2024",
    "ningxia-prison-2020",
}
ALL_CASES = [
    pytest.param(rid, i, id=f"{rid}#{i}")
    for rid in sorted(EXPECTED)
    for i in range(len(load_rulebook(rid, REPO_RULEBOOK_DIR).cases))
]


def test_all_five_texts_and_the_national_summary_are_rulebooks() -> None:
    assert set(list_rulebooks(REPO_RULEBOOK_DIR)) >= EXPECTED


@pytest.mark.parametrize("rid", sorted(EXPECTED))
def test_rulebook_validates(rid: str) -> None:
    book = load_rulebook(rid, REPO_RULEBOOK_DIR)
    assert validate_structure(book) == []
    assert len(book.cases) >= 5


@pytest.mark.parametrize(("rid", "index"), ALL_CASES)
def test_case(rid: str, index: int) -> None:
    book = load_rulebook(rid, REPO_RULEBOOK_DIR)
    result = run_case(book, book.cases[index])
    assert result.ok, f"{result.name}: {result.message}"


def test_weihai_people_extends_national_and_cites_each_source() -> None:
    book = load_rulebook("weihai-people-2024", REPO_RULEBOOK_DIR)
    on = dt.date(2026, 11, 22)
    age = book.param("eligibility.min_age", on)
    assert (age.value, age.rulebook) == (23, "national-people-2021")
    lead = book.param("duty.request_lead_working_days", on)
    assert (lead.value, lead.rulebook, lead.article) == (5, "weihai-people-2024", "第十条第一款")
    assert book.version != load_rulebook("national-people-2021", REPO_RULEBOOK_DIR).version


def test_param_errors_name_what_is_missing() -> None:
    book = load_rulebook("wanzhou-admin-2024", REPO_RULEBOOK_DIR)
    with pytest.raises(UnknownParameter, match=r"duty\.monthly_summary_day"):
        book.param("duty.monthly_summary_day", dt.date(2026, 1, 1))
    with pytest.raises(ParameterNotStated, match="整改期限"):
        book.param("findings.rectification_deadline_days", dt.date(2026, 1, 1))
    assert not book.has_param("findings.rectification_deadline_days", dt.date(2026, 1, 1))
    with pytest.raises(UnknownRulebook):
        load_rulebook("no-such-city", REPO_RULEBOOK_DIR)
    with pytest.raises(UnknownRulebook):
        load_rulebook("../etc", REPO_RULEBOOK_DIR)


def test_version_is_a_content_hash(tmp_path: Path) -> None:
    shutil.copytree(REPO_RULEBOOK_DIR / "weihai-admin-2022", tmp_path / "weihai-admin-2022")
    before = load_rulebook_from(tmp_path / "weihai-admin-2022").version
    assert before == load_rulebook("weihai-admin-2022", REPO_RULEBOOK_DIR).version
    notes = tmp_path / "weihai-admin-2022" / "rulebook.yaml"
    notes.write_text(notes.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert load_rulebook_from(tmp_path / "weihai-admin-2022").version != before


# -- validation rejects broken rulebooks ----------------------------------------------------------


@pytest.fixture
def shanxi_copy(tmp_path: Path) -> Path:
    target = tmp_path / "shanxi-prison-2023"
    shutil.copytree(REPO_RULEBOOK_DIR / "shanxi-prison-2023", target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_rejects_citation_to_missing_article(shanxi_copy: Path) -> None:
    _edit(shanxi_copy / "parameters.yaml", "article: 第七条\n", "article: 第九十九条\n")
    problems = validate_structure(load_rulebook_from(shanxi_copy))
    assert any("第九十九条" in p and "不存在" in p for p in problems)


def test_rejects_citation_to_missing_item(shanxi_copy: Path) -> None:
    _edit(
        shanxi_copy / "parameters.yaml",
        "value: 65\n  article: 第五条第（一）项",
        "value: 65\n  article: 第五条第（九）项",
    )
    problems = validate_structure(load_rulebook_from(shanxi_copy))
    assert any("第（九）项" in p for p in problems)


def test_rejects_unknown_parameter(shanxi_copy: Path) -> None:
    with (shanxi_copy / "parameters.yaml").open("a", encoding="utf-8") as handle:
        handle.write("eligibility.favourite_colour:\n  value: red\n  article: 第五条\n")
    problems = validate_structure(load_rulebook_from(shanxi_copy))
    assert any("未知参数 eligibility.favourite_colour" in p for p in problems)


def test_rejects_overlapping_date_ranges(shanxi_copy: Path) -> None:
    _edit(
        shanxi_copy / "parameters.yaml",
        "term.years:\n  from: 2023-05-09\n  value: 3\n",
        "term.years:\n- from: 2024-01-01\n  value: 4\n  article: 第六条\n- from: 2023-05-09\n  value: 3\n",
    )
    problems = validate_structure(load_rulebook_from(shanxi_copy))
    assert any("term.years" in p and "重叠" in p for p in problems)


def test_accepts_consecutive_date_ranges(shanxi_copy: Path) -> None:
    _edit(
        shanxi_copy / "parameters.yaml",
        "term.years:\n  from: 2023-05-09\n  value: 3\n",
        "term.years:\n- from: 2030-01-01\n  value: 4\n  article: 第六条\n- from: 2023-05-09\n  to: 2029-12-31\n  value: 3\n",
    )
    book = load_rulebook_from(shanxi_copy)
    assert validate_structure(book) == []
    assert book.param("term.years", dt.date(2029, 12, 31)).value == 3
    assert book.param("term.years", dt.date(2030, 1, 1)).value == 4


def test_rejects_case_whose_expectation_fails(shanxi_copy: Path) -> None:
    _edit(
        shanxi_copy / "cases.yaml",
        "expect: {date: 2026-07-01, articles: [第六条]}",
        "expect: {date: 2026-06-30, articles: [第六条]}",
    )
    problems = validate_rulebook(load_rulebook_from(shanxi_copy))
    assert any("日期应为 2026-06-30" in p for p in problems)


def test_rejects_case_citing_the_wrong_article(shanxi_copy: Path) -> None:
    _edit(shanxi_copy / "cases.yaml", "articles: [第五条第（三）项]}", "articles: [第五条第（四）项]}")
    problems = validate_rulebook(load_rulebook_from(shanxi_copy))
    assert any("应引用 第五条第（四）项" in p for p in problems)


def test_rejects_article_text_not_in_source(shanxi_copy: Path) -> None:
    _edit(shanxi_copy / "articles.yaml", "每年组织开展二至四次", "每年组织开展三至五次")
    problems = validate_structure(load_rulebook_from(shanxi_copy))
    assert any("第七条" in p and "原文不一致" in p for p in problems)


def test_rejects_wrong_value_kind(shanxi_copy: Path) -> None:
    _edit(shanxi_copy / "parameters.yaml", "value: associate", "value: college")
    problems = validate_structure(load_rulebook_from(shanxi_copy))
    assert any("eligibility.min_education" in p for p in problems)
