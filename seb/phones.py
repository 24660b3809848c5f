"""Phone numbers checked and classified with `phonenumbers` (Google's libphonenumber).

A sample's phone numbers are parsed as UK numbers (region GB) unless they start with
"+". A number libphonenumber does not accept is a problem in the sample; a valid one is
a mobile (a text message can go to it) or not (a landline, a non-geographic number:
kept for calls, never texted). Parsing is slow (tens of microseconds), so the result
is cached by the number as written and only non-empty cells are parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Final

import phonenumbers
from phonenumbers import PhoneNumberType

REGION: Final = "GB"
# Ofcom keeps 07700 900000 to 900999 for drama (fictional mobiles, never anyone's):
# libphonenumber calls them invalid, but examples and tests use them as mobiles.
_FICTIONAL_MOBILE: Final = re.compile(r"^(?:\+44|0044|0)7700900\d{3}$")
_MOBILE_TYPES: Final = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})


class PhoneKind(Enum):
    MOBILE = "mobile"
    LANDLINE = "landline"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class Phone:
    kind: PhoneKind
    e164: str = ""

    @property
    def mobile(self) -> bool:
        return self.kind is PhoneKind.MOBILE


@lru_cache(maxsize=65_536)
def phone_classify(number: str) -> Phone:
    """What `number` is: a mobile, another valid number (a landline), or invalid."""
    if _FICTIONAL_MOBILE.match("".join(c for c in number if c.isdigit() or c == "+")):
        digits = "".join(c for c in number if c.isdigit())
        return Phone(PhoneKind.MOBILE, "+44" + digits[-10:])
    try:
        parsed = phonenumbers.parse(number, REGION)
    except phonenumbers.NumberParseException:
        return Phone(PhoneKind.INVALID)
    if not phonenumbers.is_valid_number(parsed):
        return Phone(PhoneKind.INVALID)
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if phonenumbers.number_type(parsed) in _MOBILE_TYPES:
        return Phone(PhoneKind.MOBILE, e164)
    return Phone(PhoneKind.LANDLINE, e164)
