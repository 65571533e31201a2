"""A new city's rulebook is a copied folder: no code change, loaded from its own root."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from jiandu.rules.calendar import WorkCalendar
from jiandu.rules.deadlines import notice_period_end
from jiandu.rules.eligibility import eligibility_decide, person_from_dict
from jiandu.rules.rulebook import REPO_RULEBOOK_DIR, list_rulebooks, load_rulebook, validate_rulebook
from jiandu.rules.terms import renewal_decide, term_end


def test_copy_a_folder_for_a_new_city(tmp_path: Path) -> None:
    # A fictional district copies Wanzhou's rulebook and changes what its own text says.
    new = tmp_path / "newtown-admin-2026"
    shutil.copytree(REPO_RULEBOOK_DIR / "wanzhou-admin-2024", new)
    meta = (new / "rulebook.yaml").read_text(encoding="utf-8")
    (new / "rulebook.yaml").write_text(
        meta.replace("id: wanzhou-admin-2024", "id: newtown-admin-2026").replace(
            "title: 万州区行政执法监督员管理办法", "title: 新城区行政执法监督员管理办法（测试）"
        ),
        encoding="utf-8",
    )
    params = (new / "parameters.yaml").read_text(encoding="utf-8")
    # This text sets 3-year terms, strictly at most two, and an upper age of 65.
    params = params.replace("value: 60\n", "value: 65\n").replace(
        "term.years:\n  from: 2024-09-27\n  value: 5", "term.years:\n  from: 2024-09-27\n  value: 3"
    )
    params = params.replace(
        "term.max_consecutive_strict:\n  from: 2024-09-27\n  value: false",
        "term.max_consecutive_strict:\n  from: 2024-09-27\n  value: true",
    )
    (new / "parameters.yaml").write_text(params, encoding="utf-8")
    # Its cases must describe its own rules, so drop the copied ones and write two of its own.
    (new / "cases.yaml").write_text(
        """
- name: 63周岁 —— 新城区上限为65周岁，符合
  kind: eligibility
  on: 2026-11-22
  person: {birth_date: 1963-01-01, education: bachelor, nationality: CN}
  expect: {outcome: review, codes: [age.max_ok]}
- name: 第三届不得续聘（严格上限）
  kind: renewal
  consecutive_terms: 2
  on: 2026-11-22
  expect: {outcome: refused, codes: [term.cap_reached]}
""",
        encoding="utf-8",
    )

    assert list_rulebooks(tmp_path) == ["newtown-admin-2026"]
    book = load_rulebook("newtown-admin-2026", root=tmp_path)
    assert validate_rulebook(book) == []
    on = dt.date(2026, 11, 22)
    person = person_from_dict({"birth_date": "1963-01-01", "education": "bachelor", "nationality": "CN"})
    decision = eligibility_decide(book, person, on)
    assert decision.outcome == "review"
    assert decision.rulebook == "newtown-admin-2026"
    assert (
        eligibility_decide(load_rulebook("wanzhou-admin-2024", REPO_RULEBOOK_DIR), person, on).outcome
        == "ineligible"
    )
    assert term_end(book, dt.date(2026, 1, 5))[0] == dt.date(2029, 1, 5)
    assert renewal_decide(book, 2, on).outcome == "refused"
    assert notice_period_end(book, WorkCalendar(), dt.date(2026, 9, 30))[0] == dt.date(2026, 10, 13)
