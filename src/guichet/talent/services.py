"""Jobs and talent: post, edit and close a posting, apply (an account at once, a visitor after the e-mailed link),
decline an application, and the clock's expiry. One transaction each, audited, e-mailed through the outbox after
commit in each recipient's language. Refusals are TalentError with a translated message naming the field."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guichet.accounts.identity import normalize_login
from guichet.core import bounds, params, ratelimit, uploads
from guichet.core.audit import audit_record
from guichet.core.errors import Refused
from guichet.core.mail import LANGUAGE_HEADER, notify, one_line, outbox_write, render_text
from guichet.core.text import fold
from guichet.core.workdays import PARIS

from . import permissions
from .models import Application, Posting

# A posting stays open a year at most (then it is posted again): what job boards such as the APEC's allow.
MAX_OPEN_DAYS = 366
# A CV is a document a recruiter opens: PDF, Word or OpenDocument text.
CV_TYPES = ("pdf", "docx", "odt")
TITLE_MAX = Posting._meta.get_field("title").max_length
DESCRIPTION_MAX = Posting._meta.get_field("description").max_length
LOCATION_MAX = Posting._meta.get_field("location").max_length
NAME_MAX = Application._meta.get_field("full_name").max_length
LETTER_MAX = Application._meta.get_field("letter").max_length


class TalentError(Refused):
    """A refused action, with a translated message naming what is wrong (`field`)."""


class NotAllowed(TalentError):
    pass


class AlreadyApplied(TalentError):
    pass


class RateLimited(TalentError):
    pass


def _as_text(value):
    """A recorded value as text; an empty one stays empty (never the word "None" in the audit log)."""
    return None if value is None else str(value)


def today_paris(now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(PARIS).date()


def _search_text(posting: Posting) -> str:
    return fold(" ".join([posting.title, posting.description, posting.organization.name, posting.location]))


# --- e-mail --------------------------------------------------------------------------------------------

def _mail_applicant(application: Application, template: str, context: dict | None = None) -> None:
    """To the applicant's account when there is one (its language), else to the address they gave, in the
    language they applied in. Written in the caller's transaction, sent after it commits."""
    ctx = {"application": application, "posting": application.posting, **(context or {})}
    user = application.user
    if user is not None and user.is_active and user.email:
        notify([user], template, ctx)
        return
    language = application.language or settings.LANGUAGE_CODE
    with translation.override(language):
        ctx = {**ctx, "recipient": None, "site_url": settings.SITE_URL}
        subject = one_line(render_text(f"email/{template}_subject.txt", ctx))
        body = render_text(f"email/{template}_body.txt", ctx)
    outbox_write(subject=subject, body=body, to=[application.email], template=template,
                 headers={LANGUAGE_HEADER: language})


def _audit(kind: str, record, action: str, actor, changes: dict | None = None) -> None:
    audit_record(actor=actor, action=f"{kind}.{action}", entity_type=kind, entity_key=str(record.pk),
                 entity_label=str(record)[:200], changes=changes or {})


# --- postings --------------------------------------------------------------------------------------------

FIELDS = ("organization", "kind", "contract", "language", "title", "description", "location", "starts_on",
          "expires_on")


def posting_check(record: Posting, *, now: datetime | None = None, is_new: bool = True) -> None:
    """What posting_create and posting_update refuse (the admin's form shows it on the field)."""
    today = today_paris(now)
    record.title, record.description = (record.title or "").strip(), (record.description or "").strip()
    record.location = (record.location or "").strip()
    if record.kind not in Posting.Kind.values:
        raise TalentError(_("Kind: choose one of the kinds listed."), "kind")
    if record.contract not in Posting.Contract.values:
        raise TalentError(_("Contract: choose one of the contracts listed."), "contract")
    if record.language not in ("fr", "en"):
        raise TalentError(_("Language: French or English."), "language")
    if not record.title:
        raise TalentError(_("Title: this field is required."), "title")
    if not record.description:
        raise TalentError(_("Description: this field is required."), "description")
    for value, limit, label, field in ((record.title, TITLE_MAX, _("Title"), "title"),
                                       (record.description, DESCRIPTION_MAX, _("Description"), "description"),
                                       (record.location, LOCATION_MAX, _("Location"), "location")):
        if message := params.text_error(value, max_length=limit, label=label):
            raise TalentError(message, field)
    if record.expires_on is None:
        raise TalentError(_("Open until: this field is required."), "expires_on")
    if (is_new or record.status == Posting.Status.OPEN) and record.expires_on < today:
        raise TalentError(_("Open until: the date is already past."), "expires_on")
    if record.expires_on > today + timedelta(days=MAX_OPEN_DAYS):
        raise TalentError(_("Open until: at most %(days)d days from today.") % {"days": MAX_OPEN_DAYS}, "expires_on")
    # The project's bounds for a planned date (ten years ahead at most): 2099 was taken for a start date.
    if record.starts_on is not None and (error := bounds.date_error(record.starts_on, planned=True)):
        raise TalentError(_("Start date: %(error)s") % {"error": error}, "starts_on")


