"""The transfer indicators against an independent computation: a known data set written as plain Python
lists, the expected figures computed from those lists (not from the database), for a period in the past and
as of a past date, with records dated after it that must not count."""

import statistics
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction

from guichet.accounts.models import Role
from guichet.core.workdays import PARIS
from guichet.impact import kpis

from .conftest import make_user

pytestmark = pytest.mark.django_db
START, END, AS_OF = date(2025, 1, 1), date(2025, 6, 30), date(2025, 6, 30)

DISCLOSED = [date(2024, 11, 3), date(2025, 2, 1), date(2025, 6, 30), date(2025, 7, 1), date(2026, 1, 9)]
FILED = [date(2024, 12, 31), date(2025, 1, 1), date(2025, 3, 15), date(2025, 9, 1)]
LICENCES = [date(2024, 5, 1), date(2025, 4, 2), date(2025, 8, 8)]
ROYALTIES = [(date(2025, 3, 31), "1200.50"), (date(2024, 12, 31), "999.00"), (date(2025, 7, 15), "500.00")]
MILESTONES = [(date(2025, 5, 5), "25000.00"), (None, "40000.00"), (date(2025, 12, 1), "10000.00")]
OFFERS = [date(2024, 6, 1), date(2025, 6, 1), None, date(2025, 7, 2)]
OFFER_REQUESTS = [datetime(2025, 2, 2, 10, tzinfo=PARIS), datetime(2025, 6, 30, 23, 30, tzinfo=PARIS),
                  datetime(2025, 7, 1, 0, 30, tzinfo=PARIS)]
# trial -> status changes
TRIALS = [[("planned", date(2024, 10, 1)), ("open", date(2025, 2, 10))],
          [("open", date(2024, 9, 1)), ("suspended", date(2025, 1, 5)), ("open", date(2025, 3, 1))],
          [("open", date(2025, 8, 1))]]
# trial site -> (date, cumulative total)
INCLUSIONS = [[(date(2024, 12, 1), 4), (date(2025, 3, 1), 10), (date(2025, 6, 30), 15), (date(2025, 9, 1), 30)],
              [(date(2025, 2, 1), 2), (date(2025, 7, 1), 8)],
              [(date(2024, 11, 1), 6)]]
# feasibility answers: (routed, answered)
ANSWERS = [(datetime(2025, 1, 10, 9, tzinfo=PARIS), datetime(2025, 1, 13, 21, tzinfo=PARIS)),
           (datetime(2025, 1, 10, 9, tzinfo=PARIS), datetime(2025, 1, 20, 9, tzinfo=PARIS)),
           (datetime(2024, 12, 20, 9, tzinfo=PARIS), datetime(2024, 12, 30, 9, tzinfo=PARIS)),
           (datetime(2025, 6, 20, 9, tzinfo=PARIS), datetime(2025, 7, 2, 9, tzinfo=PARIS))]
# single contracts: (dossier, signed)
CONTRACTS = [(date(2025, 1, 6), date(2025, 2, 20)), (date(2024, 12, 1), date(2025, 3, 2)),
             (date(2025, 3, 1), date(2025, 6, 29)), (None, date(2025, 4, 1)), (date(2025, 5, 1), date(2025, 7, 20))]


