"""The URL a child process of the suite is given to reach the suite's own server."""

from __future__ import annotations

from urllib.parse import quote

from django.db import connection


def database_url(name: str | None = None) -> str:
    """A URL of the database `name` (by default the suite's own) on the suite's server,
    reached as the suite reaches it: by TCP, or through a Unix socket's directory (the
    embedded server's)."""
    settings_dict = connection.settings_dict
    user, host, port = settings_dict["USER"], settings_dict["HOST"], settings_dict["PORT"]
    database = quote(name or settings_dict["NAME"])
    if host.startswith("/"):
        return f"postgres://{user}@/{database}?host={quote(host)}" + (
            f"&port={port}" if port else ""
        )
    return f"postgres://{user}@{host}:{port or 5432}/{database}"
