"""Evidence of declarations through the API (issue 11): listed and downloaded by who may see the declaration (its
organization's accounts, the cluster team), not found for anyone else, per role, as on the page."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from guichet.accounts.models import Membership
from guichet.accounts.services import api_token_create
from guichet.declarations import services
from guichet.directory.models import Organization

from .conftest import logged_in

pytestmark = pytest.mark.django_db
PROOF = b"%PDF-1.4 bilan social 2025 de lab-tcell"


@pytest.fixture
def world(small_directory, member, outsider, manager, staff):
    """An open campaign; the member's organization (lab-tcell) submitted its figures with one proof; the outsider
    answers for acme-bio, the manager for no organization asked."""
    Membership.objects.create(user=member, organization=Organization.objects.get(key="lab-tcell"))
    Membership.objects.create(user=outsider, organization=Organization.objects.get(key="acme-bio"))
    today = timezone.localdate()
    campaign = services.campaign_create(actor=staff, title="Déclarations", year=today.year - 1,
                                        deadline=today + timedelta(days=30))
    services.campaign_open(actor=staff, campaign=campaign)
    mine = campaign.declarations.get(organization__key="lab-tcell")
    services.declaration_submit(actor=member, declaration=mine, figures={"headcount": 12},
                                files=[SimpleUploadedFile("bilan-social.pdf", PROOF, "application/pdf")])
    return {"declaration": mine, "evidence": mine.evidence.get()}


def _bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=user, name='t')[1]}"}


@pytest.mark.parametrize("role", ["member", "staff", "admin"])
def test_who_may_see_the_declaration_lists_and_downloads_its_evidence(client, world, cast, role):
    logged_in(client, cast[role])
    listed = client.get(f"/api/v1/declarations/{world['declaration'].pk}/evidence")
    assert listed.status_code == 200
    [row] = listed.json()
    assert row["id"] == world["evidence"].pk and row["name"] == "bilan-social.pdf" and row["size"] == len(PROOF)
    assert row["download"] == f"/api/v1/declarations/evidence/{world['evidence'].pk}"
    downloaded = client.get(row["download"])
    assert downloaded.status_code == 200 and b"".join(downloaded.streaming_content) == PROOF
    assert 'filename="bilan-social.pdf"' in downloaded["Content-Disposition"]


@pytest.mark.parametrize("role", ["guest", "outsider", "manager"])
def test_anyone_else_finds_neither_the_list_nor_the_file(client, world, cast, role):
    logged_in(client, cast[role])
    missing = client.get("/api/v1/declarations/evidence/999999")
    for url in (f"/api/v1/declarations/{world['declaration'].pk}/evidence",
                f"/api/v1/declarations/evidence/{world['evidence'].pk}"):
        response = client.get(url)
        # Not allowed looks like not found: the same status and body as an evidence that does not exist.
        assert response.status_code == 404 and response.json() == missing.json(), url
        assert PROOF not in response.content


def test_anonymous_callers_are_asked_to_authenticate(client, world):
    for url in (f"/api/v1/declarations/{world['declaration'].pk}/evidence",
                f"/api/v1/declarations/evidence/{world['evidence'].pk}"):
        assert client.get(url).status_code == 401


def test_a_token_of_the_organizations_account_downloads_it_and_the_outsiders_does_not(client, world, cast):
    url = f"/api/v1/declarations/evidence/{world['evidence'].pk}"
    got = client.get(url, **_bearer(cast["member"]))
    assert got.status_code == 200 and b"".join(got.streaming_content) == PROOF
    assert client.get(url, **_bearer(cast["outsider"])).status_code == 404
