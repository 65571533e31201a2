"""Demo knowledge base for the Weihai people's-supervisor programme: staff FAQs, a training material
and the two blank forms (the on-site feedback form and the application form). Through the services,
idempotent by title."""

from __future__ import annotations

from typing import Any

from jiandu.knowledge.models import Entry, EntryKind
from jiandu.knowledge.services import entry_create

ENTRIES = (
    (
        EntryKind.FAQ,
        "被抽中后有事不能参加怎么办？",
        "请在收到联络后尽快在手机上答复“谢绝”并写明理由，或致电市司法局。"
        "市司法局将按抽选顺序联络下一位人民监督员。因与案件有利害关系需要回避的，请选择“回避”并说明情况。",
    ),
    (
        EntryKind.FAQ,
        "现场履职后要做什么？",
        "活动结束后，请在《履职情况反馈表》上签字确认：可以在手机上确认，也可以在纸质表上签字。"
        "对办案活动的监督意见会转交人民检察院研究，采纳情况会反馈给您。",
    ),
    (
        EntryKind.FAQ,
        "工作单位变了需要报告吗？",
        "需要。工作单位等个人信息发生变动的，应当在一个月内向市司法局书面说明，可在“我的信息”中提交。",
    ),
    (
        EntryKind.MATERIAL,
        "人民监督员初任培训讲义（摘要）",
        "# 一、监督范围\n\n人民监督员可以监督人民检察院的公开听证、案件质量评查、巡回检察等办案活动。\n\n"
        "# 二、履职纪律\n\n不得妨碍办案活动正常进行，不得泄露办案活动涉及的国家秘密、商业秘密、个人隐私和未成年人信息。",
    ),
    (
        EntryKind.FORM,
        "履职情况反馈表（空白）",
        "# 基本情况\n\n活动名称：________________　活动日期：____年__月__日\n\n活动地点：________________\n\n"
        "# 办案活动简要情况\n\n______________________________________________\n\n"
        "# 人民监督员意见\n\n______________________________________________\n\n"
        "# 采纳情况及理由\n\n______________________________________________\n\n"
        "人民监督员签字：__________　日期：____年__月__日",
    ),
    (
        EntryKind.FORM,
        "人民监督员报名表",
        "# 个人信息\n\n姓名：________　性别：____　出生日期：____年__月__日\n\n"
        "文化程度：________　政治面貌：________\n\n工作单位及职务：________________________\n\n"
        "# 本人声明\n\n本人承诺所填信息真实准确。\n\n本人签字：__________　日期：____年__月__日",
    ),
)


def build(world: Any) -> None:
    programme = world.extra.get("programmes", {}).get("weihai_people")
    admin = world.users.get("weihai_admin")
    if programme is None or admin is None:
        return
    existing = set(Entry.objects.filter(programme=programme).values_list("title", flat=True))
    for kind, title, body in ENTRIES:
        if title not in existing:
            entry_create(actor=admin, programme=programme, kind=kind, title=title, body=body)
