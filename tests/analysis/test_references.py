"""Reference distributions: kept by analysts on their own pages, cited, never estimated."""

from __future__ import annotations

import pytest
from django.test import Client

from classification.models import ReferenceDistribution
from seb.comparisons import REFERENCE_TOLERANCE
from seb.tables import table_definitions

pytestmark = pytest.mark.django_db

NEW = "/analysis/standard/references/new/"
SPEC = table_definitions()["nssec3"]


def valid(**changes: str) -> dict[str, str]:
    data = {
        "name": "Test population 2025",
        "population": "adults in a test",
        "source": "Table 2 of a release",
        "publisher": "A statistics office",
        "published_on_0": "3",
        "published_on_1": "2",
        "published_on_2": "2025",
        "url": "https://example.org/table-2",
        "licence": "Open Government Licence v3.0",
        "confirmed": "on",
        "percentage_0": "35.5",
        "percentage_1": "20",
        "percentage_2": "34.5",
        "percentage_3": "10",
        "percentage_4": "",
    }
    data.update(changes)
    return data


def test_no_reference_distribution_is_built_in(plain_client: Client) -> None:
    """None could be checked against a published source of this standard's measure, so the
    service ships none, and its page says so."""
    assert not ReferenceDistribution.objects.exists()
    page = plain_client.get("/analysis/standard/references/")
    assert "no built-in reference distributions" in page.content.decode()


def test_an_analyst_adds_one_in_two_steps(plain_client: Client) -> None:
    chooser = plain_client.get(NEW)
    assert "Which table is the distribution of?" in chooser.content.decode()
    form = plain_client.get(f"{NEW}?table=nssec3")
    html = form.content.decode()
    for row in SPEC.rows:
        assert row.label in html
    done = plain_client.post(f"{NEW}?table=nssec3", valid())
    assert done.status_code == 302
    reference = ReferenceDistribution.objects.get()
    assert reference.table_key == "nssec3"
    assert reference.percentages == {
        SPEC.rows[0].key: 35.5,
        SPEC.rows[1].key: 20.0,
        SPEC.rows[2].key: 34.5,
        SPEC.rows[3].key: 10.0,
    }
    listing = plain_client.get("/analysis/standard/references/").content.decode()
    assert "has been added" in listing
    assert "A statistics office (2025). Table 2 of a release, published 3 February 2025." in listing


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"percentage_0": "60"}, "add up to 124.5"),
        ({"percentage_0": "abc"}, "enter a number, like 23.5"),
        ({"percentage_0": "35.55"}, "give the percentage to one decimal place"),
        ({"percentage_0": "101"}, "enter a percentage from 0 to 100"),
        ({"confirmed": ""}, "not an estimate"),
        ({"url": "not a web address"}, "Enter a web address"),
        ({"published_on_1": "13"}, "Date of publication must be a real date"),
        ({"name": ""}, "Enter a name"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(
    plain_client: Client, changes: dict[str, str], message: str
) -> None:
    response = plain_client.post(f"{NEW}?table=nssec3", valid(**changes))
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert not ReferenceDistribution.objects.exists()


def test_the_tolerance_in_the_form_is_the_rules_own(plain_client: Client) -> None:
    html = plain_client.get(f"{NEW}?table=nssec3").content.decode()
    assert f"give or take {REFERENCE_TOLERANCE:g} for rounding" in html


def test_an_unknown_table_is_refused_with_a_message(plain_client: Client) -> None:
    response = plain_client.get(f"{NEW}?table=everything")
    assert response.status_code == 400
    assert "Select a table from the list" in response.content.decode()


def test_change_and_delete(plain_client: Client) -> None:
    plain_client.post(f"{NEW}?table=nssec3", valid())
    reference = ReferenceDistribution.objects.get()
    edit = f"/analysis/standard/references/{reference.pk}/edit/"
    assert 'value="35.5"' in plain_client.get(edit).content.decode()
    assert plain_client.post(edit, valid(name="Renamed", percentage_4="0")).status_code == 302
    reference.refresh_from_db()
    assert reference.name == "Renamed"
    assert reference.percentages[SPEC.rows[4].key] == 0.0
    delete = f"/analysis/standard/references/{reference.pk}/delete/"
    assert "Delete “Renamed”?" in plain_client.get(delete).content.decode()
    assert plain_client.post(delete).status_code == 302
    assert not ReferenceDistribution.objects.exists()
    assert plain_client.get(edit).status_code == 404


def test_only_analysts_manage_them(client: Client, interviewer: object) -> None:
    client.force_login(interviewer)  # type: ignore[arg-type]
    assert client.get("/analysis/standard/references/").status_code == 403
    assert client.post(f"{NEW}?table=nssec3", valid()).status_code == 403
    assert not ReferenceDistribution.objects.exists()