def posting_create(*, actor, organization, kind: str, title: str, description: str, expires_on: date,
                   contract: str = Posting.Contract.OTHER, language: str = "fr", location: str = "",
                   starts_on: date | None = None, now: datetime | None = None) -> Posting:
    """A member posts for one of their organizations; the posting is public at once."""
    now = now or timezone.now()
    if not permissions.can_post_job(actor):
        raise NotAllowed(_("Members of an organization of the network post jobs."))
    if organization is None or (not actor.is_staff and organization.pk not in
                                {o.pk for o in permissions.organizations_for_posting(actor)}):
        raise NotAllowed(_("Organization: you post for an organization you belong to."), "organization")
    posting = Posting(organization=organization, posted_by=actor, kind=kind, contract=contract, language=language,
                      title=title, description=description, location=location, starts_on=starts_on,
                      expires_on=expires_on, published_at=now)
    posting_check(posting, now=now)
    posting.search_text = _search_text(posting)
    with transaction.atomic(durable=True):
        posting.save()
        _audit("posting", posting, "create", actor, {f: [None, _as_text(getattr(posting, f))] for f in FIELDS})
    return posting


def posting_update(*, actor, posting: Posting, now: datetime | None = None, **values) -> Posting:
    """The poster (or staff) edits an open posting; the fields changed are audited."""
    if not permissions.can_manage_posting(actor, posting):
        raise NotAllowed(_("Only the member who posted it and the cluster team edit this posting."))
    with transaction.atomic(durable=True):
        current = Posting.objects.select_for_update().select_related("organization").get(pk=posting.pk)
        if current.status != Posting.Status.OPEN:
            raise TalentError(_("This posting is closed: it can no longer be edited."), "status")
        before = {f: str(getattr(current, f)) for f in FIELDS if f != "organization"}
        for name, value in values.items():
            if name not in FIELDS or name == "organization":
                raise TalentError(_("This field cannot be changed."), name)
            setattr(current, name, value)
        posting_check(current, now=now, is_new=False)
        current.search_text = _search_text(current)
        current.save()
        after = {f: str(getattr(current, f)) for f in before}
        _audit("posting", current, "update", actor, {f: [before[f], after[f]] for f in before if before[f] != after[f]})
    return current


def posting_save(*, actor, record: Posting, is_new: bool) -> None:
    """The admin's door: the same checks, audited by the generic record service."""
    from guichet.core.services import record_save

    if not (actor and actor.is_staff):
        raise NotAllowed(_("Only the cluster team edits postings here."))
    posting_check(record, is_new=is_new)
    record.search_text = _search_text(record)
    with transaction.atomic():
        record_save(actor=actor, record=record, is_new=is_new)


def _close_applications(posting: Posting, *, now, keep: int | None = None) -> int:
    """Applications still awaiting a decision when a posting closes: declined, each applicant told."""
    told = 0
    for application in (posting.applications.filter(status=Application.Status.RECEIVED).exclude(pk=keep)
                        .select_related("user", "posting__organization")):
        if Application.objects.filter(pk=application.pk, status=Application.Status.RECEIVED).update(
                status=Application.Status.DECLINED, decided_at=now):
            application.status = Application.Status.DECLINED
            _audit("application", application, "decline", None, {"status": ["received", "declined"]})
            _mail_applicant(application, "talent_posting_closed")
            told += 1
    # A visitor who never confirmed: the link stops working, nothing to tell.
    posting.applications.filter(status=Application.Status.PENDING).update(status=Application.Status.WITHDRAWN,
                                                                          decided_at=now)
    return told


