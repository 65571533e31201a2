from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jiandu.findings.models import Correction, Source
from jiandu.orgs.models import Organisation, OrgKind
from jiandu.roster.models import Programme
from jiandu.roster.rules import SILENT, programme_cite


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos in one input (Django's documented pattern); the service re-checks each file."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def agencies_for(programme: Programme) -> Any:
    """Organisations a programme's supervisors watch: everything under the running bureau except
    the bureaus themselves."""
    return (
        Organisation.objects.filter(path__startswith=programme.organisation.path, is_active=True)
        .exclude(kind=OrgKind.JUSTICE_BUREAU)
        .exclude(pk=programme.organisation_id)
    )


DATE = forms.DateInput(attrs={"type": "date"})


class SubmitForm(forms.Form):
    source = forms.ChoiceField(
        label=_("类型"), choices=[(Source.OPINION, Source.OPINION.label), (Source.LEAD, Source.LEAD.label)]
    )
    agency = forms.ModelChoiceField(label=_("被监督单位"), queryset=Organisation.objects.none())
    title = forms.CharField(label=_("标题（可不填）"), max_length=120, required=False)
    text = forms.CharField(label=_("意见内容"), widget=forms.Textarea(attrs={"rows": 6}))
    occurred_on = forms.DateField(label=_("发现日期"), required=False, widget=DATE)
    confidential = forms.BooleanField(label=_("请求对我的身份保密：被监督单位看不到提出人"), required=False)
    attachments = MultipleFileField(
        label=_("照片附件（可多选，自动去除位置等信息）"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "multiple": True}),
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies_for(programme)  # type: ignore[attr-defined]
        # The article is the programme's own; where its text is silent the page says so (the platform
        # still keeps the reporter from the agency on request: withholding it would harm no one).
        kept = programme_cite(programme, "findings.reporter_confidentiality")
        self.fields["confidential"].label = (
            gettext("请求对我的身份保密（{article}）：被监督单位看不到提出人").format(article=kept.article)
            if kept is not None
            else gettext("请求对我的身份保密：被监督单位看不到提出人（{SILENT}，按请求保密）").format(
                SILENT=SILENT
            )
        )


class InspectionForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("监督项目"), queryset=Programme.objects.none())
    agency = forms.ModelChoiceField(label=_("被监督单位"), queryset=Organisation.objects.none())
    title = forms.CharField(label=_("标题（可不填）"), max_length=120, required=False)
    text = forms.CharField(label=_("发现的问题"), widget=forms.Textarea(attrs={"rows": 6}))
    occurred_on = forms.DateField(label=_("发现日期"), required=False, widget=DATE)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        path = user.organisation.path
        self.fields["programme"].queryset = Programme.objects.filter(  # type: ignore[attr-defined]
            organisation__path__startswith=path, is_active=True
        )
        self.fields["agency"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            path__startswith=path, is_active=True
        ).exclude(kind=OrgKind.JUSTICE_BUREAU)


class ForwardForm(forms.Form):
    note = forms.CharField(label=_("转送说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reply_due = forms.DateField(label=_("答复截止日（仅规则未规定期限时填写）"), required=False, widget=DATE)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("不予处理理由"), widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(forms.Form):
    into = forms.IntegerField(label=_("合并至（编号数字，如 12）"), min_value=1)


class ReplyForm(forms.Form):
    adopted = forms.TypedChoiceField(
        label=_("意见建议采纳情况"),
        choices=[("1", _("采纳")), ("0", _("不予采纳"))],
        coerce=lambda v: v == "1",
    )
    correction = forms.ChoiceField(label=_("整改方式"), choices=Correction.choices)
    reply_text = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 4}))
    rectification_plan = forms.CharField(
        label=_("整改计划（不能立即纠正时填写）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    rectify_due = forms.DateField(label=_("整改期限"), required=False, widget=DATE)


class RectifiedForm(forms.Form):
    report = forms.CharField(label=_("整改完成情况"), widget=forms.Textarea(attrs={"rows": 3}))


class VerifyForm(forms.Form):
    result_text = forms.CharField(
        label=_("核验意见及处理结果（将反馈给提出人）"), widget=forms.Textarea(attrs={"rows": 3})
    )


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("满意度"), choices=[(str(i), "★" * i) for i in range(5, 0, -1)], coerce=int
    )
    comment = forms.CharField(label=_("评价说明"), required=False, max_length=255)


class ComplaintForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("监督员所属项目"), queryset=Programme.objects.filter(is_active=True)
    )
    supervisor_name = forms.CharField(label=_("被举报监督员姓名"), max_length=60)
    certificate_no = forms.CharField(label=_("监督员证编号（如知道）"), max_length=40, required=False)
    text = forms.CharField(
        label=_("举报内容（时间、地点、经过）"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )


class PublicComplaintForm(ComplaintForm):
    complainant_name = forms.CharField(label=_("您的姓名（可不填）"), max_length=60, required=False)
    complainant_phone = forms.CharField(label=_("联系电话（用于反馈调查结果）"), max_length=11)


class TrackForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=12)
    phone = forms.CharField(label=_("举报时留的手机号码"), max_length=11)


class ConcludeForm(forms.Form):
    substantiated = forms.TypedChoiceField(
        label=_("调查结论"), choices=[("1", _("查证属实")), ("0", _("查无实据"))], coerce=lambda v: v == "1"
    )
    outcome = forms.CharField(label=_("调查结果（将反馈给举报人）"), widget=forms.Textarea(attrs={"rows": 3}))
    supervisor = forms.IntegerField(label=_("对应监督员（名册编号）"), required=False)
    dismissal_ground = forms.ChoiceField(label=_("构成的解聘情形"), required=False, choices=[("", "—")])
    referred_to = forms.CharField(label=_("移送单位（违法违纪的）"), required=False, max_length=120)

    def __init__(self, *args: Any, grounds: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["dismissal_ground"].choices = [("", "—"), *grounds]  # type: ignore[attr-defined]
