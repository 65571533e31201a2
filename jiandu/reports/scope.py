"""The filters every report and chart takes — programme, region, period — checked against what the
user may see. A report never reads outside `Scope.programmes`, and a region narrows within it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jiandu.accounts.roles import Capability, Role
from jiandu.orgs.models import Level, Organisation
from jiandu.orgs.selectors import organisations_visible_to
from jiandu.roster.models import Programme
from jiandu.roster.selectors import programmes_visible_to


@dataclass(frozen=True)
class Scope:
    user: Any
    programmes: QuerySet[Programme]
    region: Organisation | None
    start: dt.date
    end: dt.date
    today: dt.date
    programme: Programme | None = None

    def region_q(self, prefix: str) -> Q:
        """Rows whose organisation at `prefix` (e.g. "district__", "agency__") lies in the region."""
        if self.region is None:
            return Q()
        return Q(**{f"{prefix}path__startswith": self.region.path})

    def describe(self) -> str:
        parts = [self.programme.name if self.programme else str(_("全部项目"))]
        if self.region is not None:
            parts.append(self.region.name)
        parts.append(gettext("{start:%Y-%m-%d} 至 {end:%Y-%m-%d}").format(start=self.start, end=self.end))
        return " · ".join(parts)


def may_report(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.can(Capability.MANAGE_PROGRAMMES) or user.can(Capability.ASSIST_PROGRAMMES))
    )


def regions_for(user: Any) -> QuerySet[Organisation]:
    return organisations_visible_to(user).filter(level__in=(Level.CITY, Level.DISTRICT))


class FilterForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("项目"), queryset=Programme.objects.none(), required=False)
    region = forms.ModelChoiceField(label=_("区域"), queryset=Organisation.objects.none(), required=False)
    start = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["programme"].queryset = programmes_visible_to(user)  # type: ignore[attr-defined]
        self.fields["region"].queryset = regions_for(user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("起始日期不能晚于截止日期"))
        if start and end and (end - start).days > 366 * 10:
            raise forms.ValidationError(_("统计期间不能超过十年"))
        return data


def scope_from(user: Any, params: Any, *, today: dt.date | None = None) -> tuple[Scope, FilterForm]:
    """Build the scope from GET parameters. Bad filters fall back to the defaults (this calendar
    year, all the user's programmes) and the form shows why."""
    today = today or timezone.localdate()
    form = FilterForm(params or None, user=user)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    programmes = programmes_visible_to(user)
    programme = data.get("programme")
    if programme is not None:
        programmes = programmes.filter(pk=programme.pk)
    region = data.get("region")
    # Regional staff see their own region's part of the programmes above them (DESIGN.md, roles).
    if region is None and getattr(user, "role", None) == Role.REGIONAL_STAFF:
        region = user.organisation
    start = data.get("start") or dt.date(today.year, 1, 1)
    end = data.get("end") or dt.date(today.year, 12, 31)
    return Scope(user, programmes, region, start, end, today, programme), form
