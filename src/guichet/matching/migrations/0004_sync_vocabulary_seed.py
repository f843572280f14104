"""Sync the seed vocabulary (data/vocabulary.txt and data/vocabulary.d/*.txt) into the database.

Adds the seed's new concepts and updates the category, labels, purposes and broader concepts of the
seeded ones. What staff added in the admin survives: concepts not in the seed are left alone, a seeded
concept keeps the labels staff gave it that no seed concept claims, and its broader links to concepts
outside the seed. Self-contained on purpose (its own reader, historical models): migrations must not
depend on live code that later changes.
"""

from pathlib import Path

from django.db import migrations
from django.utils import timezone

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# Labels the first seed (0002) gave these concepts and the seed dropped since (too generic to be evidence,
# or stems that match common words: "humanization" and "immunization" stem to "human" and "immun").
# Databases seeded by 0002 have no record of which labels came from the seed, and no seed concept claims
# these, so without this list they would look like labels staff added and be kept. From this migration on
# the concept keeps that record (seed_labels_fr/en) and `syncvocabulary` uses it.
RETIRED = {"protein-characterization": {"stabilité", "stability"}, "cytokine-assays": {"multiplex"},
           "hybridoma": {"immunization"}, "humanization": {"humanization", "humanize"},
           "developability": {"developability"}, "biomarkers": {"signature"},
           "business-development": {"stratégie", "strategy", "introductions"},
           "lab-space": {"locaux", "bureaux", "hosting", "offices", "premises"},
           "cluster-network": {"réseau", "événements", "network", "events"},
           "quality-iso": {"qualité", "certification", "quality"}}


def _split(value):
    return [x.strip() for x in value.split(";") if x.strip()]


def read_seed():
    files = [DATA_DIR / "vocabulary.txt", *sorted((DATA_DIR / "vocabulary.d").glob("*.txt"))]
    seed = {}
    for path in files:
        if not path.exists():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) < 5:
                raise ValueError(f"{path.name}:{number}: expected at least 5 fields separated by |")
            parts += [""] * (7 - len(parts))
            key = parts[0]
            if key in seed:
                raise ValueError(f"{path.name}:{number}: duplicate key {key!r}")
            seed[key] = {"category": parts[1], "labels_fr": _split(parts[2]), "labels_en": _split(parts[3]),
                         "broader": [b.strip() for b in parts[4].split(",") if b.strip()],
                         "purposes_fr": _split(parts[5]), "purposes_en": _split(parts[6])}
    return seed


def _lines(text):
    return [x.strip() for x in (text or "").splitlines() if x.strip()]


def sync(apps, schema_editor):
    Concept = apps.get_model("matching", "Concept")
    seed = read_seed()
    claimed = {lang: {label.casefold() for c in seed.values() for label in c[f"labels_{lang}"]}
               for lang in ("fr", "en")}
    existing = {c.key: c for c in Concept.objects.all()}
    new, changed = [], []
    for key, data in seed.items():
        obj = existing.get(key)
        if obj is None:
            obj = Concept(key=key)
            new.append(obj)
        else:
            changed.append(obj)
        obj.category = data["category"]
        for lang in ("fr", "en"):
            staff_added = [x for x in _lines(getattr(obj, f"labels_{lang}"))
                           if x.casefold() not in claimed[lang] and x not in RETIRED.get(key, ())] if obj.pk else []
            setattr(obj, f"labels_{lang}", "\n".join([*data[f"labels_{lang}"], *staff_added]))
            setattr(obj, f"purposes_{lang}", "\n".join(data[f"purposes_{lang}"]))
            setattr(obj, f"seed_labels_{lang}", "\n".join(data[f"labels_{lang}"]))
    # In bulk: some 1,500 concepts. updated_at is set by hand (bulk_update skips auto_now) so that the
    # engine's cache, stamped on it, notices the change.
    now = timezone.now()
    for obj in changed:
        obj.updated_at = now
    Concept.objects.bulk_create(new)
    Concept.objects.bulk_update(changed, ["category", "labels_fr", "labels_en", "purposes_fr", "purposes_en",
                                          "seed_labels_fr", "seed_labels_en", "updated_at"], batch_size=500)
    pk_of = dict(Concept.objects.values_list("key", "pk"))
    through = Concept.broader.through
    seeded = {pk_of[k] for k in seed}
    wanted = set()
    for key, data in seed.items():
        missing = set(data["broader"]) - pk_of.keys()
        if missing:
            raise ValueError(f"{key}: unknown broader concept(s) {sorted(missing)}")
        wanted.update((pk_of[key], pk_of[b]) for b in data["broader"])
    # Links between seeded concepts follow the seed; links to or from staff's own concepts stay.
    current = set(through.objects.values_list("from_concept_id", "to_concept_id"))
    stale = {(a, b) for a, b in current - wanted if a in seeded and b in seeded}
    for a, b in stale:
        through.objects.filter(from_concept_id=a, to_concept_id=b).delete()
    through.objects.bulk_create([through(from_concept_id=a, to_concept_id=b) for a, b in sorted(wanted - current)])


class Migration(migrations.Migration):
    dependencies = [("matching", "0003_concept_purposes")]
    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