def posting_close(*, actor, posting: Posting, outcome: str, hired: Application | None = None,
                  now: datetime | None = None) -> Posting:
    """The poster closes a posting as filled (optionally naming the application hired) or withdrawn; the
    applications still waiting are declined and their applicants told. Compare-and-set: closed once."""
    now = now or timezone.now()
    if not permissions.can_manage_posting(actor, posting):
        raise NotAllowed(_("Only the member who posted it and the cluster team close this posting."))
    if outcome not in (Posting.Status.FILLED, Posting.Status.WITHDRAWN):
        raise TalentError(_("Outcome: filled or withdrawn."), "outcome")
    if hired is not None and (outcome != Posting.Status.FILLED or hired.posting_id != posting.pk):
        raise TalentError(_("Hired: choose an application to this posting, for a posting filled."), "hired")
    with transaction.atomic(durable=True):
        if not Posting.objects.filter(pk=posting.pk, status=Posting.Status.OPEN).update(status=outcome,
                                                                                         closed_at=now):
            raise TalentError(_("This posting is already closed."), "status")
        if hired is not None:
            if not Application.objects.filter(pk=hired.pk, status=Application.Status.RECEIVED).update(
                    status=Application.Status.HIRED, decided_at=now):
                raise TalentError(_("Hired: this application is no longer awaiting a decision."), "hired")
            _audit("application", hired, "hire", actor, {"status": ["received", "hired"]})
        posting.status, posting.closed_at = outcome, now
        _audit("posting", posting, "close", actor, {"status": ["open", outcome],
                                                     "hired": [None, hired.pk if hired else None]})
        _close_applications(posting, now=now, keep=hired.pk if hired else None)
    return posting


def postings_expire(*, now: datetime | None = None) -> int:
    """Run by the worker's clock: an open posting past its date closes as expired (claimed by compare-and-set,
    so two workers expire it once); its poster is told, with a link to post it again, and its waiting
    applicants too."""
    now = now or timezone.now()
    due = list(Posting.objects.filter(status=Posting.Status.OPEN, expires_on__lt=today_paris(now))
               .values_list("pk", flat=True)[:1000])
    expired = 0
    for pk in due:
        with transaction.atomic():
            if not Posting.objects.filter(pk=pk, status=Posting.Status.OPEN).update(
                    status=Posting.Status.EXPIRED, closed_at=now, expiry_notice_sent_at=now):
                continue  # another process claimed it, or its poster closed it meanwhile
            posting = Posting.objects.select_related("organization", "posted_by").get(pk=pk)
            _audit("posting", posting, "expire", None, {"status": ["open", "expired"]})
            notify([posting.posted_by], "talent_posting_expired", {"posting": posting,
                                                                    "applications": posting.applications.filter(
                                                                        status=Application.Status.RECEIVED).count()})
            _close_applications(posting, now=now)
            expired += 1
    return expired


