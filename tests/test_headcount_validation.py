"""Founders' headcounts follow the funding rounds' validated path (issue 11): the team validates or returns each
one from its queue (`/startups/headcounts/`), a returned figure says why and counts nowhere, and only validated
figures count in the jobs indicator and its validated share."""

from datetime import date, datetime, timedelta

import pytest

from guichet.accounts.models import Role
from guichet.core.models import AuditEvent
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization
from guichet.impact import kpis
from guichet.startups import services
from guichet.startups.models import Headcount, Startup

from .conftest import make_user

pytestmark = pytest.mark.django_db
VALIDATED = 12  # the team's figure of 2024
DECLARED = 500  # the founder's, waiting for the team


@pytest.fixture
def world(db):
    staff = make_user("staff@h.example", Role.STAFF)
    founder = make_user("founder@h.example", Role.MEMBER)
    org = Organization.objects.create(key="acme-bio", name="Acme Bio", kind="startup")
    startup = Startup.objects.create(organization=org, founded_on=date(2021, 5, 1), origin="lab_spinoff")
    startup.founders.add(founder)
    Headcount.objects.create(organization=org, on=date(2024, 1, 1), headcount=VALIDATED,
                             validated_at=datetime(2024, 1, 1, tzinfo=PARIS))
    return {"staff": staff, "founder": founder, "startup": startup, "org": org}


def _declare(client, world, headcount=DECLARED, on=date(2025, 6, 1)) -> Headcount:
    client.force_login(world["founder"])
    response = client.post("/startups/acme-bio/", {"headcount_on": on.isoformat(), "headcount": str(headcount)})
    assert response.status_code == 302
    return Headcount.objects.get(organization=world["org"], on=on)


def _public_jobs(client) -> float:
    client.logout()
    return {row["key"]: row["value"] for row in client.get("/api/v1/impact/public").json()}["jobs"]


