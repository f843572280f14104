from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.accounts.models import User
from guichet.core import bounds, uploads
from guichet.core.audit import audit_record
from guichet.core.errors import Refused
from guichet.core.mail import notify

from .models import (
    FIRST_STAGES,
    TRANSITIONS,
    Partnership,
    PartnershipConfirmation,
    PartnershipDocument,
    PartnershipStageChange,
    Stage,
)
from .permissions import can_record_partnership, can_see_partnership, confirmable_organizations


class PartnershipError(Refused):
    pass


def _stage_label(stage) -> str:
    return str(dict(Stage.choices).get(stage, stage))


def partnership_create(*, actor, title, type, parties, value_eur, stage, on=None, description="") -> Partnership:
    """Staff, or a member for a partnership their own organization is party to.

    Recorded by staff, it counts in the figures at once; recorded by a member, it counts once a contact of
    each other party has confirmed it (or staff have)."""
    if not can_record_partnership(actor):
        raise PartnershipError(_("Log in as a member of the network to record a partnership."))
    message = bounds.amount_error(value_eur, bounds.MAX_PARTNERSHIP_VALUE_EUR)
    if message:
        raise PartnershipError(message, "value_eur")
    if on is not None and (message := bounds.date_error(on)):
        raise PartnershipError(message, "on")
    if stage not in FIRST_STAGES:
        raise PartnershipError(_("A partnership is recorded at one of the stages %(stages)s.")
                               % {"stages": ", ".join(_stage_label(s) for s in FIRST_STAGES)}, "stage")
    parties = list(parties)
    if len({p.pk for p in parties}) != len(parties):
        raise PartnershipError(_("Name each party once."), "parties")
    if len(parties) < 2:
        raise PartnershipError(_("A partnership has at least two parties."), "parties")
    own = [p for p in parties if p.memberships.filter(user=actor).exists()]
    if not actor.is_staff and not own:
        raise PartnershipError(_("Your organization must be one of the parties."), "parties")
    now = timezone.now()
    with transaction.atomic(durable=True):
        partnership = Partnership.objects.create(
            title=title, type=type, value_eur=value_eur, description=description, created_by=actor,
            **({"confirmed_at": now, "confirmed_by": actor} if actor.is_staff else {}))
        partnership.parties.add(*parties)
        if not actor.is_staff:
            PartnershipConfirmation.objects.bulk_create(
                [PartnershipConfirmation(partnership=partnership, organization=o, user=actor, at=now) for o in own])
        PartnershipStageChange.objects.create(partnership=partnership, stage=stage, on=on or timezone.localdate(),
                                              actor=actor)
        audit_record(actor=actor, action="partnership.create", entity_type="partnership",
                     entity_key=str(partnership.pk), entity_label=title,
                     changes={"stage": [None, stage], "parties": [None, [p.key for p in parties]],
                              "value_eur": [None, str(value_eur)], "confirmed": [None, actor.is_staff]})
        if not actor.is_staff:
            # The contacts of the other parties are asked to confirm (after commit); staff see it to check.
            others = [p for p in parties if p not in own]
            notify(User.objects.filter(memberships__organization__in=others, memberships__is_contact=True)
                   .exclude(pk=actor.pk).distinct(), "partnership_to_confirm", {"partnership": partnership})
    return partnership


def partnership_move(*, actor, partnership, stage, on=None) -> None:
    """A new stage, dated, in the order of TRANSITIONS and not before the last one: the history is kept."""
    if not can_see_partnership(actor, partnership) or not can_record_partnership(actor):
        raise PartnershipError(_("You cannot change this partnership."))
    on = on or timezone.localdate()
    if message := bounds.date_error(on):
        raise PartnershipError(message, "on")
    with transaction.atomic(durable=True):
        # The row lock makes "read the current stage, then add the next" one step against a concurrent move.
        Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
        last = partnership.stage_changes.order_by("-on", "-id").first()
        before = last.stage if last else None
        if before is not None and stage not in TRANSITIONS.get(before, ()):
            allowed = TRANSITIONS.get(before, ())
            raise PartnershipError(
                _("From “%(before)s” a partnership moves to %(allowed)s only.") % {
                    "before": _stage_label(before), "allowed": ", ".join(_stage_label(s) for s in allowed)}
                if allowed else _("“%(before)s” is final: the partnership cannot move any more.")
                % {"before": _stage_label(before)}, "stage")
        if last is not None and on < last.on:
            raise PartnershipError(_("The new stage cannot be dated before the last one (%(day)s).")
                                   % {"day": last.on.isoformat()}, "on")
        PartnershipStageChange.objects.create(partnership=partnership, stage=stage, on=on, actor=actor)
        audit_record(actor=actor, action="partnership.stage", entity_type="partnership",
                     entity_key=str(partnership.pk), entity_label=partnership.title, changes={"stage": [before, stage]})


