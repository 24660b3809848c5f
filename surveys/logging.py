"""Keeps identifiers and secrets out of the logs.

Response ids appear in interviewers' URLs, personal-link tokens and opt-out
tokens in respondents' URLs, and Django, runserver and gunicorn log request
paths. This filter rewrites every record's message with each UUID, link token,
opt-out token and anything shaped like an access code replaced, so no log line
can be tied to a response or used to answer as someone else.
"""

import logging
import re

from seb.credentials import CODE_ALPHABET

UUID = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)
# /s/<slug>/k/<token>/ and /s/<slug>/opt-out/<token>/: whatever follows, to the next
# slash, space, quote or query.
PATH_SECRET = re.compile(r"(/(?:k|opt-out)/)[^/\s\"'?#]+")
# Four groups of four from the code alphabet, read as people type them: any case,
# with or without spaces, hyphens, plus signs or %20 between the groups.
_GROUP = f"[{CODE_ALPHABET}{CODE_ALPHABET.lower()}]{{4}}"
_SEPARATOR = r"(?:[\s+-]|%20|%2[dD])?"
ACCESS_CODE = re.compile(rf"(?<![0-9A-Za-z]){_GROUP}(?:{_SEPARATOR}{_GROUP}){{3}}(?![0-9A-Za-z])")


def redact(message: str) -> str:
    message = UUID.sub("[id]", message)
    message = PATH_SECRET.sub(r"\1[secret]", message)
    return ACCESS_CODE.sub("[code]", message)


class RedactIdentifiers(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        # Django attaches the request to error records; no handler here needs it.
        if hasattr(record, "request"):
            record.request = None
        return True
