"""The coding queue's pages: who reaches them, the queue, the search, a decision and
its undo, the blind second coding, and the coder in the staff navigation."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group, Permission, User

from seb.occupation.coder import code
from surveys.access import ANALYST, CODER, INTERVIEWER
from surveys.coding.services import decide
from surveys.models import CodingDecision, JobTitle, Survey, SurveyMember, TeamRole
from surveys.views.coding import GROUPS_PER_PAGE
from tests.coding.conftest import MakeTitle, member, signed_in

pytestmark = pytest.mark.django_db

CIVIL = code("civil engineer").candidates[0]


def test_the_queue_page_lists_the_groups_with_their_counts(
    survey_a: Survey, coder_a: User, make_title: MakeTitle
) -> None:
    for text in ("engineer", "Engineers", "teacher"):
        make_title(survey_a, text)
    page = signed_in(coder_a).get("/coding/survey-a/").content.decode()
    assert "3 job titles in 2 groups are waiting" in page
    assert page.index(">engineer</a>") < page.index(">teacher</a>")
    assert "Set the sample" not in page  # a coder does not set the double-coding sample


def test_the_queue_is_paged(survey_a: Survey, coder_a: User, make_title: MakeTitle) -> None:
    for n in range(GROUPS_PER_PAGE + 1):
        make_title(survey_a, f"zzz {n:03d}")
    client = signed_in(coder_a)
    first = client.get("/coding/survey-a/").content.decode()
    second = client.get("/coding/survey-a/?page=2").content.decode()
    assert "page 1 of 2" in first and ">zzz 000</a>" in first
    assert f">zzz {GROUPS_PER_PAGE:03d}</a>" in second and ">zzz 000</a>" not in second


def test_the_title_page_searches_without_javascript(
    survey_a: Survey, coder_a: User, make_title: MakeTitle
) -> None:
    title = make_title(survey_a, "Engineer")
    client = signed_in(coder_a)
    url = f"/coding/survey-a/titles/{title.response_id}/"
    page = client.get(url).content.decode()
    assert "Typed as" in page and "Engineer" in page
    searched = client.get(url, {"q": "bricklayer"}).content.decode()
    assert 'value="5313:' in searched and "Bricklayers" in searched
    by_code = client.get(url, {"q": "5241"}).content.decode()
    assert 'value="5241:' in by_code
    assert "It cannot be coded" in by_code


def test_choosing_a_unit_group_codes_the_group_and_goes_to_the_next_title(
    survey_a: Survey, coder_a: User, make_title: MakeTitle
) -> None:
    engineer = make_title(survey_a, "engineer")
    make_title(survey_a, "engineers")
    teacher = make_title(survey_a, "teacher")
    client = signed_in(coder_a)
    response = client.post(
        f"/coding/survey-a/titles/{engineer.response_id}/",
        {"choice": f"{CIVIL.soc2020}:{CIVIL.soc2010}"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/coding/survey-a/titles/{teacher.response_id}/"
    assert "“engineer” coded to" in client.get(response["Location"]).content.decode()
    assert set(
        JobTitle.objects.filter(normalised="engineer").values_list("soc2020", flat=True)
    ) == {CIVIL.soc2020}
    done = client.post(f"/coding/survey-a/titles/{teacher.response_id}/", {"choice": "uncodable"})
    assert done["Location"] == "/coding/survey-a/"
    decided = client.get(f"/coding/survey-a/titles/{engineer.response_id}/").content.decode()
    assert "To change it, undo it" in decided and 'name="choice"' not in decided


@pytest.mark.parametrize("choice", ["", "9999:9999", "5313", "x" * 30])
def test_no_choice_or_a_bad_one_is_a_clear_message_and_changes_nothing(
    survey_a: Survey, coder_a: User, make_title: MakeTitle, choice: str
) -> None:
    title = make_title(survey_a, "engineer")
    response = signed_in(coder_a).post(
        f"/coding/survey-a/titles/{title.response_id}/", {"choice": choice, "q": "civil"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Select a unit group" in page
    assert not CodingDecision.objects.exists()


def test_the_decisions_page_undoes_a_decision(
    survey_a: Survey, coder_a: User, make_title: MakeTitle
) -> None:
    make_title(survey_a, "engineer")
    decision, _ = decide(survey=survey_a, normalised="engineer", uncodable=True, actor=coder_a)
    client = signed_in(coder_a)
    listed = client.get("/coding/survey-a/decisions/").content.decode()
    assert "coder-a" in listed and "Cannot be coded" in listed
    response = client.post(f"/coding/survey-a/decisions/{decision.pk}/undo/")
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.reversed_by == coder_a
    again = client.post(f"/coding/survey-a/decisions/{decision.pk}/undo/", follow=True)
    assert "already undone" in again.content.decode()
    assert "1 job title in 1 group is waiting" in client.get("/coding/survey-a/").content.decode()


def test_the_second_coder_does_not_see_the_first_decision(
    survey_a: Survey, coder_a: User, coder_2: User, analyst_a: User, make_title: MakeTitle
) -> None:
    title = make_title(survey_a, "engineer")
    analyst = signed_in(analyst_a)
    assert analyst.post("/coding/survey-a/double-coding/", {"percent": "100"}).status_code == 302
    survey_a.refresh_from_db()
    assert survey_a.double_coding_percent == 100
    decide(
        survey=survey_a,
        normalised="engineer",
        soc2020=CIVIL.soc2020,
        soc2010=CIVIL.soc2010,
        actor=coder_a,
    )
    second = signed_in(coder_2)
    queue = second.get("/coding/survey-a/").content.decode()
    assert "Code 1 title a second time" in queue
    blind = second.get(f"/coding/survey-a/second/{title.response_id}/").content.decode()
    assert "Coded to" not in blind and "coder-a" not in blind
    listed = second.get("/coding/survey-a/decisions/").content.decode()
    assert "Hidden until you code it a second time" in listed
    assert f'cell">{CIVIL.soc2020}</td>' not in listed
    decided = second.get(f"/coding/survey-a/titles/{title.response_id}/").content.decode()
    assert "in the double-coding sample" in decided and "Coded to" not in decided
    response = second.post(
        f"/coding/survey-a/second/{title.response_id}/",
        {"choice": f"{CIVIL.soc2020}:{CIVIL.soc2010}"},
    )
    assert response["Location"] == "/coding/survey-a/"
    page = analyst.get("/coding/survey-a/").content.decode()
    assert "1 of 1" in page and "(100%)" in page
    refused = signed_in(coder_a).post(
        f"/coding/survey-a/second/{title.response_id}/", {"choice": "uncodable"}
    )
    assert refused.status_code == 400


def test_a_coder_cannot_set_the_double_coding_sample(survey_a: Survey, coder_a: User) -> None:
    assert (
        signed_in(coder_a).post("/coding/survey-a/double-coding/", {"percent": "50"}).status_code
        == 403
    )
    survey_a.refresh_from_db()
    assert survey_a.double_coding_percent == 0


def test_a_bad_sample_share_changes_nothing(survey_a: Survey, analyst_a: User) -> None:
    response = signed_in(analyst_a).post(
        "/coding/survey-a/double-coding/", {"percent": "33"}, follow=True
    )
    assert "Select a share from the list" in response.content.decode()
    survey_a.refresh_from_db()
    assert survey_a.double_coding_percent == 0


def test_a_coder_lands_in_the_coding_area_which_is_all_their_navigation_shows(
    survey_a: Survey, coder_a: User, survey_b: Survey
) -> None:
    client = signed_in(coder_a)
    assert client.get("/staff/")["Location"] == "/coding/"
    page = client.get("/coding/").content.decode()
    assert 'href="/coding/survey-a/"' in page and "survey-b" not in page
    assert "Staff areas" in page and 'href="/analysis/"' not in page
    for elsewhere in ("/analysis/", "/manage/", "/interview/", "/supervise/"):
        assert client.get(elsewhere).status_code == 403, elsewhere


def test_an_analyst_still_lands_in_analysis_and_has_the_coding_area_too(
    survey_a: Survey, analyst_a: User
) -> None:
    client = signed_in(analyst_a)
    assert client.get("/staff/")["Location"] == "/analysis/"
    assert 'href="/coding/"' in client.get("/analysis/").content.decode()


def test_the_sign_in_page_names_coders() -> None:
    from django.test import Client

    assert "coders" in Client().get("/staff/login/").content.decode()


def test_a_manager_adds_a_coder_to_the_team_as_coder(
    survey_a: Survey, make_staff: Callable[..., User]
) -> None:
    from surveys.access import SURVEY_MANAGER

    manager = make_staff("boss", SURVEY_MANAGER, every_survey=False)
    SurveyMember.objects.create(survey=survey_a, user=manager, role=TeamRole.MANAGER)
    coder = make_staff("cody", CODER, every_survey=False)
    client = signed_in(manager)
    assert "Codes the job titles" in client.get("/manage/survey-a/team/").content.decode()
    response = client.post("/manage/survey-a/team/", {"username": "cody", "role": "coder"})
    assert response.status_code == 302
    assert SurveyMember.objects.filter(survey=survey_a, user=coder, role="coder").exists()
    interviewer = make_staff("ivy", INTERVIEWER, every_survey=False)
    refused = client.post("/manage/survey-a/team/", {"username": "ivy", "role": "coder"})
    assert refused.status_code == 400
    assert not SurveyMember.objects.filter(user=interviewer).exists()


def test_titles_reach_only_the_surveys_coders_and_analysts(
    survey_a: Survey, survey_b: Survey, make_title: MakeTitle
) -> None:
    """A typed title can identify a person: another survey's coder or analyst gets 404,
    an interviewer 403, and a coder of A never reaches B's titles."""
    title = make_title(survey_a, "engineer")
    url = f"/coding/survey-a/titles/{title.response_id}/"
    other_coder = member(survey_b, "coder-b", TeamRole.CODER)
    other_analyst = member(survey_b, "analyst-b", TeamRole.ANALYST)
    assert signed_in(other_coder).get(url).status_code == 404
    assert signed_in(other_analyst).get(url).status_code == 404
    assert (
        signed_in(other_coder).get(f"/coding/survey-b/titles/{title.response_id}/").status_code
        == 404
    )
    ivy = User.objects.create_user(username="ivy", password=None)
    ivy.groups.add(Group.objects.get_or_create(name=INTERVIEWER)[0])
    assert signed_in(ivy).get(url).status_code == 403
    analyst = member(survey_a, "analyst-a", TeamRole.ANALYST)
    assert signed_in(analyst).get(url).status_code == 404  # not allowed unrounded figures
    analyst.user_permissions.add(Permission.objects.get(codename="view_unrounded"))
    allowed = User.objects.get(pk=analyst.pk)
    assert signed_in(allowed).get(url).status_code == 200
    assert ANALYST  # the analyst kind of staff codes too


