"""Forms check types and ranges; the services enforce the law (with the rulebook's articles)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiandu.casework.models import CaseKind, GroundKind, Vote
from jiandu.casework.services import VoteData

DATE = forms.DateInput(attrs={"type": "date"})
MAX_MEMBERS = 15


class CaseNewForm(forms.Form):
    number = forms.CharField(label=_("罪犯编号"), max_length=32)
    name = forms.CharField(label=_("罪犯姓名"), max_length=40)
    kind = forms.ChoiceField(label=_("案件类型"), choices=CaseKind.choices)
    proposal = forms.CharField(label=_("提请建议"), widget=forms.Textarea(attrs={"rows": 3}))
    points_result = forms.CharField(label=_("计分考核结果"), max_length=255, required=False)
    significant = forms.BooleanField(label=_("有重大影响或社会关注度较高"), required=False)


class GroundForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=GroundKind.choices)
    facts = forms.CharField(label=_("具体事实"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.CharField(label=_("证据材料"), widget=forms.Textarea(attrs={"rows": 2}))
    provided_by = forms.CharField(label=_("证据提供人（单位）"), max_length=120)
    hospital = forms.CharField(label=_("诊断医院（病情诊断时填写）"), max_length=120, required=False)
    designated_hospital = forms.BooleanField(label=_("政府指定医院"), required=False)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("材料名称"), max_length=120)
    file = forms.FileField(label=_("文件（PDF、PNG、JPG）"))


class ReviewForm(forms.Form):
    """An individual step gives `outcome`; a collective one lists every member who should attend."""

    opinion = forms.CharField(label=_("审查意见"), widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.ChoiceField(
        label=_("结论"), choices=[("", "—"), ("allowed", _("同意")), ("refused", _("不同意"))], required=False
    )
    should_attend = forms.IntegerField(
        label=_("应参会人数"), min_value=1, max_value=MAX_MEMBERS, required=False
    )
    legal_basis = forms.CharField(
        label=_("法律依据（变更前一级决定或前一级不同意仍提交时必填）"), required=False
    )
    statutory_reason = forms.CharField(label=_("法定理由"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(MAX_MEMBERS):
            self.fields[f"member_{i}"] = forms.CharField(label=_("参会人员"), max_length=60, required=False)
            self.fields[f"vote_{i}"] = forms.ChoiceField(
                label=_("表决"), choices=[("", "—"), *Vote.choices], required=False
            )
            self.fields[f"opinion_{i}"] = forms.CharField(label=_("发表意见"), required=False)

    def votes(self) -> list[VoteData]:
        out = []
        for i in range(MAX_MEMBERS):
            member = self.cleaned_data.get(f"member_{i}", "").strip()
            if member:
                vote = self.cleaned_data.get(f"vote_{i}") or ""
                out.append(VoteData(member, vote, self.cleaned_data.get(f"opinion_{i}", "")))
        return out

    def member_rows(self) -> list[tuple[Any, Any, Any]]:
        return [(self[f"member_{i}"], self[f"vote_{i}"], self[f"opinion_{i}"]) for i in range(MAX_MEMBERS)]


class MedicalForm(forms.Form):
    records_complete = forms.BooleanField(label=_("病历资料完整"), required=False)
    explanation = forms.CharField(
        label=_("病历不完整的书面说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    tumour_without_pathology = forms.BooleanField(
        label=_("因病情无法做病理检验确诊的恶性肿瘤"), required=False
    )
    disease_category = forms.CharField(label=_("疾病类别"), max_length=60, required=False)
    specialty_confirmed = forms.BooleanField(
        label=_("本人确认：诊断专家为该类疾病所属专业的医学专家"), required=False
    )


class DateForm(forms.Form):
    on = forms.DateField(label=_("日期"), widget=DATE)


class InviteForm(forms.Form):
    duty_on = forms.DateField(label=_("会议（庭审）日期"), widget=DATE)
    place = forms.CharField(label=_("地点"), max_length=160)
    supervisors_needed = forms.IntegerField(label=_("邀请人数"), min_value=1, max_value=5, initial=1)
    hearing = forms.BooleanField(label=_("旁听庭审（否则为评审会议）"), required=False)


class TextForm(forms.Form):
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}))


class ProblemForm(forms.Form):
    prison: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("监狱"), queryset=None, empty_label=None
    )  # type: ignore[arg-type]
    title = forms.CharField(label=_("问题"), max_length=160)
    description = forms.CharField(
        label=_("具体情况"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible = forms.CharField(label=_("责任人"), max_length=60)
    due_on = forms.DateField(label=_("整改期限"), widget=DATE)

    def __init__(self, *args: Any, prisons: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["prison"].queryset = prisons  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    responsible = forms.CharField(label=_("责任人"), max_length=60)
    due_on = forms.DateField(label=_("整改期限"), widget=DATE)


class RectifyForm(forms.Form):
    evidence = forms.CharField(label=_("整改情况及佐证"), widget=forms.Textarea(attrs={"rows": 3}))


class VerifyForm(forms.Form):
    accept = forms.ChoiceField(
        label=_("核验结论"), choices=[("1", _("核验通过，销号")), ("0", _("退回继续整改"))]
    )
    note = forms.CharField(label=_("核验意见"), widget=forms.Textarea(attrs={"rows": 2}))


class PolicyForm(forms.Form):
    working_days = forms.IntegerField(label=_("公示期间（工作日）"), min_value=1, max_value=30)
    basis = forms.CharField(label=_("依据（文件名称及条款）"), max_length=200)


class ReportForm(forms.Form):
    year = forms.IntegerField(label=_("年"), min_value=2020, max_value=2100)
    quarter = forms.IntegerField(label=_("季度"), min_value=1, max_value=4)


class PointsForm(forms.Form):
    year = forms.IntegerField(label=_("年"), min_value=2020, max_value=2100)
    month = forms.IntegerField(label=_("月"), min_value=1, max_value=12)
    published_on = forms.DateField(label=_("下发监区公布日期"), widget=DATE)
    awards_copied_on = forms.DateField(label=_("奖励决定抄送派驻检察机构日期"), widget=DATE, required=False)


class PrisonerDateForm(forms.Form):
    number = forms.CharField(label=_("罪犯编号"), max_length=32)
    on = forms.DateField(label=_("日期"), widget=DATE)
    post = forms.CharField(label=_("岗位（事务犯）"), max_length=60, required=False)
    level = forms.CharField(label=_("处遇级别（分级处遇）"), max_length=16, required=False)