def expected():
    def within(d):
        return d is not None and START <= d <= END

    def paris_day(dt):
        return dt.astimezone(PARIS).date()

    first_open = [min(d for s, d in t if s == "open" and d <= AS_OF) for t in TRIALS
                  if any(s == "open" and d <= AS_OF for s, d in t)]

    def latest(counts, day, strict=False):
        seen = [n for d, n in counts if (d < day if strict else d <= day)]
        return seen[-1] if seen else 0

    answers = [(r, a) for r, a in ANSWERS if within(paris_day(a))]
    days = [(s - d).days for d, s in CONTRACTS if within(s) and d is not None]
    return {
        "disclosures_in_period": sum(map(within, DISCLOSED)),
        "disclosures_total": sum(d <= AS_OF for d in DISCLOSED),
        "patent_applications_in_period": sum(map(within, FILED)),
        "patent_applications_total": sum(d <= AS_OF for d in FILED),
        "licences_signed_in_period": sum(map(within, LICENCES)),
        "licences_total": sum(d <= AS_OF for d in LICENCES),
        "licence_income_in_period": sum((Decimal(a) for d, a in ROYALTIES + MILESTONES if within(d)), Decimal(0)),
        "technology_offers": sum(d is not None and d <= AS_OF for d in OFFERS),
        "offer_requests_in_period": sum(within(paris_day(t)) for t in OFFER_REQUESTS),
        "trials_started_in_period": sum(map(within, first_open)),
        "inclusions_total": sum(latest(c, AS_OF) for c in INCLUSIONS),
        "inclusions_in_period": sum(latest(c, END) - latest(c, START, strict=True) for c in INCLUSIONS),
        "feasibility_answers_in_period": len(answers),
        "feasibility_median_days_to_answer": round(statistics.median(
            (a - r).total_seconds() / 86400 for r, a in answers), 1),
        "contract_median_days_to_signature": statistics.median(days),
        "contracts_within_target_share": round(100 * sum(d <= 60 for d in days) / len(days), 1),
    }


@pytest.fixture
def known(db):
    from guichet.clinical.models import (
        ContractMilestone,
        Feasibility,
        FeasibilityAnswer,
        InclusionCount,
        Site,
        Trial,
        TrialSite,
        TrialStatusChange,
    )
    from guichet.desk.models import Need, Routing
    from guichet.directory.models import Organization
    from guichet.transfer.models import (
        InventionDisclosure,
        IPFamily,
        Licence,
        LicenceMilestone,
        OfferRequest,
        Office,
        PatentApplication,
        RoyaltyLine,
        TechnologyOffer,
    )

    user = make_user("kpi@test.example", Role.STAFF)
    orgs = [Organization.objects.create(key=f"o{i}", name=f"O{i}", kind="hospital") for i in range(6)]
    office = Office.objects.create(organization=orgs[0])
    for d in DISCLOSED:
        InventionDisclosure.objects.create(office=office, title="t", summary="s", submitted_by=user, disclosed_on=d)
    family = IPFamily.objects.create(office=office, reference="F1", title="f")
    for i, d in enumerate(FILED):
        PatentApplication.objects.create(family=family, patent_office="EP", number=f"N{i}", filed_on=d)
    licences = [Licence.objects.create(office=office, licensee=orgs[1], signed_on=d) for d in LICENCES]
    for d, amount in ROYALTIES:
        RoyaltyLine.objects.create(licence=licences[0], period_end=d, amount_eur=Decimal(amount), received_on=d)
    for d, amount in MILESTONES:
        LicenceMilestone.objects.create(licence=licences[1], label="m", amount_eur=Decimal(amount), paid_on=d)
    offers = [TechnologyOffer.objects.create(office=office, title=f"x{i}", summary="s", published_on=d)
              for i, d in enumerate(OFFERS)]
    for i, t in enumerate(OFFER_REQUESTS):
        OfferRequest.objects.create(offer=offers[0], user=make_user(f"r{i}@test.example", Role.MEMBER), created_at=t)
    site = Site.objects.create(organization=orgs[2], kind="cic")
    sites = [site, Site.objects.create(organization=orgs[3], kind="department"),
             Site.objects.create(organization=orgs[4], kind="phase_i")]
    trials = []
    for i, changes in enumerate(TRIALS):
        trial = Trial.objects.create(title=f"T{i}", sponsor=orgs[5], phase="2")
        trials.append(trial)
        for status, on in changes:
            TrialStatusChange.objects.create(trial=trial, status=status, on=on)
    for i, counts in enumerate(INCLUSIONS):
        ts = TrialSite.objects.create(trial=trials[0], site=sites[i])
        for on, total in counts:
            InclusionCount.objects.create(trial_site=ts, on=on, total=total)
    for i, (dossier, signed) in enumerate(CONTRACTS):
        ts = TrialSite.objects.create(trial=trials[1 + i % 2], site=sites[i % 3]) if i < 4 else \
            TrialSite.objects.create(trial=trials[0], site=Site.objects.create(organization=Organization.objects.create(
                key="o9", name="O9", kind="hospital"), kind="cic"))
        if dossier:
            ContractMilestone.objects.create(trial_site=ts, step="dossier", on=dossier)
        ContractMilestone.objects.create(trial_site=ts, step="signed", on=signed)
    with transaction.atomic():
        for i, (routed, answered) in enumerate(ANSWERS):
            req = Need.objects.create(title="f", text="f", language="fr", requester=user)
            feasibility = Feasibility.objects.create(
                request=req, indication="x", area="autoimmune", phase="2", population="p", inclusion_criteria="c",
                patients_needed=1, recruitment_start=START, recruitment_months=1, deadline=END)
            routing = Routing.objects.create(request=req, record_kind="organization", record_key=f"k{i}",
                                             record_name="n", provider_organization=sites[0].organization,
                                             routed_by=user, routed_at=routed)
            FeasibilityAnswer.objects.create(feasibility=feasibility, site=sites[0], routing=routing, estimate=1,
                                             interest="high", answered_by=user, answered_at=answered)


