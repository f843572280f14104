from django.db import transaction

from guichet.core.audit import audit_record

from .models import FundingRound, Headcount, Milestone
from .permissions import can_edit_startup


class NotAllowed(Exception):
    pass


def startup_declare(*, actor, startup, headcount_on=None, headcount=None, round_on=None, round_amount=None,
                    round_kind="", investors="", milestone_on=None, milestone=""):
    """A founder (or staff) adds dated figures; history is kept, nothing is overwritten."""
    if not can_edit_startup(actor, startup):
        raise NotAllowed
    with transaction.atomic(durable=True):
        changes = {}
        if headcount_on and headcount is not None:
            Headcount.objects.update_or_create(organization=startup.organization, on=headcount_on,
                                               defaults={"headcount": headcount})
            changes["headcount"] = [None, f"{headcount_on}: {headcount}"]
        if round_on and round_amount:
            FundingRound.objects.create(startup=startup, on=round_on, amount_eur=round_amount, kind=round_kind,
                                        investors=investors)
            changes["funding_round"] = [None, f"{round_on}: {round_amount}"]
        if milestone_on and milestone:
            Milestone.objects.create(startup=startup, on=milestone_on, title=milestone)
            changes["milestone"] = [None, f"{milestone_on}: {milestone}"]
        audit_record(actor=actor, action="startup.declare", entity_type="startup",
                     entity_key=startup.organization.key, entity_label=str(startup), changes=changes)
