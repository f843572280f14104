"""Desk writes: every transition by the right role only, compare-and-set, audited, e-mailed after commit."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guichet.accounts.identity import normalize_login
from guichet.accounts.models import Role, User
from guichet.accounts.selectors import organization_of
from guichet.core import ratelimit
from guichet.core.audit import audit_record
from guichet.core.errors import Refused
from guichet.core.i18n import in_language
from guichet.core.mail import notify, render_mail
from guichet.core.workdays import add_working_days
from guichet.directory.models import Organization, SearchEntry
from guichet.matching.engine import detect_language, validate_query

from . import permissions
from .links import provider_path
from .models import Attachment, Message, Need, Outcome, Routing, Status, StatusChange, VisitorSubmission
from .selectors import provider_of

# Signs a VisitorSubmission's key (the salt of the old Request-keyed tokens was "guichet.desk.confirm").
VISITOR_SALT = "guichet.desk.visitor"
CONFIRM_MAX_AGE = 7 * 24 * 3600


TITLE_MAX = Need._meta.get_field("title").max_length


class DeskError(Refused):
    """A refused desk action, with a translated message for the user."""


class NotAllowed(DeskError):
    pass


class InvalidTransition(DeskError):
    pass


class RateLimited(DeskError):
    """Too many anonymous submissions from one client address or for one e-mail address."""


class AccountExists(DeskError):
    """The visitor's e-mail address belongs to an account: its owner must log in."""


def _staff():
    return User.objects.filter(role__in=[Role.STAFF, Role.ADMIN], is_active=True)


def _transition(request: Need, *, actor, to: str, allowed_from, note: str = "", at=None, **fields) -> None:
    """Move the request to `to` only if it is still in one of `allowed_from` (compare-and-set)."""
    updated = Need.objects.filter(pk=request.pk, status__in=list(allowed_from)).update(status=to, **fields)
    if not updated:
        raise InvalidTransition(_("This request is no longer in a state that allows this action."))
    StatusChange.objects.create(request=request, from_status=request.status, to_status=to,
                                actor=actor if actor and actor.is_authenticated else None, note=note[:300],
                                at=at or timezone.now())
    audit_record(actor=actor, action=f"desk_request.{to}", entity_type="desk_request", entity_key=str(request.pk),
                 entity_label=request.title, changes={"status": [request.status, to],
                                                      **{k: [None, str(v)] for k, v in fields.items()}})
    request.status = to
    for name, value in fields.items():
        setattr(request, name, value)


def _title(text: str) -> str:
    first = " ".join(text.split())
    return first if len(first) <= 120 else first[:119].rstrip() + "…"


def _save_attachments(request: Need, files, actor) -> None:
    """Size, extension and content (core.uploads, as for partnership documents and order attachments)."""
    from guichet.core import uploads

    files = list(files or [])
    for upload in files:  # every file checked before any is stored: a refusal leaves nothing on disk
        try:
            uploads.check_upload(upload, max_mb=settings.GUICHET_DESK_MAX_ATTACHMENT_MB)
        except uploads.UploadRefused as refused:
            raise DeskError(str(refused)) from None
    for upload in files:
        Attachment.objects.create(request=request, file=upload, name=upload.name[:255], size=upload.size,
                                  content_type=(getattr(upload, "content_type", "") or "")[:100], uploaded_by=actor)


def _request_create(*, actor: User, text: str, title: str, confidential: bool, organization, files, now) -> Need:
    """Write a new request and its first history line; the caller holds the transaction and audits."""
    request = Need.objects.create(
        title=(title or "").strip() or _title(text), text=text, language=detect_language(text),
        requester=actor, organization=organization, confidential=confidential, status=Status.NEW,
        created_at=now, first_response_due=add_working_days(now, settings.GUICHET_DESK_FIRST_RESPONSE_DAYS))
    _save_attachments(request, files, actor)
    StatusChange.objects.create(request=request, from_status="", to_status=Status.NEW, actor=actor, at=now)
    return request