def test_every_transfer_kpi_matches_the_independent_computation_as_of_a_past_date(known):
    report = kpis.compute(as_of=AS_OF, start=START, end=END)
    want = expected()
    got = {k: report.values[k] for k in want}
    assert got == want
    # A sanity check of the fixture itself: the figures are not all zeros, and later records exist.
    assert want["disclosures_in_period"] == 2 and want["licence_income_in_period"] == Decimal("26200.50")
    assert want["inclusions_in_period"] == 13 and want["contract_median_days_to_signature"] == 91
    assert set(want) <= set(report.methods) and all(report.methods[k] for k in want)


def test_the_as_of_date_hides_what_came_later(known):
    later = kpis.compute(as_of=date(2026, 6, 30), start=START, end=END)
    now = kpis.compute(as_of=AS_OF, start=START, end=END)
    assert later.values["disclosures_total"] == len(DISCLOSED) > now.values["disclosures_total"]
    assert later.values["inclusions_total"] > now.values["inclusions_total"]
    # The period's own figures do not change with a later as-of date: they read the period's dates only.
    assert later.values["disclosures_in_period"] == now.values["disclosures_in_period"]


def test_the_dashboard_and_exports_show_them_with_their_method(client, known):
    import io

    import openpyxl

    client.force_login(make_user("dash@test.example", Role.STAFF))
    query = {"start": START.isoformat(), "end": END.isoformat(), "as_of": AS_OF.isoformat()}
    page = client.get("/impact/", query).content.decode()
    assert 'id="kpi-licence_income_in_period"' in page and 'id="methods"' in page
    book = openpyxl.load_workbook(io.BytesIO(client.get("/impact/export.xlsx", query).content))
    rows = {r[0]: r[2] for r in book.worksheets[0].iter_rows(min_row=3, values_only=True)}
    assert rows["inclusions_total"] == expected()["inclusions_total"]
    assert float(rows["licence_income_in_period"]) == float(expected()["licence_income_in_period"])
    method_text = " ".join(str(r[0]) for r in book["Méthode"].iter_rows(values_only=True) if r[0]) \
        if "Méthode" in book.sheetnames else " ".join(str(r[0]) for r in book.worksheets[-1].iter_rows(values_only=True))
    assert "CONTRACT_TARGET_DAYS" in method_text


def test_a_day_later_answer_counts_in_the_next_period(known):
    after = kpis.compute(as_of=date(2025, 12, 31), start=END + timedelta(days=1), end=date(2025, 12, 31))
    assert after.values["feasibility_answers_in_period"] == 1
    assert after.values["offer_requests_in_period"] == 1  # 00:30 Paris on 1 July
