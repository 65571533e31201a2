"""Model fields for personal identifiers.

`EncryptedTextField` stores ciphertext and gives back plaintext in Python. A model that must find a
person by 身份证号 adds a companion `*_lookup` CharField filled with `lookup_hash()`.
Display code never prints the plaintext directly: it uses the masks in jiandu.rules.identifiers, and
full display goes through a service that checks the permission and writes an audit event.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext

from jiandu.core.crypto import decrypt, encrypt


class EncryptedTextField(models.TextField):
    description = "encrypted text"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt(value)

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        # Ciphertext is randomised, so equality on it is meaningless; search the *_lookup hash instead.
        if lookup_name not in {"isnull"}:
            raise TypeError(
                gettext("加密字段不支持 {lookup_name} 查询，请使用对应的 *_lookup 哈希字段").format(
                    lookup_name=lookup_name
                )
            )
        return super().get_lookup(lookup_name)
