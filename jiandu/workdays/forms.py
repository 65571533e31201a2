from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class NoticeForm(forms.Form):
    KINDS = [("national", _("国务院节假日安排")), ("regional", _("地方假日（叠加）"))]

    kind = forms.ChoiceField(label=_("类型"), choices=KINDS, initial="national")
    region = forms.CharField(
        label=_("地区代码（地方假日）"),
        max_length=6,
        required=False,
        help_text=_("6位行政区划代码，如 640000"),
    )
    year = forms.IntegerField(
        label=_("年份"),
        required=False,
        min_value=2004,
        max_value=2100,
        help_text=_("通知标题中有年份的可不填"),
    )
    text = forms.CharField(
        label=_("通知原文"),
        widget=forms.Textarea(
            attrs={"rows": 14, "placeholder": _("国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：……")}
        ),
        max_length=20000,
    )
    test_data = forms.BooleanField(label=_("测试数据（虚构通知）"), required=False)
