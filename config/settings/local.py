"""A developer's machine: `make run`. The project's own PostgreSQL (config/postgresql/
embedded.py) unless DATABASE_URL names a server."""

import os
from pathlib import Path

import environ

from config.postgresql import embedded

# A .env file beside manage.py comes first; the defaults below fill in what it leaves out.
environ.Env.read_env(Path(__file__).resolve().parents[2] / ".env", overwrite=False)
os.environ.setdefault("DEBUG", "true")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = embedded.start()[0]
# Local only: production refuses to start without its own SECRET_KEY.
os.environ.setdefault("SECRET_KEY", "django-insecure-local-development-only")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
os.environ.setdefault("PUBLIC_BASE_URL", "http://127.0.0.1:8000")

from .base import *  # noqa: F403, E402

STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
