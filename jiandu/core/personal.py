"""Personal data (issue #2 §8; 个人信息保护法 第五十一条: encryption and access control for personal
information): validators for forms and models, lookup hashes, masks, and the one audited way to
show an identifier in full.

- 身份证号: 18 characters, GB 11643-1999 check character, a real birth date (jiandu.rules.identifiers).
- Mobile numbers: 1[3-9] + 9 digits.
- Stored encrypted (jiandu.core.fields.EncryptedTextField) with a keyed `*_lookup` hash for exact search.
- Shown masked: `{% load personal %}{{ s.id_number|mask_id }}` → 110105********002X.
- Shown in full only through `personal_reveal`, which needs Capability.VIEW_FULL_IDENTIFIERS and
  leaves a `personal.reveal` audit event (naming the field, never the value).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext

from jiandu.accounts.roles import Capability
from jiandu.audit.services import audit_record
from jiandu.core.crypto import lookup_hash
from jiandu.core.fields import EncryptedTextField
from jiandu.core.permissions import capability_require, deny
from jiandu.rules.identifiers import (
    id_number_error,
    id_number_mask,
    mobile_error,
    mobile_mask,
    normalise_id_number,
)

ID_NUMBER_KIND = "id_number"
PHONE_KIND = "phone"


def validate_id_number(value: str) -> None:
    """Model/form validator: the Chinese message from jiandu.rules.identifiers names what is wrong."""
    if value in (None, ""):
        return
    error = id_number_error(str(value), today=timezone.localdate())
    if error:
        raise ValidationError(error, code="id_number")


def validate_mobile(value: str) -> None:
    if value in (None, ""):
        return
    error = mobile_error(str(value))
    if error:
        raise ValidationError(error, code="mobile")


def id_number_lookup(value: str) -> str:
    """The keyed hash stored in `id_number_lookup` columns (same kind string as jiandu.roster)."""
    return lookup_hash(ID_NUMBER_KIND, normalise_id_number(value))


def phone_lookup(value: str) -> str:
    return lookup_hash(PHONE_KIND, value.strip())


def mask_for(field: str, value: str) -> str:
    if not value:
        return ""
    if "id_number" in field:
        return id_number_mask(value)
    if "phone" in field or "mobile" in field:
        return mobile_mask(value)
    if "bank" in field:  # bank account numbers: the last four, as on a bank statement
        return "*" * max(len(value) - 4, 4) + value[-4:]
    return "*" * len(value)


def _owning_organisation(obj: models.Model) -> Any:
    """The organisation an object belongs to, for the subtree check (Supervisor → its programme's)."""
    for path in ("organisation", "programme.organisation"):
        current: Any = obj
        for attr in path.split("."):
            current = getattr(current, attr, None)
            if current is None:
                break
        if current is not None:
            return current
    return None


def personal_reveal(*, actor: Any, obj: models.Model, field: str) -> str:
    """The plaintext of an encrypted identifier, for someone allowed to see it; audited either way.

    Refusals raise PermissionDenied (403) after a `permission.denied` event: without
    VIEW_FULL_IDENTIFIERS, or when the object lies outside the actor's organisation subtree.
    """
    model_field = obj._meta.get_field(field)
    if not isinstance(model_field, EncryptedTextField):
        raise ValueError(
            gettext("{label}.{field} 不是加密的个人信息字段").format(label=obj._meta.label, field=field)
        )
    action = "personal.reveal"
    capability_require(actor, Capability.VIEW_FULL_IDENTIFIERS, action=action, target=obj)
    org = _owning_organisation(obj)
    scope = getattr(actor, "organisation", None)
    if org is not None and (scope is None or not org.is_within(scope)):
        raise deny(actor, action=action, reason=gettext("对象不在本单位管辖范围内"), target=obj)
    value: str = getattr(obj, field) or ""
    audit_record(
        actor=actor, action=action, target=obj, after={"field": field, "masked": mask_for(field, value)}
    )
    return value
