"""Vocabulary writes: loading the seed and re-tagging the directory after a concept changes."""

from django.db import transaction

from guichet.core.audit import audit_record

from .engine import reset_cache
from .models import Concept
from .vocabulary import SEED_FILE, parse_seed


def vocabulary_load_seed(*, actor=None, path=SEED_FILE, apps=None) -> dict[str, int]:
    """Create the seed's concepts that are missing; concepts staff edited are left as they are."""
    model = apps.get_model("matching", "Concept") if apps else Concept
    seed = parse_seed(path)
    created = 0
    with transaction.atomic():
        existing = set(model.objects.values_list("key", flat=True))
        for concept in seed:
            if concept.key in existing:
                continue
            model.objects.create(key=concept.key, category=concept.category,
                                 labels_fr="\n".join(concept.labels_fr), labels_en="\n".join(concept.labels_en))
            created += 1
        by_key = {c.key: c for c in model.objects.all()}
        for concept in seed:
            obj = by_key[concept.key]
            wanted = {by_key[b].pk for b in concept.broader}
            if wanted - set(obj.broader.values_list("pk", flat=True)):
                obj.broader.add(*wanted)
        if created and apps is None:
            audit_record(actor=actor, action="vocabulary.load", entity_type="vocabulary", entity_key="seed",
                         changes={"created": [0, created]})
    return {"created": created, "total": len(seed)}


def concept_save(*, actor, concept: Concept, is_new: bool) -> None:
    """Save a concept edited by staff, then re-tag the directory entries its labels touch, as a job.

    Re-tagging reads and rewrites every entry that holds one of the labels (thousands on a large
    directory): too long for the admin's request, and idempotent, so it is safe to run again.
    """
    from guichet.core.jobs import enqueue

    from .tasks import retag_vocabulary

    with transaction.atomic():
        before = None if is_new else Concept.objects.get(pk=concept.pk)
        concept.full_clean()
        concept.save()
        changes = {}
        for field in ("category", "labels_fr", "labels_en", "is_active"):
            old = getattr(before, field) if before else None
            if old != getattr(concept, field):
                changes[field] = [old, getattr(concept, field)]
        audit_record(actor=actor, action=f"concept.{'create' if is_new else 'update'}", entity_type="concept",
                     entity_key=concept.key, entity_label=str(concept), changes=changes)
        reset_cache()  # this process tags with the new labels at once; others notice within seconds
        labels = [*concept.labels("fr"), *concept.labels("en")]
        if before is not None:
            labels += [*before.labels("fr"), *before.labels("en")]
        enqueue(retag_vocabulary, sorted(set(labels)))


def vocabulary_retag(labels: list[str]) -> int:
    """Re-index, in one transaction, the entries whose words could hold one of these labels."""
    from guichet.directory.search import retag_entries

    reset_cache()  # the worker tags with the vocabulary as it is now
    with transaction.atomic():
        return retag_entries(labels)
