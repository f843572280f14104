"""Platform writes that are not directory-v1 records: who manages a platform, an instrument's booking rules."""

from django.db import transaction

from guichet.core.audit import audit_record

from .models import Instrument, Platform

# What a platform's managers set on an instrument (bookings.forms.InstrumentRulesForm edits the same).
RULE_FIELDS = ("bookable", "requires_training", "approval_required", "opens_at", "closes_at", "open_weekdays",
               "slot_minutes", "min_duration", "max_duration", "min_notice", "max_advance_days",
               "cancel_deadline_hours", "buffer_minutes", "hourly_academic", "hourly_startup", "hourly_industry")


def instrument_rules(instrument: Instrument) -> dict:
    """The rules as plain values, for the audit diff (rates and hours included)."""
    return {f: (str(v) if v is not None and not isinstance(v, (bool, int, str)) else v)
            for f in RULE_FIELDS for v in [getattr(instrument, f)]}


def platform_managers_set(*, actor, platform: Platform, managers) -> None:
    """Replace a platform's managers (they approve bookings and quote orders), audited by e-mail address."""
    with transaction.atomic():
        before = sorted(platform.managers.values_list("email", flat=True))
        platform.managers.set(managers)
        after = sorted(platform.managers.values_list("email", flat=True))
        if before != after:
            audit_record(actor=actor, action="platform.managers", entity_type="platform", entity_key=platform.key,
                         entity_label=platform.name, changes={"managers": [before, after]})


def instrument_rules_update(*, actor, instrument: Instrument, **rules) -> None:
    """Set an instrument's booking rules (hours, days, durations, rates), validated and audited."""
    from guichet.directory.services import directory_record_save

    unknown = set(rules) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"not booking rules: {sorted(unknown)}")
    for name, value in rules.items():
        setattr(instrument, name, value)
    directory_record_save(actor=actor, record=instrument, is_new=False)
