"""Run the service as production does: gunicorn and the background worker(s), together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

GUNICORN_CONFIG = Path(settings.BASE_DIR) / "config" / "gunicorn.py"


class Command(BaseCommand):
    help = (
        "Serve the site with gunicorn beside N background workers (the settings in use, "
        "normally config.settings.production), until SIGTERM or Ctrl+C stops them all. If "
        "any of them stops on its own, the others are stopped too and the command fails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("GUNICORN_BIND", "127.0.0.1:8000"))
        parser.add_argument("--web-workers", type=int, default=None)
        parser.add_argument("--job-workers", type=int, default=1)

    def handle(
        self, *args: Any, bind: str, web_workers: int | None, job_workers: int, **options: Any
    ) -> None:
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-c",
            str(GUNICORN_CONFIG),
            "--bind",
            bind,
        ]
        if web_workers:
            gunicorn += ["--workers", str(web_workers)]
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        self.children = [subprocess.Popen(gunicorn)]  # noqa: S603
        for number in range(job_workers):
            worker_id = f"{os.uname().nodename}-worker-{number}"
            self.children.append(
                subprocess.Popen([*manage, "run_worker", "--worker-id", worker_id])  # noqa: S603
            )
        self.stopping = False
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        failed = False
        while not self.stopping:
            time.sleep(0.5)
            if any(child.poll() is not None for child in self.children):
                # Ctrl+C reaches the children too: a stop signal may be on its way to us.
                time.sleep(0.5)
                failed = not self.stopping
                self.stopping = True
        for child in self.children:
            if child.poll() is None:
                child.terminate()
        codes = [child.wait(timeout=60) for child in self.children]
        if failed:
            sys.exit(f"A process of the service stopped on its own (exit codes {codes})")

    def stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True