def test_staff_validate_a_founders_headcount_on_the_queue_and_it_counts_from_then(client, world):
    declared = _declare(client, world)
    assert declared.validated_at is None and _public_jobs(client) == VALIDATED
    report = kpis.compute()
    assert report.values["jobs"] == VALIDATED and report.series["validation"]["jobs"] == (0, 1)
    client.force_login(world["staff"])
    queue = client.get("/startups/headcounts/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'id="headcount-{declared.pk}"' in queue and "Acme Bio" in queue
    assert 'id="headcounts-to-validate"' in client.get("/startups/").content.decode()
    assert client.post(f"/startups/headcounts/{declared.pk}/validate/").status_code == 302
    declared.refresh_from_db()
    assert declared.validated_by == world["staff"] and declared.validated_at is not None
    assert AuditEvent.objects.filter(action="headcount.validate", actor=world["staff"]).count() == 1
    assert f'id="headcount-{declared.pk}"' not in client.get("/startups/headcounts/").content.decode()
    assert _public_jobs(client) == DECLARED
    today = declared.validated_at.astimezone(PARIS).date()
    assert kpis.compute(as_of=today).series["validation"]["jobs"] == (1, 1)
    assert kpis.jobs(today - timedelta(days=1)) == VALIDATED  # the past reads the same later
    client.force_login(world["staff"])
    client.post(f"/startups/headcounts/{declared.pk}/validate/")  # a second click validates nothing twice
    assert AuditEvent.objects.filter(action="headcount.validate").count() == 1


def test_a_returned_headcount_counts_nowhere_and_its_founders_read_why(client, world):
    declared = _declare(client, world)
    client.force_login(world["staff"])
    refused = client.post(f"/startups/headcounts/{declared.pk}/return/", {"reason": "  "},
                          HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "Reason for returning it: say what to correct." in refused.content.decode()
    refused = client.post(f"/startups/headcounts/{declared.pk}/return/", {"reason": "  "},
                          HTTP_ACCEPT_LANGUAGE="fr", follow=True)
    assert "Motif du renvoi" in refused.content.decode() and "dites ce qu’il faut corriger." in refused.content.decode()
    declared.refresh_from_db()
    assert declared.returned_at is None and not AuditEvent.objects.filter(action="headcount.return").exists()
    client.post(f"/startups/headcounts/{declared.pk}/return/", {"reason": "Effectif au 31 décembre, pas en juin."})
    declared.refresh_from_db()
    assert declared.returned_at is not None and declared.validated_at is None
    event = AuditEvent.objects.get(action="headcount.return")
    assert event.changes["returned_reason"][1] == "Effectif au 31 décembre, pas en juin."
    assert f'id="headcount-{declared.pk}"' not in client.get("/startups/headcounts/").content.decode()
    # Returned: it can no longer be validated nor returned again, and it is no longer declared either (the
    # organization's previous validated figure stands, fully validated).
    assert services.headcount_validate(actor=world["staff"], headcounts=[declared]) == 0
    with pytest.raises(services.HeadcountRefused):
        services.headcount_return(actor=world["staff"], headcount=declared, reason="encore")
    report = kpis.compute()
    assert report.values["jobs"] == VALIDATED and report.series["validation"]["jobs"] == (1, 1)
    client.force_login(world["founder"])
    page = client.get("/startups/acme-bio/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Effectif au 31 décembre, pas en juin." in page and "returned for correction" in page
    # The founder declares the corrected figure for the same day: it waits for the team again, reason gone.
    corrected = _declare(client, world, headcount=14)
    assert corrected.pk == declared.pk and corrected.returned_at is None and corrected.returned_reason == ""
    assert kpis.compute().series["validation"]["jobs"] == (0, 1)


def test_the_same_figure_declared_again_after_a_return_waits_again(client, world):
    declared = _declare(client, world)
    services.headcount_return(actor=world["staff"], headcount=declared, reason="Justificatif manquant.")
    again = _declare(client, world)  # the same figure, now with its evidence sent to the team
    assert again.returned_at is None and again.validated_at is None
    assert services.headcount_validate(actor=world["staff"], headcounts=[again]) == 1


def test_founders_neither_see_the_queue_nor_validate_nor_return(client, world):
    declared = _declare(client, world)
    assert client.get("/startups/headcounts/").status_code == 403
    assert client.post(f"/startups/headcounts/{declared.pk}/validate/").status_code == 403
    assert client.post(f"/startups/headcounts/{declared.pk}/return/", {"reason": "x"}).status_code == 403
    with pytest.raises(services.NotAllowed):
        services.headcount_return(actor=world["founder"], headcount=declared, reason="x")
    declared.refresh_from_db()
    assert declared.validated_at is None and declared.returned_at is None


def test_a_reason_too_long_is_refused_naming_the_field(world, client):
    declared = _declare(client, world)
    with pytest.raises(services.HeadcountRefused) as refused:
        services.headcount_return(actor=world["staff"], headcount=declared, reason="x" * 2001)
    assert refused.value.field == "reason"


def test_the_database_refuses_a_headcount_both_validated_and_returned(world):
    from django.db import IntegrityError, transaction

    row = Headcount.objects.get(organization=world["org"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Headcount.objects.filter(pk=row.pk).update(returned_at=datetime(2024, 2, 1, tzinfo=PARIS))


def test_the_startups_api_gives_each_headcount_with_its_validation_state(client, world):
    # Issue 11: the start-ups API carried the rounds' validation state but not the headcounts'.
    declared = _declare(client, world)
    other = _declare(client, world, headcount=40, on=date(2025, 9, 1))
    services.headcount_return(actor=world["staff"], headcount=other, reason="Pas de justificatif.")
    client.force_login(world["founder"])
    startup = client.get("/api/v1/startups").json()[0]
    assert startup["headcounts"] == [
        {"on": "2024-01-01", "headcount": VALIDATED, "status": "validated", "returned_reason": ""},
        {"on": "2025-06-01", "headcount": DECLARED, "status": "to_validate", "returned_reason": ""},
        {"on": "2025-09-01", "headcount": 40, "status": "returned", "returned_reason": "Pas de justificatif."}]
    # The figure that counts is the latest validated one, never a figure waiting for the team nor a returned one.
    assert startup["validated_headcount"] == VALIDATED == kpis.jobs(date.today())
    services.headcount_validate(actor=world["staff"], headcounts=[declared])
    startup = client.get("/api/v1/startups").json()[0]
    assert [h["status"] for h in startup["headcounts"]] == ["validated", "validated", "returned"]
    assert startup["validated_headcount"] == DECLARED == kpis.jobs(date.today())
    # Founders of another start-up see none of these figures.
    stranger = make_user("stranger@h.example", Role.MEMBER)
    client.force_login(stranger)
    assert client.get("/api/v1/startups").json() == []


def test_the_openapi_schema_documents_the_headcounts_and_their_states():
    from guichet.config.api import api

    schemas = api.get_openapi_schema()["components"]["schemas"]
    startup = schemas["StartupOut"]["properties"]
    assert "headcounts" in startup and "validated" in startup["validated_headcount"]["description"]
    headcount = schemas["HeadcountOut"]["properties"]
    assert set(headcount) == {"on", "headcount", "status", "returned_reason"}
    assert "to_validate" in headcount["status"]["description"] and "returned" in headcount["status"]["description"]
