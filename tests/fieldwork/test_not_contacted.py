"""No contact round reaches a case that must not be worked (seb.case_actions):
complete, refused, opted out, withdrawn or not eligible."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User

from seb.fieldwork import AttemptOutcome
from seb.standard import Mode
from surveys.fieldwork.attempts import call_or_visit_record
from surveys.fieldwork.cases import case_mark_not_eligible, case_opt_out, case_withdraw
from surveys.fieldwork.samples import SampleReport
from surveys.models import Case, Survey
from tests.fieldwork.test_contacts import messages_to, send

pytestmark = pytest.mark.django_db


def test_an_invitation_goes_to_none_of_the_cases_that_must_not_be_worked(
    invitation_survey: Survey,
    loaded: Callable[[int], SampleReport],
    make_staff: Callable[..., User],
) -> None:
    loaded(6)
    cases = {case.reference: case for case in Case.objects.all()}
    Case.objects.filter(pk=cases["R0001"].pk).update(outcome="1.1")
    case_opt_out(case=cases["R0002"])
    case_withdraw(case=cases["R0003"])
    case_mark_not_eligible(case=cases["R0004"])
    call_or_visit_record(
        case=cases["R0005"],
        interviewer=make_staff("ivy", "interviewer"),
        mode=Mode.TELEPHONE,
        outcome=AttemptOutcome.REFUSAL,
    )
    assert sorted(messages_to(send(invitation_survey))) == ["R0006"]
