"""`jiandu demo`: build (or top up) the demo world and print the demo accounts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from jiandu.core.demo import DEMO_PASSWORD, demo_build


class Command(BaseCommand):
    help = "生成演示数据并列出演示账号（可重复执行）"

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            world = demo_build()
        self.stdout.write(f"\n演示账号 Demo accounts (password 密码: {DEMO_PASSWORD})\n")
        width = max((len(a["username"]) for a in world.accounts), default=10)
        for account in world.accounts:
            line = f"  {account['username']:<{width}}  {account['role']:<10}  {account['organisation']}"
            if account.get("totp"):
                line += f"   TOTP: jiandu demo_totp {account['username']}"
            self.stdout.write(line)
        for note in world.extra.get("notes", []):
            self.stdout.write(self.style.WARNING(note))
        self.stdout.write("")
