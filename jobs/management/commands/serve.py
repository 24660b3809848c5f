"""Run the service as production does: gunicorn and the background worker(s), together,
each started again if it stops on its own."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, Final

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

GUNICORN_CONFIG = Path(settings.BASE_DIR) / "config" / "gunicorn.py"
# A process that stops on its own is started again after a delay that doubles with
# each stop in a row, up to BACKOFF_LONGEST; one that ran for STEADY_SECONDS starts
# the count again.
BACKOFF_LONGEST: Final = 60.0
STEADY_SECONDS: Final = 60.0
TICK: Final = 0.5

logger = logging.getLogger("jobs.serve")


@dataclass
class Child:
    """One process of the service, and when it is to be started again."""

    name: str
    command: list[str]
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    stops_in_a_row: int = 0
    restart_at: float | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(self.command)  # noqa: S603
        self.started_at = time.monotonic()
        self.restart_at = None
        logger.info("Started %s (pid %s)", self.name, self.process.pid)

    def stopped_on_its_own(self) -> bool:
        return (
            self.restart_at is None and self.process is not None and self.process.poll() is not None
        )

    def schedule_restart(self, first_delay: float) -> None:
        assert self.process is not None
        code = self.process.returncode
        ran = time.monotonic() - self.started_at
        self.stops_in_a_row = 1 if ran >= STEADY_SECONDS else self.stops_in_a_row + 1
        delay = min(BACKOFF_LONGEST, first_delay * 2 ** (self.stops_in_a_row - 1))
        self.restart_at = time.monotonic() + delay
        logger.warning(
            "%s stopped on its own (exit code %s, after %.0f s); starting it again in %.1f s",
            self.name.capitalize(),
            code,
            ran,
            delay,
        )


class Command(BaseCommand):
    help = (
        "Serve the site with gunicorn beside N background workers (the settings in use, "
        "normally config.settings.production), until SIGTERM or Ctrl+C stops them all. A "
        "process that stops on its own is logged and started again, after a delay that "
        "doubles with each stop in a row (up to a minute); the others keep running."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("GUNICORN_BIND", "127.0.0.1:8000"))
        parser.add_argument("--web-workers", type=int, default=None)
        parser.add_argument("--job-workers", type=int, default=1)
        parser.add_argument(
            "--restart-delay",
            type=float,
            default=1.0,
            help="Seconds before a stopped process is started again the first time.",
        )

    def handle(
        self,
        *args: Any,
        bind: str,
        web_workers: int | None,
        job_workers: int,
        restart_delay: float,
        **options: Any,
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
        children = [Child("the web servers", gunicorn)]
        for number in range(job_workers):
            worker_id = f"{os.uname().nodename}-worker-{number}"
            children.append(
                Child(f"worker {number}", [*manage, "run_worker", "--worker-id", worker_id])
            )
        self.stopping = False
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        for child in children:
            child.start()
        while not self.stopping:
            time.sleep(TICK)
            self.supervise(children, restart_delay)
        for child in children:
            if child.process is not None and child.process.poll() is None:
                child.process.terminate()
        for child in children:
            if child.process is not None:
                child.process.wait(timeout=60)
        logger.info("Stopped")

    def supervise(self, children: list[Child], restart_delay: float) -> None:
        """Note each process that stopped on its own; start again those whose time has come."""
        for child in children:
            if self.stopping:
                return
            if child.stopped_on_its_own():
                child.schedule_restart(restart_delay)
            elif child.restart_at is not None and time.monotonic() >= child.restart_at:
                child.start()

    def stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True
