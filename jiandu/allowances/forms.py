"""Forms check types and ranges; the services enforce the law and the two-person rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiandu.allowances.models import ClaimPurpose, Item, Unit
from jiandu.duties.models import DutyKind

MONEY: dict[str, Any] = {"max_digits": 10, "decimal_places": 2, "min_value": Decimal("0.01")}


class RateForm(forms.Form):
    item = forms.ChoiceField(label=_("项目"), choices=Item.choices)
    unit = forms.ChoiceField(label=_("计发单位"), choices=Unit.choices)
    amount = forms.DecimalField(label=_("金额（元）"), **MONEY)
    valid_from = forms.DateField(
        label=_("执行起始日"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    valid_to = forms.DateField(
        label=_("执行截止日"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    source_name = forms.CharField(label=_("依据文件名称"), max_length=200)
    source_number = forms.CharField(label=_("文号"), max_length=80)
    source_effective_from = forms.DateField(
        label=_("文件施行日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class RateCloseForm(forms.Form):
    valid_to = forms.DateField(
        label=_("执行截止日"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class MonthForm(forms.Form):
    month = forms.CharField(label=_("月份"), widget=forms.DateInput(attrs={"type": "month"}))
    kind = forms.ChoiceField(
        label=_("类型"), choices=(("allowance", _("履职补助发放表")), ("reimbursement", _("差旅费报销表")))
    )
    months = forms.TypedChoiceField(
        label=_("期间"),
        coerce=int,
        choices=((1, _("月度")), (3, _("季度（自该月起三个月）"))),
        initial=1,
        required=False,
        empty_value=1,  # type: ignore[arg-type]
    )

    def clean_month(self) -> tuple[int, int]:
        value = self.cleaned_data["month"]
        try:
            year, month = (int(x) for x in value.split("-"))
            dt.date(year, month, 1)
        except ValueError as exc:
            raise forms.ValidationError(_("月份格式应为 YYYY-MM")) from exc
        return year, month


class PayForm(forms.Form):
    paid_on = forms.DateField(
        label=_("发放日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reference = forms.CharField(label=_("支付凭证号"), max_length=80)


class AdjustForm(forms.Form):
    line = forms.IntegerField(label=_("调整的明细行"), min_value=1)
    amount = forms.DecimalField(label=_("调整金额（元，扣回填负数）"), max_digits=10, decimal_places=2)
    reason = forms.CharField(label=_("调整原因"), max_length=200)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=255)


class ClaimForm(forms.Form):
    """A phone form: three fixed expense lines (leave the amount empty to skip one)."""

    LINES = 3
    purpose = forms.ChoiceField(label=_("事由类型"), choices=ClaimPurpose.choices)
    duty = forms.TypedChoiceField(label=_("对应的监督活动"), coerce=int, required=False, empty_value=None)
    description = forms.CharField(label=_("事由"), max_length=200)
    occurred_on = forms.DateField(
        label=_("发生日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    bank_name = forms.CharField(label=_("开户行"), max_length=80)
    bank_account = forms.CharField(
        label=_("银行账号"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, duties: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["duty"].choices = [("", "—")] + [(str(k), v) for k, v in (duties or [])]  # type: ignore[attr-defined]
        for i in range(self.LINES):
            self.fields[f"item_{i}"] = forms.ChoiceField(
                label=_("费用项目"), choices=[c for c in Item.choices if c[0] != Item.DUTY], required=False
            )
            self.fields[f"amount_{i}"] = forms.DecimalField(label=_("金额（元）"), required=False, **MONEY)
            self.fields[f"quantity_{i}"] = forms.DecimalField(
                label=_("数量（趟/晚/天）"),
                required=False,
                min_value=Decimal("0.5"),
                max_value=Decimal(60),
                decimal_places=1,
                initial=1,
            )
            self.fields[f"reason_{i}"] = forms.CharField(
                label=_("超标准理由"), max_length=255, required=False
            )

    def line_rows(self) -> list[list[Any]]:
        return [
            [self[f"item_{i}"], self[f"amount_{i}"], self[f"quantity_{i}"], self[f"reason_{i}"]]
            for i in range(self.LINES)
        ]

    def lines(self) -> list[dict[str, Any]]:
        out = []
        for i in range(self.LINES):
            amount = self.cleaned_data.get(f"amount_{i}")
            if amount is None:
                continue
            out.append(
                {
                    "item": self.cleaned_data.get(f"item_{i}") or Item.TRAVEL,
                    "amount": amount,
                    "quantity": self.cleaned_data.get(f"quantity_{i}") or Decimal(1),
                    "reason": self.cleaned_data.get(f"reason_{i}") or "",
                }
            )
        return out


PLAN_KINDS: list[tuple[str, Any]] = [*DutyKind.choices, ("training", _("培训")), ("meeting", _("会议"))]


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    note = forms.CharField(label=_("说明"), max_length=255, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, label in PLAN_KINDS:
            self.fields[f"count_{value}"] = forms.IntegerField(
                label=label, min_value=0, max_value=1000, required=False
            )
            self.fields[f"people_{value}"] = forms.IntegerField(
                label=_("每次人数"), min_value=0, max_value=50, required=False, initial=3
            )

    def kind_rows(self) -> list[tuple[Any, Any, Any]]:
        return [(label, self[f"count_{v}"], self[f"people_{v}"]) for v, label in PLAN_KINDS]

    def items(self) -> list[tuple[str, int, int]]:
        return [
            (v, self.cleaned_data.get(f"count_{v}") or 0, self.cleaned_data.get(f"people_{v}") or 0)
            for v, _label in PLAN_KINDS
        ]


class ProofForm(forms.Form):
    period_start = forms.DateField(
        label=_("期间起"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    period_end = forms.DateField(
        label=_("期间止"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    addressee = forms.CharField(label=_("致（所在单位）"), max_length=120, required=False)
    supervisor = forms.IntegerField(required=False, widget=forms.HiddenInput)
