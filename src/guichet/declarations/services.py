"""Declaration campaigns' writes: each checks who acts, validates, writes and audits in one transaction;
e-mails go through the outbox in the same transaction (sent after commit by the worker).

A campaign moves draft → open → closed; a declaration requested → submitted → validated, or → returned →
submitted again. Every move is a compare-and-set on the status, so two staff members (or a double click)
never validate twice, and a figure changed after validation is impossible.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.accounts.models import Role, User
from guichet.accounts.permissions import members
from guichet.core import bounds, uploads
from guichet.core.audit import audit_record
from guichet.core.errors import Refused
from guichet.core.jobs import enqueue
from guichet.core.mail import notify

from . import permissions, selectors
from .models import (
    AMOUNT_FIGURES,
    COUNT_FIGURES,
    FIGURES,
    MAX_FUNDS_EUR,
    REMINDER_DAYS,
    SATISFACTION_MAX,
    SATISFACTION_MIN,
    Campaign,
    Declaration,
    Evidence,
)
from .models import EVIDENCE_MAX_MB as EVIDENCE_MB
from .tasks import remind_campaign

CAMPAIGN_FIELDS = ("title", "year", "message", "deadline", "cluster_funding_eur", "ask_satisfaction")


class DeclarationError(Refused):
    """A refused action, with a translated message naming the field when there is one."""


class NotAllowed(DeclarationError):
    pass


def _label(model, field: str) -> str:
    return str(model._meta.get_field(field).verbose_name)


def _field_error(model, field: str, message: str) -> DeclarationError:
    label = _label(model, field)
    return DeclarationError(_("%(field)s: %(error)s") % {"field": label[:1].upper() + label[1:], "error": message},
                            field)


def _staff():
    return User.objects.filter(is_active=True, role__in=[Role.STAFF, Role.ADMIN])


def _accounts_of(organization_id):
    return members().filter(memberships__organization_id=organization_id).distinct()


# --- campaigns -------------------------------------------------------------------------------------------

def _as_text(value):
    """A recorded value as text; an empty one stays empty (never the word "None" in the audit log)."""
    return None if value is None else str(value)


def campaign_check(campaign: Campaign) -> None:
    """What a campaign must hold: a title, a year Guichet covers, a deadline in bounds, a funding in bounds."""
    if not (campaign.title or "").strip():
        raise _field_error(Campaign, "title", _("this field is required."))
    if len(campaign.title) > 200:
        raise _field_error(Campaign, "title", _("at most %(max)d characters.") % {"max": 200})
    if not isinstance(campaign.year, int) or not (bounds.EARLIEST_DATE.year <= campaign.year
                                                  <= bounds.latest_past_date().year):
        raise _field_error(Campaign, "year", _("give a year between %(first)d and %(last)d.") % {
            "first": bounds.EARLIEST_DATE.year, "last": bounds.latest_past_date().year})
    if not isinstance(campaign.deadline, date):
        raise _field_error(Campaign, "deadline", _("this field is required."))
    if error := bounds.date_error(campaign.deadline, planned=True):
        raise _field_error(Campaign, "deadline", error)
    if error := bounds.amount_error(campaign.cluster_funding_eur, MAX_FUNDS_EUR):
        raise _field_error(Campaign, "cluster_funding_eur", error)
    if len(campaign.message or "") > 4000:
        raise _field_error(Campaign, "message", _("at most %(max)d characters.") % {"max": 4000})


def campaign_create(*, actor, title: str, year: int, deadline: date, message: str = "",
                    cluster_funding_eur=None, ask_satisfaction: bool = True) -> Campaign:
    if not permissions.can_manage_campaigns(actor):
        raise NotAllowed(_("Only the cluster team opens declaration campaigns."))
    campaign = Campaign(title=(title or "").strip(), year=year, deadline=deadline, message=message or "",
                        cluster_funding_eur=cluster_funding_eur, ask_satisfaction=ask_satisfaction,
                        created_by=actor)
    campaign_check(campaign)
    with transaction.atomic(durable=True):
        campaign.save()
        audit_record(actor=actor, action="campaign.create", entity_type="campaign", entity_key=str(campaign.pk),
                     entity_label=campaign.title,
                     changes={f: [None, _as_text(getattr(campaign, f))] for f in CAMPAIGN_FIELDS})
    return campaign


def campaign_save(*, actor, record: Campaign, is_new: bool) -> None:
    """The admin's door: the same checks; the status is not edited there (open and close are actions)."""
    if not permissions.can_manage_campaigns(actor):
        raise NotAllowed(_("Only the cluster team opens declaration campaigns."))
    campaign_check(record)
    with transaction.atomic():
        before = None if is_new else Campaign.objects.filter(pk=record.pk).values(*CAMPAIGN_FIELDS, "status").first()
        if is_new:
            record.created_by_id = record.created_by_id or actor.pk
            record.status = Campaign.Status.DRAFT
        elif before:
            record.status = before["status"]
        record.save()
        changes = {f: [None if before is None else _as_text(before[f]), _as_text(getattr(record, f))]
                   for f in CAMPAIGN_FIELDS if before is None or before[f] != getattr(record, f)}
        audit_record(actor=actor, action=f"campaign.{'create' if is_new else 'update'}", entity_type="campaign",
                     entity_key=str(record.pk), entity_label=record.title, changes=changes)


