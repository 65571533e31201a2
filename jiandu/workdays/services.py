"""The working-day calendar as the Django apps see it: chinesecalendar plus every overlay loaded into
the database. `work_calendar(region)` is cached per process and rebuilt when an overlay is loaded
(here, or by another process: the cache key includes the table's latest change)."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext

from jiandu.audit.services import audit_record
from jiandu.rules.calendar import Overlay, OverlayError, WorkCalendar, overlay_from_dict
from jiandu.rules.notice import NoticeParse, month_grid, notice_parse
from jiandu.rules.rulebook import RulebookError, yaml_load
from jiandu.workdays.models import CalendarOverlay, CalendarRecompute

_lock = threading.Lock()
_cache: dict[tuple[str | None, Any], WorkCalendar] = {}


def _stamp() -> tuple[Any, Any]:
    agg = CalendarOverlay.objects.aggregate(n=Count("id"), latest=Max("loaded_at"))
    return agg["n"], agg["latest"]


def overlays_all() -> list[Overlay]:
    return [overlay_from_dict(row.data) for row in CalendarOverlay.objects.order_by("loaded_at", "id")]


def work_calendar(region: str | None = None) -> WorkCalendar:
    """The WorkCalendar for `region` (6-digit 行政区划代码, None = national) with all loaded overlays."""
    key = (region or None, _stamp())
    with _lock:
        calendar = _cache.get(key)
        if calendar is None:
            stale = [k for k in _cache if k[0] == key[0]]
            for k in stale:
                del _cache[k]
            calendar = WorkCalendar(overlays_all(), region=region)
            _cache[key] = calendar
        return calendar


def programme_region(programme: Any) -> str | None:
    """The 行政区划代码 whose calendar a programme's dates follow: its organisation's. The one place
    that says so (regional overlays such as 宁夏's 开斋节 apply to every programme in the region)."""
    return str(programme.organisation.region_code or "") or None


def programme_calendar(programme: Any) -> WorkCalendar:
    """The working-day calendar of the programme's region (national calendar plus its overlays)."""
    return work_calendar(programme_region(programme))


def calendar_cache_clear() -> None:
    with _lock:
        _cache.clear()


def overlay_parse(text: str) -> Overlay:
    """Parse an overlay file (YAML or JSON). Raises OverlayError with a Chinese message."""
    try:
        data = yaml_load(text)
    except RulebookError as exc:
        raise OverlayError(str(exc)) from exc
    except Exception as exc:  # yaml.YAMLError and friends: the file is not YAML at all
        raise OverlayError(gettext("日历文件无法解析：{exc}").format(exc=exc)) from exc
    return overlay_from_dict(data)


def overlay_load(*, actor: Any, overlay: Overlay) -> CalendarOverlay:
    """Store an overlay (replacing the one for the same kind, region and year), audited."""
    data = overlay.to_dict()
    digest = hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    with transaction.atomic():
        row = CalendarOverlay.objects.filter(
            kind=overlay.kind, region=overlay.region, year=overlay.year
        ).first()
        before = None if row is None else {"label": row.label, "content_hash": row.content_hash}
        if row is None:
            row = CalendarOverlay(kind=overlay.kind, region=overlay.region, year=overlay.year)
        row.label = overlay.label
        row.source = overlay.source
        row.test_data = overlay.test_data
        row.data = data
        row.content_hash = digest
        row.loaded_by = actor if getattr(actor, "is_authenticated", False) else None
        row.save()
        audit_record(
            actor=actor,
            action="calendar.overlay_load",
            target=row,
            before=before,
            after={
                "kind": overlay.kind,
                "year": overlay.year,
                "region": overlay.region,
                "label": overlay.label,
                "test_data": overlay.test_data,
                "holidays": len(overlay.holidays),
                "workdays": len(overlay.workdays),
                "content_hash": digest,
            },
        )
    transaction.on_commit(calendar_cache_clear)
    return row


def overlay_load_file(*, actor: Any, path: Path) -> CalendarOverlay:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise OverlayError(gettext("无法读取日历文件 {path}：{exc}").format(path=path, exc=exc)) from exc
    return overlay_load(actor=actor, overlay=overlay_parse(text))


# --- the notice as published text (pasted in the browser, or `jiandu calendar load FILE.txt`) -------


def notice_preview(
    *, text: str, kind: str = "national", region: str = "", year: int | None = None, test_data: bool = False
) -> NoticeParse:
    """Parse a pasted notice; nothing is written. `ok` is False with the failed lines marked."""
    region = (region or "").strip()
    if kind == "regional" and not (len(region) == 6 and region.isdigit()):
        parsed = notice_parse(text, year=year, kind=kind, region=region, test_data=test_data)
        parsed.error = gettext("地方假日须填写6位行政区划代码，例如 640000（宁夏）")
        return parsed
    return notice_parse(
        text, year=year, kind=kind, region=region if kind == "regional" else "", test_data=test_data
    )


def notice_grid(parsed: NoticeParse) -> list[dict[str, Any]]:
    """The year's month grid as it would be with this notice loaded (the preview)."""
    if parsed.year is None:
        return []
    overlays = [*overlays_all_safe(), *([parsed.overlay] if parsed.overlay else [])]
    calendar = WorkCalendar(overlays, region=parsed.region or None)
    names: dict[Any, str] = {}
    if parsed.overlay is not None:
        names.update(parsed.overlay.holidays)
        names.update(parsed.overlay.workdays)
    return month_grid(parsed.year, calendar.is_working_day, names)


def overlays_all_safe() -> list[Overlay]:
    try:
        return overlays_all()
    except OverlayError:
        return []


def notice_load(*, actor: Any, parsed: NoticeParse) -> tuple[CalendarOverlay, CalendarRecompute]:
    """Load a parsed notice. A notice with any failed line is refused: nothing is written."""
    if not parsed.ok or parsed.overlay is None or parsed.year is None:
        raise OverlayError("；".join(parsed.problems) or gettext("通知无法解析"))
    return calendar_load(actor=actor, overlay=parsed.overlay)


def calendar_load(*, actor: Any, overlay: Overlay) -> tuple[CalendarOverlay, CalendarRecompute]:
    """Store an overlay (one transaction, audited by overlay_load) and queue the recompute of every
    stored provisional date (jiandu.workdays.recompute), which starts once this commits."""
    from jiandu.workdays.tasks import calendar_recompute_task

    with transaction.atomic():
        row = overlay_load(actor=actor, overlay=overlay)
        job = CalendarRecompute.objects.create(
            overlay=row,
            year=overlay.year,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        transaction.on_commit(lambda: calendar_recompute_task.enqueue(job.pk))
    return row, job
