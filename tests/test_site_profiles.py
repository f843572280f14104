"""Clinical site and tech-transfer office profiles (issue 11, first section): what each profile page shows to
whom (public fields, and the named people members of the network only see), who edits it (the site's or the
office's own accounts and the cluster team), through an audited service that refuses bad input naming the field
and writes nothing then; French and English."""

from datetime import date

import pytest
from django.utils import translation

from guichet.clinical import services as clinical_services
from guichet.clinical.models import Site, SiteKind
from guichet.core.models import AuditEvent
from guichet.directory.models import Organization
from guichet.transfer import services as transfer_services
from guichet.transfer.models import Office, TechnologyOffer

from .conftest import logged_in
from .factories import MembershipFactory, UserFactory

INVESTIGATOR = "Dr Exemple Fictif"


@pytest.fixture
def site(db):
    org = Organization.objects.create(key="ex-cic", name="CIC exemple (fictif)", kind="hospital", lang="fr")
    return Site.objects.create(organization=org, kind=SiteKind.CIC, areas=["autoimmune"], phases=["1", "2"],
                               indications="Lupus érythémateux systémique", investigators=INVESTIGATOR, beds=12,
                               phase_i_beds=8, biobank_collections="Sérums de lupus (fictif)",
                               certifications="Autorisation de lieu de recherches (fictif)")


@pytest.fixture
def site_account(site):
    user = UserFactory(email="cic@site.example")
    MembershipFactory(user=user, organization=site.organization, is_contact=True)
    return user


def page(client, url, language):
    client.cookies["django_language"] = language
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


# --- clinical sites -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("language, capability, members_only", [
    ("fr", "Ce que le site peut conduire", "Les membres du réseau voient aussi les investigateurs du site."),
    ("en", "What the site can run", "Members of the network also see the site's investigators."),
])
def test_the_site_profile_is_public_but_its_investigators_are_for_members(client, site, member, language,
                                                                          capability, members_only):
    url = f"/clinical/sites/{site.pk}/"
    public = page(client, url, language)
    assert capability in public and "Lupus érythémateux systémique" in public and "Sérums de lupus" in public
    assert ">12<" in public and ">8<" in public  # beds, phase I beds
    assert INVESTIGATOR not in public and members_only in public
    assert "/edit/" not in public  # the public does not edit
    logged_in(client, member)
    assert INVESTIGATOR in page(client, url, language)
    # The list of sites follows the same rule (it showed the investigators to everyone).
    logged_in(client, None)
    listing = page(client, "/clinical/sites/", language)
    assert f'href="/clinical/sites/{site.pk}/"' in listing and INVESTIGATOR not in listing
    logged_in(client, member)
    assert INVESTIGATOR in page(client, "/clinical/sites/", language)


def test_the_site_s_account_edits_its_profile_through_the_page_audited(client, site, site_account):
    logged_in(client, site_account)
    assert f'href="/clinical/sites/{site.pk}/edit/"' in page(client, f"/clinical/sites/{site.pk}/", "fr")
    response = client.post(f"/clinical/sites/{site.pk}/edit/", {
        "kind": "phase_i", "indications": "Lupus\nSclérodermie", "areas": ["autoimmune", "cancer"],
        "phases": ["1"], "investigators": "Dr Autre (fictif)", "beds": "20", "phase_i_beds": "10",
        "biobank_collections": "", "certifications": "Autorisation (fictif)"})
    assert response.status_code == 302 and response.url == f"/clinical/sites/{site.pk}/"
    site.refresh_from_db()
    assert (site.kind, site.indication_list, site.areas, site.phases, site.beds, site.phase_i_beds) == (
        "phase_i", ["Lupus", "Sclérodermie"], ["autoimmune", "cancer"], ["1"], 20, 10)
    event = AuditEvent.objects.get(action="site.update")
    assert event.actor == site_account and event.changes["beds"] == [12, 20]
    assert event.changes["investigators"] == [INVESTIGATOR, "Dr Autre (fictif)"]


