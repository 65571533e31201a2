"""The navigation each role sees. One list, so what a role can reach is reviewable in one place;
each entry names the capability it needs (jiandu.accounts.roles)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jiandu.accounts.roles import Capability


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    capability: str | None = None  # None: every signed-in account


NAV: tuple[NavItem, ...] = (
    NavItem(_("工作台"), "core:dashboard"),
    NavItem(_("组织机构"), "orgs:list", Capability.ASSIST_PROGRAMMES),
    NavItem(_("监督员名册"), "roster:programmes", Capability.ASSIST_PROGRAMMES),
    NavItem(_("统计报表"), "reports:index", Capability.ASSIST_PROGRAMMES),
    NavItem(_("知识库"), "knowledge:index", Capability.ASSIST_PROGRAMMES),
    NavItem(_("知识库"), "knowledge:index", Capability.ACT_AS_SUPERVISOR),
    NavItem(_("知识库"), "knowledge:index", Capability.ANSWER_FINDINGS),
    NavItem(_("我的信息"), "roster:me", Capability.ACT_AS_SUPERVISOR),
    NavItem(_("审计日志"), "audit:list", Capability.VIEW_AUDIT),
    NavItem(_("账号管理"), "accounts:manage", Capability.MANAGE_ACCOUNTS),
    NavItem(_("系统配置"), "core:system", Capability.CONFIGURE_SYSTEM),
    NavItem(_("监督意见"), "findings:list", Capability.ACT_AS_SUPERVISOR),
    NavItem(_("监督意见"), "findings:list", Capability.ASSIST_PROGRAMMES),
    NavItem(_("监督意见"), "findings:list", Capability.ANSWER_FINDINGS),
    NavItem(_("监督活动"), "duties:list", Capability.REQUEST_DUTIES),
    NavItem(_("监督活动"), "duties:list", Capability.ASSIST_PROGRAMMES),
    NavItem(_("我的履职"), "duties:mine", Capability.ACT_AS_SUPERVISOR),
    NavItem(_("狱务案件"), "casework:list", Capability.REQUEST_DUTIES),
    NavItem(_("狱务案件"), "casework:list", Capability.ASSIST_PROGRAMMES),
    NavItem(_("列席案件"), "casework:list", Capability.ACT_AS_SUPERVISOR),
    NavItem(_("培训"), "training:list", Capability.ASSIST_PROGRAMMES),
    NavItem(_("我的培训"), "training:mine", Capability.ACT_AS_SUPERVISOR),
    NavItem(_("补助与报销"), "allowances:index", Capability.ASSIST_PROGRAMMES),
    NavItem(_("补助与报销"), "allowances:mine", Capability.ACT_AS_SUPERVISOR),
    NavItem(_("活动计划"), "allowances:plan_new", Capability.REQUEST_DUTIES),
    NavItem(_("接口令牌"), "integrations:tokens", Capability.REQUEST_DUTIES),
    NavItem(_("接口令牌"), "integrations:tokens", Capability.MANAGE_PROGRAMMES),
    NavItem(_("台账与考核"), "assessment:list", Capability.ASSIST_PROGRAMMES),
    NavItem(_("我的考核"), "assessment:mine", Capability.ACT_AS_SUPERVISOR),
    NavItem(_("消息"), "notifications:inbox"),
    NavItem(_("修改密码"), "accounts:password_change"),
)


def nav_for(user: object) -> list[dict[str, str]]:
    allowed = tuple(
        item.capability is None or user.can(item.capability)  # type: ignore[attr-defined]
        for item in NAV
    )
    # Every page draws the menu: the items of one set of capabilities, in one language, under one URL
    # configuration are the same on every request, so they are built once (reverse() is ~30 URL
    # resolutions) and shared, not rebuilt per page view.
    key = (allowed, get_language(), settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    items = _NAV_CACHE.get(key)
    if items is None:
        items = _nav_build(allowed)
        if len(_NAV_CACHE) > 256:  # a bound, in case URL configurations keep changing (tests)
            _NAV_CACHE.clear()
        _NAV_CACHE[key] = items
    return [dict(item) for item in items]


_NAV_CACHE: dict[tuple[object, ...], list[dict[str, str]]] = {}


def _nav_build(allowed: tuple[bool, ...]) -> list[dict[str, str]]:
    items = []
    for item, ok in zip(NAV, allowed, strict=True):
        if not ok:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue  # a part not built yet stays out of the menu rather than breaking every page
        items.append({"label": str(item.label), "url": url, "url_name": item.url_name})
    return items
