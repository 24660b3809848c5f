"""A developer's machine: `make run`. SQLite unless DATABASE_URL says otherwise."""

import os
from pathlib import Path

import environ

# A .env file beside manage.py comes first; the defaults below fill in what it leaves out.
environ.Env.read_env(Path(__file__).resolve().parents[2] / ".env", overwrite=False)
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DATABASE_URL", "sqlite:///db.sqlite3")
# Local only: production refuses to start without its own SECRET_KEY.
os.environ.setdefault("SECRET_KEY", "django-insecure-local-development-only")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
os.environ.setdefault("PUBLIC_BASE_URL", "http://127.0.0.1:8000")

from .base import *  # noqa: F403, E402

STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # The background worker and the web server share the file: wait for each other's
    # writes rather than fail, and let readers read while one writes.
    # CaseTally's unique constraint treats nulls as equal, which SQLite cannot do; on
    # SQLite that table is not used (the selectors count the cases themselves).
    SILENCED_SYSTEM_CHECKS = ["models.W047"]
    DATABASES["default"]["OPTIONS"] = {  # noqa: F405
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL;",
    }
