"""`jiandu demo`: build (or top up) the demo world and print the demo accounts, grouped by programme,
each with what to try first."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from jiandu.core.demo import DEMO_PASSWORD, demo_build

# Programme groups, in the order printed, and for each account what a newcomer should try first.
GROUPS = (
    ("platform", "平台 · 三权分立 Platform"),
    ("shanxi", "山西省监狱管理局 执法监督员 · shanxi-prison-2023"),
    (
        "weihai_people",
        "威海市人民监督员 · weihai-people-2024（上位：人民监督员选任管理办法 national-people-2021）",
    ),
    ("weihai_admin", "威海市行政执法社会监督员 · weihai-admin-2022"),
    ("wanzhou", "万州区行政执法监督员 · wanzhou-admin-2024"),
    ("ningxia", "宁夏监狱管理局 执法规范化 · ningxia-prison-2020"),
)
GUIDE: dict[str, tuple[str, str]] = {
    "sysadmin": ("platform", "/system/：定时任务、规则集校验、工作日历"),
    "security": ("platform", "/accounts/manage/：账号与角色"),
    "auditor": ("platform", "/audit/：审计日志及其哈希链"),
    "shanxi_admin": ("shanxi", "监督员名册 → 发布聘任公告（提前一个月）；监督意见：分办、核验销号"),
    "taiyuan_prison_staff": ("shanxi", "监督意见：答复转来的意见、报送整改；监督活动：上月评审会"),
    "shanxi_supervisor": ("shanxi", "手机上“我的信息”：报告工作单位变动、申请辞聘"),
    "weihai_admin": ("weihai_people", "监督活动：设定答复期限、抽选、发送邀请、显示电话"),
    "huancui_staff": ("weihai_people", "本区域的名册和监督活动"),
    "weihai_procurator": ("weihai_people", "监督活动 → 提出需求；活动后填写反馈表"),
    "weihai_supervisor": ("weihai_people", "手机上“我的履职”：接受或谢绝邀请"),
    "weihai_finance": ("weihai_people", "补助与报销：审核王芳制表的发放表、复审超标准的报销"),
    "weihai_market_staff": ("weihai_admin", "监督意见：逾期待答复的意见；监督活动：即将举行的检查"),
    "weihai_social_supervisor": ("weihai_admin", "监督意见：提出意见并跟踪答复"),
    "wanzhou_admin": ("wanzhou", "监督员名册 → 两次缺席的解聘建议；聘任公示"),
    "wanzhou_market_staff": ("wanzhou", "监督活动：登记出席情况"),
    "wanzhou_supervisor": ("wanzhou", "手机上“我的信息”和“我的履职”"),
    "ningxia_admin": ("ningxia", "监督员名册 → 本项目；案件办理；监督意见：分办"),
    "yinchuan_prison_staff": ("ningxia", "案件办理：减刑、假释的五级审查；监督意见：答复转来的意见"),
    "shizuishan_prison_staff": ("ningxia", "案件办理"),
    "ningxia_supervisor": ("ningxia", "手机上“我的履职”：评审会议邀请"),
}


class Command(BaseCommand):
    help = "生成演示数据并列出演示账号（可重复执行）"

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            world = demo_build()
        self.stdout.write(f"\n演示账号 Demo accounts (password 密码: {DEMO_PASSWORD})\n")
        width = max((len(a["username"]) for a in world.accounts), default=10)
        labels = dict(GROUPS)
        grouped: dict[str, list[dict[str, str]]] = {key: [] for key, _ in GROUPS}
        for account in world.accounts:
            group = GUIDE.get(account["username"], ("other", ""))[0]
            grouped.setdefault(group, []).append(account)
        for group, accounts in grouped.items():
            if not accounts:
                continue
            self.stdout.write(self.style.MIGRATE_HEADING(f"\n{labels.get(group, '其他 Other')}"))
            for account in accounts:
                line = f"  {account['username']:<{width}}  {account['role']:<10}  {account['organisation']}"
                if account.get("totp"):
                    line += f"   TOTP: jiandu demo_totp {account['username']}"
                self.stdout.write(line)
                hint = GUIDE.get(account["username"], ("", ""))[1]
                if hint:
                    self.stdout.write(f"  {'':<{width}}  → {hint}")
        for note in world.extra.get("notes", []):
            self.stdout.write(self.style.WARNING(note))
        self.stdout.write("")