def partnership_confirm(*, actor, partnership) -> bool:
    """A contact of a party confirms for their organization(s); staff confirm for all. Returns whether the
    partnership now counts in the figures. Confirmation completes by compare-and-set, once."""
    organizations = confirmable_organizations(actor, partnership)
    if not actor.is_staff and not organizations:
        raise PartnershipError(_("Only a contact of one of the other parties, or cluster staff, can confirm "
                                 "this partnership."))
    now = timezone.now()
    with transaction.atomic(durable=True):
        for organization in organizations:
            PartnershipConfirmation.objects.get_or_create(partnership=partnership, organization=organization,
                                                          defaults={"user": actor, "at": now})
        confirmed_parties = set(partnership.confirmations.values_list("organization_id", flat=True))
        complete = actor.is_staff or set(partnership.parties.values_list("pk", flat=True)) <= confirmed_parties
        done = complete and Partnership.objects.filter(pk=partnership.pk, confirmed_at__isnull=True).update(
            confirmed_at=now, confirmed_by=actor)
        audit_record(actor=actor, action="partnership.confirm", entity_type="partnership",
                     entity_key=str(partnership.pk), entity_label=partnership.title,
                     changes={"confirmed_for": [None, [o.key for o in organizations] or "staff"],
                              **({"confirmed": [False, True]} if done else {})})
    partnership.refresh_from_db(fields=["confirmed_at", "confirmed_by"])
    return partnership.confirmed_at is not None


def partnership_admin_save(*, actor, record, is_new: bool) -> None:
    """Staff's edits in the admin: the same bounds (full_clean), audited; what staff create is confirmed."""
    with transaction.atomic():
        before = None if is_new else Partnership.objects.filter(pk=record.pk).values(
            "title", "type", "value_eur", "confirmed_at").first()
        if is_new:
            record.created_by = actor
            record.confirmed_at, record.confirmed_by = timezone.now(), actor
        record.full_clean(exclude=["parties"])
        record.save()
        after = {"title": record.title, "type": record.type, "value_eur": record.value_eur,
                 "confirmed_at": record.confirmed_at}
        audit_record(actor=actor, action=f"partnership.{'create' if is_new else 'update'}",
                     entity_type="partnership", entity_key=str(record.pk), entity_label=record.title,
                     changes={k: [str(before[k]) if before else None, str(v)] for k, v in after.items()
                              if not before or before[k] != v})


def partnership_admin_delete(*, actor, record) -> None:
    with transaction.atomic():
        pk, title = record.pk, record.title
        record.delete()
        audit_record(actor=actor, action="partnership.delete", entity_type="partnership", entity_key=str(pk),
                     entity_label=title)


def document_add(*, actor, partnership, upload) -> PartnershipDocument:
    if not can_see_partnership(actor, partnership):
        raise PartnershipError(_("You cannot change this partnership."))
    try:
        uploads.check_upload(upload, max_mb=settings.GUICHET_PARTNERSHIP_DOCUMENT_MAX_MB)
    except uploads.UploadRefused as exc:
        raise PartnershipError(str(exc), "document") from None
    with transaction.atomic(durable=True):
        document = PartnershipDocument.objects.create(partnership=partnership, file=upload, name=upload.name[:255],
                                                      uploaded_by=actor)
        audit_record(actor=actor, action="partnership.document", entity_type="partnership",
                     entity_key=str(partnership.pk), entity_label=partnership.title,
                     changes={"document": [None, document.name]})
    return document
