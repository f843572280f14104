from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.core import bounds
from guichet.core.fields import TolerantDecimalField
from guichet.directory.models import PRIVATE_KINDS, PUBLIC_KINDS


class PartnershipType(models.TextChoices):
    RD = "rd_collaboration", _("R&D collaboration")
    SERVICE = "service_contract", _("Service contract")
    LICENCE = "licence", _("Licence")
    MTA = "material_transfer", _("Material transfer")
    CIFRE = "cifre", _("CIFRE PhD")
    TRIAL = "clinical_trial", _("Clinical trial")
    GRANT = "consortium_grant", _("Consortium grant")


class Stage(models.TextChoices):
    LEAD = "lead", _("Lead")
    NDA = "nda", _("NDA")
    NEGOTIATION = "negotiation", _("Negotiation")
    SIGNED = "signed", _("Signed")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    LOST = "lost", _("Lost")


SIGNED_STAGES = (Stage.SIGNED, Stage.ACTIVE, Stage.COMPLETED)
# The order a partnership moves in. From each stage: any later stage of the order (an NDA is not always
# signed, so a stage may be skipped), or lost while it is still open; completed and lost are final.
STAGE_ORDER = (Stage.LEAD, Stage.NDA, Stage.NEGOTIATION, Stage.SIGNED, Stage.ACTIVE, Stage.COMPLETED)
FINAL_STAGES = (Stage.COMPLETED, Stage.LOST)
TRANSITIONS = {
    stage: tuple(STAGE_ORDER[index + 1:]) + ((Stage.LOST,) if stage not in FINAL_STAGES else ())
    for index, stage in enumerate(STAGE_ORDER)
} | {Stage.LOST: ()}
# A new partnership may be recorded at any stage it has reached (most are recorded once signed), not lost.
FIRST_STAGES = STAGE_ORDER


class Partnership(models.Model):
    """A collaboration between two or more organizations; public-private is derived from the parties."""

    title = models.CharField(_("title"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=PartnershipType.choices)
    parties = models.ManyToManyField("directory.Organization", related_name="partnerships",
                                     verbose_name=_("parties"))
    value_eur = TolerantDecimalField(_("value (EUR)"), max_digits=14, decimal_places=2, default=0, validators=[
        MinValueValidator(0), MaxValueValidator(bounds.MAX_PARTNERSHIP_VALUE_EUR)])
    description = models.TextField(_("description"), blank=True, max_length=5000)
    contacts = models.ManyToManyField("directory.Person", blank=True, related_name="partnerships",
                                      verbose_name=_("contacts"))
    desk_requests = models.ManyToManyField("desk.Need", blank=True, related_name="partnerships",
                                           verbose_name=_("desk requests"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Counts in the figures only once confirmed: by a contact of each other party, or by staff (issue 9:
    # one member's record counted at once, whatever organizations and value it named).
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("confirmed by"))

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(
            condition=bounds.amount_in_bounds("value_eur", bounds.MAX_PARTNERSHIP_VALUE_EUR),
            name="partnership_value_in_bounds")]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")

    def __str__(self):
        return self.title

    def stage_on(self, day=None):
        """The stage as it stood on a day (the history is kept, never overwritten)."""
        changes = [c for c in self.stage_changes.all() if day is None or c.on <= day]
        return max(changes, key=lambda c: (c.on, c.pk)).stage if changes else None

    @property
    def stage(self):
        return self.stage_on()

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_outlier(self) -> bool:
        return self.value_eur > bounds.PARTNERSHIP_VALUE_OUTLIER_EUR

    @property
    def is_public_private(self) -> bool:
        kinds = {o.kind for o in self.parties.all()}
        return bool(kinds & set(PUBLIC_KINDS)) and bool(kinds & set(PRIVATE_KINDS))


class PartnershipStageChange(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="stage_changes")
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    on = models.DateField(_("date"), validators=[bounds.past_date_validator])
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["on", "id"]
        constraints = [models.CheckConstraint(condition=bounds.date_in_bounds("on"),
                                              name="partnership_stage_date_in_bounds")]

    def __str__(self):
        return f"{self.partnership_id} {self.stage} {self.on}"


class PartnershipConfirmation(models.Model):
    """One party organization confirms the partnership, through one of its contacts (or the member who
    recorded it, for their own organization)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="confirmations")
    organization = models.ForeignKey("directory.Organization", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["partnership", "organization"],
                                               name="partnership_confirmed_once_per_party")]

    def __str__(self):
        return f"{self.partnership_id} {self.organization_id}"


class PartnershipDocument(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to="partnerships/%Y/")
    name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.name