def request_submit(*, actor: User, text: str, title: str = "", confidential: bool = False,
                   organization: Organization | None = None, files=(), now=None) -> Need:
    """A member (or a confirmed visitor) submits a need. Raises DeskError / QueryRefused."""
    if not permissions.can_submit_request(actor):
        raise NotAllowed(_("Log in or confirm your e-mail address to submit a request."))
    text = validate_query(text, field="text")
    if len((title or "").strip()) > TITLE_MAX:  # the form and the API refuse it too: said, never cut
        raise DeskError(_("Title: at most %(max)d characters (this one has %(n)d).") % {
            "max": TITLE_MAX, "n": len(title.strip())})
    now = now or timezone.now()
    if organization is None:
        organization = organization_of(actor)
    with transaction.atomic(durable=True):
        request = _request_create(actor=actor, text=text, title=title, confidential=confidential,
                                  organization=organization, files=files, now=now)
        audit_record(actor=actor, action="desk_request.submit", entity_type="desk_request",
                     entity_key=str(request.pk), entity_label=request.title,
                     changes={"confidential": [None, confidential], "attachments": [None, len(files or [])]})
        notify([actor], "desk_submitted", {"request": request})
        notify(_staff(), "desk_new", {"request": request})
    return request


def _account_exists(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


def _visitor_confirm_mail(submission: VisitorSubmission, token: str) -> None:
    """The confirmation e-mail, in the visitor's language. It quotes nothing the visitor typed, so the
    form cannot be used to send someone else's words to an arbitrary address."""

    def send():
        subject, body = render_mail("desk_visitor_confirm", {
            "token": token, "max_days": CONFIRM_MAX_AGE // (24 * 3600)}, submission.language)
        # Sent in the language it is written in: the outbox records it (Content-Language).
        in_language(submission.language, send_mail, subject, body, settings.DEFAULT_FROM_EMAIL,
                    [submission.email], fail_silently=False)
    transaction.on_commit(send)


def visitor_request_start(*, email: str, full_name: str, text: str, confidential: bool = False,
                          client_address: str | None = None, language: str | None = None) -> VisitorSubmission:
    """A visitor without an account: the need is kept aside, and nothing else written, until they confirm
    their e-mail address. Limited per client address and per e-mail address (RateLimited); refused for an
    address that already has an account, whose owner must log in (AccountExists)."""
    text = validate_query(text, field="text")
    email = normalize_login(email)
    if not ratelimit.hit("desk-visitor-address", client_address or "unknown",
                         limit=settings.GUICHET_DESK_VISITOR_PER_ADDRESS_HOUR, window_seconds=3600):
        raise RateLimited(_("Too many requests were sent from your connection. Try again in an hour, "
                            "or log in."))
    # Also counted from the pending needs themselves: the limit then holds even with a shared cache that lost
    # its counts (Redis restarted).
    if not ratelimit.hit("desk-visitor-email", email, limit=settings.GUICHET_DESK_VISITOR_PER_EMAIL_DAY,
                         window_seconds=24 * 3600) or VisitorSubmission.objects.filter(
            email=email, created_at__gte=timezone.now() - timedelta(days=1)).count() \
            >= settings.GUICHET_DESK_VISITOR_PER_EMAIL_DAY:
        raise RateLimited(_("Too many requests were sent for this e-mail address today. Try again tomorrow, "
                            "or log in."))
    if _account_exists(email):
        raise AccountExists(_("An account already uses this e-mail address. Log in to send your request: "
                              "a request is attached to an account only by its owner."))
    with transaction.atomic(durable=True):
        # Pending needs whose link has expired are of no use to anyone: their addresses are not kept longer.
        stale, _by_model = VisitorSubmission.objects.filter(
            confirmed_at__isnull=True, created_at__lt=timezone.now() - timedelta(seconds=CONFIRM_MAX_AGE)).delete()
        if stale:
            audit_record(actor=None, action="desk_visitor.purge", entity_type="desk_visitor_submission",
                         entity_key="expired", changes={"deleted": [None, stale]})
        submission = VisitorSubmission.objects.create(
            email=email, full_name=full_name.strip()[:200], text=text, confidential=confidential,
            language=(language or translation.get_language() or settings.LANGUAGE_CODE)[:2])
        audit_record(actor=None, action="desk_visitor.start", entity_type="desk_visitor_submission",
                     entity_key=str(submission.pk), entity_label=_title(text))
        token = signing.TimestampSigner(salt=VISITOR_SALT).sign(str(submission.pk))
        _visitor_confirm_mail(submission, token)
    return submission


def visitor_request_confirm(*, token: str, now=None) -> Need:
    """The visitor clicked the e-mailed link: create their guest account and the request, once."""
    try:
        pk = signing.TimestampSigner(salt=VISITOR_SALT).unsign(token, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature as exc:
        raise DeskError(_("This confirmation link is invalid or has expired.")) from exc
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        submission = VisitorSubmission.objects.select_for_update().filter(pk=int(pk)).first()
        if submission is None:
            raise DeskError(_("This confirmation link is invalid or has expired."))
        if submission.request_id:  # a second click on the same link
            return submission.request
        if _account_exists(submission.email):
            # Someone created an account with this address meanwhile: never attach to it without its login.
            raise AccountExists(_("An account already uses this e-mail address. Log in to send your request: "
                                  "a request is attached to an account only by its owner."))
        user = User.objects.create_user(submission.email, None, full_name=submission.full_name,
                                        role=Role.GUEST, language=submission.language)
        audit_record(actor=None, action="user.create_guest", entity_type="user", entity_key=user.email,
                     entity_label=str(user), changes={"role": [None, Role.GUEST]})
        request = _request_create(actor=user, text=submission.text, title="", confidential=submission.confidential,
                                  organization=None, files=(), now=now)
        VisitorSubmission.objects.filter(pk=submission.pk).update(request=request, confirmed_at=now)
        audit_record(actor=user, action="desk_request.submit", entity_type="desk_request",
                     entity_key=str(request.pk), entity_label=request.title,
                     changes={"confidential": [None, submission.confidential],
                              "visitor_submission": [None, submission.pk]})
        notify([user], "desk_submitted", {"request": request})
        notify(_staff(), "desk_new", {"request": request})
    return request


def request_triage(*, actor: User, request: Need, title: str = "", now=None) -> Need:
    if not permissions.can_manage_desk(actor):
        raise NotAllowed(_("Only the cluster team triages requests."))
    with transaction.atomic(durable=True):
        title = title.strip()
        if len(title) > TITLE_MAX:  # the form and the API refuse it too: said, never cut
            raise DeskError(_("Title: at most %(max)d characters (this one has %(n)d).") % {
                "max": TITLE_MAX, "n": len(title)})
        fields = {"title": title} if title else {}
        _transition(request, actor=actor, to=Status.TRIAGED, allowed_from=[Status.NEW], at=now, **fields)
    return request


def responders(routing: Routing) -> list[User]:
    """The accounts told of a routing: permissions.routing_reach, the rule the preview and the links read too."""
    return permissions.routing_reach(organization=routing.provider_organization, assignee=routing.assignee).accounts


def _mail_contact(routing: Routing, template: str, context: dict) -> None:
    """E-mail a routing's directory contact (no account) in its directory language, with its own link.

    The same shape as core.mail.notify, for an address instead of a user; sent after the transaction commits."""
    address, language = routing.contact_email, routing.contact_language or settings.LANGUAGE_CODE

    def send():
        # Plain text: a provider's name keeps its apostrophe (render_mail does not escape HTML).
        subject, body = render_mail(template, {
            **context, "routing": routing, "contact_name": routing.contact_name,
            "provider_path": provider_path(routing), "days": settings.GUICHET_DESK_LINK_DAYS}, language)
        in_language(language, send_mail, subject, body, settings.DEFAULT_FROM_EMAIL, [address],
                    fail_silently=False)
    transaction.on_commit(send)


def request_route(*, actor: User, request: Need, keys: list[str], assignee: User | None = None,
                  reasons: dict[str, list[str]] | None = None, now=None) -> list[Routing]:
    """Send the request to providers of the directory, named by key.

    Each routing reaches someone (permissions.routing_reach): the accounts that answer for the provider, or
    else its directory contact by e-mail. A provider nobody can be told of is refused, with nothing written:
    a routing nobody reads is the request lost in the void, while the cluster team believes it sent."""
    if not permissions.can_manage_desk(actor):
        raise NotAllowed(_("Only the cluster team routes requests."))
    keys = list(dict.fromkeys(k.strip() for k in keys if k and k.strip()))
    entries = {e.key: e for e in SearchEntry.objects.filter(key__in=keys)}
    unknown = [k for k in keys if k not in entries]
    if not keys or unknown:
        raise DeskError(_("Unknown provider key(s): %(keys)s") % {"keys": ", ".join(unknown) or "—"})
    already = set(Routing.objects.filter(request=request, record_key__in=keys).values_list("record_key", flat=True))
    plan = {}
    for key in keys:
        if key in already:
            continue
        organization, person = provider_of(entries[key])
        plan[key] = (organization, permissions.routing_reach(organization=organization, person=person,
                                                             assignee=assignee))
    unreachable = [k for k, (_org, reach) in plan.items() if not reach.reachable]
    if unreachable:
        raise DeskError(_("Nobody can be told of a routing to %(keys)s: no account answers for it and the "
                          "directory holds no e-mail address. Add a contact first (a member account, or a "
                          "person with an e-mail address in the directory); nothing was routed.") % {
                              "keys": ", ".join(unreachable)})
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        current = Need.objects.select_for_update().get(pk=request.pk)
        if current.status not in (Status.NEW, Status.TRIAGED, Status.ROUTED, Status.ANSWERED):
            raise InvalidTransition(_("This request is no longer in a state that allows this action."))
        created = []
        for key, (organization, reach) in plan.items():
            if Routing.objects.filter(request=request, record_key=key).exists():
                continue
            entry = entries[key]
            routing = Routing.objects.create(
                request=request, record_kind=entry.record_kind, record_key=key, record_name=entry.name,
                provider_organization=organization, assignee=assignee, routed_by=actor, routed_at=now,
                reasons=(reasons or {}).get(key, []), contact_email=reach.email,
                contact_name=reach.contact_name[:300], contact_language=reach.language)
            told = [u.email for u in reach.accounts] if reach.accounts else [reach.email]
            audit_record(actor=actor, action="desk_request.route", entity_type="desk_request",
                         entity_key=str(request.pk), entity_label=request.title,
                         changes={"routed_to": [None, key], "told": [None, f"{reach.how}: {', '.join(told)}"]})
            if reach.accounts:
                notify(reach.accounts, "desk_routed", {"request": request, "routing": routing})
            else:
                _mail_contact(routing, "desk_routed_contact", {"request": request})
            created.append(routing)
        if current.status in (Status.NEW, Status.TRIAGED) and created:
            request.status = current.status
            _transition(request, actor=actor, to=Status.ROUTED, allowed_from=[Status.NEW, Status.TRIAGED],
                        note=", ".join(r.record_key for r in created), at=now)
    return created


def _respond(*, routing: Routing, action: str, message: str, now, actor: User | None, author_name: str = "",
             by: str = "", durable: bool = True) -> Routing:
    """The routing's answer; `durable=False` when another app's service (clinical feasibility) holds the
    transaction and writes its own rows with it."""
    allowed = {"accept": [Routing.State.PENDING], "decline": [Routing.State.PENDING, Routing.State.ACCEPTED],
               "answer": [Routing.State.PENDING, Routing.State.ACCEPTED, Routing.State.ANSWERED]}
    if action not in allowed:
        raise DeskError(_("Unknown action."))
    message = (message or "").strip()
    if action in ("answer", "decline") and not message:
        raise DeskError(_("Write a message for the requester."))
    now = now or timezone.now()
    new_state = {"accept": Routing.State.ACCEPTED, "decline": Routing.State.DECLINED,
                 "answer": Routing.State.ANSWERED}[action]
    with transaction.atomic(durable=durable):
        updated = Routing.objects.filter(pk=routing.pk, state__in=allowed[action]).update(
            state=new_state, responded_at=now)
        if not updated:
            raise InvalidTransition(_("This request is no longer in a state that allows this action."))
        routing.state = new_state
        routing.responded_at = now
        request = routing.request
        if message:
            Message.objects.create(request=request, author=actor, author_name=author_name[:300], routing=routing,
                                   body=message[:10000], created_at=now)
        Need.objects.filter(pk=request.pk, first_response_at__isnull=True).update(first_response_at=now)
        changes = {"routing": [routing.record_key, new_state]}
        if by:
            changes["by"] = [None, by]
        audit_record(actor=actor, action=f"desk_routing.{action}", entity_type="desk_request",
                     entity_key=str(request.pk), entity_label=request.title, changes=changes)
        if action == "answer" and request.status == Status.ROUTED:
            _transition(request, actor=actor, to=Status.ANSWERED, allowed_from=[Status.ROUTED],
                        note=routing.record_key, at=now)
        notify([request.requester], "desk_answered", {"request": request, "routing": routing, "action": action,
                                                      "message": message})
    return routing


def routing_respond(*, actor: User, routing: Routing, action: str, message: str = "", now=None) -> Routing:
    """A provider accepts, declines or answers. The first response stops the first-response clock."""
    if not permissions.can_respond(actor, routing):
        raise NotAllowed(_("Only the providers this request was routed to can answer it."))
    return _respond(routing=routing, action=action, message=message, now=now, actor=actor)


def routing_respond_by_link(*, link, action: str, message: str = "", now=None) -> Routing:
    """The routing's directory contact answers through its e-mailed link (links.provider_resolve), without an
    account: the same transitions, messages and audit as an account's answer, the address recorded as who."""
    routing = link.routing
    if not routing.contact_email or link.email != routing.contact_email:
        raise NotAllowed(_("Only the providers this request was routed to can answer it."))
    name = routing.contact_name or routing.record_name
    return _respond(routing=routing, action=action, message=message, now=now, actor=None,
                    author_name=f"{name} ({routing.record_name})" if name != routing.record_name else name,
                    by=f"directory contact {routing.contact_email}")


def message_post(*, actor: User, request: Need, body: str, now=None) -> Message:
    if not permissions.can_post_message(actor, request):
        raise NotAllowed(_("You cannot write in this conversation."))
    body = (body or "").strip()
    if not body:
        raise DeskError(_("The message is empty."))
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        message = Message.objects.create(request=request, author=actor, body=body[:10000], created_at=now)
        if actor.is_staff and actor.pk != request.requester_id:
            Need.objects.filter(pk=request.pk, first_response_at__isnull=True).update(first_response_at=now)
        audit_record(actor=actor, action="desk_request.message", entity_type="desk_request",
                     entity_key=str(request.pk), entity_label=request.title)
        others = [request.requester, *[u for r in request.routings.all() for u in responders(r)]]
        notify([u for u in others if u.pk != actor.pk], "desk_message", {"request": request, "message": message})
        # Providers reached at their directory address read the conversation through their own link; the
        # e-mail only says there is something new (it quotes nothing, like the routing e-mail).
        for routing in request.routings.exclude(contact_email="").exclude(state=Routing.State.DECLINED):
            _mail_contact(routing, "desk_message_contact", {"request": request})
    return message


def request_close(*, actor: User, request: Need, outcome: str, note: str = "", outcome_key: str = "",
                  now=None) -> Need:
    """The cluster team records the outcome (the requester may only withdraw)."""
    if outcome not in Outcome.values:
        raise DeskError(_("Choose an outcome."))
    if outcome == Outcome.WITHDRAWN:
        if not permissions.can_withdraw(actor, request):
            raise NotAllowed(_("Only the requester can withdraw the request."))
    elif not permissions.can_manage_desk(actor):
        raise NotAllowed(_("Only the cluster team records outcomes."))
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        request_close_within(actor=actor, request=request, outcome=outcome, note=note, outcome_key=outcome_key,
                             now=now)
    return request


def request_close_within(*, actor: User, request: Need, outcome: str, note: str, outcome_key: str, now) -> None:
    """The close itself, in the caller's transaction, for services that checked who may close (request_close,
    the clinical feasibility close that records the chosen sites with it)."""
    if outcome not in Outcome.values:
        raise DeskError(_("Choose an outcome."))
    _transition(request, actor=actor, to=Status.CLOSED,
                allowed_from=[Status.NEW, Status.TRIAGED, Status.ROUTED, Status.ANSWERED], note=note[:300],
                outcome=outcome, outcome_note=note[:2000], outcome_key=outcome_key.strip()[:120], closed_at=now,
                at=now)
    notify([request.requester], "desk_closed", {"request": request})
