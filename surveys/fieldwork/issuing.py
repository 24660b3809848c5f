"""Cases made in bulk with their credentials (an access code and a personal link's
token, kept only as keyed hashes), and credentials issued again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any, Final

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from seb.credentials import (
    access_code_hash,
    code_hash_unchecked,
    derived_credentials,
    link_token_hash,
    new_nonce,
)
from seb.phones import phone_classify

from ..models import Case, SampleLoad, Survey

BATCH_SIZE: Final = 5_000


@dataclass(frozen=True, slots=True)
class Credentials:
    """A case's access code and personal-link token, in plain: shown or exported once."""

    reference: str
    access_code: str
    link_token: str


@dataclass(frozen=True, slots=True)
class NewCase:
    reference: str
    name: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    preferred_mode: str = ""
    interviewer_id: int | None = None
    variables: Mapping[str, str] = field(default_factory=dict)


def credentials_keys() -> list[bytes]:
    """The keys credentials are derived with: the current one first, then any the
    service's SECRET_KEY_FALLBACKS still accept (so a key rotation keeps codes sent)."""
    secrets_in_use = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [
        hashlib.sha256(f"seb.credentials:{secret}".encode()).digest() for secret in secrets_in_use
    ]


def _issue(case: Case) -> Credentials:
    """New credentials for `case`: a new nonce, and the hashes of what it derives."""
    issued = credentials_new(reference=case.reference, key=credentials_keys()[0])
    case.credentials_nonce = issued.nonce
    case.access_code_hash = issued.access_code_hash
    case.link_token_hash = issued.link_token_hash
    case.credentials_issued_at = timezone.now()
    return issued.credentials


def case_credentials(case: Case) -> Credentials | None:
    """The case's current code and link token, rebuilt from its nonce for a message or
    a mail-merge file; None when no key in use derives them (regenerate them)."""
    if not case.credentials_nonce:
        return None
    for key in credentials_keys():
        code, token = derived_credentials(key, case.credentials_nonce)
        if access_code_hash(code) == case.access_code_hash:
            return Credentials(reference=case.reference, access_code=code, link_token=token)
    return None


def cases_create(
    *, survey: Survey, cases: Iterable[NewCase], sample_load: SampleLoad | None = None
) -> Iterator[Credentials]:
    """Create cases in batches, each with new credentials; yields each case's credentials.

    Run it inside the caller's transaction for all or nothing; consume the whole
    iterator (the cases of a batch are written when the batch is full).
    """
    now = timezone.now()
    made = iter(cases)
    while batch := list(islice(made, BATCH_SIZE)):
        rows = []
        issued = []
        for new in batch:
            case = Case(
                survey=survey,
                reference=new.reference,
                name=new.name,
                email=new.email,
                phone=new.phone,
                phone_mobile=bool(new.phone) and phone_classify(new.phone).mobile,
                address=new.address,
                preferred_mode=new.preferred_mode,
                mode=new.preferred_mode,
                interviewer_id=new.interviewer_id,
                variables=dict(new.variables),
                sample_load=sample_load,
                created_at=now,
            )
            issued.append(_issue(case))
            rows.append(case)
        Case.objects.bulk_create(rows)
        yield from issued


@dataclass(frozen=True, slots=True)
class Issued:
    """New credentials in plain (for the one file that carries them) and what the case
    stores of them."""

    credentials: Credentials
    nonce: str
    access_code_hash: str
    link_token_hash: str


def credentials_new(*, reference: str, key: bytes) -> Issued:
    """A new nonce and what it derives under `key` (`credentials_keys()[0]`): one HMAC."""
    nonce = new_nonce()
    code, token = derived_credentials(key, nonce)
    return Issued(
        credentials=Credentials(reference=reference, access_code=code, link_token=token),
        nonce=nonce,
        access_code_hash=code_hash_unchecked(code),
        link_token_hash=link_token_hash(token),
    )


# The columns `source_sql` of `cases_insert` gives, in this order.
INSERTED_FIELDS: Final = (
    "reference",
    "name",
    "email",
    "phone",
    "address",
    "preferred_mode",
    "interviewer",
    "variables",
    "credentials_nonce",
    "access_code_hash",
    "link_token_hash",
)


# ...and those `cases_insert` gives each case itself.
GIVEN_FIELDS: Final = ("survey", "sample_load", "created_at", "credentials_issued_at", "mode")


def cases_insert(
    *,
    survey: Survey,
    sample_load: SampleLoad | None,
    source_sql: str,
    params: Sequence[Any],
    now: datetime,
) -> int:
    """Create a case of `survey` for each row `source_sql` selects (a column named as
    the case table's for each of INSERTED_FIELDS, the credentials made by
    `credentials_new`): one INSERT ... SELECT; the number of cases. Every other
    column that cannot be NULL takes its model default.

    Run inside the caller's transaction, after checking what the constraints check
    (a reference the survey has already fails the statement). The rows the cases name
    are checked, and the case tallies counted, once a statement (migrations 0022, 0011).
    """
    named = {*INSERTED_FIELDS, *GIVEN_FIELDS}
    fixed = [
        (f.column, f.get_db_prep_save(f.get_default(), connection))
        for f in Case._meta.concrete_fields
        if not f.primary_key and not f.null and f.name not in named
    ]
    quote = connection.ops.quote_name
    columns = [Case._meta.get_field(name).column for name in (*GIVEN_FIELDS, *INSERTED_FIELDS)]
    columns += [column for column, _ in fixed]
    selected = ", ".join(f"src.{quote(Case._meta.get_field(n).column)}" for n in INSERTED_FIELDS)
    constants = "".join(", %s" for _ in fixed)
    sql = (
        f"INSERT INTO {quote(Case._meta.db_table)} ({', '.join(map(quote, columns))}) "  # noqa: S608
        f"SELECT %s, %s, %s, %s, src.{quote(Case._meta.get_field('preferred_mode').column)}, "
        f"{selected}{constants} FROM ({source_sql}) src"
    )
    given = [survey.pk, sample_load.pk if sample_load is not None else None, now, now]
    values = [*given, *(value for _, value in fixed), *params]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return int(cursor.rowcount)


CREDENTIAL_FIELDS: Final = (
    "credentials_nonce",
    "access_code_hash",
    "link_token_hash",
    "credentials_issued_at",
)


def credentials_regenerate(*, cases: Iterable[Case]) -> Iterator[Credentials]:
    """New credentials for each case; the old code and link stop working at once."""
    for case in cases:
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            credentials = _issue(locked)
            locked.save(update_fields=list(CREDENTIAL_FIELDS))
        yield credentials


def credentials_regenerate_all(
    *, survey: Survey, on_progress: Callable[[int], None] | None = None
) -> int:
    """New credentials for every case of the survey still in its sample, in one
    transaction (all or none are voided); the number of cases changed."""
    changed = 0
    with transaction.atomic():
        cases = (
            Case.objects.filter(survey=survey, withdrawn_at__isnull=True)
            .order_by("pk")
            .only("pk", "reference")
        )
        last = 0
        while batch := list(cases.filter(pk__gt=last)[:BATCH_SIZE]):
            for case in batch:
                _issue(case)
            Case.objects.bulk_update(batch, list(CREDENTIAL_FIELDS), batch_size=1000)
            changed += len(batch)
            last = batch[-1].pk
            if on_progress is not None:
                on_progress(changed)
    return changed
