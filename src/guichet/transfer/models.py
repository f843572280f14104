"""Technology transfer, owned by the tech-transfer offices: disclosures (confidential), IP, maturation,
public technology offers, licences with their milestones and royalties."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.core import bounds
from guichet.core.fields import TolerantDecimalField

MAX_AMOUNT_EUR = bounds.MAX_PARTNERSHIP_VALUE_EUR  # a licence payment is a contract value like a partnership's


class Office(models.Model):
    """A tech-transfer office (a SATT, a university's valorisation service). Its staff are the accounts
    with a membership of its organization: no new role, the directory already says who works where."""

    organization = models.OneToOneField("directory.Organization", on_delete=models.PROTECT,
                                        related_name="transfer_office", verbose_name=_("organization"))
    # --- the office's profile (issue 11): public, except its staff (members of the network see who they are) ---
    summary = models.TextField(_("what the office does"), blank=True, max_length=3000)
    services = models.TextField(_("what it offers researchers and companies"), blank=True, max_length=3000,
                                help_text=_("One per line."))
    territory = models.CharField(_("area covered"), blank=True, max_length=200)
    contact_email = models.EmailField(_("contact e-mail"), blank=True,
                                      help_text=_("A shared address of the office, shown to the public."))

    class Meta:
        ordering = ["organization__name"]
        verbose_name = _("tech-transfer office")
        verbose_name_plural = _("tech-transfer offices")

    def __str__(self):
        return self.organization.name

    def get_absolute_url(self):
        return reverse("transfer:office_profile", args=[self.pk])

    @property
    def service_list(self) -> list[str]:
        return [line.strip() for line in self.services.splitlines() if line.strip()]


class DisclosureStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    EVALUATION = "evaluation", _("Under evaluation")
    PROTECTED = "protected", _("Protected (application filed)")
    RETURNED = "returned", _("Returned to the inventors")


class InventionDisclosure(models.Model):
    """Confidential: seen by its inventors and its office's staff only (not even the cluster team)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="disclosures",
                               verbose_name=_("tech-transfer office"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("description of the invention"), max_length=20000)
    inventors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="invention_disclosures",
                                       verbose_name=_("inventors"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    disclosed_on = models.DateField(_("disclosed on"), default=timezone.localdate)
    status = models.CharField(_("status"), max_length=12, choices=DisclosureStatus.choices,
                              default=DisclosureStatus.RECEIVED)

    class Meta:
        ordering = ["-disclosed_on", "-id"]
        verbose_name = _("invention disclosure")
        verbose_name_plural = _("invention disclosures")

    def __str__(self):
        return f"DI-{self.pk}"  # never the title: the string may be printed where the title must not go

    def get_absolute_url(self):
        return reverse("transfer:disclosure", args=[self.pk])


class IPFamily(models.Model):
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="ip_families",
                               verbose_name=_("tech-transfer office"))
    reference = models.CharField(_("reference"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        ordering = ["reference"]
        verbose_name = _("IP family")
        verbose_name_plural = _("IP families")

    def __str__(self):
        return f"{self.reference} {self.title}"


class PatentOffice(models.TextChoices):
    INPI = "FR", _("France (INPI)")
    EPO = "EP", _("European Patent Office")
    PCT = "WO", _("International application (PCT)")
    USPTO = "US", _("United States (USPTO)")
    OTHER = "other", _("Other office")


class ApplicationStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    PUBLISHED = "published", _("Published")
    GRANTED = "granted", _("Granted")
    LAPSED = "lapsed", _("Lapsed or withdrawn")


class PatentApplication(models.Model):
    family = models.ForeignKey(IPFamily, on_delete=models.CASCADE, related_name="applications")
    patent_office = models.CharField(_("patent office"), max_length=5, choices=PatentOffice.choices)
    number = models.CharField(_("application number"), max_length=40)
    filed_on = models.DateField(_("filed on"), validators=[bounds.past_date_validator])
    status = models.CharField(_("status"), max_length=10, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.FILED)
    status_on = models.DateField(_("status since"), null=True, blank=True)

    class Meta:
        ordering = ["filed_on", "id"]
        verbose_name = _("patent application")
        verbose_name_plural = _("patent applications")
        constraints = [models.UniqueConstraint(fields=["patent_office", "number"], name="patent_application_unique")]

    def __str__(self):
        return f"{self.patent_office} {self.number}"


class MaturationProject(models.Model):
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="maturation_projects",
                               verbose_name=_("tech-transfer office"))
    title = models.CharField(_("title"), max_length=300)
    family = models.ForeignKey(IPFamily, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="maturation_projects", verbose_name=_("IP family"))
    budget_eur = TolerantDecimalField(_("budget (EUR)"), max_digits=14, decimal_places=2, default=0,
                                      validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_EUR)])
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("maturation project")
        verbose_name_plural = _("maturation projects")

    def __str__(self):
        return self.title


