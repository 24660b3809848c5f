"""The background worker: runs queued jobs, the periodic jobs, and takes back stalled ones."""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker

from jobs.runner import heartbeat, run_periodic

logger = logging.getLogger("jobs")


class Command(BaseCommand):
    help = (
        "Run the background worker: queued jobs (response imports, sample loads, access "
        "codes, invitation rounds) and the periodic ones (abandoning idle responses, "
        "deleting contact details, taking back jobs whose worker stopped, deleting expired "
        "sessions and old finished jobs). Run one or more beside the web servers; each "
        "needs a distinct --worker-id. SIGTERM lets the job running finish first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--worker-id",
            default=f"{socket.gethostname()}-{os.getpid()}"[:64],
            help="A name for this worker in the logs (default: host and process id).",
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between looks at the queue."
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run the periodic jobs and every queued job once, then stop.",
        )

    def handle(
        self, *args: Any, worker_id: str, interval: float, once: bool, **options: Any
    ) -> None:
        self.running = True
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        logger.info("Worker %s started", worker_id)
        with heartbeat(worker_id):
            self.loop(worker_id, interval=interval, once=once)
        logger.info("Worker %s stopped", worker_id)

    def loop(self, worker_id: str, *, interval: float, once: bool) -> None:
        while self.running:
            close_old_connections()
            run_periodic()
            Worker(
                queue_names=["*"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=worker_id,
                excluded_queue_names=[],
            ).run()
            if once:
                break
            time.sleep(interval)

    def stop(self, signum: int, frame: FrameType | None) -> None:
        logger.info("Worker stopping after the job it is running (signal %s)", signum)
        self.running = False
