"""`jiandu demo_totp USERNAME`: the current TOTP code of a demo account (for trying the demo without
an authenticator app). Refuses anything that is not a demo account with its demo device."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiandu.accounts.demo import is_demo_account
from jiandu.accounts.models import User
from jiandu.accounts.otp import DEMO_DEVICE_NAME, demo_key


class Command(BaseCommand):
    help = "显示演示账号当前的动态口令（仅限演示账号）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("生产环境不提供演示口令")
        if not is_demo_account(username):
            raise CommandError(f"{username} 不是演示账号，不能显示动态口令")
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"演示账号 {username} 尚未创建（请先运行 jiandu demo）")
        if not user.needs_second_factor:
            raise CommandError(f"{username} 的角色只用密码登录，不需要动态口令")
        device = TOTPDevice.objects.filter(
            user__username=username, name=DEMO_DEVICE_NAME, confirmed=True, key=demo_key(username)
        ).first()
        if device is None:
            raise CommandError(f"演示账号 {username} 没有演示用的动态口令设备（请先运行 jiandu demo）")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
