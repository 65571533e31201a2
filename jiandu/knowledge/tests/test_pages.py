"""The knowledge base through HTTP: the rulebook's articles with the parameters citing them, Chinese
search over articles and staff entries, staff maintain entries (audited), supervisors and agencies
read, nobody reads another programme's base."""

from __future__ import annotations

import datetime as dt

import pytest

from jiandu.accounts.testing import client_sign_in
from jiandu.audit.models import AuditEvent
from jiandu.knowledge import services
from jiandu.knowledge.models import Entry, EntryKind
from jiandu.knowledge.search import matches, normalise, terms_of
from jiandu.roster import services as roster_services
from jiandu.roster.testing import make_programme, person

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def base(world):  # type: ignore[no-untyped-def]
    programme = make_programme(world, "weihai-people-2024")
    admin = world.users["weihai_admin"]
    p = person(1)
    s = roster_services.supervisor_appoint(
        actor=None, programme=programme, person=p, starts_on=D(2025, 6, 1), on=D(2025, 6, 1)
    )
    s.user = world.users["weihai_supervisor"]
    s.save(update_fields=["user"])
    faq = services.entry_create(
        actor=admin,
        programme=programme,
        kind=EntryKind.FAQ,
        title="被抽中后不能参加怎么办",
        body="请及时答复谢绝并写明理由。",
    )
    draft = services.entry_create(
        actor=admin,
        programme=programme,
        kind=EntryKind.FAQ,
        title="内部草稿",
        body="尚未发布的内容",
        published=False,
    )
    return programme, faq, draft


def test_the_search_normalises_chinese_text() -> None:
    assert normalise("五个 工作日，（三个）") == "五个工作日三个"
    assert terms_of("  回避  回避 ａｂｃ ") == ["回避", "abc"]
    assert matches("人民监督员应当自行回避", ["回避"]) == 1
    assert matches("人民监督员应当自行回避", ["回避", "补助"]) == 0


def test_a_supervisor_reads_the_rulebook_with_the_parameters_beside_each_article(base, world, client):  # type: ignore[no-untyped-def]
    programme, _faq, _draft = base
    client_sign_in(client, world.users["weihai_supervisor"])
    page = client.get(f"/knowledge/p/{programme.pk}/rulebook/").content.decode()
    assert 'id="weihai-people-2024-第十条"' in page
    # 第十条第一款 sets the five working days; the parameter sits beside the article it cites.
    article = page.split('id="weihai-people-2024-第十条"')[1].split("</section>")[0]
    assert "引用本条的参数" in article and "5" in article and "第十条第一款" in article


def test_search_finds_articles_and_entries_and_marks_the_terms(base, world, client):  # type: ignore[no-untyped-def]
    _programme, faq, draft = base
    client_sign_in(client, world.users["weihai_supervisor"])
    page = client.get("/knowledge/search/", {"q": "回避"}).content.decode()
    assert "第十三条" in page and "<mark>回避</mark>" in page
    page = client.get("/knowledge/search/", {"q": "谢绝 理由"}).content.decode()
    assert f"/knowledge/e/{faq.pk}/" in page
    # Unpublished drafts are for staff only.
    assert "内部草稿" not in client.get("/knowledge/search/", {"q": "草稿"}).content.decode()
    assert client.get(f"/knowledge/e/{draft.pk}/").status_code == 404
    # A query of punctuation only finds nothing and says nothing broke.
    assert client.get("/knowledge/search/", {"q": "，。"}).status_code == 200


def test_staff_maintain_entries_and_each_change_is_audited(base, world, client):  # type: ignore[no-untyped-def]
    programme, faq, _draft = base
    client_sign_in(client, world.users["weihai_admin"])
    response = client.post(
        f"/knowledge/p/{programme.pk}/new/",
        {"kind": "form", "title": "履职情况反馈表（空白）", "body": "活动名称：____", "published": "on"},
    )
    assert response.status_code == 302
    entry = Entry.objects.get(title="履职情况反馈表（空白）")
    assert client.get(f"/knowledge/e/{entry.pk}.pdf").content.startswith(b"%PDF")
    client.post(
        f"/knowledge/e/{faq.pk}/edit/",
        {"kind": "faq", "title": faq.title, "body": "新的答复", "published": "on"},
    )
    faq.refresh_from_db()
    assert faq.body == "新的答复"
    assert AuditEvent.objects.filter(action="knowledge.entry_update").count() == 1
    # Bad input: a clear message and nothing written.
    page = client.post(
        f"/knowledge/p/{programme.pk}/new/", {"kind": "faq", "title": "", "body": "x"}
    ).content.decode()
    assert "这个字段是必填项" in page or "必填" in page
    assert Entry.objects.count() == 3


def test_supervisors_and_agencies_read_but_do_not_edit(base, world, client):  # type: ignore[no-untyped-def]
    programme, faq, _draft = base
    for username in ("weihai_supervisor", "weihai_procurator"):
        client_sign_in(client, world.users[username])
        assert client.get(f"/knowledge/p/{programme.pk}/").status_code == 200, username
        assert client.get(f"/knowledge/e/{faq.pk}/").status_code == 200, username
        assert client.get(f"/knowledge/p/{programme.pk}/new/").status_code == 403, username
        assert (
            client.post(
                f"/knowledge/e/{faq.pk}/edit/", {"kind": "faq", "title": "x", "body": "y"}
            ).status_code
            == 403
        )


def test_no_one_reads_another_programmes_base(base, world, client):  # type: ignore[no-untyped-def]
    programme, faq, _draft = base
    for username in ("wanzhou_admin", "wanzhou_market_staff"):
        client_sign_in(client, world.users[username])
        assert client.get(f"/knowledge/p/{programme.pk}/").status_code == 404, username
        assert client.get(f"/knowledge/e/{faq.pk}/").status_code == 404, username
        assert faq.title not in client.get("/knowledge/search/", {"q": "谢绝"}).content.decode()
