"""`jiandu programme list [--json]`: the programmes, with id, name, rulebook and organisation."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jiandu.roster.models import Programme, SupervisorStatus


class Command(BaseCommand):
    help = "监督项目 (programmes): list"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="列出监督项目")
        listing.add_argument("--json", action="store_true", help="JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        rows: list[dict[str, Any]] = [
            {
                "id": p.pk,
                "name": p.name,
                "kind": p.kind,
                "rulebook": p.rulebook_id,
                "organisation": {"id": p.organisation_id, "name": p.organisation.name},
                "active_supervisors": p.supervisors.filter(status=SupervisorStatus.ACTIVE).count(),
                "is_active": p.is_active,
            }
            for p in Programme.objects.select_related("organisation").order_by("id")
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for r in rows:
            self.stdout.write(
                f"{r['id']:>4}  {r['name']}  [{r['rulebook']}]  {r['organisation']['name']}  在任{r['active_supervisors']}人"
            )
