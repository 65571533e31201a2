"""Masked display of personal identifiers: `{% load personal %}{{ s.id_number|mask_id }}`."""

from __future__ import annotations

from django import template

from jiandu.rules.identifiers import id_number_mask, mobile_mask

register = template.Library()


@register.filter
def mask_id(value: object) -> str:
    return id_number_mask(str(value)) if value else ""


@register.filter
def mask_phone(value: object) -> str:
    return mobile_mask(str(value)) if value else ""
