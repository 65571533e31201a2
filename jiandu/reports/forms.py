from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiandu.roster.models import Programme


class AnnualDraftForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("项目"), queryset=Programme.objects.none())
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, choices=())
    replace = forms.BooleanField(label=_("覆盖已修改的报告"), required=False)

    def __init__(self, *args: Any, programmes: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]
        years = range(today.year, today.year - 6, -1)
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]


class AnnualEditForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文（以 # 开头的行为标题）"), widget=forms.Textarea(attrs={"rows": 24}))
