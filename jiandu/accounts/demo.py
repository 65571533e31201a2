"""Demo accounts, one or more for every role (printed by `make run`)."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from jiandu.accounts.models import User
from jiandu.accounts.otp import DEMO_DEVICE_NAME, demo_key
from jiandu.accounts.roles import SECOND_FACTOR_ROLES, Role
from jiandu.accounts.services import user_create
from jiandu.core.demo import DEMO_PASSWORD

# username, role, organisation key, full name
ACCOUNTS: tuple[tuple[str, str, str, str], ...] = (
    ("sysadmin", Role.SYSTEM_ADMIN, "platform", "系统管理员 赵工"),
    ("security", Role.SECURITY_ADMIN, "platform", "安全管理员 钱工"),
    ("auditor", Role.AUDITOR, "platform", "审计管理员 孙工"),
    ("shanxi_admin", Role.PROGRAMME_ADMIN, "shanxi_prisons", "李明（山西省监狱管理局）"),
    ("weihai_admin", Role.PROGRAMME_ADMIN, "weihai_justice", "王芳（威海市司法局）"),
    ("wanzhou_admin", Role.PROGRAMME_ADMIN, "wanzhou_justice", "陈刚（万州区司法局）"),
    ("ningxia_admin", Role.PROGRAMME_ADMIN, "ningxia_prisons", "马丽（宁夏监狱管理局）"),
    ("huancui_staff", Role.REGIONAL_STAFF, "huancui_justice", "周强（环翠区司法局）"),
    ("weihai_procurator", Role.AGENCY_STAFF, "weihai_procuratorate", "吴静（威海市人民检察院）"),
    ("wanzhou_market_staff", Role.AGENCY_STAFF, "wanzhou_market", "郑伟（万州区市场监管局）"),
    # Asks the Weihai administrative programme for supervisors and answers its opinions.
    ("weihai_market_staff", Role.AGENCY_STAFF, "weihai_market", "孙丽（威海市市场监管局）"),
    ("taiyuan_prison_staff", Role.AGENCY_STAFF, "taiyuan_prison", "冯军（太原第一监狱）"),
    ("yinchuan_prison_staff", Role.AGENCY_STAFF, "yinchuan_prison", "杨帆（银川监狱刑罚执行科）"),
    ("shizuishan_prison_staff", Role.AGENCY_STAFF, "shizuishan_prison", "何涛（石嘴山监狱）"),
    ("ningxia_supervisor", Role.SUPERVISOR, "ningxia_prisons", "马文"),
    ("weihai_supervisor", Role.SUPERVISOR, "weihai_justice", "刘洋"),
    # Supervisors of the Shanxi and Wanzhou programmes (linked to their roster by jiandu.roster.demo).
    ("shanxi_supervisor", Role.SUPERVISOR, "shanxi_prisons", "山西 执法监督员"),
    ("wanzhou_supervisor", Role.SUPERVISOR, "wanzhou_justice", "万州 行政执法监督员"),
)


def build(world) -> None:  # type: ignore[no-untyped-def]
    for username, role, org_key, full_name in ACCOUNTS:
        user = User.objects.filter(username=username).first() or user_create(
            actor=None,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            organisation=world.orgs[org_key],
            full_name=full_name,
        )
        world.users[username] = user
        if user.needs_second_factor:
            demo_totp_enrol(user)
        world.accounts.append(
            {
                "username": username,
                "role": user.get_role_display(),
                "organisation": str(world.orgs[org_key]),
                "totp": "yes" if role in SECOND_FACTOR_ROLES else "",
            }
        )


def demo_totp_enrol(user: User) -> TOTPDevice:
    """A confirmed TOTP device with the deterministic demo key, so `jiandu demo_totp USERNAME` can print
    the code (demo accounts only; idempotent: the same device is kept, its key put back if changed)."""
    key = demo_key(user.username)
    device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME).first()
    if device is None:
        return TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, key=key, confirmed=True)
    if device.key != key or not device.confirmed:
        device.key, device.confirmed = key, True
        device.save(update_fields=["key", "confirmed"])
    return device


def is_demo_account(username: str) -> bool:
    return any(username == row[0] for row in ACCOUNTS)
