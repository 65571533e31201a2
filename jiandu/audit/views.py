from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy

from jiandu.accounts.roles import Capability
from jiandu.audit.checkpoints import key_id, public_key_b64
from jiandu.audit.forms import AuditFilterForm
from jiandu.audit.models import AuditCheckpoint
from jiandu.audit.selectors import audit_events_filter, audit_events_visible_to
from jiandu.audit.services import audit_record, audit_seal_for_reading
from jiandu.core.permissions import require_capability
from jiandu.core.untrusted import csv_row

PAGE_SIZE = 50


@require_capability(Capability.VIEW_AUDIT)
def event_list(request: HttpRequest) -> HttpResponse:
    audit_seal_for_reading()
    form = AuditFilterForm(request.GET or None)
    events = audit_events_filter(
        audit_events_visible_to(request.user), **(form.cleaned_data if form.is_valid() else {})
    )
    # The list shows stored columns only (actor_name, role …), so no join per row: the page costs one
    # count and one select whatever its length.
    page = Paginator(events.only(*LIST_FIELDS), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/list.html", {"form": form, "page": page, "query": query.urlencode()})


LIST_FIELDS = (
    "seq",
    "occurred_at",
    "actor_name",
    "role",
    "action",
    "target_type",
    "target_repr",
    "ip",
    "outcome",
)


@require_capability(Capability.VIEW_AUDIT)
def event_detail(request: HttpRequest, seq: int) -> HttpResponse:
    event = get_object_or_404(audit_events_visible_to(request.user).select_related("organisation"), seq=seq)
    keys = sorted(set(event.before or {}) | set(event.after or {}))
    changes = [
        {
            "key": key,
            "before": json.dumps((event.before or {}).get(key), ensure_ascii=False) if event.before else "",
            "after": json.dumps((event.after or {}).get(key), ensure_ascii=False) if event.after else "",
            "changed": (event.before or {}).get(key) != (event.after or {}).get(key),
        }
        for key in keys
    ]
    return render(request, "audit/detail.html", {"event": event, "changes": changes})


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_capability(Capability.VIEW_AUDIT)
def event_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered events as CSV (UTF-8 with BOM, so Excel opens Chinese text correctly). The export
    itself is an audit event, with the filters used and the number of rows."""
    audit_seal_for_reading()
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_events_filter(audit_events_visible_to(request.user), **filters)
    count = events.count()
    audit_record(
        actor=request.user,
        action="audit.export",
        target_type="audit.auditevent",
        target_repr=f"导出审计日志 {count} 条",
        after={"filters": {k: v for k, v in filters.items() if v}, "count": count},
    )
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(EXPORT_HEADER)
        for e in events.only(*EXPORT_FIELDS).iterator(chunk_size=2000):
            # csv_row: actor names, target labels and values are user-typed (OWASP CSV injection).
            yield writer.writerow(
                csv_row(
                    [
                        "" if e.seq is None else e.seq,  # not sealed yet (deferred sealing)
                        e.occurred_at.isoformat(),
                        e.actor_name,
                        e.role,
                        e.organisation_id or "",
                        e.action,
                        e.target_type,
                        e.target_id,
                        e.target_repr,
                        json.dumps(e.before, ensure_ascii=False) if e.before is not None else "",
                        json.dumps(e.after, ensure_ascii=False) if e.after is not None else "",
                        e.ip or "",
                        e.outcome,
                        e.hash or "",
                    ]
                )
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit.csv"'
    return response


EXPORT_HEADER = [
    gettext_lazy("序号"),
    gettext_lazy("时间"),
    gettext_lazy("操作人"),
    gettext_lazy("角色"),
    gettext_lazy("单位编号"),
    gettext_lazy("操作"),
    gettext_lazy("对象类型"),
    gettext_lazy("对象编号"),
    gettext_lazy("对象"),
    gettext_lazy("修改前"),
    gettext_lazy("修改后"),
    "IP",
    gettext_lazy("结果"),
    gettext_lazy("哈希"),
]
EXPORT_FIELDS = (*LIST_FIELDS, "organisation_id", "target_id", "before", "after", "hash")


# --- public: signed checkpoints of the chain head (jiandu.audit.checkpoints) -----------------------


def _checkpoint_rows() -> list[dict[str, Any]]:
    return [
        {
            "seq": c.seq,
            "hash": c.hash,
            "at": c.at.isoformat() if hasattr(c.at, "isoformat") else str(c.at),
            "key_id": c.key_id,
            "signature": c.signature,
        }
        for c in AuditCheckpoint.objects.order_by("-seq", "-id")[:500]
    ]


@login_not_required
def checkpoints_public(request: HttpRequest) -> HttpResponse:
    """Like a transparency log's signed tree heads: anyone may fetch and keep them."""
    return render(
        request,
        "audit/checkpoints_public.html",
        {
            "checkpoints": AuditCheckpoint.objects.order_by("-seq", "-id")[:100],
            "public_key": public_key_b64(),
            "key_id": key_id(),
        },
    )


@login_not_required
def checkpoints_public_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {"algorithm": "Ed25519", "public_key": public_key_b64(), "checkpoints": _checkpoint_rows()},
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