def campaign_delete(*, actor, record: Campaign) -> None:
    """Only a draft goes (an opened campaign holds the organizations' answers)."""
    if not permissions.can_manage_campaigns(actor):
        raise NotAllowed(_("Only the cluster team opens declaration campaigns."))
    with transaction.atomic():
        pk, title = record.pk, record.title
        if not Campaign.objects.filter(pk=pk, status=Campaign.Status.DRAFT).exists():
            raise DeclarationError(_("Only a draft campaign can be deleted; close it instead."))
        record.delete()
        audit_record(actor=actor, action="campaign.delete", entity_type="campaign", entity_key=str(pk),
                     entity_label=title)


def campaign_update(*, actor, campaign: Campaign, title: str, year: int, deadline: date, message: str = "",
                    cluster_funding_eur=None, ask_satisfaction: bool = True) -> Campaign:
    """Staff correct a draft on its page (once opened, the organizations were asked what it says: it stays).
    The same checks as the creation; only the fields that changed are audited."""
    if not permissions.can_manage_campaigns(actor):
        raise NotAllowed(_("Only the cluster team opens declaration campaigns."))
    edited = Campaign(pk=campaign.pk, title=(title or "").strip(), year=year, deadline=deadline,
                      message=message or "", cluster_funding_eur=cluster_funding_eur,
                      ask_satisfaction=ask_satisfaction)
    campaign_check(edited)
    values = {f: getattr(edited, f) for f in CAMPAIGN_FIELDS}
    with transaction.atomic(durable=True):
        before = (Campaign.objects.select_for_update().filter(pk=campaign.pk, status=Campaign.Status.DRAFT)
                  .values(*CAMPAIGN_FIELDS).first())
        # Compare-and-set: opened meanwhile (another tab, a colleague), the draft is not edited.
        if before is None or not Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.DRAFT).update(
                **values):
            raise DeclarationError(_("Only a draft campaign can be edited; this one is not a draft any more."))
        changes = {f: [_as_text(before[f]), _as_text(values[f])] for f in CAMPAIGN_FIELDS if before[f] != values[f]}
        if changes:
            audit_record(actor=actor, action="campaign.update", entity_type="campaign", entity_key=str(campaign.pk),
                         entity_label=values["title"], changes=changes)
    campaign.refresh_from_db()
    return campaign


