"""English everywhere (issue 12): no msgid of the English catalogue without its translation, and no
template text outside a translation tag (jiandu.core.i18n_check; a short allow-list of proper names)."""

from __future__ import annotations

import pytest

from jiandu.core.i18n_check import ROOT, po_untranslated, template_untranslated, templates

PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_msgid_of_the_english_catalogue_is_translated() -> None:
    missing = po_untranslated(PO)
    assert not missing, f"{len(missing)} untranslated in {PO.name}: " + " | ".join(missing[:40])


def test_no_template_text_outside_a_translation_tag() -> None:
    found = [
        f"{path.relative_to(ROOT.parent)}:{line}: {piece}"
        for path in templates()
        for line, piece in template_untranslated(path)
    ]
    assert not found, f"{len(found)} texts outside a translation tag:\n" + "\n".join(found[:80])


def test_the_checks_see_what_they_should(tmp_path) -> None:  # type: ignore[no-untyped-def]
    page = tmp_path / "t.html"
    page.write_text(
        '{% load i18n %}<h1>{% translate "标题" %}</h1><p title="提示">正文</p>'
        '{% blocktranslate %}共 {{ n }} 人{% endblocktranslate %}{{ x|default:"无" }}{{ y|default:_("无") }}'
        "{# 注释 #}<span>监督 Jiandu</span>",
        encoding="utf-8",
    )
    assert [p for _, p in template_untranslated(page)] == ["提示", "正文", "无"]
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\nmsgid "已译"\nmsgstr "Done"\n\n'
        'msgid "未译"\nmsgstr ""\n\n#, fuzzy\nmsgid "模糊"\nmsgstr "Fuzzy"\n\n'
        'msgid "一人"\nmsgid_plural "多人"\nmsgstr[0] "one"\nmsgstr[1] ""\n',
        encoding="utf-8",
    )
    assert po_untranslated(po) == ["未译", "模糊", "一人"]


@pytest.mark.django_db
def test_a_page_reads_in_english(client, world) -> None:  # type: ignore[no-untyped-def]
    from django.utils.translation import trans_real

    from jiandu.accounts.testing import client_sign_in

    if not (PO.parent / "django.mo").exists():
        pytest.skip("the English catalogue is not compiled (make messages)")
    trans_real._translations = {}  # type: ignore[attr-defined]  # pick up a catalogue compiled after start-up
    client_sign_in(client, world.users["sysadmin"])
    client.cookies["django_language"] = "en"
    page = client.get("/system/").content.decode()
    assert "Recurring jobs" in page and "Rulebooks" in page and "定时任务" not in page