@pytest.mark.parametrize(
    "address",
    [
        "/coding/survey-a/?page=99999999999999999999",
        "/coding/survey-a/?page=-1",
        "/coding/survey-a/decisions/?page=x",
        "/coding/survey-a/titles/00000000-0000-0000-0000-000000000000/",
        "/coding/survey-a/titles/00000000-0000-0000-0000-000000000000/?q=%00",
        "/coding/nope/",
    ],
)
def test_guessed_or_hostile_addresses_get_a_page_or_404_never_an_error(
    survey_a: Survey, coder_a: User, make_title: MakeTitle, address: str
) -> None:
    make_title(survey_a, "engineer")
    assert signed_in(coder_a).get(address).status_code in (200, 404)


def test_a_hostile_search_or_undo_changes_nothing(
    survey_a: Survey, coder_a: User, make_title: MakeTitle
) -> None:
    title = make_title(survey_a, "engineer")
    client = signed_in(coder_a)
    page = client.get(
        f"/coding/survey-a/titles/{title.response_id}/", {"q": "<script>" + "x" * 5000}
    )
    assert page.status_code == 200 and "<script>x" not in page.content.decode()
    undone = client.post("/coding/survey-a/decisions/99999999999999999999/undo/", follow=True)
    assert "no such decision" in undone.content.decode()
    assert not CodingDecision.objects.exists()


