"""Declaration campaigns and annual reports in the API (issue 11): permission-checked like the pages, the submit
through the page's audited service, errors in the request's language."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from guichet.accounts.models import Membership
from guichet.accounts.services import api_token_create
from guichet.core.models import AuditEvent
from guichet.declarations import services
from guichet.declarations.models import Declaration
from guichet.directory.models import Organization
from guichet.impact.models import AnnualReport, ReportTemplate
from guichet.impact.services import annual_report_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(small_directory, member, outsider, staff):
    """An open campaign: lab-tcell (the member) and acme-bio (the outsider) are asked; acme-bio has submitted."""
    Membership.objects.create(user=member, organization=Organization.objects.get(key="lab-tcell"))
    Membership.objects.create(user=outsider, organization=Organization.objects.get(key="acme-bio"))
    today = timezone.localdate()
    campaign = services.campaign_create(actor=staff, title="Déclarations", year=today.year - 1,
                                        deadline=today + timedelta(days=30))
    services.campaign_open(actor=staff, campaign=campaign)
    theirs = campaign.declarations.get(organization__key="acme-bio")
    services.declaration_submit(actor=outsider, declaration=theirs, figures={"headcount": 12, "jobs_created": 4})
    services.declaration_validate(actor=staff, declaration=theirs)
    return {"campaign": campaign, "mine": campaign.declarations.get(organization__key="lab-tcell"),
            "theirs": theirs, "member": member, "outsider": outsider, "staff": staff}


def _bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=user, name='t')[1]}"}


def test_staff_list_campaigns_with_their_completion_counts(client, world):
    client.force_login(world["staff"])
    body = client.get("/api/v1/declarations/campaigns").json()
    row = next(c for c in body if c["id"] == world["campaign"].pk)
    total = Declaration.objects.filter(campaign=world["campaign"]).count()
    assert row["status"] == "open" and row["title"] == "Déclarations"
    assert row["counts"] == {"total": total, "requested": total - 1, "submitted": 0, "returned": 0, "validated": 1}
    one = client.get(f"/api/v1/declarations/campaigns/{world['campaign'].pk}").json()
    assert one["counts"] == row["counts"]


def test_staff_read_a_campaigns_declarations_with_figures_and_who_validated(client, world):
    client.force_login(world["staff"])
    rows = client.get(f"/api/v1/declarations/campaigns/{world['campaign'].pk}/declarations").json()
    theirs = next(r for r in rows if r["organization"] == "acme-bio")
    assert theirs["status"] == "validated" and theirs["figures"]["headcount"] == 12
    assert theirs["figures"]["jobs_created"] == 4 and theirs["figures"]["funds_public_eur"] is None
    staff = world["staff"]
    assert theirs["validated_by"] == (staff.get_full_name() or staff.email) and theirs["validated_at"]
    assert {r["organization"] for r in rows} >= {"acme-bio", "lab-tcell"}


@pytest.mark.parametrize("path", ["/api/v1/declarations/campaigns", "/api/v1/declarations/campaigns/{c}",
                                  "/api/v1/declarations/campaigns/{c}/declarations"])
def test_a_member_may_not_read_campaigns_in_their_language(client, world, path):
    url = path.format(c=world["campaign"].pk)
    client.force_login(world["member"])
    fr = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert fr.status_code == 403 and fr.json()["detail"] == "Seule l’équipe du biocluster lit les campagnes de déclaration."
    en = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert en.status_code == 403 and en.json()["detail"] == "Only the cluster team reads declaration campaigns."
    assert "acme-bio" not in fr.content.decode()


def test_a_declarer_lists_and_reads_their_own_only(client, world):
    client.force_login(world["member"])
    mine = client.get("/api/v1/declarations/mine").json()
    assert [d["id"] for d in mine] == [world["mine"].pk]
    assert mine[0]["organization"] == "lab-tcell" and mine[0]["status"] == "requested" and mine[0]["can_answer"]
    assert client.get(f"/api/v1/declarations/{world['mine'].pk}").json()["organization"] == "lab-tcell"
    # Another organization's declaration is not found, as on the page, in the caller's language.
    other = client.get(f"/api/v1/declarations/{world['theirs'].pk}", HTTP_ACCEPT_LANGUAGE="fr")
    assert other.status_code == 404 and other.json()["detail"] == "Introuvable."
    assert "12" not in other.content.decode()
    assert client.get(f"/declarations/{world['theirs'].pk}/").status_code == 404  # the page agrees


def test_a_declarer_submits_through_the_audited_service(client, world):
    url = f"/api/v1/declarations/{world['mine'].pk}/submit"
    headers = _bearer(world["member"])
    response = client.post(url, {"headcount": 7, "funds_private_eur": "2500.50", "comment": "ok"},
                           content_type="application/json", **headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["figures"]["funds_private_eur"] == "2500.50"
    stored = Declaration.objects.get(pk=world["mine"].pk)
    assert stored.headcount == 7 and stored.funds_private_eur == Decimal("2500.50")
    assert stored.submitted_by == world["member"]
    event = AuditEvent.objects.get(action="declaration.submit", entity_key=str(stored.pk))
    assert event.changes["headcount"] == [None, "7"]
    # Submitted: it cannot be changed any more (the page's rule), a translated 400.
    again = client.post(url, {"headcount": 8}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **headers)
    assert again.status_code == 400 and again.json()["detail"].startswith("This declaration cannot be changed")
    assert Declaration.objects.get(pk=stored.pk).headcount == 7


def test_a_member_never_submits_another_organizations_declaration(client, world):
    before = Declaration.objects.filter(pk=world["theirs"].pk).values().get()
    other = world["campaign"].declarations.exclude(organization__key__in=["acme-bio", "lab-tcell"]).first()
    for target in filter(None, (world["theirs"], other)):
        response = client.post(f"/api/v1/declarations/{target.pk}/submit", {"headcount": 1},
                               content_type="application/json", **_bearer(world["member"]))
        assert response.status_code == 404
    assert Declaration.objects.filter(pk=world["theirs"].pk).values().get() == before


@pytest.mark.parametrize("language, detail", [
    ("fr", "Déclarez au moins un chiffre (un zéro compte)."), ("en", "Declare at least one figure (a zero counts).")])
def test_an_empty_submission_is_refused_naming_the_field(client, world, language, detail):
    response = client.post(f"/api/v1/declarations/{world['mine'].pk}/submit", {}, content_type="application/json",
                           HTTP_ACCEPT_LANGUAGE=language, **_bearer(world["member"]))
    assert response.status_code == 400
    assert response.json()["detail"] == detail and response.json()["field"] == "headcount"
    assert Declaration.objects.get(pk=world["mine"].pk).status == "requested"


def test_an_out_of_bounds_figure_is_a_422_naming_it(client, world):
    response = client.post(f"/api/v1/declarations/{world['mine'].pk}/submit", {"satisfaction": 9},
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr", **_bearer(world["member"]))
    assert response.status_code == 422 and response.json()["field"] == "satisfaction"
    assert response.json()["errors"][0]["message"] == "Au plus 5."


def test_a_session_cannot_submit(client, world):
    client.force_login(world["member"])
    response = client.post(f"/api/v1/declarations/{world['mine'].pk}/submit", {"headcount": 1},
                           content_type="application/json")
    assert response.status_code == 401 and Declaration.objects.get(pk=world["mine"].pk).status == "requested"


def test_annual_reports_for_staff_with_links_once_generated(client, world):
    template = ReportTemplate.objects.get(key="france-2030")
    draft = annual_report_create(actor=world["staff"], template=template, year=2025)
    done = annual_report_create(actor=world["staff"], template=template, year=2024)
    AnnualReport.objects.filter(pk=done.pk).update(status="done", pdf=b"%PDF-1.4 x", generated_at=timezone.now())
    client.force_login(world["staff"])
    rows = {r["id"]: r for r in client.get("/api/v1/impact/annual-reports").json()}
    assert rows[draft.pk]["status"] == "draft" and rows[draft.pk]["pdf_url"] is None
    assert rows[draft.pk]["template"] == "france-2030" and rows[draft.pk]["year"] == 2025
    one = client.get(f"/api/v1/impact/annual-reports/{done.pk}").json()
    assert one["status"] == "done" and one["docx_url"] is None
    assert one["pdf_url"].endswith(f"/impact/annual/{done.pk}/report.pdf")
    assert client.get(one["pdf_url"]).content == b"%PDF-1.4 x"  # the link works for the staff session


def test_annual_reports_are_staff_only(client, world):
    report = annual_report_create(actor=world["staff"], template=ReportTemplate.objects.get(key="france-2030"),
                                  year=2025)
    for url in ("/api/v1/impact/annual-reports", f"/api/v1/impact/annual-reports/{report.pk}"):
        assert client.get(url).status_code == 401
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en", **_bearer(world["member"]))
        assert response.status_code == 403
        assert response.json()["detail"] == "Only the cluster team reads the annual reports."


def test_a_nul_in_the_comment_is_a_422_not_a_500(client, world):
    response = client.post(f"/api/v1/declarations/{world['mine'].pk}/submit", {"headcount": 1, "comment": "a\x00b"},
                           content_type="application/json", **_bearer(world["member"]))
    assert response.status_code == 422 and response.json()["field"] == "comment"
    assert Declaration.objects.get(pk=world["mine"].pk).status == "requested"
