"""Who a contact round goes to (docs/spec/fieldwork.md), as SQL for a whole round and
as a test of one case at send time.

Cases still in the sample, not opted out, whose contact details are kept, and whose
outcome is not complete, refusal or not eligible. An invitation goes to each such
case not invited before; a reminder to each such case that was invited. Each case
gets one message a round: a letter when the round is a letter round and the case has
an address; otherwise by email when it has an address and the round an email
template, otherwise by text message to a mobile number (`phone_mobile`, set at load:
a landline is never texted). An address whose earlier message failed permanently is
not used again.
"""

from __future__ import annotations

from typing import Any, Final

from django.db import connection

from seb.fieldwork import Outcome
from seb.statuses import MessageStatus, RoundKind

from ..models import Case, ContactRound, Message, Survey

NOT_CONTACTED: Final = (Outcome.COMPLETE.value, Outcome.REFUSAL.value, Outcome.NOT_ELIGIBLE.value)


def table_name(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def recipients_sql(kind: str) -> str:
    """The SELECT of (case id, channel, address) for a round of `kind`, with the
    parameters survey_id, has_email, has_sms, letters, round_id (named). A letter
    round goes to each case with a postal address; an email and text round to each
    with an email address or a mobile number.

    The addresses that failed before and the cases invited before are each read
    once (materialised), then joined: a correlated check per case would scan the
    message table again for every case.
    """
    case, message, rounds = table_name(Case), table_name(Message), table_name(ContactRound)
    to = connection.ops.quote_name("to")
    not_contacted = ", ".join(f"'{code}'" for code in NOT_CONTACTED)
    history = (
        "i.case_id IS NULL" if kind == ContactRound.Kind.INVITATION else "i.case_id IS NOT NULL"
    )
    return (
        "WITH failed AS MATERIALIZED ("  # noqa: S608
        f"SELECT DISTINCT f.case_id, f.channel, f.{to} FROM {message} f "
        f"JOIN {rounds} fr ON fr.id = f.round_id "
        "WHERE fr.survey_id = %(survey_id)s AND f.status = %(failed)s), "
        "invited AS MATERIALIZED ("
        f"SELECT DISTINCT m.case_id FROM {message} m JOIN {rounds} r ON r.id = m.round_id "
        "WHERE r.survey_id = %(survey_id)s AND r.kind = %(invitation)s AND r.id <> %(round_id)s "
        # An invitation cancelled before it went invited nobody.
        "AND m.status <> %(cancelled)s), "
        "candidates AS ("
        "SELECT c.id, c.email, c.phone, c.address, "
        "(%(has_email)s AND c.email <> '' AND fe.case_id IS NULL) AS email_ok, "
        "(%(has_sms)s AND c.phone <> '' AND c.phone_mobile AND fs.case_id IS NULL) AS sms_ok, "
        "(%(letters)s AND c.address <> '') AS letter_ok "
        f"FROM {case} c "
        f"LEFT JOIN failed fe ON fe.case_id = c.id AND fe.channel = 'email' AND fe.{to} = c.email "
        f"LEFT JOIN failed fs ON fs.case_id = c.id AND fs.channel = 'sms' AND fs.{to} = c.phone "
        "LEFT JOIN invited i ON i.case_id = c.id "
        "WHERE c.survey_id = %(survey_id)s AND c.withdrawn_at IS NULL "
        "AND c.opted_out_at IS NULL AND c.contact_deleted_at IS NULL "
        f"AND c.outcome NOT IN ({not_contacted}) AND {history}) "
        "SELECT id, CASE WHEN letter_ok THEN 'letter' WHEN email_ok THEN 'email' "
        "ELSE 'sms' END AS channel, "
        "CASE WHEN letter_ok THEN LEFT(address, 254) WHEN email_ok THEN email ELSE phone END "
        "FROM candidates WHERE letter_ok OR email_ok OR sms_ok"
    )


def round_parameters(round_: ContactRound) -> dict[str, Any]:
    """The named parameters of `recipients_sql` for the round."""
    return {
        "survey_id": round_.survey_id,
        "has_email": not round_.letters and bool(round_.email_template_id),
        "has_sms": not round_.letters and bool(round_.sms_template_id),
        "letters": round_.letters,
        "round_id": round_.pk or 0,
        "failed": MessageStatus.PERMANENT_FAILURE.value,
        "invitation": RoundKind.INVITATION.value,
        "cancelled": MessageStatus.CANCELLED.value,
    }


def round_recipients_count(
    *, survey: Survey, kind: str, email: bool, sms: bool, letters: bool = False
) -> int:
    """How many cases a round of `kind` would go to now."""
    probe = ContactRound(
        survey=survey,
        kind=kind,
        email_template_id="x" if email else "",
        sms_template_id="",
        letters=letters,
    )
    if sms:
        probe.sms_template_id = "x"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM ({recipients_sql(kind)}) recipients",  # noqa: S608
            round_parameters(probe),
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def still_reachable(case: Case) -> bool:
    """Whether a message may still go to the case: in the sample, not opted out, its
    contact details kept and no final outcome reached."""
    return (
        case.withdrawn_at is None
        and case.opted_out_at is None
        and case.contact_deleted_at is None
        and case.outcome not in NOT_CONTACTED
    )
