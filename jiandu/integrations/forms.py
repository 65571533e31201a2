from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiandu.integrations.models import Scope, WebhookEvent
from jiandu.integrations.services import MAX_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(label=_("名称（对接的系统）"), max_length=80)
    scopes = forms.MultipleChoiceField(label=_("授权范围"), choices=(), widget=forms.CheckboxSelectMultiple)
    expires_on = forms.DateField(label=_("有效期至"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [(s, Scope(s).label) for s in allowed]  # type: ignore[attr-defined]
        self.fields["expires_on"].initial = timezone.localdate() + dt.timedelta(days=90)
        self.fields["expires_on"].help_text = _("最长 %(days)s 天") % {"days": MAX_DAYS}


class WebhookForm(forms.Form):
    name = forms.CharField(label=_("名称（接收的系统）"), max_length=80)
    url = forms.CharField(
        label=_("接收地址"),
        max_length=500,
        help_text=_("须为 https:// 地址；本单位系统收到后应在 10 秒内以 2xx 状态码应答"),
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    events = forms.MultipleChoiceField(
        label=_("订阅的事件"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
    )
