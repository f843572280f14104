"""The transfer indicators: technology transfer (disclosures, patent applications, licences and their income,
offers and the requests they drew) and clinical transfer (trials started, inclusions, feasibility answers and
their time, days to single-contract signature). Each with its method, each recomputable as of a past date:
every figure reads the dates of the records (disclosed, filed, signed, paid, counted, answered) and counts
nothing dated after the period's end, which is never after the as-of date."""

import statistics
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from guichet.core import bounds
from guichet.core.workdays import day_end, day_start

ZERO = Decimal("0.00")

LABELS = {
    "disclosures_in_period": _("Invention disclosures received in the period"),
    "disclosures_total": _("Invention disclosures (to date)"),
    "patent_applications_in_period": _("Patent applications filed in the period"),
    "patent_applications_total": _("Patent applications filed (to date)"),
    "licences_signed_in_period": _("Licences signed in the period"),
    "licences_total": _("Licences signed (to date)"),
    "licence_income_in_period": _("Licence income received in the period (EUR)"),
    "technology_offers": _("Technology offers published (to date)"),
    "offer_requests_in_period": _("Requests drawn by technology offers in the period"),
    "trials_started_in_period": _("Clinical trials opened to inclusions in the period"),
    "inclusions_in_period": _("Patients included in trials in the period"),
    "inclusions_total": _("Patients included in trials (to date)"),
    "feasibility_answers_in_period": _("Site feasibility answers in the period"),
    "feasibility_median_days_to_answer": _("Median time for a site to answer a feasibility request (days)"),
    "contract_median_days_to_signature": _("Median days to single-contract signature (contracts signed in the "
                                           "period)"),
    "contracts_within_target_share": _("Single contracts signed within the target (%)"),
}

METHODS = {
    "disclosures_in_period": _("Disclosures whose date of disclosure falls in the period, all offices. A count only: "
                               "no title or content of a disclosure is read."),
    "disclosures_total": _("Disclosures dated on or before the as-of date."),
    "patent_applications_in_period": _("Applications (every office: INPI, EPO, PCT, USPTO…) whose filing date "
                                       "falls in the period; an extension of a family to another office counts "
                                       "as one more application."),
    "patent_applications_total": _("Applications filed on or before the as-of date, whatever their later status."),
    "licences_signed_in_period": _("Licences whose signature date falls in the period."),
    "licences_total": _("Licences signed on or before the as-of date."),
    "licence_income_in_period": _("Royalty lines received in the period plus licence milestones paid in the period, "
                                  "by the date the money was received; amounts outside their bounds are left out."),
    "technology_offers": _("Offers whose publication date is on or before the as-of date."),
    "offer_requests_in_period": _("Questions members sent to an office about one of its offers (from the offer's "
                                  "page or from a desk request it was proposed to), dated in the period; one per "
                                  "member and offer."),
    "trials_started_in_period": _("Trials whose first change to “open to inclusions” is dated in the period."),
    "inclusions_in_period": _("Per trial site, the latest cumulative count on or before the period's end minus the "
                              "latest one before its start, summed over sites."),
    "inclusions_total": _("Per trial site, the latest cumulative count on or before the as-of date, summed."),
    "feasibility_answers_in_period": _("Answers given by sites to feasibility requests, dated in the period."),
    "feasibility_median_days_to_answer": _("For those answers, the median of the time from the routing of the "
                                           "request to the site to its answer, in days (calendar time)."),
    "contract_median_days_to_signature": _("For the trial sites whose single contract was signed in the period, "
                                           "the median number of calendar days from the complete dossier to the "
                                           "last signature; contracts without a dossier date are left out."),
    "contracts_within_target_share": _("Share of those contracts signed in at most the target number of days "
                                       "(clinical.models.CONTRACT_TARGET_DAYS)."),
}


def _days(start: date, end: date):

    return day_start(start), day_end(end)


