"""A case's credentials (docs/spec/fieldwork.md): its access code and personal link
token, derived from a random nonce with the service's key, and the hashes that are
all the database keeps of them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Final

# No 0, O, 1, I, L or U: nothing that reads as something else.
CODE_ALPHABET: Final = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH: Final = 16
CODE_GROUP: Final = 4


def normalise_access_code(typed: str) -> str | None:
    """The code someone typed, read case-insensitively with spaces and hyphens
    ignored; None when it cannot be an access code at all."""
    code = "".join(typed.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in code):
        return None
    return code


NONCE_BYTES: Final = 16


def new_nonce() -> str:
    """A case's credentials nonce: 128 random bits, as 32 hex digits."""
    return secrets.token_hex(NONCE_BYTES)


def new_nonces(count: int) -> list[str]:
    """`count` nonces as `new_nonce` makes them, from one read of the system's random
    source (each still 128 random bits of its own)."""
    digits = secrets.token_hex(NONCE_BYTES * count)
    width = 2 * NONCE_BYTES
    return [digits[start : start + width] for start in range(0, len(digits), width)]


# The code's characters two at a time: PAIRS[n] is the characters of n < 30^2, least
# significant first (the order `derived_credentials` writes them in).
_PAIRS: Final = tuple(
    CODE_ALPHABET[n % len(CODE_ALPHABET)] + CODE_ALPHABET[n // len(CODE_ALPHABET)]
    for n in range(len(CODE_ALPHABET) ** 2)
)
_BASE: Final = len(_PAIRS)
if (CODE_LENGTH, CODE_GROUP) != (16, 4):  # CredentialsDeriver writes out this shape
    raise ImportError("CredentialsDeriver makes codes of 16 characters in groups of 4")


def derived_credentials(key: bytes, nonce: str) -> tuple[str, str]:
    """A case's access code (as shown) and link token, derived from its nonce.

    HMAC-SHA-512 of the nonce under the service's key: the first 16 bytes give the
    code (their integer modulo 30^16, so every code is equally likely to within
    2^-49; its base-30 digits least significant first), the next 32 bytes the token
    (256 bits). Only the nonce and the hashes of code and token are stored: without
    the key, neither can be rebuilt, and a new nonce voids both.
    """
    return CredentialsDeriver(key)(nonce)


class CredentialsDeriver:
    """`derived_credentials` under one key for many nonces (a sample load's): the
    key's HMAC state is made once and copied for each nonce."""

    def __init__(self, key: bytes) -> None:
        self._keyed = hmac.new(key, digestmod="sha512")

    def __call__(self, nonce: str) -> tuple[str, str]:
        mac = self._keyed.copy()
        mac.update(f"seb-credentials:{nonce}".encode())
        digest = mac.digest()
        # The code's 8 pairs of characters, least significant first, in groups of two
        # pairs (written out: this runs once a case of a million-line sample).
        number, p0 = divmod(int.from_bytes(digest[:16], "big"), _BASE)
        number, p1 = divmod(number, _BASE)
        number, p2 = divmod(number, _BASE)
        number, p3 = divmod(number, _BASE)
        number, p4 = divmod(number, _BASE)
        number, p5 = divmod(number, _BASE)
        number, p6 = divmod(number, _BASE)
        p7 = number % _BASE
        pairs = _PAIRS
        code = (
            f"{pairs[p0]}{pairs[p1]} {pairs[p2]}{pairs[p3]} "
            f"{pairs[p4]}{pairs[p5]} {pairs[p6]}{pairs[p7]}"
        )
        token = base64.urlsafe_b64encode(digest[16:48]).rstrip(b"=").decode()
        return code, token


def code_hash_unchecked(code: str) -> str:
    """`access_code_hash` of a code `derived_credentials` made (as shown), without
    checking it is one: for making many at once."""
    return secret_hash(code.replace(" ", ""), kind="code")


def secret_hash(secret: str, *, kind: str) -> str:
    """The only form in which a code or a link token is stored.

    Codes carry 78 bits and tokens 256 bits of randomness, so a plain SHA-256
    cannot be reversed by guessing, and needs no key that could be lost or rotated.
    """
    return hashlib.sha256(f"{kind}:{secret}".encode()).hexdigest()


def access_code_hash(code: str) -> str:
    normalised = normalise_access_code(code)
    if normalised is None:
        raise ValueError("not an access code")
    return secret_hash(normalised, kind="code")


def link_token_hash(token: str) -> str:
    return secret_hash(token, kind="link")
