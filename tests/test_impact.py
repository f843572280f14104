"""Impact: each KPI against an independent computation on a known data set, as of past dates too; private
programmes never reach anyone but their owner and staff; founders edit only their own start-up; the PDF
report carries the values and its charts."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.test import TestCase
from pypdf import PdfReader

from guichet.accounts.models import Membership, Role
from guichet.bookings.models import Booking
from guichet.core.workdays import PARIS
from guichet.directory.models import Organization
from guichet.impact import kpis
from guichet.impact.models import ReportRun, Target
from guichet.partnerships.models import Partnership, PartnershipStageChange
from guichet.platforms.models import Instrument, Platform
from guichet.programmes.models import Indication, Programme, ProgrammeStageChange
from guichet.startups import services as startup_services
from guichet.startups.models import FundingRound, Headcount, Startup

from .conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    """A small, fully known history."""
    staff = make_user("staff@i.example", Role.STAFF)
    lab = Organization.objects.create(key="lab", name="Lab", kind="research_lab")
    pharma = Organization.objects.create(key="pharma", name="Pharma", kind="company")
    s1 = Organization.objects.create(key="s1", name="S1", kind="startup")
    s2 = Organization.objects.create(key="s2", name="S2", kind="startup")
    for org, joined in [(lab, 2020), (pharma, 2020), (s1, 2021), (s2, 2023)]:
        Organization.objects.filter(pk=org.pk).update(created_at=datetime(joined, 1, 1, tzinfo=PARIS))
    st1 = Startup.objects.create(organization=s1, founded_on=date(2021, 5, 1), origin="lab_spinoff")
    st2 = Startup.objects.create(organization=s2, founded_on=date(2023, 2, 1), origin="tto_licence")
    for startup, on, amount in [(st1, date(2021, 9, 1), "500000"), (st1, date(2023, 6, 1), "3000000"),
                                (st2, date(2024, 1, 10), "800000")]:
        # validated by the team on the day they describe (the funds KPIs count validated rounds only)
        FundingRound.objects.create(startup=startup, on=on, amount_eur=Decimal(amount),
                                    validated_at=datetime(on.year, on.month, on.day, tzinfo=PARIS))
    for org, on, n in [(s1, date(2021, 6, 1), 3), (s1, date(2023, 6, 1), 12), (s2, date(2023, 3, 1), 4),
                       (lab, date(2022, 1, 1), 30), (lab, date(2024, 1, 1), 35)]:
        # validated by the team on the day they describe (the jobs KPI counts validated headcounts only)
        Headcount.objects.create(organization=org, on=on, headcount=n, validated_at=datetime(on.year, on.month,
                                                                                             on.day, tzinfo=PARIS))
    p1 = Partnership.objects.create(title="P1", type="licence", value_eur=Decimal("200000"), created_by=staff,
                                    confirmed_at=datetime(2025, 1, 1, tzinfo=PARIS))
    p1.parties.add(lab, pharma)  # public-private
    p2 = Partnership.objects.create(title="P2", type="rd_collaboration", value_eur=Decimal("50000"),
                                    created_by=staff,
                                    confirmed_at=datetime(2025, 1, 1, tzinfo=PARIS))
    p2.parties.add(pharma, s1)  # private-private
    p3 = Partnership.objects.create(title="P3", type="cifre", value_eur=Decimal("90000"), created_by=staff,
                                    confirmed_at=datetime(2025, 1, 1, tzinfo=PARIS))
    p3.parties.add(lab, s2)
    for p, stages in [(p1, [("lead", date(2022, 1, 5)), ("negotiation", date(2022, 3, 1)),
                            ("signed", date(2022, 6, 1)), ("active", date(2022, 7, 1))]),
                      (p2, [("lead", date(2023, 1, 1)), ("signed", date(2023, 9, 1))]),
                      (p3, [("lead", date(2024, 2, 1)), ("lost", date(2024, 5, 1))])]:
        for stage, on in stages:
            PartnershipStageChange.objects.create(partnership=p, stage=stage, on=on)
    public = Programme.objects.create(code="PUB-1", name="Public one", owner=s1, target="CD20", format="monoclonal",
                                      visibility="public")
    private = Programme.objects.create(code="PRIV-1", name="Zorglumab", owner=s2, target="Zorglub",
                                       format="bispecific", visibility="private")
    members = Programme.objects.create(code="MEM-1", name="Members one", owner=s2, target="IL-6", format="adc",
                                       visibility="members")
    for prog, area in [(public, "cancer"), (private, "autoimmune"), (members, "cancer")]:
        Indication.objects.create(programme=prog, name="x", therapeutic_area=area)
    for prog, changes in [(public, [("discovery", date(2021, 6, 1)), ("preclinical", date(2023, 4, 1)),
                                    ("phase_1", date(2024, 3, 1))]),
                          (private, [("discovery", date(2023, 3, 1)), ("lead_optimization", date(2024, 2, 1))]),
                          (members, [("target_validation", date(2022, 1, 1))])]:
        for stage, on in changes:
            ProgrammeStageChange.objects.create(programme=prog, stage=stage, on=on)
    platform = Platform.objects.create(key="pf", name="PF", organization=lab)
    inst = Instrument.objects.create(key="pf.i", name="I", platform=platform, hourly_academic=Decimal("40"),
                                     hourly_startup=Decimal("60"), hourly_industry=Decimal("100"))
    user = make_user("u@i.example", Role.MEMBER)
    for org, start_h, hours, status in [(s1, 9, 2, "completed"), (pharma, 13, 3, "completed"),
                                        (lab, 8, 1, "cancelled")]:
        start = datetime(2024, 3, 12, start_h, tzinfo=PARIS)
        Booking.objects.create(instrument=inst, user=user, organization=org, start=start,
                               end=start.replace(hour=start_h + hours), blocked_until=start.replace(hour=start_h + hours),
                               status=status)
    return {"staff": staff, "lab": lab, "s1": s1, "s2": s2, "st1": st1, "st2": st2, "private": private}


def test_kpis_equal_independent_computations(world):
    r = kpis.compute(as_of=date(2024, 12, 31), start=date(2024, 1, 1), end=date(2024, 12, 31))
    v = r.values
    assert v["members"] == Organization.objects.count() == 4
    assert v["startups_total"] == 2 and v["startups_in_period"] == 0
    assert v["jobs"] == 12 + 4 + 35  # latest declaration of each organization
    assert v["funds_raised_total"] == Decimal("4300000") and v["funds_raised_in_period"] == Decimal("800000")
    assert v["partnerships_signed_total"] == 2 and v["partnerships_signed_in_period"] == 0
    assert v["public_private_share"] == 50.0  # P1 yes, P2 no (P3 was lost)
    assert v["partnerships_value_total"] == Decimal("250000")
    assert v["platform_hours"] == Decimal("5.00")  # the cancelled hour is not counted
    assert v["platform_revenue"] == Decimal("420.00")  # 2 h × 60 (start-up) + 3 h × 100 (industry)
    assert v["programmes"] == 3 and v["programme_stage_advances"] == 2  # PUB-1 → phase I, PRIV-1 → lead opt.
    assert v["economic_impact"] == Decimal("4300000") + Decimal("250000") + Decimal("420.00")
    assert r.series["startups_cumulative"] == [(2021, 1), (2022, 1), (2023, 2), (2024, 2)]


def test_a_founders_headcount_counts_in_the_jobs_kpi_only_once_validated_and_from_then(world):
    # Issue 11: "a declared figure counts in KPIs only once validated"; the jobs KPI summed founders' figures as typed.
    founder = make_user("founder@i.example", Role.MEMBER)
    world["st1"].founders.add(founder)
    Membership.objects.create(user=founder, organization=world["s1"])
    startup_services.startup_declare(actor=founder, startup=world["st1"], headcount_on=date(2024, 6, 1),
                                     headcount=500)
    declared = Headcount.objects.get(organization=world["s1"], on=date(2024, 6, 1))
    assert declared.validated_at is None
    as_of = dict(start=date(2024, 1, 1), end=date(2024, 12, 31))
    report = kpis.compute(as_of=date(2024, 12, 31), **as_of)
    assert report.values["jobs"] == 12 + 4 + 35  # still S1's validated 12
    # The dashboard says how much of it is validated: S1's latest figure waits for the team.
    ok, declared_by = report.series["validation"]["jobs"]
    assert declared_by == 3 and ok == 2
    with pytest.raises(startup_services.NotAllowed):
        startup_services.headcount_validate(actor=founder, headcounts=[declared])
    startup_services.headcount_validate(actor=world["staff"], headcounts=[declared])
    declared.refresh_from_db()
    assert declared.validated_by == world["staff"] and declared.validated_at is not None
    today = declared.validated_at.astimezone(PARIS).date()
    report = kpis.compute(as_of=today, start=date(2024, 1, 1), end=today)
    assert report.values["jobs"] == 500 + 4 + 35 and report.series["validation"]["jobs"] == (3, 3)
    # As of a day before its validation the figure did not count yet: the past reads the same later.
    assert kpis.compute(as_of=date(2024, 12, 31), **as_of).values["jobs"] == 12 + 4 + 35
    # The founder changes it: it waits for the team again; the staff's own entry stands validated.
    startup_services.startup_declare(actor=founder, startup=world["st1"], headcount_on=date(2024, 6, 1),
                                     headcount=510)
    assert Headcount.objects.get(organization=world["s1"], on=date(2024, 6, 1)).validated_at is None
    startup_services.headcount_declare(actor=world["staff"], organization=world["s2"], on=date(2024, 7, 1),
                                       headcount=6)
    assert kpis.compute(as_of=today, start=date(2024, 1, 1), end=today).values["jobs"] == 12 + 6 + 35


def test_kpis_as_of_a_past_date(world):
    r = kpis.compute(as_of=date(2022, 12, 31), start=date(2022, 1, 1), end=date(2022, 12, 31))
    v = r.values
    assert v["members"] == 3  # S2 joined in 2023
    assert v["startups_total"] == 1 and v["startups_in_period"] == 0
    assert v["jobs"] == 3 + 30
    assert v["funds_raised_total"] == Decimal("500000")
    assert v["partnerships_signed_total"] == 1 and v["partnerships_signed_in_period"] == 1
    assert v["public_private_share"] == 100.0
    assert r.series["programmes_by_stage"] == {"discovery": 1, "target_validation": 1}
    assert v["platform_hours"] == Decimal("0")
    assert dict(r.series["partnership_funnel"]) == {"lead": 1, "nda": 1, "negotiation": 1, "signed": 1}


def test_the_public_counts_leave_out_private_programmes(world, client):
    public = kpis.compute(as_of=date(2024, 12, 31), public=True)
    assert public.values["programmes"] == 1
    page = client.get("/impact/public/").content.decode()
    assert "Zorglub" not in page


@pytest.mark.parametrize("who", ["anonymous", "member", "guest", "other_startup_member"])
def test_a_private_programme_reaches_no_one_else(world, client, who):
    from guichet.accounts.services import api_token_create

    if who != "anonymous":
        user = make_user(f"{who}@i.example", Role.GUEST if who == "guest" else Role.MEMBER)
        if who == "other_startup_member":
            Membership.objects.create(user=user, organization=world["s1"])
        client.force_login(user)
        raw = api_token_create(actor=user, name="t")[1]
        api = client.get("/api/v1/programmes", HTTP_AUTHORIZATION=f"Bearer {raw}").content.decode()
    else:
        api = client.get("/api/v1/programmes").content.decode()
    pages = [client.get("/programmes/").content.decode(), client.get("/programmes/all/").content.decode(),
             client.get("/impact/public/").content.decode(), api]
    assert all("Zorglu" not in page for page in pages)
    assert client.get("/programmes/PRIV-1/").status_code == 404
    assert client.get("/impact/export.csv").status_code in (302, 403)


def test_owner_and_staff_see_the_private_programme(world, client):
    owner = make_user("owner@i.example", Role.MEMBER)
    Membership.objects.create(user=owner, organization=world["s2"])
    client.force_login(owner)
    assert "Zorglumab" in client.get("/programmes/PRIV-1/").content.decode()
    assert "Zorglumab" not in client.get("/programmes/").content.decode()  # the showcase is public programmes only
    client.force_login(world["staff"])
    assert "Zorglumab" in client.get("/programmes/all/").content.decode()


def test_founders_edit_only_their_own_startup(world, client):
    founder = make_user("founder@i.example", Role.MEMBER)
    world["st1"].founders.add(founder)
    startup_services.startup_declare(actor=founder, startup=world["st1"], headcount_on=date(2025, 1, 1),
                                     headcount=20)
    # Not counted before the team validates it (issue 11): S1's validated 12 stands.
    assert kpis.jobs(date(2025, 1, 2)) == 12 + 4 + 35
    with pytest.raises(startup_services.NotAllowed):
        startup_services.startup_declare(actor=founder, startup=world["st2"], headcount_on=date(2025, 1, 1),
                                         headcount=99)
    client.force_login(founder)
    assert client.get("/startups/s2/").status_code == 403
    response = client.post("/startups/s1/", {"round_on": "2025-02-01", "round_amount": "1000000"})
    assert response.status_code == 302 and world["st1"].rounds.count() == 3
    assert client.post("/startups/s2/", {"headcount_on": "2025-01-01", "headcount": "99"}).status_code == 403
    assert not Headcount.objects.filter(headcount=99).exists()


def test_exports_and_pdf_report_carry_the_values_and_charts(world, client):
    from openpyxl import load_workbook

    client.force_login(world["staff"])
    q = "?start=2024-01-01&end=2024-12-31&as_of=2024-12-31"
    rows = client.get("/impact/export.csv" + q).content.decode().splitlines()
    assert rows[1].startswith("kpi,label,value") and any(r.startswith("jobs,") and ",51," in r for r in rows)
    sheet = load_workbook(io.BytesIO(client.get("/impact/export.xlsx" + q).content)).worksheets[0]
    values = {row[0]: row[2] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert values["funds_raised_total"] == 4300000 and values["platform_revenue"] == 420
    with TestCase.captureOnCommitCallbacks(execute=True):  # the report job runs when the request commits
        asked = client.post("/impact/reports/new/" + q)
    run = ReportRun.objects.get()
    assert asked.status_code == 302 and asked["Location"] == f"/impact/reports/{run.pk}/"
    assert run.status == "done" and (run.start, run.end, run.as_of) == (date(2024, 1, 1), date(2024, 12, 31),
                                                                        date(2024, 12, 31))
    page = client.get(asked["Location"]).content.decode()
    assert f'href="/impact/reports/{run.pk}/report.pdf"' in page
    response = client.get(f"/impact/reports/{run.pk}/report.pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "51" in text and "4 300 000" in text.replace("\u202f", " ").replace("\xa0", " ")
    assert "Partnership funnel" in text or "Entonnoir" in text or "funnel" in text.lower()
    assert "no multiplier" in text or "aucun multiplicateur" in text


def test_dashboard_page_and_period(world, client):
    client.force_login(world["staff"])
    page = client.get("/impact/?start=2022-01-01&end=2022-12-31&as_of=2022-12-31").content.decode()
    assert 'id="kpi-jobs"' in page and "<svg" in page
    assert client.get("/impact/").status_code == 200
    member = make_user("m@i.example", Role.MEMBER)
    client.force_login(member)
    assert client.get("/impact/").status_code == 403


def test_public_impact_api_counts_public_programmes_only(world, client):
    data = {row["key"]: row["value"] for row in client.get("/api/v1/impact/public").json()}
    assert data["programmes"] == 1 and data["startups_total"] == 2
    assert "economic_impact" not in data


def test_partnerships_and_startups_api_scoped_to_the_caller(world, client):
    from guichet.accounts.services import api_token_create

    anonymous = client.get("/api/v1/partnerships")  # members only (issue 10 item 6): said, not an empty list
    assert anonymous.status_code == 401 and "Authorization: Bearer" in anonymous.json()["detail"]
    assert client.get("/api/v1/startups").status_code == 401
    member = make_user("p@i.example", Role.MEMBER)
    Membership.objects.create(user=member, organization=world["s1"])
    raw = api_token_create(actor=member, name="t")[1]
    titles = {p["title"] for p in client.get("/api/v1/partnerships", HTTP_AUTHORIZATION=f"Bearer {raw}").json()}
    assert titles == {"P2"}  # S1 is party to P2 only
    founder = make_user("f@i.example", Role.MEMBER)
    world["st2"].founders.add(founder)
    raw = api_token_create(actor=founder, name="t")[1]
    assert [s["organization"] for s in client.get("/api/v1/startups",
                                                  HTTP_AUTHORIZATION=f"Bearer {raw}").json()] == ["s2"]


@pytest.mark.django_db
def test_targets_are_labelled_in_the_page_language_and_their_source_cited_once(client, staff):
    client.force_login(staff)
    french = client.get("/impact/").content.decode()
    assert "Emplois directs" in french and "Direct jobs" not in french
    assert french.count("Communiqué de presse du 16 mai 2023") == 1
    assert "Situation au" in french
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/impact/").content.decode()
    assert "Direct jobs" in english and "Emplois directs" not in english


def test_signed_partnerships_show_their_validated_share_and_an_unconfirmed_one_moves_no_figure(world, client):
    # Issue 11: like the rounds, the partnerships' figures say how much of them is validated (confirmed by the
    # other parties or the team, of those declared signed).
    p4 = Partnership.objects.create(title="P4", type="licence", value_eur=Decimal("700000"), created_by=world["staff"])
    p4.parties.add(world["lab"], world["s1"])
    PartnershipStageChange.objects.create(partnership=p4, stage="signed", on=date(2024, 4, 1))
    r = kpis.compute(as_of=date(2024, 12, 31), start=date(2024, 1, 1), end=date(2024, 12, 31))
    assert r.values["partnerships_signed_total"] == 2 and r.values["partnerships_value_total"] == Decimal("250000")
    assert r.values["partnerships_signed_in_period"] == 0 and r.values["public_private_share"] == 50.0
    validation = r.series["validation"]
    assert validation["partnerships_signed_total"] == validation["partnerships_value_total"] == (2, 3)
    assert validation["partnerships_signed_in_period"] == (0, 1)
    # Economic impact: three validated rounds and two confirmed partnerships, of three rounds and three partnerships.
    assert validation["economic_impact"] == (5, 6)
    assert r.series["partnerships_per_year"] == [(2022, 1), (2023, 1), (2024, 0)]
    client.force_login(world["staff"])
    page = client.get("/impact/?start=2024-01-01&end=2024-12-31&as_of=2024-12-31",
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    signed = page[page.index('id="kpi-partnerships_signed_total"'):]
    assert "validated: 2 of 3" in signed[:signed.index("</li>")]
    Partnership.objects.filter(pk=p4.pk).update(confirmed_at=datetime(2025, 1, 1, tzinfo=PARIS))
    r = kpis.compute(as_of=date(2024, 12, 31), start=date(2024, 1, 1), end=date(2024, 12, 31))
    assert r.values["partnerships_signed_in_period"] == 1 and r.series["validation"]["economic_impact"] == (6, 6)
    assert r.series["partnerships_per_year"] == [(2022, 1), (2023, 1), (2024, 1)]


@pytest.mark.parametrize("language, words", [
    ("en", ["How the indicators are computed", "validated by the cluster team", "confirmed by each other party"]),
    ("fr", ["Comment les indicateurs sont calculés", "validées par l’équipe du cluster",
            "confirmés par chaque autre partie"])])
def test_every_economic_figure_states_its_method_on_the_dashboard_in_both_languages(world, client, language, words):
    from django.utils import translation

    economic = ("jobs", "funds_raised_total", "funds_raised_in_period", "partnerships_signed_total",
                "partnerships_signed_in_period", "public_private_share", "partnerships_value_total",
                "platform_hours", "platform_revenue", "economic_impact")
    with translation.override(language):
        methods = kpis.compute(as_of=date(2024, 12, 31)).methods
    assert all(methods.get(key) for key in economic)
    client.force_login(world["staff"])
    page = client.get("/impact/?as_of=2024-12-31", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    section = page[page.index('id="methods"'):]
    assert all(word in section for word in words), language


@pytest.mark.django_db
def test_a_targets_interpretation_is_shown_in_the_readers_language(client, staff):
    # English pages showed the French interpretation ("« des centaines » est lu comme sa borne basse") (issue 15).
    client.force_login(staff)
    french = client.get("/impact/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "est lu comme sa borne basse, 200." in french and "is read as its lower bound, 200" not in french
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/impact/").content.decode()
    assert '<td class="muted" lang="en">“des centaines” (hundreds) is read as its lower bound, 200.</td>' in english
    assert "est lu comme" not in english
    # written in French only: English pages show it, marked as French
    Target.objects.filter(key="jobs_2025").update(source_en="", source="Lu par l’équipe.")
    english = client.get("/impact/").content.decode()
    assert '<td class="muted" lang="fr">Lu par l’équipe.</td>' in english


@pytest.mark.django_db
def test_the_admin_edits_both_interpretations(client, staff):
    client.force_login(staff)
    target = Target.objects.get(key="jobs_2025")
    body = client.get(f"/admin/impact/target/{target.pk}/change/").content.decode()
    assert 'name="source"' in body and 'name="source_en"' in body


def test_a_partnership_counts_in_the_period_of_its_signature_not_of_its_confirmation(world):
    # Issue 11: P1 (signed June 2022) and P2 (signed September 2023) were both confirmed on 1 January 2025.
    in_2025 = kpis.compute(as_of=date(2025, 6, 30), start=date(2025, 1, 1), end=date(2025, 6, 30))
    assert in_2025.values["partnerships_signed_in_period"] == 0
    assert in_2025.values["partnerships_signed_total"] == 2
    assert in_2025.series["validation"]["partnerships_signed_in_period"] == (0, 0)
    for year, expected in [(2022, 1), (2023, 1), (2024, 0)]:
        r = kpis.compute(as_of=date(2025, 6, 30), start=date(year, 1, 1), end=date(year, 12, 31))
        assert r.values["partnerships_signed_in_period"] == expected, year
    assert dict(in_2025.series["partnerships_per_year"]) == {2022: 1, 2023: 1, 2024: 0, 2025: 0}
    # A partnership recorded (and confirmed) long after its signature counts in its signature's year too.
    late = Partnership.objects.create(title="P5", type="licence", value_eur=Decimal("1000"), created_by=world["staff"],
                                      confirmed_at=datetime(2025, 3, 1, tzinfo=PARIS))
    late.parties.add(world["lab"], world["s1"])
    PartnershipStageChange.objects.create(partnership=late, stage="signed", on=date(2023, 2, 1))
    r = kpis.compute(as_of=date(2025, 6, 30), start=date(2023, 1, 1), end=date(2023, 12, 31))
    assert r.values["partnerships_signed_in_period"] == 2
    assert kpis.compute(as_of=date(2025, 6, 30), start=date(2025, 1, 1),
                        end=date(2025, 6, 30)).values["partnerships_signed_in_period"] == 0


@pytest.mark.parametrize("language, words", [
    ("en", ["in the period of its first signature", "even when confirmed later"]),
    ("fr", ["sur la période de sa première signature", "même confirmé plus tard"])])
def test_the_partnership_method_says_it_counts_by_signature_date(language, words):
    from django.utils import translation

    with translation.override(language):
        methods = kpis.compute(as_of=date(2024, 12, 31)).methods
    text = methods["partnerships_signed_total"] + " " + methods["partnerships_signed_in_period"]
    assert all(word in text for word in words), text
