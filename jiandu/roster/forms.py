from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiandu.orgs.models import Organisation
from jiandu.roster.models import DepartureKind, ProgrammeKind, RelationshipKind, Specialty
from jiandu.rules.catalogue import EDUCATION_LABELS

DATE = forms.DateInput(attrs={"type": "date"})


class LeaveForm(forms.Form):
    kind = forms.ChoiceField(label=_("方式"), choices=DepartureKind.choices)
    ground = forms.ChoiceField(
        label=_("依据（辞聘以本人申请为依据；解聘、免除资格须选本项目规则列明的情形）"),
        widget=forms.RadioSelect,
        required=False,
    )
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, grounds: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = [  # type: ignore[attr-defined]
            (g.code, f"{g.article}：{g.text}" if g.article else g.text) for g in grounds
        ]


class EmployerChangeForm(forms.Form):
    new_employer = forms.CharField(label=_("新工作单位"), max_length=120)
    changed_on = forms.DateField(label=_("变动日期"), widget=DATE)
    reported_on = forms.DateField(label=_("书面报告日期"), widget=DATE)


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("姓名"), max_length=60)
    phone = forms.CharField(label=_("手机号码"), max_length=11, required=False)
    address = forms.CharField(label=_("住址"), max_length=200, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    education = forms.ChoiceField(
        label=_("文化程度"), choices=[("", "—"), *list(EDUCATION_LABELS.items())], required=False
    )
    political_status = forms.CharField(label=_("政治面貌"), max_length=32, required=False)
    position = forms.CharField(label=_("职务"), max_length=60, required=False)
    specialties = forms.MultipleChoiceField(
        label=_("专业领域"), choices=Specialty.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    district: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("所在区县"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args: Any, districts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts  # type: ignore[attr-defined]


class RelationshipForm(forms.Form):
    kind = forms.ChoiceField(label=_("关系"), choices=RelationshipKind.choices)
    name = forms.CharField(label=_("单位或人员名称"), max_length=120)
    note = forms.CharField(label=_("说明"), max_length=255, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("名册文件（.xlsx）"))
    dry_run = forms.BooleanField(label=_("仅校验，不写入"), required=False)


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("项目名称"), max_length=120)
    kind = forms.ChoiceField(label=_("项目类型"), choices=ProgrammeKind.choices)
    organisation = forms.ModelChoiceField(label=_("主管单位"), queryset=Organisation.objects.none())
    rulebook_id = forms.ChoiceField(label=_("适用规则"))

    def __init__(
        self, *args: Any, organisations: Any, rulebooks: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["rulebook_id"].choices = rulebooks  # type: ignore[attr-defined]


class ChangeReportForm(forms.Form):
    posts = forms.MultipleChoiceField(
        label=_("我现在担任以下职务"), required=False, widget=forms.CheckboxSelectMultiple
    )
    records = forms.MultipleChoiceField(
        label=_("我新有以下记录"), required=False, widget=forms.CheckboxSelectMultiple
    )
    text = forms.CharField(label=_("变动情况说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self, *args: Any, posts: list[tuple[str, str]], records: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["posts"].choices = posts  # type: ignore[attr-defined]
        self.fields["records"].choices = records  # type: ignore[attr-defined]
        if not posts:
            del self.fields["posts"]
        if not records:
            del self.fields["records"]


class ResignationForm(forms.Form):
    text = forms.CharField(label=_("辞聘理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReportReviewForm(forms.Form):
    outcome = forms.CharField(label=_("审查意见"), widget=forms.Textarea(attrs={"rows": 2}))
