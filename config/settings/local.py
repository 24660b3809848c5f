"""A developer's machine: `make run`. SQLite unless DATABASE_URL says otherwise."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DATABASE_URL", "sqlite:///db.sqlite3")
# Local only: production refuses to start without its own SECRET_KEY.
os.environ.setdefault("SECRET_KEY", "django-insecure-local-development-only")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
os.environ.setdefault("PUBLIC_BASE_URL", "http://127.0.0.1:8000")

from .base import *  # noqa: F403

STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # The background worker and the web server share the file: wait for each other's
    # writes rather than fail, and let readers read while one writes.
    DATABASES["default"]["OPTIONS"] = {  # noqa: F405
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL;",
    }
