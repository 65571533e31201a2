"""Shared helpers for the `rules` and `calendar` management commands: JSON out, clear errors in."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError

from jiandu.rules.rulebook import RulebookError, UnknownRulebook, load_rulebook_from, yaml_load


def to_json(value: Any) -> str:
    return json.dumps(
        value,
        ensure_ascii=False,
        indent=2,
        default=lambda v: v.isoformat() if isinstance(v, dt.date) else str(v),
    )


def parse_date(value: str, label: str = "日期") -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CommandError(f"{label}“{value}”无效，应为 YYYY-MM-DD") from None


def parse_count(value: str, label: str = "天数") -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise CommandError(f"{label}“{value}”应为整数") from None
    if n < 0:
        raise CommandError(f"{label}不能为负数")
    return n


def rulebook_root() -> Path:
    return Path(settings.JIANDU_RULEBOOK_DIR)


def rulebook_get(rulebook_id: str) -> Any:
    """Load fresh from disk (a command sees edits at once); errors as CommandError."""
    root = rulebook_root()
    if not rulebook_id or "/" in rulebook_id or rulebook_id.startswith("."):
        raise CommandError(f"规则编号“{rulebook_id}”无效")
    try:
        return load_rulebook_from(root / rulebook_id, root=root)
    except UnknownRulebook:
        raise CommandError(
            f"找不到规则“{rulebook_id}”（在 {root} 下）；可用 jiandu rules list 查看"
        ) from None
    except RulebookError as exc:
        raise CommandError(f"规则“{rulebook_id}”无法载入：{exc}") from None


def read_data_file(path: str, what: str) -> Any:
    """A JSON or YAML file (JSON is YAML); '-' reads stdin."""
    import sys

    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"无法读取{what}文件 {path}：{exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    try:
        return yaml_load(text)
    except Exception as exc:
        raise CommandError(f"{what}文件 {path} 不是有效的 JSON 或 YAML：{exc}") from None
