from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiandu.assessment.models import ActivityKind
from jiandu.roster.models import Programme

DATE = forms.DateInput(attrs={"type": "date"})
TEXT = forms.Textarea(attrs={"rows": 5})


class RoundForm(forms.Form):
    programme: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=Programme.objects.none(), label=_("监督项目")
    )
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("考核年度"))
    defence_working_days = forms.IntegerField(
        min_value=1, max_value=30, initial=5, label=_("不合格告知后陈述申辩期限（工作日）")
    )

    def __init__(self, *args: Any, programmes: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]


class TextForm(forms.Form):
    text = forms.CharField(widget=TEXT, max_length=5000, label=_("内容"))


class OpinionForm(forms.Form):
    source = forms.ChoiceField(
        choices=(
            ("procuratorate", _("人民检察院（被监督机关）意见")),
            ("community", _("所在单位或居住地基层组织意见")),
        ),
        label=_("意见来源"),
    )
    text = forms.CharField(widget=TEXT, max_length=5000, label=_("意见"))


class ProposeForm(forms.Form):
    grade = forms.ChoiceField(choices=(), label=_("拟定等次"))
    reason = forms.CharField(
        widget=TEXT, max_length=5000, label=_("拟定理由（合格、基本合格按省级考核办法评定并说明）")
    )
    conditions = forms.MultipleChoiceField(
        choices=(), required=False, widget=forms.CheckboxSelectMultiple, label=_("优秀条件（逐项确认）")
    )
    grounds = forms.MultipleChoiceField(
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("不合格情形（经提醒教育仍不改正）"),
    )
    cap_exception = forms.CharField(
        max_length=500, required=False, label=_("超出优秀比例的理由（仅确需超出时填写）")
    )

    def __init__(
        self,
        *args: Any,
        grades: list[tuple[str, str]],
        conditions: list[tuple[str, str]],
        grounds: list[tuple[str, str]],
        **kw: Any,
    ):
        super().__init__(*args, **kw)
        self.fields["grade"].choices = grades  # type: ignore[attr-defined]
        self.fields["conditions"].choices = conditions  # type: ignore[attr-defined]
        self.fields["grounds"].choices = grounds  # type: ignore[attr-defined]


class EvaluationForm(forms.Form):
    text = forms.CharField(widget=TEXT, max_length=5000, label=_("综合评价"))
    commended = forms.BooleanField(required=False, label=_("表现突出，予以表彰"))


class NoticeForm(forms.Form):
    starts_on = forms.DateField(widget=DATE, label=_("公示开始"))
    ends_on = forms.DateField(widget=DATE, label=_("公示结束"))


class DeadlineForm(forms.Form):
    code = forms.ChoiceField(
        choices=(("entry", _("录入考核结果")), ("filing", _("上报备案"))), label=_("事项")
    )
    on = forms.DateField(widget=DATE, initial=dt.date.today, label=_("完成日期"))


class EntryForm(forms.Form):
    kind = forms.ChoiceField(choices=ActivityKind.choices, label=_("类别"))
    on = forms.DateField(widget=DATE, label=_("日期"))
    text = forms.CharField(max_length=500, label=_("内容"))


class DistrictForm(forms.Form):
    grade = forms.ChoiceField(choices=(), label=_("建议等次"))
    reason = forms.CharField(max_length=500, label=_("建议理由（已征求同级人民检察院意见）"))

    def __init__(self, *args: Any, grades: list[tuple[str, str]], **kw: Any):
        super().__init__(*args, **kw)
        self.fields["grade"].choices = grades  # type: ignore[attr-defined]
