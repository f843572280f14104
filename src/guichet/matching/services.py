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


def concept_save(*, actor, concept: Concept, is_new: bool) -> int:
    """Save a concept edited by staff and re-tag the directory entries its labels touch. Returns how many."""
    from guichet.directory.search import retag_entries

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
        return retag_entries(labels)
