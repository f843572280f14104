"""Technology-transfer writes: who acts, validation, write and audit in one transaction, e-mails after commit.

The audit entries of a disclosure name it by its number, never by its title: the audit log is read by the
cluster team, who may not read disclosures.
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.accounts.models import Membership, User
from guichet.core import bounds
from guichet.core.audit import audit_record
from guichet.core.errors import Refused
from guichet.core.mail import notify

from . import permissions
from .models import DisclosureStatus, InventionDisclosure, OfferRequest, Office, TechnologyOffer

TITLE_MAX = InventionDisclosure._meta.get_field("title").max_length
SUMMARY_MAX = InventionDisclosure._meta.get_field("summary").max_length


class TransferError(Refused):
    pass


def office_staff(office: Office) -> list[User]:
    return [m.user for m in Membership.objects.filter(organization=office.organization_id, user__is_active=True)
            .select_related("user")]


def disclosure_submit(*, actor, office: Office, title: str, summary: str, co_inventors: list[str] = (),
                      disclosed_on: date | None = None) -> InventionDisclosure:
    """A researcher discloses an invention to an office; the co-inventors are accounts named by e-mail."""
    if not permissions.can_submit_disclosure(actor):
        raise TransferError(_("Only members of the network disclose inventions."))
    title, summary = (title or "").strip(), (summary or "").strip()
    if not title or len(title) > TITLE_MAX:
        raise TransferError(_("Title: from 1 to %(max)d characters.") % {"max": TITLE_MAX}, field="title")
    if not summary or len(summary) > SUMMARY_MAX:
        raise TransferError(_("Description of the invention: from 1 to %(max)d characters.") % {
            "max": SUMMARY_MAX}, field="summary")
    disclosed_on = disclosed_on or timezone.localdate()
    if (error := bounds.date_error(disclosed_on)) or disclosed_on > timezone.localdate():
        raise TransferError(_("Disclosed on: %(error)s") % {"error": error or _("a date up to today.")},
                            field="disclosed_on")
    emails = sorted({e.strip().lower() for e in co_inventors if e and e.strip()})
    found = {u.email: u for u in User.objects.filter(email__in=emails, is_active=True)}
    missing = [e for e in emails if e not in found]
    if missing:
        raise TransferError(_("No account for: %(emails)s. Each inventor needs an account.") % {
            "emails": ", ".join(missing)}, field="co_inventors")
    with transaction.atomic(durable=True):
        disclosure = InventionDisclosure.objects.create(office=office, title=title, summary=summary,
                                                        submitted_by=actor, disclosed_on=disclosed_on)
        inventors = {actor, *found.values()}
        disclosure.inventors.set(inventors)
        audit_record(actor=actor, action="disclosure.submit", entity_type="invention_disclosure",
                     entity_key=str(disclosure.pk), entity_label=str(disclosure),
                     changes={"office": [None, office.organization.key],
                              "inventors": [None, sorted(u.email for u in inventors)]})
        notify(office_staff(office), "disclosure_received", {"disclosure": disclosure, "office": office})
        notify([u for u in inventors if u.pk != actor.pk], "disclosure_coinventor",
               {"disclosure": disclosure, "office": office, "by": actor})
    return disclosure


def disclosure_status_set(*, actor, disclosure: InventionDisclosure, status: str) -> InventionDisclosure:
    if not permissions.can_manage_disclosure(actor, disclosure):
        raise TransferError(_("Only the office's staff change a disclosure's status."))
    if status not in DisclosureStatus.values:
        raise TransferError(_("Status: choose one of the proposed values."), field="status")
    with transaction.atomic(durable=True):
        before = disclosure.status
        if not InventionDisclosure.objects.filter(pk=disclosure.pk, status=before).update(status=status):
            raise TransferError(_("The disclosure changed meanwhile: reload the page."))
        disclosure.status = status
        audit_record(actor=actor, action="disclosure.status", entity_type="invention_disclosure",
                     entity_key=str(disclosure.pk), entity_label=str(disclosure), changes={"status": [before, status]})
        notify(list(disclosure.inventors.all()), "disclosure_status", {"disclosure": disclosure})
    return disclosure


def offer_request(*, actor, offer: TechnologyOffer, message: str = "", desk_request=None) -> OfferRequest:
    """A member asks the office about a public offer; the office's staff are told, in their language."""
    if not permissions.can_ask_about_offer(actor):
        raise TransferError(_("Log in as a member to ask about an offer."))
    if offer.published_on is None or offer.published_on > timezone.localdate():
        raise TransferError(_("This offer is not public."))
    message = (message or "").strip()
    if len(message) > 2000:
        raise TransferError(_("Message: at most %(max)d characters.") % {"max": 2000}, field="message")
    if desk_request is not None and desk_request.requester_id != actor.pk:
        desk_request = None  # only the requester links their own request
    try:
        with transaction.atomic(durable=True):
            created = OfferRequest.objects.create(offer=offer, user=actor, message=message, desk_request=desk_request)
            audit_record(actor=actor, action="offer.request", entity_type="technology_offer",
                         entity_key=str(offer.pk), entity_label=offer.title,
                         changes={"desk_request": [None, desk_request.pk if desk_request else None]})
            notify(office_staff(offer.office), "offer_requested", {"offer": offer, "asker": actor,
                                                                   "message": message})
    except IntegrityError as exc:
        raise TransferError(_("You have already asked about this offer; the office will answer you.")) from exc
    return created


# --- the office's profile (issue 11) ---
OFFICE_PROFILE_FIELDS = ("summary", "services", "territory", "contact_email")


def office_update(*, actor, office: Office, **data) -> Office:
    """The office's public profile, kept by its staff or the cluster team: checked whole (a refusal names its
    field, nothing is written), saved and audited in one transaction."""
    from django.core.exceptions import ValidationError
    from django.utils.text import capfirst

    from guichet.core.services import record_save

    if not permissions.can_edit_office(actor, office):
        raise TransferError(_("Only the office's staff and the cluster team keep its profile."))
    unknown = set(data) - set(OFFICE_PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    with transaction.atomic(durable=True):
        record = Office.objects.select_for_update().get(pk=office.pk)
        for name, value in data.items():
            setattr(record, name, (value or "").strip())
        try:
            record.full_clean(exclude=["organization"])
        except ValidationError as exc:
            field, errors = next(iter(exc.error_dict.items()))
            raise TransferError(_("%(field)s: %(error)s") % {
                "field": capfirst(Office._meta.get_field(field).verbose_name), "error": errors[0].messages[0]},
                field=field) from None
        record_save(actor=actor, record=record, is_new=False)
    return record