def test_the_coding_area_lists_the_surveys_that_ask_for_the_job_title(
    survey_a: Survey, coder_a: User, make_survey: Callable[..., Survey]
) -> None:
    other = make_survey("no-titles", name="No titles here")
    SurveyMember.objects.create(survey=other, user=coder_a, role=TeamRole.CODER)
    page = signed_in(coder_a).get("/coding/").content.decode()
    assert "Survey A" in page and "No titles here" not in page
    Survey.objects.filter(pk=survey_a.pk).update(asks_job_title=False)
    assert (
        "None of your surveys asks for the job title"
        in signed_in(coder_a).get("/coding/").content.decode()
    )


def test_an_analyst_without_the_unrounded_permission_sees_no_typed_titles(
    survey_a: Survey, analyst_a: User, make_title: MakeTitle
) -> None:
    """Typed titles can identify a person: as for microdata, an analyst needs the
    unrounded permission to see them in the queue; with it, the queue opens."""
    make_title(survey_a, "engineer")
    analyst_a.user_permissions.remove(*Permission.objects.filter(codename="view_unrounded"))
    assert signed_in(analyst_a).get("/coding/survey-a/").status_code == 404
    analyst_a.user_permissions.add(Permission.objects.get(codename="view_unrounded"))
    allowed = User.objects.get(pk=analyst_a.pk)
    assert "engineer" in signed_in(allowed).get("/coding/survey-a/").content.decode()