def campaign_open(*, actor, campaign: Campaign, now: datetime | None = None) -> int:
    """Open a draft: one declaration asked of each member organization, each of its accounts told in their
    language. Returns how many organizations were asked."""
    if not permissions.can_manage_campaigns(actor):
        raise NotAllowed(_("Only the cluster team opens declaration campaigns."))
    now = now or timezone.now()
    if campaign.deadline < timezone.localdate(now):
        raise _field_error(Campaign, "deadline", _("the deadline has passed: give a later one before opening."))
    organizations = list(selectors.organizations_to_ask())
    if not organizations:
        raise DeclarationError(_("No member organization to ask: none has an account yet."))
    with transaction.atomic(durable=True):
        if not Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.DRAFT).update(
                status=Campaign.Status.OPEN, opened_at=now):
            raise DeclarationError(_("This campaign is not a draft any more."))
        campaign.status, campaign.opened_at = Campaign.Status.OPEN, now
        Declaration.objects.bulk_create([Declaration(campaign=campaign, organization=o) for o in organizations],
                                        ignore_conflicts=True)
        audit_record(actor=actor, action="campaign.open", entity_type="campaign", entity_key=str(campaign.pk),
                     entity_label=campaign.title, changes={"status": ["draft", "open"],
                                                           "organizations": [None, len(organizations)]})
        for declaration in campaign.declarations.select_related("organization"):
            notify(_accounts_of(declaration.organization_id), "declaration_requested",
                   {"declaration": declaration, "campaign": campaign})
    return len(organizations)


def campaign_close(*, actor, campaign: Campaign, now: datetime | None = None) -> None:
    """No more answers; validated figures stay counted, the others never will be."""
    if not permissions.can_manage_campaigns(actor):
        raise NotAllowed(_("Only the cluster team closes declaration campaigns."))
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        if not Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.OPEN).update(
                status=Campaign.Status.CLOSED, closed_at=now):
            raise DeclarationError(_("Only an open campaign can be closed."))
        campaign.status, campaign.closed_at = Campaign.Status.CLOSED, now
        audit_record(actor=actor, action="campaign.close", entity_type="campaign", entity_key=str(campaign.pk),
                     entity_label=campaign.title, changes={"status": ["open", "closed"]})


# --- the organizations' answers --------------------------------------------------------------------------

def figures_check(figures: dict, *, satisfaction_asked: bool = True) -> dict:
    """Each figure parsed and bounded; a refusal names the field. Returns the clean values (None: not declared)."""
    clean = {}
    for name, maximum in COUNT_FIGURES.items():
        value = figures.get(name)
        if value in (None, ""):
            clean[name] = None
            continue
        if isinstance(value, str):
            value = value.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
            value = int(value) if value.isdigit() else value
        if error := bounds.count_error(value, maximum):
            raise _field_error(Declaration, name, error)
        clean[name] = value
    for name, maximum in AMOUNT_FIGURES.items():
        value = figures.get(name)
        if value in (None, ""):
            clean[name] = None
            continue
        if isinstance(value, str):
            value = value.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
        if isinstance(value, float):
            value = str(value)
        if error := bounds.amount_error(value, maximum):
            raise _field_error(Declaration, name, error)
        try:
            clean[name] = Decimal(str(value)).quantize(Decimal("0.01"))
        except InvalidOperation as exc:  # amount_error said it is a number: never reached, kept for safety
            raise _field_error(Declaration, name, _("Give a number.")) from exc
    clean["implanted"] = bool(figures.get("implanted"))
    satisfaction = figures.get("satisfaction")
    if satisfaction in (None, "") or not satisfaction_asked:
        clean["satisfaction"] = None
    else:
        try:
            satisfaction = int(satisfaction)
        except (TypeError, ValueError):
            satisfaction = -1
        if not SATISFACTION_MIN <= satisfaction <= SATISFACTION_MAX:
            raise _field_error(Declaration, "satisfaction", _("give a score from %(min)d to %(max)d.") % {
                "min": SATISFACTION_MIN, "max": SATISFACTION_MAX})
        clean["satisfaction"] = satisfaction
    if all(clean[f] is None for f in (*COUNT_FIGURES, *AMOUNT_FIGURES)):
        raise DeclarationError(_("Declare at least one figure (a zero counts)."), "headcount")
    return clean


