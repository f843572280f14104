import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guichet.directory.models import Organization
from guichet.partnerships.models import Partnership

from .factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(small_directory, member, outsider):
    """`member` belongs to lab-tcell, a party of the partnerships recorded here; `outsider` to no party."""
    MembershipFactory(user=member, organization=Organization.objects.get(key="lab-tcell"))
    return {"member": member, "outsider": outsider}


def record(client, parties="lab-tcell; acme-bio"):
    return client.post("/partnerships/", {"title": "Licence Treg", "type": "licence", "parties": parties,
                                          "value_eur": "120000", "stage": "negotiation", "on": "2026-10-01"})


def test_members_record_partnerships_of_their_organization_only(client, people):
    client.force_login(people["outsider"])
    assert record(client).status_code == 200 and not Partnership.objects.exists()  # not a party
    client.force_login(people["member"])
    assert record(client, "lab-tcell; nope").status_code == 200 and not Partnership.objects.exists()
    assert record(client).status_code == 302
    p = Partnership.objects.get()
    assert p.stage == "negotiation" and p.is_public_private and str(p.stage_changes.get().on) == "2026-10-01"


def test_documents_are_for_parties_and_staff_only(client, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(people["member"])
    record(client)
    p = Partnership.objects.get()
    client.post(f"/partnerships/{p.pk}/", {"document": SimpleUploadedFile("term-sheet.pdf", b"%PDF secret")})
    doc = p.documents.get()
    url = f"/partnerships/{p.pk}/documents/{doc.pk}/"
    assert b"".join(client.get(url).streaming_content) == b"%PDF secret"
    client.post(f"/partnerships/{p.pk}/", {"stage": "signed"})
    assert Partnership.objects.get().stage == "signed" and p.stage_changes.count() == 2
    client.force_login(people["outsider"])
    assert client.get(url).status_code == 404 and client.get(f"/partnerships/{p.pk}/").status_code == 404
    assert "Licence Treg" not in client.get("/partnerships/").content.decode()
