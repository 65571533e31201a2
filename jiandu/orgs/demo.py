"""Demo organisations: the bureaus, prisons, procuratorates and agencies of the five regulations
(../shared/regulations), under one platform root."""

from __future__ import annotations

import hashlib

from jiandu.orgs.models import Level, Organisation, OrgKind
from jiandu.orgs.services import organisation_create
from jiandu.rules.identifiers import USCC_ALPHABET, uscc_check_char

# key, name, kind, level, region code, parent key
TREE: tuple[tuple[str, str, str, str, str, str | None], ...] = (
    ("platform", "监督平台运维中心", OrgKind.OTHER, Level.NATIONAL, "100000", None),
    ("shanxi_justice", "山西省司法厅", OrgKind.JUSTICE_BUREAU, Level.PROVINCE, "140000", "platform"),
    (
        "shanxi_prisons",
        "山西省监狱管理局",
        OrgKind.PRISON_ADMINISTRATION,
        Level.PROVINCE,
        "140000",
        "shanxi_justice",
    ),
    ("taiyuan_prison", "山西省太原第一监狱", OrgKind.PRISON, Level.CITY, "140100", "shanxi_prisons"),
    ("jinzhong_prison", "山西省晋中监狱", OrgKind.PRISON, Level.CITY, "140700", "shanxi_prisons"),
    ("shandong_justice", "山东省司法厅", OrgKind.JUSTICE_BUREAU, Level.PROVINCE, "370000", "platform"),
    ("weihai_justice", "威海市司法局", OrgKind.JUSTICE_BUREAU, Level.CITY, "371000", "shandong_justice"),
    (
        "huancui_justice",
        "威海市环翠区司法局",
        OrgKind.JUSTICE_BUREAU,
        Level.DISTRICT,
        "371002",
        "weihai_justice",
    ),
    (
        "wendeng_justice",
        "威海市文登区司法局",
        OrgKind.JUSTICE_BUREAU,
        Level.DISTRICT,
        "371003",
        "weihai_justice",
    ),
    ("rongcheng_justice", "荣成市司法局", OrgKind.JUSTICE_BUREAU, Level.DISTRICT, "371082", "weihai_justice"),
    ("rushan_justice", "乳山市司法局", OrgKind.JUSTICE_BUREAU, Level.DISTRICT, "371083", "weihai_justice"),
    (
        "weihai_procuratorate",
        "威海市人民检察院",
        OrgKind.PROCURATORATE,
        Level.CITY,
        "371000",
        "weihai_justice",
    ),
    (
        "huancui_procuratorate",
        "威海市环翠区人民检察院",
        OrgKind.PROCURATORATE,
        Level.DISTRICT,
        "371002",
        "huancui_justice",
    ),
    (
        "wendeng_procuratorate",
        "威海市文登区人民检察院",
        OrgKind.PROCURATORATE,
        Level.DISTRICT,
        "371003",
        "wendeng_justice",
    ),
    (
        "weihai_market",
        "威海市市场监督管理局",
        OrgKind.ENFORCEMENT_AGENCY,
        Level.CITY,
        "371000",
        "weihai_justice",
    ),
    (
        "weihai_ecology",
        "威海市生态环境局",
        OrgKind.ENFORCEMENT_AGENCY,
        Level.CITY,
        "371000",
        "weihai_justice",
    ),
    (
        "weihai_urban",
        "威海市综合行政执法局",
        OrgKind.ENFORCEMENT_AGENCY,
        Level.CITY,
        "371000",
        "weihai_justice",
    ),
    ("chongqing_justice", "重庆市司法局", OrgKind.JUSTICE_BUREAU, Level.PROVINCE, "500000", "platform"),
    (
        "wanzhou_justice",
        "重庆市万州区司法局",
        OrgKind.JUSTICE_BUREAU,
        Level.DISTRICT,
        "500101",
        "chongqing_justice",
    ),
    (
        "wanzhou_market",
        "重庆市万州区市场监督管理局",
        OrgKind.ENFORCEMENT_AGENCY,
        Level.DISTRICT,
        "500101",
        "wanzhou_justice",
    ),
    (
        "wanzhou_urban",
        "重庆市万州区城市管理局",
        OrgKind.ENFORCEMENT_AGENCY,
        Level.DISTRICT,
        "500101",
        "wanzhou_justice",
    ),
    (
        "wanzhou_transport",
        "重庆市万州区交通运输局",
        OrgKind.ENFORCEMENT_AGENCY,
        Level.DISTRICT,
        "500101",
        "wanzhou_justice",
    ),
    ("ningxia_justice", "宁夏回族自治区司法厅", OrgKind.JUSTICE_BUREAU, Level.PROVINCE, "640000", "platform"),
    (
        "ningxia_prisons",
        "宁夏回族自治区监狱管理局",
        OrgKind.PRISON_ADMINISTRATION,
        Level.PROVINCE,
        "640000",
        "ningxia_justice",
    ),
    ("yinchuan_prison", "宁夏回族自治区银川监狱", OrgKind.PRISON, Level.CITY, "640100", "ningxia_prisons"),
    (
        "shizuishan_prison",
        "宁夏回族自治区石嘴山监狱",
        OrgKind.PRISON,
        Level.CITY,
        "640200",
        "ningxia_prisons",
    ),
    (
        "ningxia_court",
        "宁夏回族自治区银川市中级人民法院",
        OrgKind.COURT,
        Level.CITY,
        "640100",
        "ningxia_justice",
    ),
)


def demo_uscc(key: str, region_code: str) -> str:
    """A checksum-valid 统一社会信用代码 for a demo organisation ("11" = 机关, then the region)."""
    digest = hashlib.sha256(key.encode()).digest()
    body = "".join(USCC_ALPHABET[b % 10] for b in digest[:8]) + USCC_ALPHABET[digest[8] % 31]
    first17 = "11" + region_code + body
    return first17 + uscc_check_char(first17)


def build(world) -> None:  # type: ignore[no-untyped-def]
    for key, name, kind, level, region, parent_key in TREE:
        parent = world.orgs.get(parent_key) if parent_key else None
        existing = Organisation.objects.filter(name=name, parent=parent).first()
        world.orgs[key] = existing or organisation_create(
            actor=None,
            name=name,
            kind=kind,
            level=level,
            region_code=region,
            parent=parent,
            uscc=demo_uscc(key, region),
        )
