from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guichet.core import bounds
from guichet.core.audit import audit_record

from .models import Partnership, PartnershipDocument, PartnershipStageChange
from .permissions import can_record_partnership, can_see_partnership


class PartnershipError(Exception):
    def __init__(self, message, field=""):
        super().__init__(message)
        self.field = field


def partnership_create(*, actor, title, type, parties, value_eur, stage, on=None, description="") -> Partnership:
    """Staff, or a member for a partnership their own organization is party to."""
    if not can_record_partnership(actor):
        raise PartnershipError(_("Log in as a member of the network to record a partnership."))
    message = bounds.amount_error(value_eur, bounds.MAX_PARTNERSHIP_VALUE_EUR)
    if message:
        raise PartnershipError(message, "value_eur")
    if on is not None and (message := bounds.date_error(on)):
        raise PartnershipError(message, "on")
    parties = list(parties)
    if len(parties) < 2:
        raise PartnershipError(_("A partnership has at least two parties."), "parties")
    if not actor.is_staff and not any(p.memberships.filter(user=actor).exists() for p in parties):
        raise PartnershipError(_("Your organization must be one of the parties."), "parties")
    with transaction.atomic(durable=True):
        partnership = Partnership.objects.create(title=title, type=type, value_eur=value_eur, description=description,
                                                 created_by=actor)
        partnership.parties.add(*parties)
        PartnershipStageChange.objects.create(partnership=partnership, stage=stage, on=on or timezone.localdate(),
                                              actor=actor)
        audit_record(actor=actor, action="partnership.create", entity_type="partnership",
                     entity_key=str(partnership.pk), entity_label=title,
                     changes={"stage": [None, stage], "parties": [None, [p.key for p in parties]]})
    return partnership


def partnership_move(*, actor, partnership, stage, on=None) -> None:
    """A new stage, dated: the history is kept, never overwritten."""
    if not can_see_partnership(actor, partnership) or not can_record_partnership(actor):
        raise PartnershipError(_("You cannot change this partnership."))
    if on is not None and (message := bounds.date_error(on)):
        raise PartnershipError(message, "on")
    with transaction.atomic(durable=True):
        before = partnership.stage
        PartnershipStageChange.objects.create(partnership=partnership, stage=stage, on=on or timezone.localdate(),
                                              actor=actor)
        audit_record(actor=actor, action="partnership.stage", entity_type="partnership",
                     entity_key=str(partnership.pk), entity_label=partnership.title, changes={"stage": [before, stage]})


def document_add(*, actor, partnership, upload) -> PartnershipDocument:
    if not can_see_partnership(actor, partnership):
        raise PartnershipError(_("You cannot change this partnership."))
    with transaction.atomic(durable=True):
        document = PartnershipDocument.objects.create(partnership=partnership, file=upload, name=upload.name[:255],
                                                      uploaded_by=actor)
        audit_record(actor=actor, action="partnership.document", entity_type="partnership",
                     entity_key=str(partnership.pk), entity_label=partnership.title,
                     changes={"document": [None, document.name]})
    return document
