"""Roles and what each may do (DESIGN.md, "People who use it").

One account holds exactly one role. The auditor, security admin and system admin are kept apart
(三权分立, GB/T 22239-2019 8.1.4.2): none of the three holds another's capabilities.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_noop


class Role(models.TextChoices):
    PROGRAMME_ADMIN = "programme_admin", gettext_noop("项目管理员")
    REGIONAL_STAFF = "regional_staff", gettext_noop("区县工作人员")
    AGENCY_STAFF = "agency_staff", gettext_noop("被监督单位工作人员")
    SUPERVISOR = "supervisor", gettext_noop("监督员")
    AUDITOR = "auditor", gettext_noop("审计管理员")
    SECURITY_ADMIN = "security_admin", gettext_noop("安全管理员")
    SYSTEM_ADMIN = "system_admin", gettext_noop("系统管理员")


class Capability(models.TextChoices):
    VIEW_AUDIT = "view_audit", gettext_noop("查阅审计日志")
    MANAGE_ACCOUNTS = "manage_accounts", gettext_noop("管理账号与角色")
    CONFIGURE_SYSTEM = "configure_system", gettext_noop("系统配置")
    MANAGE_PROGRAMMES = "manage_programmes", gettext_noop("管理监督项目")
    ASSIST_PROGRAMMES = "assist_programmes", gettext_noop("协助管理本区域")
    VIEW_FULL_IDENTIFIERS = "view_full_identifiers", gettext_noop("查看完整身份信息")
    REQUEST_DUTIES = "request_duties", gettext_noop("提出监督活动需求")
    ANSWER_FINDINGS = "answer_findings", gettext_noop("答复监督意见")
    ACT_AS_SUPERVISOR = "act_as_supervisor", gettext_noop("履行监督职责")


ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.PROGRAMME_ADMIN: frozenset(
        {Capability.MANAGE_PROGRAMMES, Capability.ASSIST_PROGRAMMES, Capability.VIEW_FULL_IDENTIFIERS}
    ),
    Role.REGIONAL_STAFF: frozenset({Capability.ASSIST_PROGRAMMES}),
    Role.AGENCY_STAFF: frozenset({Capability.REQUEST_DUTIES, Capability.ANSWER_FINDINGS}),
    Role.SUPERVISOR: frozenset({Capability.ACT_AS_SUPERVISOR}),
    Role.AUDITOR: frozenset({Capability.VIEW_AUDIT}),
    Role.SECURITY_ADMIN: frozenset({Capability.MANAGE_ACCOUNTS}),
    Role.SYSTEM_ADMIN: frozenset({Capability.CONFIGURE_SYSTEM}),
}

# Roles whose accounts must pass a TOTP second factor (issue #2 §6).
SECOND_FACTOR_ROLES = frozenset({Role.PROGRAMME_ADMIN, Role.AUDITOR, Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN})
SEPARATED_ROLES = frozenset({Role.AUDITOR, Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN})


def role_has(role: str, capability: str) -> bool:
    return capability in ROLE_CAPABILITIES.get(role, frozenset())