@pytest.mark.parametrize("language, said", [("fr", "Lits\u00a0:"), ("en", "Beds:")])
def test_a_bad_figure_is_refused_naming_the_field_and_nothing_is_written(client, site, site_account, language,
                                                                        said):
    logged_in(client, site_account)
    client.cookies["django_language"] = language
    response = client.post(f"/clinical/sites/{site.pk}/edit/", {"kind": "cic", "beds": "20000", "phase_i_beds": "1"},
                           HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200 and 'id="site-form"' in response.content.decode()
    with translation.override(language):
        with pytest.raises(clinical_services.ClinicalError) as refused:
            clinical_services.site_update(actor=site_account, site=site, beds=20000)
        assert refused.value.field == "beds" and str(refused.value).startswith(said)
        with pytest.raises(clinical_services.ClinicalError) as refused:
            clinical_services.site_update(actor=site_account, site=site, phases=["9"])
        assert refused.value.field == "phases"
    site.refresh_from_db()
    assert (site.beds, site.phases, site.kind) == (12, ["1", "2"], "cic")
    assert not AuditEvent.objects.filter(action="site.update").exists()


def test_only_the_site_s_accounts_and_the_cluster_team_edit_it(client, site, site_account, member, guest, staff):
    for who in (member, guest):
        logged_in(client, who)
        assert client.get(f"/clinical/sites/{site.pk}/edit/").status_code == 403
        assert client.post(f"/clinical/sites/{site.pk}/edit/", {"kind": "phase_i"}).status_code == 403
        with pytest.raises(clinical_services.ClinicalError):
            clinical_services.site_update(actor=who, site=site, kind="phase_i")
    assert Site.objects.get(pk=site.pk).kind == "cic"
    clinical_services.site_update(actor=staff, site=site, certifications="Mise à jour par l'équipe (fictif)")
    assert Site.objects.get(pk=site.pk).certifications == "Mise à jour par l'équipe (fictif)"
    assert client.get("/clinical/sites/999999/").status_code == 404


# --- tech-transfer offices -----------------------------------------------------------------------------------

@pytest.fixture
def office(db):
    org = Organization.objects.create(key="ex-valo", name="Bureau de valorisation (fictif)", kind="support",
                                      lang="fr")
    office = Office.objects.create(organization=org, summary="Détecte, protège et licencie (fictif).",
                                   services="Brevets\nLicences", territory="Marseille (fictif)",
                                   contact_email="contact@valo.example")
    TechnologyOffer.objects.create(office=office, title="Offre publiée (fictive)", summary="S",
                                   published_on=date(2026, 1, 1))
    TechnologyOffer.objects.create(office=office, title="Offre en préparation (fictive)", summary="S")
    return office


@pytest.fixture
def officer(office):
    user = UserFactory(email="officer@valo.example", full_name="Agent Fictif")
    MembershipFactory(user=user, organization=office.organization)
    return user


@pytest.mark.parametrize("language, heading", [("fr", "Ce que fait l’office"), ("en", "What the office does")])
def test_the_office_profile_is_public_its_staff_for_members_its_drafts_and_disclosures_nowhere(
        client, office, officer, member, language, heading):
    inventor = UserFactory(email="inventor@lab.example")
    transfer_services.disclosure_submit(actor=inventor, office=office, title="Invention secrète (fictive)",
                                        summary="Confidentiel")
    url = f"/transfer/offices/{office.pk}/"
    public = page(client, url, language)
    assert heading in public and "Détecte, protège et licencie" in public
    assert "Marseille (fictif)" in public and "contact@valo.example" in public and "Licences" in public
    assert "Offre publiée (fictive)" in public and "Offre en préparation" not in public
    assert "Invention secrète" not in public and "officer@valo.example" not in public
    assert f'href="{url}"' in page(client, "/transfer/offices/", language)
    assert f'href="{url}"' in page(client, "/transfer/offers/", language)  # each offer names its office
    logged_in(client, member)
    seen = page(client, url, language)
    assert "officer@valo.example" in seen and "Agent Fictif" in seen and "/edit/" not in seen
    assert "Invention secrète" not in seen


def test_the_office_s_staff_edit_its_profile_audited_and_a_bad_address_writes_nothing(client, office, officer,
                                                                                      member, staff):
    logged_in(client, officer)
    assert f'href="/transfer/offices/{office.pk}/edit/"' in page(client, f"/transfer/offices/{office.pk}/", "fr")
    client.cookies["django_language"] = "fr"
    refused = client.post(f"/transfer/offices/{office.pk}/edit/", {"contact_email": "pas une adresse",
                                                                    "summary": "Nouveau résumé"},
                          HTTP_ACCEPT_LANGUAGE="fr")
    assert refused.status_code == 200 and 'id="office-form"' in refused.content.decode()
    with translation.override("en"):
        with pytest.raises(transfer_services.TransferError) as error:
            transfer_services.office_update(actor=officer, office=office, contact_email="not an address")
        assert error.value.field == "contact_email" and str(error.value).startswith("Contact e-mail:")
    office.refresh_from_db()
    assert (office.summary, office.contact_email) == ("Détecte, protège et licencie (fictif).", "contact@valo.example")
    assert not AuditEvent.objects.filter(action="office.update").exists()
    done = client.post(f"/transfer/offices/{office.pk}/edit/", {
        "summary": "Nouveau résumé (fictif)", "services": "Maturation", "territory": "Provence (fictif)",
        "contact_email": "bonjour@valo.example"})
    assert done.status_code == 302
    office.refresh_from_db()
    assert (office.summary, office.service_list, office.contact_email) == (
        "Nouveau résumé (fictif)", ["Maturation"], "bonjour@valo.example")
    event = AuditEvent.objects.get(action="office.update")
    assert event.actor == officer and event.changes["territory"] == ["Marseille (fictif)", "Provence (fictif)"]
    logged_in(client, member)
    assert client.get(f"/transfer/offices/{office.pk}/edit/").status_code == 403
    with pytest.raises(transfer_services.TransferError):
        transfer_services.office_update(actor=member, office=office, summary="Pris")
    transfer_services.office_update(actor=staff, office=office, territory="PACA (fictif)")  # the cluster team
    assert Office.objects.get(pk=office.pk).territory == "PACA (fictif)"


# --- the profiles in the API (issue 11) -----------------------------------------------------------------------

def _api(client, url, actor=None, token=None):
    logged_in(client, actor)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(url, **headers)


@pytest.fixture
def site_trial(site):
    from guichet.clinical.models import InclusionCount, Trial, TrialSite

    sponsor = Organization.objects.create(key="ex-sponsor", name="Promoteur (fictif)", kind="company", lang="fr")
    trial = Trial.objects.create(title="Essai lupus (fictif)", acronym="LUP-X", sponsor=sponsor, phase="2")
    trial_site = TrialSite.objects.create(trial=trial, site=site, target_inclusions=30)
    InclusionCount.objects.create(trial_site=trial_site, on=date(2026, 1, 1), total=4)
    InclusionCount.objects.create(trial_site=trial_site, on=date(2026, 2, 1), total=9)
    return trial


def test_the_sites_api_shows_the_profile_to_all_and_the_investigators_and_trials_to_members_only(
        client, site, site_trial, member, guest, staff):
    from guichet.accounts.services import api_token_create

    public = {"id": site.pk, "organization": "ex-cic", "name": "CIC exemple (fictif)", "kind": "cic",
              "indications": ["Lupus érythémateux systémique"], "areas": ["autoimmune"], "phases": ["1", "2"],
              "beds": 12, "phase_i_beds": 8, "biobank_collections": "Sérums de lupus (fictif)",
              "certifications": "Autorisation de lieu de recherches (fictif)"}
    trials = [{"trial": site_trial.pk, "title": "Essai lupus (fictif)", "acronym": "LUP-X",
               "target_inclusions": 30, "included": 9}]
    token = api_token_create(actor=member, name="t")[1]
    callers = {"anonymous": {}, "guest": {"actor": guest}, "member (session)": {"actor": member},
               "member (token)": {"token": token}, "staff": {"actor": staff}}
    for name, caller in callers.items():
        sees = name != "anonymous" and name != "guest"
        listing = _api(client, "/api/v1/clinical/sites", **caller)
        assert listing.status_code == 200, name
        assert listing.json() == [public | {"investigators": INVESTIGATOR if sees else None}], name
        one = _api(client, f"/api/v1/clinical/sites/{site.pk}", **caller)
        assert one.status_code == 200, name
        assert one.json() == public | {"investigators": INVESTIGATOR if sees else None,
                                       "trials": trials if sees else None}, name
        assert INVESTIGATOR not in one.content.decode() or sees
    assert _api(client, f"/api/v1/clinical/sites/{site.pk + 1}").status_code == 404
    assert _api(client, "/api/v1/clinical/sites/0").status_code == 422


def test_the_offices_api_shows_the_profile_to_all_the_staff_to_members_and_never_a_draft_or_a_disclosure(
        client, office, officer, member, guest, staff):
    from guichet.accounts.services import api_token_create

    transfer_services.disclosure_submit(actor=officer, office=office, title="Invention secrète (fictive)",
                                        summary="Confidentiel")
    public = {"id": office.pk, "organization": "ex-valo", "name": "Bureau de valorisation (fictif)",
              "summary": "Détecte, protège et licencie (fictif).", "services": ["Brevets", "Licences"],
              "territory": "Marseille (fictif)", "contact_email": "contact@valo.example"}
    people = [{"name": "Agent Fictif", "email": "officer@valo.example"}]
    published = TechnologyOffer.objects.get(title="Offre publiée (fictive)")
    offers = [{"id": published.pk, "title": "Offre publiée (fictive)", "published_on": "2026-01-01"}]
    token = api_token_create(actor=member, name="t")[1]
    callers = {"anonymous": {}, "guest": {"actor": guest}, "member (session)": {"actor": member},
               "member (token)": {"token": token}, "staff": {"actor": staff}, "officer": {"actor": officer}}
    for name, caller in callers.items():
        sees = name not in ("anonymous", "guest")
        listing = _api(client, "/api/v1/transfer/offices", **caller)
        assert listing.status_code == 200, name
        assert listing.json() == [public | {"staff": people if sees else None}], name
        one = _api(client, f"/api/v1/transfer/offices/{office.pk}", **caller)
        assert one.status_code == 200, name
        assert one.json() == public | {"staff": people if sees else None, "offers": offers}, name
        body = listing.content.decode() + one.content.decode()
        assert "Offre en préparation" not in body and "Invention secrète" not in body, name
    assert _api(client, f"/api/v1/transfer/offices/{office.pk + 1}").status_code == 404
    assert _api(client, "/api/v1/transfer/offices/0").status_code == 422


def test_the_profile_apis_are_in_the_openapi_schema_with_their_members_only_fields():
    from guichet.config.api import api

    schema = api.get_openapi_schema()
    for path in ("/api/v1/clinical/sites", "/api/v1/clinical/sites/{pk}", "/api/v1/transfer/offices",
                 "/api/v1/transfer/offices/{pk}"):
        assert "get" in schema["paths"][path], path
    parts = schema["components"]["schemas"]
    assert "members" in parts["SiteOut"]["properties"]["investigators"]["description"]
    assert "members" in parts["OfficeOut"]["properties"]["staff"]["description"]
