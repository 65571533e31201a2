from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiandu.duties.models import Adoption, DutyKind
from jiandu.orgs.models import Organisation
from jiandu.orgs.selectors import districts_within
from jiandu.roster.models import Programme, Specialty

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"})
WITNESS_ROWS = 3


class DutyRequestForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("监督项目"), queryset=Programme.objects.none())
    kind = forms.ChoiceField(label=_("活动类型"), choices=DutyKind.choices)
    title = forms.CharField(label=_("活动名称（案件或事项）"), max_length=160)
    description = forms.CharField(
        label=_("简要情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    duty_on = forms.DateField(label=_("活动日期"), widget=DATE)
    starts_at = forms.TimeField(label=_("开始时间"), required=False, widget=TIME)
    place = forms.CharField(label=_("地点"), max_length=160)
    district = forms.ModelChoiceField(
        label=_("活动所在区县（就近/跨区的依据）"), queryset=Organisation.objects.none(), required=False
    )
    supervisors_needed = forms.IntegerField(label=_("所需人数"), min_value=1, max_value=50, initial=3)
    specialties = forms.MultipleChoiceField(
        label=_("专业要求（每项至少 1 人）"),
        choices=Specialty.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    local_min = forms.IntegerField(label=_("本区县至少（人）"), min_value=0, max_value=50, initial=0)
    cross_min = forms.IntegerField(label=_("跨区县至少（人）"), min_value=0, max_value=50, initial=0)
    quotas = forms.CharField(
        label=_("其他名额要求（抽选时保证；每行一项：类别 取值 最少 最多，最多可省略）"),
        help_text=_(
            "类别：性别、民族、区县、专业、就近/跨区。例：“性别 女 1 2”“民族 回族 1”“区县 环翠区 0 1”"
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    parties = forms.CharField(
        label=_("案件当事人及相关单位（每行一个，用于回避审查）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    related_orgs = forms.ModelMultipleChoiceField(
        label=_("相关单位（系统内）"), queryset=Organisation.objects.none(), required=False
    )
    consent = forms.BooleanField(
        label=_("案件情况特殊，已经项目主管机关同意缩短通知期限（仅规则允许时适用）"), required=False
    )
    consent_note = forms.CharField(label=_("同意情况说明"), max_length=255, required=False)

    def __init__(self, *args: Any, programmes: list[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = [p.pk for p in programmes]
        self.fields["programme"].queryset = Programme.objects.filter(pk__in=ids)  # type: ignore[attr-defined]
        if len(ids) == 1:
            self.fields["programme"].initial = ids[0]
        roots = list(Organisation.objects.filter(pk__in=[p.organisation_id for p in programmes]))
        area: Any = Organisation.objects.none()
        for root in roots:
            area = area | Organisation.objects.filter(root.subtree_q())
        self.fields["district"].queryset = districts_within(roots)  # type: ignore[attr-defined]
        self.fields["related_orgs"].queryset = area  # type: ignore[attr-defined]

    def clean_quotas(self) -> list[dict[str, Any]]:
        return quotas_parse(self.cleaned_data.get("quotas") or "", self.fields["district"].queryset)  # type: ignore[attr-defined]


QUOTA_WORDS = {  # i18n: zh-only (the words staff type in the quota box, matched as typed)
    "性别": "gender",
    "gender": "gender",
    "民族": "ethnicity",
    "ethnicity": "ethnicity",
    "区县": "district",
    "district": "district",
    "专业": "specialty",
    "specialty": "specialty",
    "就近/跨区": "local",
    "就近": "local",
    "跨区": "local",
    "local": "local",
}
LOCAL_WORDS = {  # i18n: zh-only (words matched as typed)
    "本区县": "local",
    "就近": "local",
    "local": "local",
    "跨区县": "cross",
    "跨区": "cross",
    "cross": "cross",
}


def quotas_parse(text: str, districts: Any) -> list[dict[str, Any]]:
    """ "性别 女 1 2" lines → [{category, value, min, max}] (docs/draw.md §II.2); ValidationError names the
    line. District names are looked up among `districts`; specialty labels become their codes."""
    out: list[dict[str, Any]] = []
    specialties = {str(label): code for code, label in Specialty.choices} | {c: c for c in Specialty.values}
    for n, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) not in (3, 4) or parts[0] not in QUOTA_WORDS:
            raise forms.ValidationError(
                _("第%(n)s行应为：类别 取值 最少 [最多]，类别为性别、民族、区县、专业或就近/跨区") % {"n": n}
            )
        category, value = QUOTA_WORDS[parts[0]], parts[1]
        try:
            low, high = int(parts[2]), (int(parts[3]) if len(parts) == 4 else None)
        except ValueError:
            raise forms.ValidationError(_("第%(n)s行的人数须为整数") % {"n": n}) from None
        if category == "local":
            value = LOCAL_WORDS.get(value, "")
        elif category == "specialty":
            value = specialties.get(value, "")
        elif category == "district":
            found = list(districts.filter(name__contains=value)[:2])  # "文登区" finds 威海市文登区司法局
            value = str(found[0].pk) if len(found) == 1 else ""
        if not value:
            raise forms.ValidationError(_("第%(n)s行的取值“%(v)s”不认识") % {"n": n, "v": parts[1]})
        out.append({"category": category, "value": value, "min": low, "max": high})
    return out


class WitnessForm(forms.Form):
    """The people present at the draw each type a value of their choosing (docs/draw.md §1)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(WITNESS_ROWS):
            self.fields[f"name_{i}"] = forms.CharField(label=_("姓名"), max_length=60, required=False)
            self.fields[f"role_{i}"] = forms.CharField(label=_("身份"), max_length=60, required=False)
            self.fields[f"value_{i}"] = forms.CharField(label=_("自选值"), max_length=200, required=False)

    def witnesses(self) -> list[dict[str, str]]:
        return [
            {
                "name": self.cleaned_data.get(f"name_{i}", ""),
                "role": self.cleaned_data.get(f"role_{i}", ""),
                "value": self.cleaned_data.get(f"value_{i}", ""),
            }
            for i in range(WITNESS_ROWS)
        ]

    def rows(self) -> list[tuple[Any, Any, Any]]:
        return [(self[f"name_{i}"], self[f"role_{i}"], self[f"value_{i}"]) for i in range(WITNESS_ROWS)]


ADOPTION_CHOICES = Adoption.choices


class AnswerWindowForm(forms.Form):
    hours = forms.IntegerField(label=_("答复期限（小时）"), min_value=1, max_value=720)
