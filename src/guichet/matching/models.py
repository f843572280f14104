from django.db import models
from django.utils.translation import gettext_lazy as _


class ConceptCategory(models.TextChoices):
    TECHNIQUE = "technique", _("Technique")
    MODEL = "model", _("Experimental model")
    CELL = "cell", _("Cell type")
    MODALITY = "modality", _("Therapeutic modality")
    DISEASE = "disease", _("Disease")
    TARGET = "target", _("Target or pathway")
    SAMPLE = "sample", _("Samples")
    CLINICAL = "clinical", _("Clinical")
    FACILITY = "facility", _("Facility")
    BUSINESS = "business", _("Business and funding")
    SUPPORT = "support", _("Support service")
    TRAINING = "training", _("Training")


class Concept(models.Model):
    """One entry of the bilingual domain vocabulary: what a need and a provider can have in common."""

    key = models.SlugField(_("key"), max_length=80, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=ConceptCategory.choices)
    labels_fr = models.TextField(_("French labels"), help_text=_("One per line; the first is shown in reasons."))
    labels_en = models.TextField(_("English labels"), help_text=_("One per line; the first is shown in reasons."))
    purposes_fr = models.TextField(_("French purposes"), blank=True,
                                   help_text=_("One per line: what it measures, produces or is used for, in plain "
                                               "words."))
    purposes_en = models.TextField(_("English purposes"), blank=True,
                                   help_text=_("One per line: what it measures, produces or is used for, in plain "
                                               "words."))
    # The labels the seed files gave this concept at the last sync (one per line; empty for a concept staff
    # created): a label in the database but not here was added by staff and survives a sync, a label here
    # that the seed no longer has was dropped from the seed and goes.
    seed_labels_fr = models.TextField(blank=True, editable=False)
    seed_labels_en = models.TextField(blank=True, editable=False)
    broader = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="narrower",
                                     verbose_name=_("broader concepts"))
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("concept")
        verbose_name_plural = _("concepts")

    def __str__(self):
        return f"{self.label('fr')} / {self.label('en')}"

    def labels(self, lang: str) -> list[str]:
        text = self.labels_fr if lang == "fr" else self.labels_en
        return [line.strip() for line in text.splitlines() if line.strip()]

    def purposes(self, lang: str) -> list[str]:
        text = self.purposes_fr if lang == "fr" else self.purposes_en
        return [line.strip() for line in text.splitlines() if line.strip()]

    def label(self, lang: str) -> str:
        labels = self.labels(lang) or self.labels("en" if lang == "fr" else "fr")
        return labels[0] if labels else self.key
