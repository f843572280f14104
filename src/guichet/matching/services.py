"""Vocabulary writes: loading the seed and re-tagging the directory after a concept changes."""

from django.db import transaction

from guichet.core.audit import audit_record
from guichet.core.jobs import enqueue
from guichet.core.services import record_relation_set
from guichet.directory.search import retag_entries

from .engine import reset_cache
from .models import Concept
from .tasks import retag_vocabulary
from .vocabulary import SEED_FILE, parse_seed


def vocabulary_load_seed(*, actor=None, path=SEED_FILE, apps=None) -> dict[str, int]:
    """Create the seed's concepts that are missing; concepts staff edited are left as they are."""
    model = apps.get_model("matching", "Concept") if apps else Concept
    seed = parse_seed(path)
    with transaction.atomic():
        existing = set(model.objects.values_list("key", flat=True))
        # In bulk: a fresh database (and every transactional test) loads some 1,500 concepts.
        new = [model(key=c.key, category=c.category, labels_fr="\n".join(c.labels_fr),
                     labels_en="\n".join(c.labels_en), purposes_fr="\n".join(c.purposes_fr),
                     purposes_en="\n".join(c.purposes_en), seed_labels_fr="\n".join(c.labels_fr),
                     seed_labels_en="\n".join(c.labels_en)) for c in seed if c.key not in existing]
        model.objects.bulk_create(new)
        created = len(new)
        pk_of = dict(model.objects.values_list("key", "pk"))
        through = model.broader.through
        linked = set(through.objects.values_list("from_concept_id", "to_concept_id"))
        links = {(pk_of[c.key], pk_of[b]) for c in seed for b in c.broader} - linked
        through.objects.bulk_create([through(from_concept_id=a, to_concept_id=b) for a, b in sorted(links)])
        if created and apps is None:
            audit_record(actor=actor, action="vocabulary.load", entity_type="vocabulary", entity_key="seed",
                         changes={"created": [0, created]})
    return {"created": created, "total": len(seed)}


def concept_save(*, actor, concept: Concept, is_new: bool) -> None:
    """Save a concept edited by staff, then re-tag the directory entries its labels touch, as a job.

    Re-tagging reads and rewrites every entry that holds one of the labels (thousands on a large
    directory): too long for the admin's request, and idempotent, so it is safe to run again.
    """
    with transaction.atomic():
        before = None if is_new else Concept.objects.get(pk=concept.pk)
        concept.full_clean()
        concept.save()
        changes = {}
        for field in ("category", "labels_fr", "labels_en", "purposes_fr", "purposes_en", "is_active"):
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
    reset_cache()  # the worker tags with the vocabulary as it is now
    with transaction.atomic():
        return retag_entries(labels)


def vocabulary_sync_seed(*, actor=None, path=SEED_FILE) -> dict[str, int]:
    """Bring the database in line with the seed files after they changed (what migration 0004 does on
    upgrade): new concepts are created; seeded ones get the seed's category, labels, purposes and broader
    concepts, and lose the labels the seed dropped since the last sync. What staff added survives: their
    own concepts, the labels they gave a seeded concept (not in its last seed labels, claimed by no seed
    concept), and broader links to their own concepts. Audited; the directory entries whose words hold a
    changed label are re-tagged."""
    seed = parse_seed(path)
    seed_keys = {c.key for c in seed}
    claimed = {lang: {label.casefold() for c in seed for label in getattr(c, f"labels_{lang}")} for lang in ("fr", "en")}
    created = updated = 0
    touched_labels: set[str] = set()
    with transaction.atomic():
        existing = {c.key: c for c in Concept.objects.select_for_update().prefetch_related("broader")}
        for item in seed:
            concept = existing.get(item.key)
            is_new = concept is None
            concept = concept or Concept(key=item.key)
            before = {f: getattr(concept, f) for f in ("category", "labels_fr", "labels_en", "purposes_fr",
                                                        "purposes_en", "seed_labels_fr", "seed_labels_en")}
            concept.category = item.category
            for lang in ("fr", "en"):
                last_seed = {x.strip().casefold() for x in getattr(concept, f"seed_labels_{lang}").splitlines()}
                kept = [] if is_new else [x for x in concept.labels(lang)
                                          if x.casefold() not in claimed[lang] and x.casefold() not in last_seed]
                setattr(concept, f"labels_{lang}", "\n".join([*getattr(item, f"labels_{lang}"), *kept]))
                setattr(concept, f"purposes_{lang}", "\n".join(getattr(item, f"purposes_{lang}")))
                setattr(concept, f"seed_labels_{lang}", "\n".join(getattr(item, f"labels_{lang}")))
            changes = {f: [None if is_new else old, getattr(concept, f)] for f, old in before.items()
                       if is_new or old != getattr(concept, f)}
            if changes:
                concept.save()
                created += is_new
                updated += not is_new
                touched_labels.update(before["labels_fr"].splitlines() + before["labels_en"].splitlines())
                touched_labels.update(concept.labels("fr") + concept.labels("en"))
                audit_record(actor=actor, action=f"concept.{'create' if is_new else 'update'}", entity_type="concept",
                             entity_key=concept.key, entity_label=str(concept), changes=changes)
            existing[item.key] = concept
        for item in seed:
            concept = existing[item.key]
            outside = [b for b in concept.broader.all() if b.key not in seed_keys]
            wanted = {existing[b].pk for b in item.broader} | {b.pk for b in outside}
            if wanted != set(concept.broader.values_list("pk", flat=True)):
                concept.broader.set(wanted)
                touched_labels.update(concept.labels("fr") + concept.labels("en"))
        reset_cache()
        retagged = retag_entries(sorted(x for x in touched_labels if x.strip())) if touched_labels else 0
    return {"created": created, "updated": updated, "total": len(seed), "retagged": retagged}


def concept_delete(*, actor, record: Concept) -> int:
    """Delete a concept staff no longer want; the entries its labels tagged are re-tagged. Returns how many."""
    with transaction.atomic():
        key, label, labels = record.key, str(record), [*record.labels("fr"), *record.labels("en")]
        before = {f: getattr(record, f) for f in ("category", "labels_fr", "labels_en", "purposes_fr",
                                                  "purposes_en", "is_active")}
        record.delete()
        audit_record(actor=actor, action="concept.delete", entity_type="concept", entity_key=key,
                     entity_label=label, changes={f: [v, None] for f, v in before.items()})
        reset_cache()
        return retag_entries(labels)


def concept_broader_set(*, actor, concept: Concept, broader) -> None:
    """Replace a concept's broader concepts (what a need for it also finds), audited by key."""
    if record_relation_set(actor=actor, record=concept, field="broader", values=broader, by="key",
                           action="concept.broader"):
        reset_cache()  # a need for the concept now finds other ones
