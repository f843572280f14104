"""Labs and teams inside organizations, who belongs to them, and the projects (grants) that pay for bookings
and service orders. Fields and constraints only: writes are in services.py, the budget in budget.py."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.core.fields import TolerantDecimalField
from guichet.directory.models import PRIVATE_KINDS, key_validator

# 100 million euros: above the largest single grants a lab of the cluster holds (an ERC Synergy grant is
# 10-14 million, a national infrastructure grant a few tens of millions); more is a typing error.
MAX_PROJECT_BUDGET_EUR = Decimal("100000000")


class ResearchGroup(models.Model):
    """A lab or a team of an organization of the directory; a team may sit inside a lab."""

    class Kind(models.TextChoices):
        LAB = "lab", _("Lab")
        TEAM = "team", _("Team")

    key = models.CharField(_("key"), max_length=80, unique=True, validators=[key_validator])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.LAB)
    organization = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="groups",
                                     verbose_name=_("organization"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="teams",
                               verbose_name=_("inside the lab"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("lab or team")
        verbose_name_plural = _("labs and teams")

    def __str__(self):
        return self.name

    @property
    def kind_label(self) -> str:
        """What the pages call it: a company's or a start-up's group is a team, whatever its kind (no start-up
        calls its R&D a laboratory); an institute's is a lab or a team."""
        if self.kind == self.Kind.LAB and self.organization.kind in PRIVATE_KINDS:
            return str(self.Kind.TEAM.label)
        return self.get_kind_display()


class GroupMembership(models.Model):
    """A user in a group: a head (PI) or a member. A member's request waits for a head's approval; the head
    also says whether the member may charge the group's projects, and on which platforms.

    `may_charge` off: no project. On, with no `chargeable_platforms`: every platform the projects pay for (what
    every membership meant before platforms could be chosen). On, with some: those platforms only. A head
    charges every platform. The rule is `permissions.can_charge` (and its query, `selectors.projects_chargeable`)."""

    class Role(models.TextChoices):
        HEAD = "head", _("Head (PI)")
        MEMBER = "member", _("Member")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a head's approval")
        ACTIVE = "active", _("Member")
        REFUSED = "refused", _("Refused")
        LEFT = "left", _("Left the group")

    group = models.ForeignKey(ResearchGroup, on_delete=models.CASCADE, related_name="memberships",
                              verbose_name=_("lab or team"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships",
                             verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    may_charge = models.BooleanField(_("may charge the group's projects"), default=False)
    # --- platforms a member may charge (issue 12) --- written by services.membership_platforms_set only
    chargeable_platforms = models.ManyToManyField(
        "platforms.Platform", blank=True, related_name="+", verbose_name=_("may charge on the platforms"),
        help_text=_("Leave empty to allow every platform the group's projects pay for."))
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["group", "-role", "user"]
        verbose_name = _("lab or team membership")
        verbose_name_plural = _("lab and team memberships")
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="group_membership_unique")]

    def __str__(self):
        return f"{self.user} · {self.group}"


class Project(models.Model):
    """A grant or project that pays: valid between two dates, for some platforms, within a budget in euros.

    What it has spent and holds is computed from the bookings and orders that name it (budget.py): nothing
    is copied, so a cancelled booking frees its commitment by itself."""

    key = models.CharField(_("key"), max_length=80, unique=True, validators=[key_validator])
    name = models.CharField(_("name"), max_length=200)
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    grant_number = models.CharField(_("grant number"), max_length=100, blank=True)
    group = models.ForeignKey(ResearchGroup, on_delete=models.PROTECT, related_name="projects",
                              verbose_name=_("owner lab or team"))
    starts_on = models.DateField(_("valid from"))
    ends_on = models.DateField(_("valid until"))
    budget = TolerantDecimalField(_("budget (EUR)"), max_digits=14, decimal_places=2)
    platforms = models.ManyToManyField("platforms.Platform", blank=True, related_name="projects",
                                       verbose_name=_("allowed platforms"),
                                       help_text=_("Leave empty to allow every platform."))
    services = models.ManyToManyField("platforms.Service", blank=True, related_name="projects",
                                      verbose_name=_("allowed services"),
                                      help_text=_("Leave empty to allow every service of the allowed platforms."))
    # When the heads were told that 80 % and 100 % of the budget is used (claimed by compare-and-set: once).
    alerted_80_at = models.DateTimeField(null=True, blank=True, editable=False)
    alerted_100_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["group", "name"]
        verbose_name = _("project or grant")
        verbose_name_plural = _("projects and grants")
        constraints = [
            models.CheckConstraint(condition=models.Q(budget__gte=0, budget__lte=MAX_PROJECT_BUDGET_EUR),
                                   name="project_budget_in_bounds"),
            models.CheckConstraint(condition=models.Q(starts_on__lte=models.F("ends_on")),
                                   name="project_starts_before_it_ends"),
        ]

    def __str__(self):
        return f"{self.name} ({self.grant_number})" if self.grant_number else self.name
