"""SMS delivery behind a tiny interface, chosen by settings.JIANDU_SMS_BACKEND.

A provider is plugged in by writing a class with `send(phone, text)` and naming it in the setting
(e.g. a subclass that calls the provider's HTTP API); nothing else in Jiandu knows which one runs.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from typing import ClassVar, TextIO

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from jiandu.rules.identifiers import mobile_mask


class BaseSmsBackend:
    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """Development default: prints the message, with the number masked so a shared terminal or a
    captured log does not collect phone numbers."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def send(self, phone: str, text: str) -> None:
        stream = self.stream or sys.stdout
        stream.write(
            gettext("[短信 SMS] {mobile_mask}: {text}\n").format(mobile_mask=mobile_mask(phone), text=text)
        )
        stream.flush()


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str


class MemorySmsBackend(BaseSmsBackend):
    """Tests: keeps every message in `MemorySmsBackend.outbox` (like Django's locmem mail outbox)."""

    outbox: ClassVar[list[SmsMessage]] = []

    def send(self, phone: str, text: str) -> None:
        type(self).outbox.append(SmsMessage(phone=phone, text=text))


@cache
def _backend_class(path: str) -> type[BaseSmsBackend]:
    return import_string(path)  # type: ignore[no-any-return]


def get_sms_backend() -> BaseSmsBackend:
    path = getattr(settings, "JIANDU_SMS_BACKEND", "jiandu.notifications.sms.ConsoleSmsBackend")
    return _backend_class(path)()


def sms_send(phone: str, text: str) -> None:
    get_sms_backend().send(phone, text)
