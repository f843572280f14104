from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guichet.directory.models import KeyedRecord, Organization


class CustomerCategory(models.TextChoices):
    ACADEMIC = "academic", _("Academic")
    STARTUP = "startup", _("Start-up")
    INDUSTRY = "industry", _("Industry")


class ServiceUnit(models.TextChoices):
    HOUR = "hour", _("hour")
    DAY = "day", _("day")
    SAMPLE = "sample", _("sample")
    PROJECT = "project", _("project")


class Platform(KeyedRecord):
    organization = models.ForeignKey(Organization, verbose_name=_("organization"), on_delete=models.PROTECT,
                                     related_name="platforms")
    description = models.TextField(_("description"), blank=True, max_length=20000)

    class Meta(KeyedRecord.Meta):
        verbose_name = _("technology platform")
        verbose_name_plural = _("technology platforms")

    def get_absolute_url(self):
        return reverse("directory:platform", args=[self.key])


class Service(KeyedRecord):
    platform = models.ForeignKey(Platform, verbose_name=_("platform"), on_delete=models.CASCADE,
                                 related_name="services")
    description = models.TextField(_("description"), blank=True, max_length=20000)
    unit = models.CharField(_("unit"), max_length=10, choices=ServiceUnit.choices, blank=True)
    price_academic = models.DecimalField(_("academic price"), max_digits=12, decimal_places=2, null=True, blank=True)
    price_startup = models.DecimalField(_("start-up price"), max_digits=12, decimal_places=2, null=True, blank=True)
    price_industry = models.DecimalField(_("industry price"), max_digits=12, decimal_places=2, null=True,
                                         blank=True)

    class Meta(KeyedRecord.Meta):
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(price_academic__isnull=True) | models.Q(price_academic__gte=0))
                & (models.Q(price_startup__isnull=True) | models.Q(price_startup__gte=0))
                & (models.Q(price_industry__isnull=True) | models.Q(price_industry__gte=0)),
                name="service_prices_non_negative",
            )
        ]

    def prices(self) -> dict:
        return {c: getattr(self, f"price_{c}") for c in CustomerCategory.values
                if getattr(self, f"price_{c}") is not None}


class Instrument(KeyedRecord):
    platform = models.ForeignKey(Platform, verbose_name=_("platform"), on_delete=models.CASCADE,
                                 related_name="instruments")
    description = models.TextField(_("description"), blank=True, max_length=20000)
    requires_training = models.BooleanField(_("requires training"), default=False)

    class Meta(KeyedRecord.Meta):
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