def declaration_submit(*, actor, declaration: Declaration, figures: dict, comment: str = "", files=(),
                       now: datetime | None = None) -> Declaration:
    """The organization's accounts send their figures (with evidence); the team is told."""
    if not permissions.can_view_declaration(actor, declaration):
        raise NotAllowed(_("Only the organization's accounts answer its declaration."))
    if not permissions.can_answer_declaration(actor, declaration):
        raise DeclarationError(_("This declaration cannot be changed any more (campaign closed, or already "
                                 "submitted or validated)."))
    clean = figures_check(figures, satisfaction_asked=declaration.campaign.ask_satisfaction)
    if len(comment or "") > 4000:
        raise _field_error(Declaration, "comment", _("at most %(max)d characters.") % {"max": 4000})
    for upload in files:
        try:
            uploads.check_upload(upload, max_mb=EVIDENCE_MB)
        except uploads.UploadRefused as exc:
            raise DeclarationError(str(exc), "evidence") from exc
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        before = Declaration.objects.filter(pk=declaration.pk).values(*FIGURES, "status").get()
        if not Declaration.objects.filter(pk=declaration.pk, campaign__status=Campaign.Status.OPEN,
                                          status__in=[Declaration.Status.REQUESTED, Declaration.Status.RETURNED]
                                          ).update(status=Declaration.Status.SUBMITTED, submitted_by=actor,
                                                   submitted_at=now, comment=comment or "", **clean):
            raise DeclarationError(_("This declaration cannot be changed any more (campaign closed, or already "
                                     "submitted or validated)."))
        names = []
        for upload in files:
            Evidence.objects.create(declaration=declaration, file=upload, name=upload.name[:255], uploaded_by=actor,
                                    uploaded_at=now)
            names.append(upload.name)
        declaration.refresh_from_db()
        changes = {f: [_plain(before[f]), _plain(clean[f])] for f in FIGURES if before[f] != clean[f]}
        changes["status"] = [before["status"], Declaration.Status.SUBMITTED]
        if names:
            changes["evidence"] = [None, ", ".join(names)]
        audit_record(actor=actor, action="declaration.submit", entity_type="declaration",
                     entity_key=str(declaration.pk), entity_label=str(declaration), changes=changes)
        notify(_staff(), "declaration_submitted", {"declaration": declaration})
    return declaration


def _plain(value):
    return None if value is None else str(value)


def declaration_validate(*, actor, declaration: Declaration, now: datetime | None = None) -> Declaration:
    """The team checks the figures against the evidence and validates: from then on they count."""
    if not permissions.can_manage_campaigns(actor):
        raise NotAllowed(_("Only the cluster team validates declarations."))
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        if not Declaration.objects.filter(pk=declaration.pk, status=Declaration.Status.SUBMITTED).update(
                status=Declaration.Status.VALIDATED, validated_by=actor, validated_at=now, returned_reason=""):
            raise DeclarationError(_("Only a submitted declaration can be validated."))
        declaration.refresh_from_db()
        audit_record(actor=actor, action="declaration.validate", entity_type="declaration",
                     entity_key=str(declaration.pk), entity_label=str(declaration),
                     changes={"status": ["submitted", "validated"]})
        notify(_accounts_of(declaration.organization_id), "declaration_validated", {"declaration": declaration})
    return declaration


def declaration_return(*, actor, declaration: Declaration, reason: str, now: datetime | None = None) -> Declaration:
    """The team sends the declaration back with the reason; the organization corrects and submits again."""
    if not permissions.can_manage_campaigns(actor):
        raise NotAllowed(_("Only the cluster team returns declarations."))
    reason = (reason or "").strip()
    if not reason:
        raise _field_error(Declaration, "returned_reason", _("say what to correct."))
    if len(reason) > 2000:
        raise _field_error(Declaration, "returned_reason", _("at most %(max)d characters.") % {"max": 2000})
    with transaction.atomic(durable=True):
        if not Declaration.objects.filter(pk=declaration.pk, status=Declaration.Status.SUBMITTED,
                                          campaign__status=Campaign.Status.OPEN).update(
                status=Declaration.Status.RETURNED, returned_reason=reason):
            raise DeclarationError(_("Only a submitted declaration of an open campaign can be returned."))
        declaration.refresh_from_db()
        audit_record(actor=actor, action="declaration.return", entity_type="declaration",
                     entity_key=str(declaration.pk), entity_label=str(declaration),
                     changes={"status": ["submitted", "returned"], "returned_reason": [None, reason]})
        notify(_accounts_of(declaration.organization_id), "declaration_returned", {"declaration": declaration})
    return declaration


