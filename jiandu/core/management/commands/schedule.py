"""`jiandu schedule`: start every recurring background job (idempotent; `jiandu serve` runs it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from jiandu.core.recurring import recurring_start_all


class Command(BaseCommand):
    help = "启动周期性后台任务（监督意见期限扫描、任期届满自然解聘），可重复执行"

    def handle(self, *args: Any, **options: Any) -> None:
        recurring_start_all(self.stdout.write)
