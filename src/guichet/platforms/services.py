"""Platform writes that are not directory-v1 records: who manages a platform, an instrument's booking rules."""


from guichet.core.services import record_relation_set
from guichet.directory.services import directory_record_save

from .models import RULE_FIELDS, Instrument, Platform


def platform_managers_set(*, actor, platform: Platform, managers) -> None:
    """Replace a platform's managers (they approve bookings and quote orders), audited by e-mail address."""
    record_relation_set(actor=actor, record=platform, field="managers", values=managers, by="email",
                        action="platform.managers")


def instrument_rules_update(*, actor, instrument: Instrument, **rules) -> None:
    """Set an instrument's booking rules (hours, days, durations, rates), validated and audited."""
    unknown = set(rules) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"not booking rules: {sorted(unknown)}")
    for name, value in rules.items():
        setattr(instrument, name, value)
    directory_record_save(actor=actor, record=instrument, is_new=False)
