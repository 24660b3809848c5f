"""A developer's machine: `make run`. SQLite unless DATABASE_URL says otherwise."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DATABASE_URL", "sqlite:///db.sqlite3")
# Local only: production refuses to start without its own SECRET_KEY.
os.environ.setdefault("SECRET_KEY", "django-insecure-local-development-only")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

from .base import *  # noqa: F403

STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
