"""Gunicorn's settings for `make serve` and production (each can be overridden by
the GUNICORN_* environment variables below, or by gunicorn's own options)."""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers, one per core and one more. A request here is mostly the worker's
# own CPU (profiled under the journey's load test), so more workers than that
# share the cores and lengthen the slowest requests: on the 2-core
# development machine, under the journey's load test, 3 workers kept the p99 at
# 71 to 99 ms over four runs where gunicorn's usual "two per core, plus one" gave
# 110 ms (measured before workers were forked warm, below, which steadied the runs).
# With a database far away, raise it.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
# Uploads are saved and handed to a background job; no request waits on an import.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Each worker is replaced after this many requests (a guard against slow leaks).
# The application is loaded once, in the master, and warmed there (templates
# compiled, URLs resolved: config/warmup.py), so a worker, new or replacing
# another, is a fork that answers its first request as fast as its thousandth.
# Without it each replacement took about a second to start and its first requests
# hundreds of milliseconds: under the journey's load test, where a worker reaches
# 5,000 requests in under a minute, the p99 rose from 100 ms to 200-230 ms.
# A code change therefore needs a restart of the master, not a HUP.
preload_app = True
max_requests = 5000
max_requests_jitter = 500


def when_ready(server):
    """In the master, once the application is loaded: warm it, touching no database."""
    if not server.cfg.preload_app:  # turned off on the command line: nothing loaded here
        return
    from django.db import connections

    from config.warmup import warm, warm_occupation

    server.log.info("Warmed %d templates", warm())
    server.log.info("Warmed the occupation coder in %.1f s", warm_occupation())
    connections.close_all()


def pre_fork(server, worker):
    """Freeze what the master holds out of the collector's sight, as Python's gc
    documentation advises before a fork: a worker's collections then skip it, and
    its memory pages stay shared instead of being copied on the collector's write."""
    gc.freeze()


# Access lines go through the service's own logging (JSON, secrets redacted).
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "1") == "1" else None
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "surveys.logging.RedactIdentifiers"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["redact"],
            "stream": "ext://sys.stdout",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
