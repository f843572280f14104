"""Reads of the hosting spaces: occupancy per building as of a date, a building's spaces and contracts, the
rooms members book, the companies hosted on a date (the "companies implanted" KPI reads it)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q, Sum

from .models import Building, Contract, Space

ZERO = Decimal("0.00")


def live_on(day: date) -> Q:
    """Contracts that hold on `day`: started, not over, not cancelled (a cancelled contract never counted)."""
    return Q(start__lte=day, end__gte=day, cancelled_at__isnull=True)


def billed_in(first: date, last: date) -> Q:
    """Contracts that hold on at least one day from `first` to `last` (the month an invoice bills)."""
    return Q(start__lte=last, end__gte=first, cancelled_at__isnull=True)


@dataclass
class Occupancy:
    building: Building
    lettable_m2: Decimal  # offices and benches: what can be let by contract
    let_m2: Decimal  # the surface of the contracts that hold on the date
    companies: int

    @property
    def share(self) -> Decimal | None:
        """The share of the lettable surface under contract, in per cent (None when nothing is lettable)."""
        if not self.lettable_m2:
            return None
        return (100 * self.let_m2 / self.lettable_m2).quantize(Decimal("0.1"))


def occupancy(day: date, buildings=None) -> list[Occupancy]:
    buildings = list(buildings if buildings is not None else Building.objects.all())
    lettable = dict(Space.objects.filter(building__in=buildings, kind__in=Space.BY_CONTRACT)
                    .values_list("building").annotate(m2=Sum("surface_m2")))
    contracts = Contract.objects.filter(live_on(day), space__building__in=buildings)
    let = dict(contracts.values_list("space__building").annotate(m2=Sum("surface_m2")))
    companies: dict[int, set] = {}
    for building_id, company_id in contracts.values_list("space__building", "company"):
        companies.setdefault(building_id, set()).add(company_id)
    return [Occupancy(building=b, lettable_m2=lettable.get(b.pk) or ZERO, let_m2=let.get(b.pk) or ZERO,
                      companies=len(companies.get(b.pk, ()))) for b in buildings]


def building_get(key: str) -> Building | None:
    return Building.objects.select_related("platform").filter(key=key).first()


def building_spaces(building: Building, day: date) -> list[Space]:
    """The building's spaces, each with `current`: the contract that holds it on `day` (or None)."""
    spaces = list(building.spaces.select_related("resource").prefetch_related(
        Prefetch("contracts", queryset=Contract.objects.filter(live_on(day)).select_related("company"),
                 to_attr="holding")))
    for space in spaces:
        space.current = space.holding[0] if space.holding else None
    return spaces


def building_contracts(building: Building):
    return (Contract.objects.filter(space__building=building)
            .select_related("space__resource", "company").order_by("-start", "-id"))


def contract_get(pk: int) -> Contract | None:
    return Contract.objects.select_related("space__building__platform", "hold").filter(pk=pk).first()


def rooms() -> list[Space]:
    """The rooms members book by the hour, building by building."""
    return list(Space.objects.exclude(kind__in=Space.BY_CONTRACT).filter(resource__bookable=True)
                .select_related("building", "resource").order_by("building__name", "resource__name"))


def companies_hosted(day: date) -> set[int]:
    """The organizations holding at least one contract on `day`."""
    return set(Contract.objects.filter(live_on(day)).values_list("company", flat=True).distinct())


def contracts_of_member(user):
    """The contracts let to the organizations the user belongs to (a hosted company's people see their spaces),
    cancelled ones left out: they never held."""
    if not (user and user.is_authenticated):
        return Contract.objects.none()
    return (Contract.objects.filter(company__memberships__user=user, cancelled_at__isnull=True).distinct()
            .select_related("space__resource", "space__building", "company").order_by("company__name", "-start"))
