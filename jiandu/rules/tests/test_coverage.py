"""Every article of every text has a status; `applied` names code that exists; the docs show the
figures `jiandu rules coverage` computes (issue #10 §5)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from jiandu.rules.coverage import STATUSES, code_exists, coverage, coverage_problems, coverage_summary
from jiandu.rules.rulebook import REPO_RULEBOOK_DIR, list_rulebooks, load_rulebook, validate_structure


def test_every_article_of_every_text_has_a_status() -> None:
    ids = list_rulebooks()
    assert len(ids) == 6
    for rid in ids:
        book = load_rulebook(rid)
        assert coverage_problems(book) == [], rid
        items = coverage(book)
        assert {i.status for i in items} <= set(STATUSES)
        assert coverage_summary(book)["unclassified"] == 0


def test_unrecovered_articles_are_listed_for_a_reviewer() -> None:
    items = {i.article: i for i in coverage(load_rulebook("national-people-2021"))}
    assert items["第七条第二款"].status == "judgement" and "未检索到" in items["第七条第二款"].detail
    assert "摘要：任期" not in items  # a summary entry is not an article of the text
    assert items["第十一条"].status == "applied"


def test_code_named_as_applying_an_article_must_exist() -> None:
    assert code_exists("jiandu.recruitment.services.round_publish")
    assert code_exists("jiandu.rules.rulebook.Rulebook.in_force_error")
    assert not code_exists("jiandu.recruitment.services.round_publish_twice")
    assert not code_exists("jiandu.nowhere.services.anything")


def _copy(tmp_path: Path, rid: str) -> Path:
    shutil.copytree(REPO_RULEBOOK_DIR / rid, tmp_path / rid)
    return tmp_path / rid / "coverage.yaml"


def test_check_fails_on_an_unclassified_article_and_on_missing_code(tmp_path: Path) -> None:
    path = _copy(tmp_path, "wanzhou-admin-2024")
    text = path.read_text(encoding="utf-8")
    text = text.replace("第一条: {status: out_of_scope, reason: 制定目的和依据}\n", "")
    text = text.replace("jiandu.roster.services.terms_expire", "jiandu.roster.services.terms_vanish")
    path.write_text(text + "第九十九条: {status: judgement, reason: 不存在的条文}\n", encoding="utf-8")
    book = load_rulebook("wanzhou-admin-2024", root=tmp_path)
    problems = coverage_problems(book)
    assert any("第一条 没有状态" in p for p in problems)
    assert any("terms_vanish 不存在" in p for p in problems)
    assert any("第九十九条" in p for p in problems)
    assert validate_structure(book) == []  # the structure itself is fine: coverage is its own check


def test_docs_show_the_figures_the_command_computes() -> None:
    doc = (REPO_RULEBOOK_DIR.parent / "docs" / "rulebooks.md").read_text(encoding="utf-8")
    for rid in list_rulebooks():
        s = coverage_summary(load_rulebook(rid))
        row = f"| {rid} | {s['articles']} | {s['encoded']} | {s['applied']} | {s['judgement']} | {s['elsewhere']} | {s['out_of_scope']} |"
        assert row in doc, f"docs/rulebooks.md coverage figures out of date for {rid}: {row}"
    assert re.search(r"jiandu rules coverage \[--rulebook ID\] \[--json\]", doc)
