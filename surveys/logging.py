"""Keeps identifiers out of the logs.

Response ids appear in interviewers' URLs, and Django logs request paths when a
request fails. This filter rewrites every record's message with each UUID
replaced, so no log line can be tied to a response.
"""

import logging
import re

UUID = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)


class RedactIdentifiers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = UUID.sub("[id]", message)
        record.args = None
        # Django attaches the request to error records; no handler here needs it.
        if hasattr(record, "request"):
            record.request = None
        return True
