import pytest


@pytest.mark.django_db
def test_demo_start_page_renders(client, survey):
    response = client.get(f"/s/{survey.slug}/")
    assert response.status_code == 200
    assert b"Start now" in response.content
