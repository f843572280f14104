from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

KEY_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,79}$"
key_validator = RegexValidator(KEY_PATTERN, _("Use 1 to 80 lower-case letters, digits, '.', '_' or '-'."))


class OrganizationKind(models.TextChoices):
    RESEARCH_LAB = "research_lab", _("Research laboratory")
    HOSPITAL = "hospital", _("Hospital")
    COMPANY = "company", _("Company")
    STARTUP = "startup", _("Start-up")
    TRAINING = "training", _("Training body")
    INVESTOR = "investor", _("Investor")
    SUPPORT = "support", _("Support structure")
    PUBLIC_AUTHORITY = "public_authority", _("Public authority")


# The one statement of which kinds of organization are public bodies and which are private: the academic price
# list (platforms.customer_category) and the public-private share of partnerships (impact) read it.
# Plain values (an enum member hashes by its name, so it would never be found in a set of stored codes).
PUBLIC_KINDS = tuple(k.value for k in (OrganizationKind.RESEARCH_LAB, OrganizationKind.HOSPITAL,
                                       OrganizationKind.TRAINING, OrganizationKind.PUBLIC_AUTHORITY))
PRIVATE_KINDS = tuple(k.value for k in (OrganizationKind.COMPANY, OrganizationKind.STARTUP, OrganizationKind.INVESTOR))


class TherapeuticArea(models.TextChoices):
    AUTOIMMUNE = "autoimmune", _("Autoimmune diseases")
    CHRONIC_INFLAMMATORY = "chronic_inflammatory", _("Chronic inflammatory diseases")
    CANCER = "cancer", _("Cancer")
    INFECTIOUS = "infectious", _("Infectious diseases")
    ALLERGY = "allergy", _("Allergy")
    TRANSPLANTATION = "transplantation", _("Transplantation")
    OTHER = "other", _("Other")


class TextLanguage(models.TextChoices):
    FR = "fr", _("French")
    EN = "en", _("English")


class KeyedRecord(models.Model):
    """A directory record named by a stable external key (directory-v1)."""

    key = models.CharField(_("key"), max_length=80, unique=True, validators=[key_validator])
    name = models.CharField(_("name"), max_length=300)
    lang = models.CharField(_("text language"), max_length=2, choices=TextLanguage.choices, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organization(KeyedRecord):
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    description = models.TextField(_("description"), blank=True, max_length=20000)
    city = models.CharField(_("city"), max_length=200, blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    therapeutic_areas = models.JSONField(_("therapeutic areas"), default=list, blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)

    class Meta(KeyedRecord.Meta):
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def get_absolute_url(self):
        return reverse("directory:organization", args=[self.key])

    def therapeutic_area_labels(self):
        labels = dict(TherapeuticArea.choices)
        return [labels.get(a, a) for a in self.therapeutic_areas]


class Person(KeyedRecord):
    organization = models.ForeignKey(Organization, verbose_name=_("organization"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="people")
    title = models.CharField(_("title"), max_length=300, blank=True)
    expertise = models.TextField(_("expertise"), blank=True, max_length=20000)
    email = models.EmailField(_("e-mail address"), max_length=254, blank=True)

    class Meta(KeyedRecord.Meta):
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def get_absolute_url(self):
        return reverse("directory:person", args=[self.key])


class RecordKind(models.TextChoices):
    ORGANIZATION = "organization", _("Organization")
    PERSON = "person", _("Person")
    PLATFORM = "platform", _("Platform")
    SERVICE = "service", _("Service")
    INSTRUMENT = "instrument", _("Instrument")


class SearchEntry(models.Model):
    """One row per searchable record: what the full-text index and the filters read.

    `document` holds the folded French and English stems (guichet.core.text); on
    PostgreSQL a generated tsvector column (document_tsv) has a GIN index, on SQLite the
    FTS5 table directory_searchentry_fts mirrors it through triggers.
    """

    record_kind = models.CharField(max_length=20, choices=RecordKind.choices, db_index=True)
    key = models.CharField(max_length=80, unique=True)
    object_id = models.BigIntegerField()
    name = models.CharField(max_length=300)
    summary = models.CharField(max_length=400, blank=True)
    lang = models.CharField(max_length=2, blank=True)
    org_kind = models.CharField(max_length=20, blank=True, db_index=True)
    city = models.CharField(max_length=200, blank=True, db_index=True)
    areas = models.CharField(max_length=200, blank=True)
    sort_name = models.CharField(max_length=300, db_index=True)
    document = models.TextField(blank=True)
    concepts = models.JSONField(default=dict, blank=True)
    embedding = models.BinaryField(null=True, blank=True)  # float32 unit vector (matching.semantic)
    # Nullable like indexed_at: SQLite then adds the columns in place (a table rebuild would drop the FTS triggers).
    embedding_model = models.CharField(max_length=20, null=True, blank=True, db_index=True)  # noqa: DJ001 (see above)
    indexed_at = models.DateTimeField(null=True, blank=True, db_index=True)  # the vector matrix refreshes from it

    class Meta:
        indexes = [models.Index(fields=["record_kind", "sort_name"], name="search_kind_sort")]

    def __str__(self):
        return f"{self.record_kind}:{self.key}"


class ImportBatch(models.Model):
    """An uploaded file: checked and planned by a job (`check_import`) once uploaded, applied by another
    (`run_import`) once a staff member confirms the preview.

    Until its check is over the batch is `checking` and keeps the file's bytes (`source`); the check ends
    it `pending` (payload and plan) or `refused` (the errors), in one write, the bytes dropped. The import job claims the batch by compare-and-set and writes everything in one transaction with the status
    `applied`; a worker killed mid-way leaves the batch `running` with an old heartbeat and nothing written,
    and the worker's clock queues it again (at most GUICHET_JOB_MAX_ATTEMPTS times).
    """

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking the file")
        PENDING = "pending", _("Waiting for confirmation")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        APPLIED = "applied", _("Imported")
        FAILED = "failed", _("Failed")
        REFUSED = "refused", _("Refused")

    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    filename = models.CharField(_("file"), max_length=255)
    payload = models.JSONField(_("content"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    applied_at = models.DateTimeField(_("imported"), null=True, blank=True)
    # What importing would do, computed once at upload: [[action, record type, key, name, changes], …].
    plan = models.JSONField(_("plan"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    issues = models.JSONField(_("errors"), default=list, blank=True)  # [[record, field, message], …]
    confirmed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", null=True,
                                     blank=True, verbose_name=_("confirmed by"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    phase = models.CharField(_("step"), max_length=20, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    # The uploaded bytes, only while the check job has not read them (a database row: one transaction with
    # the batch, and gone with it when GUICHET_IMPORT_RETENTION_DAYS expires).
    source = models.BinaryField(blank=True, default=b"", editable=False)
    language = models.CharField(_("language"), max_length=8, blank=True)  # the uploader's, for the errors

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename

    @property
    def is_working(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        if self.status == self.Status.APPLIED:
            return 100
        return int(100 * self.progress_done / self.progress_total) if self.progress_total else 0
