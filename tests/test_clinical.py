"""Clinical transfer: a feasibility request routed to three sites gathers three answers and is closed with the
chosen sites; who may answer; the deadline; trial identifiers; cumulative inclusions; days to signature."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction

from guichet.clinical import selectors, services
from guichet.clinical.models import (
    ContractMilestone,
    Feasibility,
    Interest,
    Site,
    SiteKind,
    Trial,
    TrialSite,
    TrialStatusChange,
)
from guichet.core.models import AuditEvent
from guichet.desk.models import Outcome, Status
from guichet.directory.models import Organization

from .factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
FUTURE = date.today() + timedelta(days=30)


def site(key, name, kind, *, areas, phases, indications=""):
    from guichet.directory.search import index_records

    with transaction.atomic():
        org = Organization.objects.create(key=key, name=name, kind="hospital", lang="fr")
        index_records([org])
    return Site.objects.create(organization=org, kind=kind, areas=areas, phases=phases, indications=indications)


@pytest.fixture
def clinic(db, staff, outsider):
    """Three sites of the fictional example network, each with an account that answers for it, and a fourth
    site that works on something else; a sponsor, the cluster team, an outsider."""
    sites = {
        "cic": site("ex-cic", "CIC exemple (fictif)", SiteKind.CIC, areas=["autoimmune"], phases=["1", "1_2", "2"],
                    indications="Lupus érythémateux systémique\nPolyarthrite rhumatoïde"),
        "rheum": site("ex-rheum", "Service de rhumatologie exemple (fictif)", SiteKind.DEPARTMENT,
                      areas=["autoimmune", "chronic_inflammatory"], phases=["2", "3"], indications="Lupus"),
        "phase1": site("ex-p1", "Unité de phase I exemple (fictif)", SiteKind.PHASE_I, areas=["autoimmune"],
                       phases=[]),
        "onco": site("ex-onco", "Oncologie exemple (fictif)", SiteKind.DEPARTMENT, areas=["cancer"], phases=["2"],
                     indications="Lymphome"),
    }
    people = {"staff": staff, "sponsor": UserFactory(email="sponsor@clinic.example"), "outsider": outsider}
    for name, s in sites.items():
        people[name] = UserFactory(email=f"{name}@clinic.example")
        MembershipFactory(user=people[name], organization=s.organization, is_contact=True)
    people["rheum"].language = "en"
    people["rheum"].save()
    return {"sites": sites, "people": people}


def submit(clinic, **overrides):
    data = dict(indication="Lupus érythémateux systémique", area="autoimmune", phase="2",
                population="Adults with active SLE", inclusion_criteria="SLEDAI ≥ 6", patients_needed=60,
                recruitment_start=FUTURE, recruitment_months=18, deadline=FUTURE)
    data.update(overrides)
    return services.feasibility_submit(actor=clinic["people"]["sponsor"], **data)


def test_routed_to_three_sites_three_answers_closed_with_the_chosen(clinic, django_capture_on_commit_callbacks):
    s, p = clinic["sites"], clinic["people"]
    f = submit(clinic)
    assert f.request.status == Status.NEW and f.request.confidential
    relevant = selectors.relevant_sites(f)
    assert set(relevant) == {s["cic"], s["rheum"], s["phase1"]}  # oncology works on something else
    assert relevant[0] in (s["cic"], s["rheum"])  # they name the indication
    with django_capture_on_commit_callbacks(execute=True):
        routings = services.feasibility_route(actor=p["staff"], feasibility=f, sites=relevant)
    assert len(routings) == 3 and f.request.status == Status.ROUTED
    told = {m.to[0] for m in mail.outbox if m.subject and "Lupus" in m.body}
    assert {"cic@clinic.example", "rheum@clinic.example", "phase1@clinic.example"} <= told
    assert "onco@clinic.example" not in {m.to[0] for m in mail.outbox}
    by_org = {r.provider_organization_id: r for r in routings}
    estimates = {"cic": (25, Interest.HIGH), "rheum": (30, Interest.MEDIUM), "phase1": (0, Interest.NONE)}
    for name, (estimate, interest) in estimates.items():
        services.feasibility_answer(actor=p[name], feasibility=f, routing=by_org[s[name].organization_id],
                                    estimate=estimate, interest=interest, comment=f"from {name}")
    f = Feasibility.objects.get(pk=f.pk)
    answers = {a.site.organization.key: (a.estimate, a.interest) for a in f.answers.all()}
    assert answers == {"ex-cic": (25, "high"), "ex-rheum": (30, "medium"), "ex-p1": (0, "none")}
    assert {r.state for r in f.request.routings.all()} == {"answered", "declined"}
    assert f.request.messages.filter(body__contains="25 patient").exists()  # in the desk conversation too
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.feasibility_close(actor=p["staff"], feasibility=f, chosen=[s["cic"].pk, s["rheum"].pk])
    f.request.refresh_from_db()
    assert f.request.status == Status.CLOSED and f.request.outcome == Outcome.INTRODUCTION
    assert "CIC exemple" in f.request.outcome_note
    assert set(f.answers.filter(chosen=True).values_list("site__organization__key", flat=True)) == {
        "ex-cic", "ex-rheum"}
    mails = {m.to[0]: m for m in mail.outbox}
    assert "among those chosen" in mails["rheum@clinic.example"].body  # English reader
    assert "parmi ceux retenus" in mails["cic@clinic.example"].body  # French reader
    assert "pas été retenu" in mails["phase1@clinic.example"].body
    assert "sponsor@clinic.example" in mails
    assert AuditEvent.objects.filter(action="feasibility.close", entity_key=str(f.request_id)).exists()
    assert AuditEvent.objects.filter(action="feasibility.answer").count() == 3


def test_only_routed_sites_answer_once_by_the_deadline(clinic):
    s, p = clinic["sites"], clinic["people"]
    f = submit(clinic)
    routing = services.feasibility_route(actor=p["staff"], feasibility=f, sites=[s["cic"]])[0]
    for intruder in ("onco", "outsider", "sponsor"):
        with pytest.raises(services.ClinicalError):
            services.feasibility_answer(actor=p[intruder], feasibility=f, routing=routing, estimate=5,
                                        interest="high")
    late = f.deadline + timedelta(days=1)
    from datetime import datetime

    from guichet.core.workdays import PARIS

    with pytest.raises(services.ClinicalError, match="attendues pour le"):
        services.feasibility_answer(actor=p["cic"], feasibility=f, routing=routing, estimate=5, interest="high",
                                    now=datetime.combine(late, datetime.min.time(), PARIS) + timedelta(hours=9))
    services.feasibility_answer(actor=p["cic"], feasibility=f, routing=routing, estimate=5, interest="high")
    with pytest.raises(services.ClinicalError, match="déjà répondu"):
        services.feasibility_answer(actor=p["cic"], feasibility=f, routing=routing, estimate=6, interest="low")
    assert f.answers.get().estimate == 5
    with pytest.raises(services.ClinicalError):  # a site that did not answer cannot be chosen
        services.feasibility_close(actor=p["staff"], feasibility=f, chosen=[s["onco"].pk])
    with pytest.raises(services.ClinicalError):
        services.feasibility_close(actor=p["sponsor"], feasibility=f, chosen=[s["cic"].pk])
    f.request.refresh_from_db()
    assert f.request.status != Status.CLOSED


def test_bad_questionnaire_names_the_field_and_writes_nothing(clinic):
    from guichet.desk.models import Need

    with pytest.raises(services.ClinicalError) as err:
        submit(clinic, patients_needed=0)
    assert err.value.field == "patients_needed"
    with pytest.raises(services.ClinicalError) as err:
        submit(clinic, deadline=date.today() - timedelta(days=1))
    assert err.value.field == "deadline"
    with pytest.raises(services.ClinicalError) as err:  # far in the future: the bounds are named, not "from today"
        submit(clinic, deadline=date(9999, 12, 31))
    message = str(err.value)  # "Réponses attendues pour le : Indiquez une date entre le 1 janvier 1990 et le …"
    assert err.value.field == "deadline" and "1990" in message and "aujourd" not in message and "today" not in message
    assert message[0].isupper(), message
    with pytest.raises(services.ClinicalError) as err:
        submit(clinic, phase="7")
    assert err.value.field == "phase"
    assert Need.objects.count() == 0 and Feasibility.objects.count() == 0


def test_site_sees_its_own_answer_sponsor_sees_all(client, clinic):
    s, p = clinic["sites"], clinic["people"]
    f = submit(clinic)
    routings = services.feasibility_route(actor=p["staff"], feasibility=f, sites=[s["cic"], s["rheum"]])
    by_org = {r.provider_organization_id: r for r in routings}
    services.feasibility_answer(actor=p["cic"], feasibility=f, routing=by_org[s["cic"].organization_id],
                                estimate=11, interest="high", comment="Comment-CIC")
    services.feasibility_answer(actor=p["rheum"], feasibility=f, routing=by_org[s["rheum"].organization_id],
                                estimate=22, interest="low", comment="Comment-RHEUM")
    url = f"/clinical/feasibility/{f.request_id}/"
    client.force_login(p["sponsor"])
    body = client.get(url).content.decode()
    assert "Comment-CIC" in body and "Comment-RHEUM" in body
    client.force_login(p["cic"])
    body = client.get(url).content.decode()
    assert "11" in body and "Comment-RHEUM" not in body
    api = client.get(f"/api/v1/clinical/feasibility/{f.request_id}").json()
    assert [a["site"] for a in api["answers"]] == ["ex-cic"]
    for intruder in ("onco", "outsider"):
        client.force_login(p[intruder])
        assert client.get(url).status_code == 404
        assert client.get(f"/api/v1/clinical/feasibility/{f.request_id}").status_code == 404


def test_feasibility_pages_journey_through_the_views(client, clinic):
    s, p = clinic["sites"], clinic["people"]
    client.force_login(p["sponsor"])
    response = client.post("/clinical/feasibility/new/", {
        "indication": "Lupus", "area": "autoimmune", "phase": "2", "population": "Adults",
        "inclusion_criteria": "SLEDAI", "patients_needed": "0", "recruitment_start": FUTURE.isoformat(),
        "recruitment_months": "12", "deadline": FUTURE.isoformat(), "confidential": "on"})
    assert response.status_code == 200 and Feasibility.objects.count() == 0  # the form says what is wrong
    response = client.post("/clinical/feasibility/new/", {
        "indication": "Lupus", "area": "autoimmune", "phase": "2", "population": "Adults",
        "inclusion_criteria": "SLEDAI", "patients_needed": "40", "recruitment_start": FUTURE.isoformat(),
        "recruitment_months": "12", "deadline": FUTURE.isoformat(), "confidential": "on"})
    f = Feasibility.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/clinical/feasibility/{f.request_id}/"
    assert client.post(f"/clinical/feasibility/{f.request_id}/route/", {"sites": [s["cic"].pk]}).status_code == 403
    client.force_login(p["staff"])
    page = client.get(f"/clinical/feasibility/{f.request_id}/").content.decode()
    assert "CIC exemple" in page and "Send the questionnaire" in page or "Envoyer le questionnaire" in page
    client.post(f"/clinical/feasibility/{f.request_id}/route/", {"sites": [s["cic"].pk, s["rheum"].pk]})
    assert f.request.routings.count() == 2
    assert client.post(f"/clinical/feasibility/{f.request_id}/route/", {"sites": ["x"]}).status_code == 400


def test_trial_identifiers_are_validated():
    from guichet.clinical.models import eu_ct_validator, nct_validator

    nct_validator("NCT04243499")
    eu_ct_validator("2022-500014-26-00")
    for bad in ("NCT0424349", "nct04243499", "NCT042434990", "04243499"):
        with pytest.raises(ValidationError):
            nct_validator(bad)
    for bad in ("2022-400014-26-00", "2022-500014-26", "22-500014-26-00", "2022-5000142-26-00"):
        with pytest.raises(ValidationError):
            eu_ct_validator(bad)


def test_inclusions_are_cumulative_and_days_to_signature(clinic):
    s, p = clinic["sites"], clinic["people"]
    trial = Trial.objects.create(title="Example trial (fictional)", sponsor=s["onco"].organization, phase="2",
                                 nct_id="NCT00000001", fictional=True)
    TrialStatusChange.objects.create(trial=trial, status="open", on=date(2025, 3, 1))
    ts = TrialSite.objects.create(trial=trial, site=s["cic"], target_inclusions=20)
    services.inclusions_record(actor=p["cic"], trial_site=ts, on=date(2025, 4, 1), total=3)
    services.inclusions_record(actor=p["cic"], trial_site=ts, on=date(2025, 6, 1), total=9)
    with pytest.raises(services.ClinicalError) as err:
        services.inclusions_record(actor=p["cic"], trial_site=ts, on=date(2025, 5, 1), total=10)
    assert err.value.field == "total"
    with pytest.raises(services.ClinicalError):
        services.inclusions_record(actor=p["onco"], trial_site=ts, on=date(2025, 5, 1), total=5)
    ContractMilestone.objects.create(trial_site=ts, step="dossier", on=date(2025, 1, 6))
    ContractMilestone.objects.create(trial_site=ts, step="signed", on=date(2025, 3, 17))
    row = selectors.trial_detail(trial)[0]
    assert row["included"] == 9 and row["days"] == 70 and row["late"]
    assert selectors.status_on(trial, date(2025, 2, 1)) is None and selectors.status_on(trial) == "open"
