from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jiandu.knowledge.models import EntryKind


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=EntryKind.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 14}))
    published = forms.BooleanField(label=_("发布（监督员和被监督单位可见）"), required=False, initial=True)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("搜索"), max_length=100, required=False)
