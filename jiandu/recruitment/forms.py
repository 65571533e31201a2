from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jiandu.orgs.models import Level, Organisation
from jiandu.orgs.selectors import districts_within
from jiandu.recruitment.models import Application, Channel
from jiandu.roster.models import Programme, Specialty
from jiandu.rules.catalogue import EDUCATION_LABELS

DATE = forms.DateInput(attrs={"type": "date"})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the Django documentation's recipe); type and size are checked by
    the service so the public form and staff entry share the rule."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class RoundForm(forms.Form):
    title = forms.CharField(label=_("公告标题"), max_length=200)
    quota = forms.IntegerField(label=_("拟聘名额"), min_value=1, max_value=500)
    applications_open = forms.DateField(label=_("报名开始"), widget=DATE)
    applications_close = forms.DateField(label=_("报名截止"), widget=DATE)
    recruitment_starts_on = forms.DateField(label=_("聘任工作开始日期"), widget=DATE)
    term_start = forms.DateField(label=_("任期开始"), widget=DATE)
    replenishment = forms.BooleanField(label=_("补聘（任期与本届相同）"), required=False)


class ApplicationForm(forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=60)
    id_number = forms.CharField(label=_("身份证号"), max_length=18)
    phone = forms.CharField(label=_("手机号码"), max_length=11)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    education = forms.ChoiceField(
        label=_("文化程度"), choices=[("", _("请选择")), *list(EDUCATION_LABELS.items())]
    )
    political_status = forms.CharField(label=_("政治面貌"), max_length=32, required=False)
    employer = forms.CharField(label=_("工作单位"), max_length=120, required=False)
    position = forms.CharField(label=_("职务"), max_length=60, required=False)
    specialties = forms.MultipleChoiceField(
        label=_("专业领域"), choices=Specialty.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    district = forms.ModelChoiceField(
        label=_("所在区县"), queryset=Organisation.objects.none(), required=False
    )
    nationality_cn = forms.BooleanField(label=_("本人具有中华人民共和国国籍"), required=False, initial=True)
    records = forms.MultipleChoiceField(
        label=_("本人有以下记录（如有，请如实勾选）"), required=False, widget=forms.CheckboxSelectMultiple
    )
    posts = forms.MultipleChoiceField(
        label=_("本人现任以下职务（如有，请如实勾选）"), required=False, widget=forms.CheckboxSelectMultiple
    )
    statement = forms.CharField(
        label=_("个人简介及报名理由"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachments = MultipleFileField(
        label=_("附件（学历证明等，PDF/图片/Word，每个不超过5MB）"), required=False
    )
    truthful = forms.BooleanField(label=_("本人承诺所填信息真实，并对材料的真实性负责"), required=True)

    def __init__(
        self,
        *args: Any,
        programme: Programme,
        records: list[tuple[str, str]],
        posts: list[tuple[str, str]],
        staff: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts_within(  # type: ignore[attr-defined]
            [programme.organisation], levels=(Level.DISTRICT, Level.CITY)
        )
        self.fields["records"].choices = records  # type: ignore[attr-defined]
        self.fields["posts"].choices = posts  # type: ignore[attr-defined]
        if not records:
            del self.fields["records"]
        if not posts:
            del self.fields["posts"]
        if staff:
            self.fields["channel"] = forms.ChoiceField(
                label=_("报名方式"),
                choices=[(Channel.UNIT, Channel.UNIT.label), (Channel.INVITATION, Channel.INVITATION.label)],
            )
            self.fields["recommending_unit"] = forms.CharField(
                label=_("推荐单位"), max_length=120, required=False
            )
            self.fields["truthful"].label = gettext("已核对报名材料")
            self.order_fields(["channel", "recommending_unit"])

    def person_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        district = d.get("district")
        return {
            "full_name": d["full_name"],
            "id_number": d["id_number"],
            "phone": d["phone"],
            "email": d.get("email", ""),
            "education": d["education"],
            "political_status": d.get("political_status", ""),
            "employer": d.get("employer", ""),
            "position": d.get("position", ""),
            "specialties": d.get("specialties") or [],
            "district_id": district.pk if district else None,
            "nationality": "CN" if d.get("nationality_cn") else None,
            "records": d.get("records") or [],
            "posts": d.get("posts") or [],
            "statement": d.get("statement", ""),
            "recommending_unit": d.get("recommending_unit", ""),
        }


class ReviewForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("审查结论"),
        choices=[("1", _("审查通过，列为拟聘人选")), ("0", _("不予通过"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    criteria = forms.CharField(label=_("审查标准及意见"), widget=forms.Textarea(attrs={"rows": 3}))
    rejection_reason = forms.CharField(
        label=_("不予通过的理由（报名人凭受理编号可见；规则审查不符合的可留空，自动引用条款）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoticeForm(forms.Form):
    ends_on = forms.DateField(label=_("公示截止"), required=False, widget=DATE)

    def __init__(self, *args: Any, min_end: dt.date | None, article: str = "", **kwargs: Any) -> None:
        """Blank means the rulebook's minimum only where the rulebook sets one; otherwise staff must
        choose the end date, and the label says so."""
        super().__init__(*args, **kwargs)
        field = self.fields["ends_on"]
        if min_end is None:
            field.required = True
            field.label = gettext("公示截止（本项目规则未规定公示期，请填写）")
        else:
            field.label = gettext("公示截止（留空则按规则最短期限（{isoformat}，{article}））").format(
                isoformat=min_end.isoformat(), article=article
            )


class ObjectionForm(forms.Form):
    application = forms.ModelChoiceField(
        label=_("对哪位拟聘人选提出异议"), queryset=Application.objects.none()
    )
    text = forms.CharField(
        label=_("异议的事实和理由"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    name = forms.CharField(label=_("您的姓名（可不填）"), max_length=60, required=False)
    contact = forms.CharField(label=_("联系方式（可不填，便于反馈核查结果）"), max_length=60, required=False)

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["application"]
        field.queryset = candidates  # type: ignore[attr-defined]
        field.label_from_instance = lambda a: a.full_name  # type: ignore[attr-defined]


class ObjectionHandleForm(forms.Form):
    step = forms.ChoiceField(
        label=_("处理"),
        choices=[
            ("investigate", _("记录核查情况")),
            ("dismiss", _("异议不成立（予以聘任）")),
            ("uphold", _("异议成立（不予聘任）")),
        ],
    )
    investigation = forms.CharField(
        label=_("核查情况"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    resolution = forms.CharField(
        label=_("处理结果"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class StatusForm(forms.Form):
    receipt_no = forms.CharField(label=_("受理编号"), max_length=24)