def technology(as_of: date, start: date, end: date) -> dict:
    from guichet.transfer.models import (
        InventionDisclosure,
        Licence,
        LicenceMilestone,
        OfferRequest,
        PatentApplication,
        RoyaltyLine,
        TechnologyOffer,
    )

    v = {}
    # Each table counted once for the period and to date (a query per figure before: bench/impact_bench.py).
    for model, on, key in ((InventionDisclosure, "disclosed_on", "disclosures"),
                           (PatentApplication, "filed_on", "patent_applications"),
                           (Licence, "signed_on", "licences")):
        in_period = "licences_signed_in_period" if key == "licences" else f"{key}_in_period"
        v.update(model.objects.aggregate(**{
            in_period: Count("pk", filter=Q(**{f"{on}__gte": start, f"{on}__lte": end})),
            f"{key}_total": Count("pk", filter=Q(**{f"{on}__lte": as_of}))}))
    sane_royalty = RoyaltyLine.objects.filter(bounds.amount_in_bounds("amount_eur", bounds.MAX_PARTNERSHIP_VALUE_EUR))
    sane_milestone = LicenceMilestone.objects.filter(
        bounds.amount_in_bounds("amount_eur", bounds.MAX_PARTNERSHIP_VALUE_EUR))
    royalties = sane_royalty.filter(received_on__gte=start, received_on__lte=end).aggregate(
        s=Sum("amount_eur"))["s"] or ZERO
    milestones = sane_milestone.filter(paid_on__gte=start, paid_on__lte=end).aggregate(s=Sum("amount_eur"))["s"] \
        or ZERO
    v["licence_income_in_period"] = Decimal(royalties) + Decimal(milestones)
    v["technology_offers"] = TechnologyOffer.objects.filter(published_on__isnull=False,
                                                            published_on__lte=as_of).count()
    low, high = _days(start, end)
    v["offer_requests_in_period"] = OfferRequest.objects.filter(created_at__gte=low, created_at__lte=high).count()
    return v


def clinical(as_of: date, start: date, end: date) -> dict:
    from django.db.models import Min

    from guichet.clinical.models import (
        CONTRACT_TARGET_DAYS,
        ContractMilestone,
        ContractStep,
        FeasibilityAnswer,
        InclusionCount,
        TrialStatus,
        TrialStatusChange,
    )

    v = {}
    first_open = (TrialStatusChange.objects.filter(status=TrialStatus.OPEN, on__lte=as_of).values("trial")
                  .annotate(first=Min("on")).values_list("first", flat=True))
    v["trials_started_in_period"] = sum(1 for day in first_open if start <= day <= end)
    # One read of the counts up to the as-of date, walked per site in date order.
    before_start, by_end, by_as_of = defaultdict(int), defaultdict(int), defaultdict(int)
    for site, on, total in (InclusionCount.objects.filter(on__lte=as_of).order_by("trial_site", "on")
                            .values_list("trial_site", "on", "total")):
        by_as_of[site] = total
        if on < start:
            before_start[site] = total
        if on <= end:
            by_end[site] = total
    v["inclusions_total"] = sum(by_as_of.values())
    v["inclusions_in_period"] = sum(max(by_end[s] - before_start[s], 0) for s in by_end)
    low, high = _days(start, end)
    answers = list(FeasibilityAnswer.objects.filter(answered_at__gte=low, answered_at__lte=high)
                   .values_list("answered_at", "routing__routed_at"))
    v["feasibility_answers_in_period"] = len(answers)
    v["feasibility_median_days_to_answer"] = (
        round(statistics.median((a - r).total_seconds() / 86400 for a, r in answers), 1) if answers else None)
    steps = defaultdict(dict)
    signed_sites = ContractMilestone.objects.filter(step=ContractStep.SIGNED, on__gte=start, on__lte=end).values(
        "trial_site")
    for site, step, on in (ContractMilestone.objects.filter(trial_site__in=signed_sites,
                                                            step__in=[ContractStep.DOSSIER, ContractStep.SIGNED])
                           .values_list("trial_site", "step", "on")):
        steps[site][step] = on
    days = [s[ContractStep.SIGNED] - s[ContractStep.DOSSIER] for s in steps.values() if ContractStep.DOSSIER in s]
    days = [d.days for d in days if d.days >= 0]
    v["contract_median_days_to_signature"] = statistics.median(days) if days else None
    v["contracts_within_target_share"] = (round(100 * sum(d <= CONTRACT_TARGET_DAYS for d in days) / len(days), 1)
                                          if days else None)
    return v


def compute(as_of: date, start: date, end: date) -> dict:
    return {**technology(as_of, start, end), **clinical(as_of, start, end)}