# --- reminders (jobs) ------------------------------------------------------------------------------------

UNANSWERED = (Declaration.Status.REQUESTED, Declaration.Status.RETURNED)


def _reminder_steps_due(campaign: Campaign, today: date) -> int:
    """How many of REMINDER_DAYS have come by today (0 after the deadline: no reminder of a passed date)."""
    if today > campaign.deadline:
        return 0
    return sum(1 for days in REMINDER_DAYS if today >= campaign.deadline - timedelta(days=days))


def _remind(declaration: Declaration, now: datetime) -> None:
    audit_record(actor=None, action="declaration.remind", entity_type="declaration", entity_key=str(declaration.pk),
                 entity_label=str(declaration), changes={"reminders_sent": [declaration.reminders_sent - 1,
                                                                           declaration.reminders_sent]})
    notify(_accounts_of(declaration.organization_id), "declaration_reminder",
           {"declaration": declaration, "campaign": declaration.campaign})


def send_campaign_reminders(*, now: datetime | None = None) -> int:
    """The worker's clock: the declarations still unanswered of open campaigns get each scheduled reminder
    once (REMINDER_DAYS before the deadline), claimed by compare-and-set on `reminder_step`."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for campaign in Campaign.objects.filter(status=Campaign.Status.OPEN, deadline__gte=today):
        step = _reminder_steps_due(campaign, today)
        if not step:
            continue
        for pk in campaign.declarations.filter(status__in=UNANSWERED, reminder_step__lt=step).values_list("pk",
                                                                                                         flat=True):
            with transaction.atomic():
                if not Declaration.objects.filter(pk=pk, reminder_step__lt=step, status__in=UNANSWERED).update(
                        reminder_step=step, reminders_sent=F("reminders_sent") + 1, last_reminded_at=now):
                    continue  # another process sent it, or it was answered meanwhile
                _remind(Declaration.objects.select_related("campaign", "organization").get(pk=pk), now)
                sent += 1
    return sent


def campaign_remind(*, actor, campaign: Campaign, now: datetime | None = None) -> int:
    """Staff ask for a reminder now: a job e-mails every unanswered organization once. Returns how many."""
    if not permissions.can_manage_campaigns(actor):
        raise NotAllowed(_("Only the cluster team sends reminders."))
    if campaign.status != Campaign.Status.OPEN:
        raise DeclarationError(_("Only an open campaign's organizations are reminded."))
    now = now or timezone.now()
    waiting = campaign.declarations.filter(status__in=UNANSWERED).count()
    with transaction.atomic(durable=True):
        audit_record(actor=actor, action="campaign.remind", entity_type="campaign", entity_key=str(campaign.pk),
                     entity_label=campaign.title, changes={"unanswered": [None, waiting]})
        enqueue(remind_campaign, campaign.pk, now.isoformat())
    return waiting


def campaign_remind_run(campaign_id: int, asked_at: str) -> int:
    """The job: each unanswered declaration not reminded since the request is reminded (safe to run twice)."""
    asked = datetime.fromisoformat(asked_at)
    now = timezone.now()
    sent = 0
    pks = Declaration.objects.filter(campaign_id=campaign_id, campaign__status=Campaign.Status.OPEN,
                                     status__in=UNANSWERED).values_list("pk", flat=True)
    for pk in list(pks):
        with transaction.atomic():
            if not Declaration.objects.filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lt=asked),
                                              pk=pk, status__in=UNANSWERED).update(
                    reminders_sent=F("reminders_sent") + 1, last_reminded_at=now):
                continue
            _remind(Declaration.objects.select_related("campaign", "organization").get(pk=pk), now)
            sent += 1
    return sent
