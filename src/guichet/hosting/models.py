"""The cluster's buildings and their spaces, each a bookable resource of the bookings engine (its
`platforms.Instrument`), and the contracts that let offices and benches to companies.

A contract holds its space through a `bookings.Booking` of kind `contract` (`hold`), so contracts of one
space never overlap one another nor an hourly booking: PostgreSQL's exclusion constraint on bookings
refuses it (bookings migration 0002), SQLite's write lock serializes the check and the insert.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.core import bounds


class Building(models.Model):
    """A building of the cluster's site; the managers of its `platform` run it (rooms, contracts)."""

    key = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    site = models.CharField(_("site"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    platform = models.ForeignKey("platforms.Platform", on_delete=models.PROTECT, related_name="buildings",
                                 verbose_name=_("run by (platform)"),
                                 help_text=_("Its managers approve room bookings and let the spaces."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")

    def __str__(self):
        return self.name


class Space(models.Model):
    """An office, a lab bench, a meeting room or an equipment room of a building."""

    class Kind(models.TextChoices):
        OFFICE = "office", _("Office")
        BENCH = "bench", _("Lab bench")
        MEETING_ROOM = "meeting_room", _("Meeting room")
        EQUIPMENT_ROOM = "equipment_room", _("Equipment room")

    # Offices and benches are let by contract; rooms are booked by the hour on their calendar.
    BY_CONTRACT = (Kind.OFFICE, Kind.BENCH)

    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="spaces",
                                 verbose_name=_("building"))
    resource = models.OneToOneField("platforms.Instrument", on_delete=models.PROTECT, related_name="space",
                                    verbose_name=_("bookable resource"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    surface_m2 = models.DecimalField(_("surface (m²)"), max_digits=9, decimal_places=2)
    seats = models.PositiveIntegerField(_("seats"), null=True, blank=True)

    class Meta:
        ordering = ["building__name", "resource__name"]
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        constraints = [models.CheckConstraint(
            condition=models.Q(surface_m2__gt=0, surface_m2__lte=bounds.MAX_SURFACE_M2),
            name="space_surface_in_bounds")]

    def __str__(self):
        return self.resource.name

    @property
    def by_contract(self) -> bool:
        return self.kind in self.BY_CONTRACT


class Contract(models.Model):
    """A space let to a company (a directory organization) from `start` to `end` (both included)."""

    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("space"))
    company = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="hosting_contracts",
                                verbose_name=_("company"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    surface_m2 = models.DecimalField(_("surface (m²)"), max_digits=9, decimal_places=2)
    monthly_price = models.DecimalField(_("monthly price (EUR)"), max_digits=12, decimal_places=2)
    hold = models.OneToOneField("bookings.Booking", on_delete=models.PROTECT, related_name="hosting_contract")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Entered by mistake: it never counted (occupancy, companies implanted), even for the dates before.
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = _("hosting contract")
        verbose_name_plural = _("hosting contracts")
        constraints = [
            models.CheckConstraint(condition=models.Q(start__lte=models.F("end")), name="contract_start_before_end"),
            models.CheckConstraint(condition=bounds.date_in_bounds("start") & bounds.date_in_bounds("end"),
                                   name="contract_dates_in_bounds"),
            models.CheckConstraint(
                condition=models.Q(surface_m2__gt=0, surface_m2__lte=bounds.MAX_SURFACE_M2)
                & bounds.amount_in_bounds("monthly_price", bounds.MAX_MONTHLY_RENT_EUR),
                name="contract_figures_in_bounds"),
        ]

    def __str__(self):
        return f"{self.space} · {self.company} ({self.start:%Y-%m-%d} → {self.end:%Y-%m-%d})"
