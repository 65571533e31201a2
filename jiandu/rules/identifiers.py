"""Checksums of Chinese personal and organisation identifiers.

- 公民身份号码: GB 11643-1999 (ISO 7064 MOD 11-2), 18 characters, birth date at positions 7–14.
- 统一社会信用代码: GB 32100-2015, 18 characters over a 31-symbol alphabet, MOD 31 check.
- Mobile numbers: mainland 11 digits, 1[3-9] then nine digits.

Each check returns a Chinese message naming what is wrong, or None when the value is valid.
"""

from __future__ import annotations

import datetime as dt
import re

ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
ID_CHECK_CHARS = "10X98765432"

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z (GB 32100-2015 表1)
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

MOBILE_RE = re.compile(r"1[3-9]\d{9}")

# First two digits of the address code (GB/T 2260 provinces; 71 台湾, 81 香港, 82 澳门, 83 the residence
# permit for Taiwan residents, 91 the 2023 foreigners' permanent residence card). "000000" names no
# place of household registration. (A bare province code such as "140000" is left to the checksum:
# old cards issued at province level exist.)
ID_PROVINCES = frozenset(
    {
        *map(str, (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46)),
        *map(str, (50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91)),
    }
)


def normalise_id_number(value: str) -> str:
    return value.strip().upper()


def id_number_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def id_number_birth_date(value: str) -> dt.date:
    """The birth date encoded in a (valid) 身份证号."""
    value = normalise_id_number(value)
    return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def id_number_error(value: str, *, today: dt.date | None = None) -> str | None:
    value = normalise_id_number(value)
    if len(value) != 18:
        return f"身份证号应为18位，当前为{len(value)}位"
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return "身份证号前17位应为数字，最后一位为数字或X"
    if value[:2] not in ID_PROVINCES:
        return f"身份证号前6位地区码{value[:6]}不是有效的行政区划代码（GB/T 2260）"
    try:
        born = id_number_birth_date(value)
    except ValueError:
        return f"身份证号中的出生日期{value[6:14]}不是有效日期"
    if born.year < 1900 or (today is not None and born > today):
        return f"身份证号中的出生日期{born.isoformat()}不合理"
    expected = id_number_check_char(value[:17])
    if value[17] != expected:
        return "身份证号校验码不正确（GB 11643-1999）"
    return None


def id_number_mask(value: str) -> str:
    """110105********002X: the region code and the last four stay, the birth date is hidden."""
    value = normalise_id_number(value)
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_error(value: str) -> str | None:
    value = value.strip().upper()
    if len(value) != 18:
        return f"统一社会信用代码应为18位，当前为{len(value)}位"
    bad = sorted({c for c in value if c not in USCC_ALPHABET})
    if bad:
        return f"统一社会信用代码含有不允许的字符：{''.join(bad)}"
    if not value[2:8].isdigit():
        return "统一社会信用代码第3至8位应为行政区划码（数字）"
    if value[17] != uscc_check_char(value[:17]):
        return "统一社会信用代码校验码不正确（GB 32100-2015）"
    return None


def mobile_error(value: str) -> str | None:
    if not MOBILE_RE.fullmatch(value.strip()):
        return "手机号码应为11位数字，以13至19开头"
    return None


def mobile_mask(value: str) -> str:
    value = value.strip()
    return value[:3] + "****" + value[-4:] if len(value) == 11 else "*" * len(value)
