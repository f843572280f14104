from django.db import models
from django.utils.translation import gettext_lazy as _


class Target(models.Model):
    """A target the cluster is judged against. Data, edited by staff; defaults from the founding text."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    label = models.CharField(_("label"), max_length=200)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    year = models.PositiveIntegerField(_("by the end of"))
    source = models.TextField(_("source and interpretation"), blank=True)

    class Meta:
        ordering = ["year", "key"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self):
        return f"{self.label} ({self.year})"