def cvs_purge(*, now: datetime | None = None) -> int:
    """Run by the worker's clock: the CVs of a posting closed more than GUICHET_TALENT_CV_RETENTION_DAYS ago are
    deleted (the file, then the reference to it); the application's name and status stay for the KPIs. Each claimed
    by compare-and-set, so two workers delete it once; the file goes after commit."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.GUICHET_TALENT_CV_RETENTION_DAYS)
    due = list(Application.objects.filter(posting__closed_at__lt=cutoff).exclude(cv="")
               .values_list("pk", "cv")[:1000])
    purged = 0
    for pk, name in due:
        with transaction.atomic():
            if not Application.objects.filter(pk=pk, cv=name).update(cv="", cv_purged_at=now):
                continue
            application = Application.objects.select_related("posting").get(pk=pk)
            _audit("application", application, "cv_purge", None,
                   {"cv": ["…", None], "retention_days": [None, settings.GUICHET_TALENT_CV_RETENTION_DAYS]})
            storage = Application._meta.get_field("cv").storage
            transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
            purged += 1
    return purged


# --- applications ----------------------------------------------------------------------------------------

def _check_open(posting: Posting, now) -> None:
    if posting.status != Posting.Status.OPEN or posting.expires_on < today_paris(now):
        raise TalentError(_("This posting is closed: it no longer takes applications."), "posting")


def _check_cv(cv) -> None:
    if cv is None:
        raise TalentError(_("CV: attach your CV (PDF, Word or OpenDocument)."), "cv")
    try:
        uploads.check_upload(cv, max_mb=settings.GUICHET_TALENT_CV_MAX_MB, types=CV_TYPES)
    except uploads.UploadRefused as exc:
        raise TalentError(_("CV: %(reason)s") % {"reason": exc}, "cv") from None


def _notify_poster(application: Application) -> None:
    notify([application.posting.posted_by], "talent_application", {"application": application,
                                                                     "posting": application.posting})


def application_create(*, actor, posting: Posting, full_name: str, email: str = "", letter: str = "", cv=None,
                       language: str | None = None, client_address: str | None = None,
                       now: datetime | None = None) -> Application:
    """Apply to an open posting with a CV. A logged-in person applies at once (the poster is told); a visitor's
    application waits, unseen by the poster, until the link e-mailed to the address they gave is followed."""
    now = now or timezone.now()
    _check_open(posting, now)
    logged_in = bool(actor and actor.is_authenticated and actor.is_active)
    email = actor.email if logged_in else normalize_login(email or "")
    try:
        validate_email(email)
    except ValidationError:
        raise TalentError(_("E-mail address: give a valid address."), "email") from None
    full_name, letter = (full_name or "").strip(), (letter or "").strip()
    if not full_name:
        raise TalentError(_("Full name: this field is required."), "full_name")
    for value, limit, label, field in ((full_name, NAME_MAX, _("Full name"), "full_name"),
                                       (letter, LETTER_MAX, _("Cover letter"), "letter")):
        if message := params.text_error(value, max_length=limit, label=label):
            raise TalentError(message, field)
    _check_cv(cv)
    if not logged_in and not ratelimit.hit("talent-visitor-address", client_address or "unknown",
                                           limit=settings.GUICHET_TALENT_VISITOR_PER_ADDRESS_HOUR,
                                           window_seconds=3600):
        raise RateLimited(_("Too many applications were sent from your connection. Try again in an hour."))
    if Application.objects.filter(posting=posting, email__iexact=email, status__in=Application.LIVE).exists():
        raise AlreadyApplied(_("An application from this address is already on file for this posting."), "email")
    language = (actor.language if logged_in else (language or translation.get_language() or "fr"))[:2]
    application = None
    try:
        with transaction.atomic(durable=True):
            application = Application(posting=posting, user=actor if logged_in else None, email=email,
                                      full_name=full_name, letter=letter, cv_name=(cv.name or "cv")[-255:],
                                      language=language, created_at=now,
                                      status=Application.Status.RECEIVED if logged_in else Application.Status.PENDING,
                                      confirmed_at=now if logged_in else None)
            application.cv.save(cv.name or "cv", cv, save=False)
            application.save()
            _audit("application", application, "create", actor if logged_in else None,
                   {"status": [None, application.status]})
            if logged_in:
                _mail_applicant(application, "talent_applied")
                _notify_poster(application)
            else:
                _mail_applicant(application, "talent_confirm")
    except Exception as exc:
        if application is not None and application.cv.name:  # nothing half-written: the stored file goes too
            application.cv.storage.delete(application.cv.name)
        if isinstance(exc, IntegrityError):  # the same address, twice at once: the partial unique index decided
            raise AlreadyApplied(_("An application from this address is already on file for this posting."),
                                 "email") from None
        raise
    return application


def application_confirm(*, token: str, now: datetime | None = None) -> Application:
    """The visitor followed the e-mailed link: the application reaches the poster. A second click changes nothing."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        application = Application.objects.select_related("posting__organization", "posting__posted_by").filter(
            token=token).first()
        if application is None:
            raise TalentError(_("This link is invalid."), "token")
        if application.status != Application.Status.PENDING:
            return application
        _check_open(application.posting, now)
        if not Application.objects.filter(pk=application.pk, status=Application.Status.PENDING).update(
                status=Application.Status.RECEIVED, confirmed_at=now):
            raise TalentError(_("This application changed meanwhile: reload the page."), "token")
        application.status, application.confirmed_at = Application.Status.RECEIVED, now
        _audit("application", application, "confirm", None, {"status": ["pending", "received"]})
        _mail_applicant(application, "talent_applied")
        _notify_poster(application)
    return application


def application_decline(*, actor, application: Application, now: datetime | None = None) -> Application:
    """The poster (or staff) declines an application; the applicant is told, in their language."""
    now = now or timezone.now()
    if not permissions.can_read_applications(actor, application.posting):
        raise NotAllowed(_("Only the member who posted it and the cluster team decide on applications."))
    with transaction.atomic(durable=True):
        if not Application.objects.filter(pk=application.pk, status=Application.Status.RECEIVED).update(
                status=Application.Status.DECLINED, decided_at=now):
            raise TalentError(_("This application is no longer awaiting a decision."), "status")
        application.status, application.decided_at = Application.Status.DECLINED, now
        _audit("application", application, "decline", actor, {"status": ["received", "declined"]})
        _mail_applicant(application, "talent_declined")
    return application


def application_withdraw(*, token: str, now: datetime | None = None) -> Application:
    """The applicant withdraws, from the link of their acknowledgement e-mail (or their account's page)."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        application = Application.objects.select_related("posting").filter(token=token).first()
        if application is None:
            raise TalentError(_("This link is invalid."), "token")
        if not Application.objects.filter(pk=application.pk, status__in=Application.LIVE).update(
                status=Application.Status.WITHDRAWN, decided_at=now):
            raise TalentError(_("This application is no longer awaiting a decision."), "status")
        before, application.status = application.status, Application.Status.WITHDRAWN
        _audit("application", application, "withdraw", application.user, {"status": [before, "withdrawn"]})
    return application
