"""PostgreSQL, with a cheaper health check of a reused connection.

Django's health check (CONN_HEALTH_CHECKS) asks the server `SELECT 1` before the first
query of every request: a round trip that, under load, took a fifth of a web worker's
time. A connection the server has ended (a restart, a crash, `pg_terminate_backend`)
has something to read, the server's last message or the end of the stream, while a
live idle connection has nothing. So the socket is looked at first, without waiting,
and only a connection with something to read gets Django's own check (and is replaced
if it fails it). A restart is still never seen by a request: the server ends its
connections before it can take new ones.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        if not readable:
            return True
        return bool(super().is_usable())