class TechnologyOffer(models.Model):
    """A public, non-confidential summary of a technology to license; the desk proposes it to needs."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="offers",
                               verbose_name=_("tech-transfer office"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("public summary"), max_length=5000)
    keywords = models.CharField(_("keywords"), max_length=500, blank=True)
    family = models.ForeignKey(IPFamily, null=True, blank=True, on_delete=models.SET_NULL, related_name="offers",
                               verbose_name=_("IP family"))
    published_on = models.DateField(_("published on"), null=True, blank=True,
                                    help_text=_("Empty: not public yet."))
    fictional = models.BooleanField(_("fictional example"), default=False)

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = _("technology offer")
        verbose_name_plural = _("technology offers")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("transfer:offer", args=[self.pk])


class Licence(models.Model):
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="licences",
                               verbose_name=_("tech-transfer office"))
    family = models.ForeignKey(IPFamily, null=True, blank=True, on_delete=models.SET_NULL, related_name="licences",
                               verbose_name=_("IP family"))
    offer = models.ForeignKey(TechnologyOffer, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="licences", verbose_name=_("technology offer"))
    licensee = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="licences_held",
                                 verbose_name=_("licensee"))
    partnership = models.ForeignKey("partnerships.Partnership", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="licences", verbose_name=_("partnership"))
    signed_on = models.DateField(_("signed on"), validators=[bounds.past_date_validator])
    exclusive = models.BooleanField(_("exclusive"), default=False)

    class Meta:
        ordering = ["-signed_on"]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")

    def __str__(self):
        return f"{self.licensee} ({self.signed_on})"


class LicenceMilestone(models.Model):
    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="milestones")
    label = models.CharField(_("milestone"), max_length=200)
    amount_eur = TolerantDecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2, default=0,
                                      validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_EUR)])
    due_on = models.DateField(_("due on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("licence milestone")
        verbose_name_plural = _("licence milestones")
        constraints = [models.CheckConstraint(condition=bounds.amount_in_bounds("amount_eur", MAX_AMOUNT_EUR),
                                              name="licence_milestone_amount_in_bounds")]

    def __str__(self):
        return self.label


class RoyaltyLine(models.Model):
    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="royalties")
    period_end = models.DateField(_("period ending"))
    amount_eur = TolerantDecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2,
                                      validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT_EUR)])
    received_on = models.DateField(_("received on"))

    class Meta:
        ordering = ["period_end", "id"]
        verbose_name = _("royalty line")
        verbose_name_plural = _("royalty lines")
        constraints = [models.CheckConstraint(condition=bounds.amount_in_bounds("amount_eur", MAX_AMOUNT_EUR),
                                              name="royalty_amount_in_bounds")]

    def __str__(self):
        return f"{self.licence}: {self.amount_eur} € ({self.period_end})"


class OfferRequest(models.Model):
    """A member asked the office about an offer (from the offer's page or from a desk request it was
    proposed to): the 'requests an offer drew'."""

    offer = models.ForeignKey(TechnologyOffer, on_delete=models.CASCADE, related_name="requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    desk_request = models.ForeignKey("desk.Need", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="offer_requests")
    message = models.TextField(_("message"), max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("request about an offer")
        verbose_name_plural = _("requests about offers")
        constraints = [models.UniqueConstraint(fields=["offer", "user"], name="offer_request_once")]

    def __str__(self):
        return f"{self.offer} ← {self.user}"
