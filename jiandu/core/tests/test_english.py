"""English everywhere (issue 12): no msgid of the English catalogue without its translation, no
template text outside a translation tag, and no Chinese literal in Python code that reaches people
unmarked (jiandu.core.i18n_check; short allow-lists, each with its reason)."""

from __future__ import annotations

import pytest

from jiandu.core.i18n_check import (
    ROOT,
    po_untranslated,
    python_files,
    python_untranslated,
    template_untranslated,
    templates,
)

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


def test_no_chinese_literal_in_python_reaches_people_unmarked() -> None:
    """Flash messages, service errors shown on pages and in API errors, labels, choice labels and
    notification texts are marked for translation; what is exempt (tests, migrations, the pure rules
    core, console commands, demo data, the audit trail, log lines, the OpenAPI document, a few values
    marked `# i18n: zh-only`) is listed, with its reason, in jiandu.core.i18n_check."""
    found = [
        f"{path.relative_to(ROOT.parent)}:{line}: {text[:60]}"
        for path in python_files()
        for line, text in python_untranslated(path)
    ]
    assert not found, f"{len(found)} Chinese literals without a translation mark:\n" + "\n".join(found[:80])


def test_the_python_check_sees_what_it_should(tmp_path) -> None:  # type: ignore[no-untyped-def]
    code = tmp_path / "m.py"
    code.write_text(
        '"""模块说明"""\n'
        "from django.utils.translation import gettext as _\n"
        "def f(x):\n"
        '    """函数说明"""\n'
        '    a = _("已标记")\n'
        '    b = "未标记"\n'
        '    c = f"第{x}条"\n'
        '    logger.info("日志")\n'
        '    audit_record(action="a.b", after={"说明": "审计"})\n'
        '    d = "男"  # i18n: zh-only (stored value)\n'
        '    e = "监督"\n'
        '    return Field(description="接口文档")\n',
        encoding="utf-8",
    )
    assert python_untranslated(code) == [(6, "未标记"), (7, "第条")]
