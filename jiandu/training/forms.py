from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiandu.roster.models import Programme
from jiandu.training.models import SessionKind, TrainingSession

DATE = forms.DateInput(attrs={"type": "date"})


class SessionForm(forms.Form):
    programme: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=Programme.objects.none(), label=_("监督项目")
    )
    kind = forms.ChoiceField(choices=SessionKind.choices, label=_("培训类别"))
    mode = forms.ChoiceField(choices=(), label=_("培训方式"))
    title = forms.CharField(max_length=160, label=_("培训名称"))
    held_on = forms.DateField(widget=DATE, label=_("培训日期"))
    place = forms.CharField(max_length=160, required=False, label=_("地点"))
    pass_mark = forms.DecimalField(
        min_value=0, max_value=100, decimal_places=1, required=False, label=_("考核及格分数（不考核可不填）")
    )
    materials = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("培训资料"))
    makeup_of: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=TrainingSession.objects.none(), required=False, label=_("补课：对应的培训")
    )

    def __init__(self, *args: Any, programmes: Any, sessions: Any, modes: list[tuple[str, str]], **kw: Any):
        super().__init__(*args, **kw)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        self.fields["makeup_of"].queryset = sessions  # type: ignore[attr-defined]
        self.fields["mode"].choices = modes  # type: ignore[attr-defined]


class AttendanceForm(forms.Form):
    attended = forms.TypedChoiceField(
        choices=(("1", _("已参加")), ("0", _("未参加"))), coerce=lambda v: v == "1", label=_("参加情况")
    )
    excused = forms.BooleanField(required=False, label=_("缺席有正当理由（疾病等）"))
    reason = forms.CharField(max_length=255, required=False, label=_("缺席理由"))


class ExamForm(forms.Form):
    score = forms.DecimalField(min_value=0, max_value=100, decimal_places=1, label=_("考核成绩"))


class QuizForm(forms.Form):
    def __init__(self, *args: Any, quiz: list[dict[str, Any]], **kw: Any):
        super().__init__(*args, **kw)
        for i, q in enumerate(quiz):
            self.fields[f"q{i}"] = forms.TypedChoiceField(
                label=f"{i + 1}. {q['q']}",
                choices=[(str(j), o) for j, o in enumerate(q["options"])],
                coerce=int,
                widget=forms.RadioSelect,
            )

    def answers(self) -> list[int]:
        return [self.cleaned_data[f"q{i}"] for i in range(len(self.fields))]
