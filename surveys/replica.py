"""Where the analysis reads go: a read replica, when the service has one.

With ANALYSIS_DATABASE_URL set, the settings add the `analysis` database (a streaming
replica of the primary, say), and the analysis area's heavy reads (the tables'
tallies, the microdata, survey summaries, comparisons) are made there, leaving the
primary to the respondents and interviewers. Everything else, and every write, uses
the primary. A replica is a moment behind the primary: a response completed a second
ago may not be in a table yet, which figures published from tallies can bear.
"""

from __future__ import annotations

from typing import Final

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

ANALYSIS: Final = "analysis"


def analysis_db() -> str:
    """The alias of the database the analysis reads from."""
    return ANALYSIS if ANALYSIS in settings.DATABASES else DEFAULT_DB_ALIAS
