from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Target(models.Model):
    """A target the cluster is judged against. Data, edited by staff; defaults from the founding text."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    label = models.CharField(_("label (French)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True,
                                help_text=_("Shown on English pages; the French label is used when empty."))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    year = models.PositiveIntegerField(_("by the end of"))
    source = models.TextField(_("interpretation"), blank=True,
                              help_text=_("How the target was read from its source document."))
    reference = models.TextField(_("source document"), blank=True,
                                 help_text=_("The text the target comes from; shown once for all targets citing it."))

    class Meta:
        ordering = ["year", "key"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self):
        return f"{self.display_label} ({self.year})"

    @property
    def display_label(self) -> str:
        """The label in the language of the page (French when no English label was written)."""
        return self.label_en if self.label_en and (get_language() or "fr").startswith("en") else self.label
