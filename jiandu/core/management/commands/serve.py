"""`jiandu serve`: the development site with its background task worker, as `make run` starts it."""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "启动开发服务器及后台任务进程 (development server plus the task worker)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-worker", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        # The autoreloader re-runs this command in a child with RUN_MAIN set; only the parent starts
        # the worker, so there is exactly one.
        if not options["no_worker"] and os.environ.get("RUN_MAIN") != "true":
            worker = subprocess.Popen(
                [sys.executable, "-m", "jiandu", "db_worker", "--queue-name", "*", "--interval", "2"]
            )
            atexit.register(worker.terminate)
            self.stdout.write(f"后台任务进程已启动 (task worker pid {worker.pid})")
            call_command("schedule")  # recurring jobs (jiandu.core.recurring); idempotent
        call_command("runserver", f"{options['host']}:{options['port']}")
