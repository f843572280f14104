"""Privacy writes: a person's export (audited), their erasure, and the expiry of uploaded imports.

What erasure keeps, and why (also on the privacy page and in README):
- bookings, service orders, desk requests' statuses and dates, partnerships, trainings: the platforms'
  accounting and the public figures are computed from them; they stay, pointing at the anonymised account.
- the audit log: insert-only (the database refuses UPDATE, and DELETE on PostgreSQL), so past events keep
  the e-mail address recorded as their author ("who, as recorded") and in membership keys. They are the
  evidence of who changed what (accountability, GDPR art. 5(2) and 17(3)(b)/(e)), seen by staff only. The
  erasure itself is a new event naming the account by number, without its name or address.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from guichet.accounts.models import User
from guichet.core.audit import audit_record
from guichet.directory.models import ImportBatch

from . import registry
from .permissions import can_erase_person, can_export_person

EXPORT_FORMAT = "guichet-personal-data"
EXPORT_VERSION = 1


class PrivacyRefused(Exception):
    """The actor may not do this to this person."""


def erased_email(user: User) -> str:
    # .invalid is reserved (RFC 2606): no mail can ever reach it, and the address stays unique.
    return f"erased-{user.pk}@erased.invalid"


def is_erased(user: User) -> bool:
    return user.email == erased_email(user)


@transaction.atomic
def person_export(*, actor: User, person: User) -> dict:
    """Everything Guichet holds about `person`, one part per app; the download itself is audited."""
    if not can_export_person(actor, person):
        raise PrivacyRefused
    parts = {part: export(person) for part, export in sorted(registry.exporters.items())}
    audit_record(actor=actor, action="privacy.export", entity_type="user", entity_key=str(person.pk),
                 changes={"parts": [None, sorted(parts)]})
    return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "generated_at": timezone.now().isoformat(),
            "user": person.pk, "parts": parts}


def person_erase(*, actor: User, person: User) -> dict[str, dict[str, int]]:
    """Anonymise `person` everywhere, in one transaction; returns what each app changed."""
    if not can_erase_person(actor, person):
        raise PrivacyRefused
    with transaction.atomic(durable=True):
        person = User.objects.select_for_update().get(pk=person.pk)
        if is_erased(person):
            return {}
        # The account last: until then the other erasers can still find what carries its address.
        order = sorted(registry.erasers.items(), key=lambda item: (item[0] == "accounts", item[0]))
        done = {part: erase(user=person, actor=actor) for part, erase in order}
        audit_record(actor=actor, action="privacy.erase", entity_type="user", entity_key=str(person.pk),
                     entity_label=f"#{person.pk}", changes={"erased": [False, True]})
    return done


def purge_expired(*, now=None, actor=None) -> int:
    """Remove uploaded import files (and the addresses in them) older than GUICHET_IMPORT_RETENTION_DAYS.

    What an import applied is in the directory and the audit log; the uploaded content is not needed
    after the preview, so a batch of any status expires. Returns the number of batches removed.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.GUICHET_IMPORT_RETENTION_DAYS)
    with transaction.atomic(durable=True):
        expired = list(ImportBatch.objects.select_for_update().filter(created_at__lt=cutoff).order_by("pk"))
        if not expired:
            return 0
        files = [getattr(batch, field.name) for batch in expired for field in ImportBatch._meta.fields
                 if field.get_internal_type() == "FileField" and getattr(batch, field.name)]
        ImportBatch.objects.filter(pk__in=[b.pk for b in expired]).delete()
        audit_record(actor=actor, action="privacy.purge_imports", entity_type="import",
                     entity_key=f"before {cutoff.date().isoformat()}",
                     changes={"batches": [len(expired), 0],
                              "retention_days": [None, settings.GUICHET_IMPORT_RETENTION_DAYS]})
        # Files go once the rows are gone for good (a rolled-back purge leaves both in place).
        transaction.on_commit(lambda: [f.storage.delete(f.name) for f in files])
    return len(expired)
