"""The seed vocabulary (data/vocabulary.txt + data/vocabulary.d/*.txt): its format, its content's rules,
and its sync into the database (migration 0004) and the admin."""

import importlib
import re
from collections import defaultdict

import pytest
from django.apps import apps as global_apps

from guichet.core.text import fold
from guichet.matching.models import Concept, ConceptCategory
from guichet.matching.vocabulary import SEED_DIR, parse_seed

SEED = parse_seed()
BY_KEY = {c.key: c for c in SEED}

# Categories whose concepts are things one does or runs: each must say what it is for, in both languages.
PURPOSE_CATEGORIES = {"technique", "model", "support", "facility", "training"}

# Labels shorter than 3 characters are acronyms a text really uses; each is listed here on purpose.
# (Ambiguous two-letter words are kept out: "MS", "IF", "ML" read as other things in a text.)
SHORT_ACRONYMS = {"L2", "P3", "VC", "QA", "QP"}

# The same label on two concepts makes the text ambiguous; these pairs are meant (a word that really
# names both, e.g. a lay word and its technical concept in another branch).
SHARED_LABELS_INTENDED: dict[tuple[str, str], set[str]] = {}


def test_enough_concepts_and_domain_files():
    assert len(SEED) >= 1500
    assert len(list(SEED_DIR.glob("*.txt"))) >= 15


def test_keys_are_unique_slugs_and_categories_known():
    assert len({c.key for c in SEED}) == len(SEED)
    categories = set(ConceptCategory.values)
    for c in SEED:
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", c.key) and len(c.key) <= 80, c.key
        assert c.category in categories, (c.key, c.category)


def test_every_concept_has_french_and_english_labels():
    missing = [c.key for c in SEED if not c.labels_fr or not c.labels_en]
    assert missing == []


def test_every_technique_and_service_says_what_it_is_for_in_both_languages():
    missing = [c.key for c in SEED if c.category in PURPOSE_CATEGORIES and not (c.purposes_fr and c.purposes_en)]
    assert missing == []
    # Purposes are phrases, not single words.
    short = [(c.key, p) for c in SEED for p in (*c.purposes_fr, *c.purposes_en) if len(p.split()) < 3]
    assert short == []


def test_broader_keys_exist_and_the_hierarchy_has_no_cycle():
    for c in SEED:
        assert set(c.broader) <= BY_KEY.keys(), c.key
        assert c.key not in c.broader, c.key
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(key, path):
        if state.get(key) == 2:
            return
        assert state.get(key) != 1, f"cycle: {' > '.join([*path, key])}"
        state[key] = 1
        for parent in BY_KEY[key].broader:
            visit(parent, [*path, key])
        state[key] = 2

    for c in SEED:
        visit(c.key, [])


def test_techniques_sit_under_their_field():
    # Domain files build a hierarchy: a technique or model there has a broader concept unless it is
    # the root of its field (a concept others point to).
    pointed_to = {b for c in SEED for b in c.broader}
    orphans = [c.key for c in SEED if c.source.split(":")[0] != "vocabulary.txt"
               and c.category in {"technique", "model"} and not c.broader and c.key not in pointed_to]
    assert orphans == []


def test_labels_are_long_enough_to_be_evidence():
    short = sorted({label for c in SEED for label in (*c.labels_fr, *c.labels_en)
                    if len(label) < 3 and label not in SHORT_ACRONYMS})
    assert short == []


def test_no_two_concepts_share_a_label_in_the_same_language():
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for c in SEED:
        for lang, labels in (("fr", c.labels_fr), ("en", c.labels_en)):
            for label in labels:
                owners[(lang, " ".join(fold(label).split()))].add(c.key)
    shared = {k: v for k, v in owners.items() if len(v) > 1 and SHARED_LABELS_INTENDED.get(k) != v}
    assert shared == {}


def test_french_labels_are_written_with_their_accents():
    # Unaccented spellings of common French words are typos in the seed ("cytometrie", "proteomique").
    unaccented = re.compile(r"\b(cytometrie|proteomique|genomique|sequencage|biologie moleculaire|"
                            r"therapie|controle|qualite|"
                            r"securite|efficacite|immunite)\b", re.IGNORECASE)
    wrong = [(c.key, label) for c in SEED for label in c.labels_fr if unaccented.search(label)]
    assert wrong == []


# --- the parser -----------------------------------------------------------------------------------

def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_parser_reads_five_and_seven_field_lines_and_the_domain_files(tmp_path):
    main = write(tmp_path / "vocabulary.txt", "# comment\nroot|technique|racine|root|\n")
    (tmp_path / "vocabulary.d").mkdir()
    write(tmp_path / "vocabulary.d" / "b.txt",
          "child|technique|enfant ; fils|child|root|mesurer la taille ; compter|measure size ; count things\n")
    write(tmp_path / "vocabulary.d" / "a.txt", "other|cell|autre|other|child\n")
    seed = parse_seed(main)
    assert [c.key for c in seed] == ["root", "other", "child"]  # main file first, then sorted names
    child = seed[2]
    assert child.labels_fr == ("enfant", "fils") and child.broader == ("root",)
    assert child.purposes_fr == ("mesurer la taille", "compter")
    assert child.purposes_en == ("measure size", "count things")
    assert seed[0].purposes_fr == () and seed[0].purposes_en == ()


def test_parser_refuses_six_fields(tmp_path):
    main = write(tmp_path / "vocabulary.txt", "root|technique|racine|root||mesurer\n")
    with pytest.raises(ValueError, match=r"vocabulary.txt:1: expected 5 or 7 fields"):
        parse_seed(main)


def test_parser_refuses_a_key_repeated_in_another_file(tmp_path):
    main = write(tmp_path / "vocabulary.txt", "root|technique|racine|root|\n")
    (tmp_path / "vocabulary.d").mkdir()
    write(tmp_path / "vocabulary.d" / "x.txt", "\n\nroot|cell|racine bis|root bis|\n")
    with pytest.raises(ValueError, match=r"x.txt:3: duplicate key 'root' \(first at vocabulary.txt:1\)"):
        parse_seed(main)


def test_parser_checks_broader_keys_across_files(tmp_path):
    main = write(tmp_path / "vocabulary.txt", "root|technique|racine|root|\n")
    (tmp_path / "vocabulary.d").mkdir()
    write(tmp_path / "vocabulary.d" / "x.txt", "leaf|technique|feuille|leaf|root,nowhere\n")
    with pytest.raises(ValueError, match=r"leaf: unknown broader concept\(s\) \['nowhere'\]"):
        parse_seed(main)


# --- the database ---------------------------------------------------------------------------------

def test_migrations_load_the_whole_seed_with_purposes_and_hierarchy(db):
    assert Concept.objects.count() == len(SEED)
    sample = [c for c in SEED if c.purposes_en and c.broader][:50]
    stored = {c.key: c for c in Concept.objects.filter(key__in=[s.key for s in sample]).prefetch_related("broader")}
    for seed in sample:
        concept = stored[seed.key]
        assert concept.category == seed.category
        assert concept.labels("fr") == list(seed.labels_fr) and concept.labels("en") == list(seed.labels_en)
        assert concept.purposes("fr") == list(seed.purposes_fr)
        assert concept.purposes("en") == list(seed.purposes_en)
        assert {b.key for b in concept.broader.all()} == set(seed.broader)
        assert concept.seed_labels_fr.splitlines() == list(seed.labels_fr)


def test_sync_migration_updates_seeded_concepts_and_keeps_what_staff_added(db):
    sync = importlib.import_module("guichet.matching.migrations.0004_sync_vocabulary_seed").sync
    seeded = next(c for c in SEED if c.broader and c.purposes_en and len(c.labels_en) > 1)
    concept = Concept.objects.get(key=seeded.key)
    staff_concept = Concept.objects.create(key="staff-own", category="technique", labels_fr="à nous",
                                           labels_en="our own thing")
    # Staff edited the seeded concept: dropped a seed label, added one of theirs, linked their concept.
    concept.labels_en = "\n".join([*seeded.labels_en[1:], "staff synonym"])
    hybridoma = Concept.objects.get(key="hybridoma")  # as the first seed (0002) left it
    hybridoma.labels_en += "\nimmunization"
    hybridoma.save()
    concept.purposes_en = ""
    concept.category = "training"
    concept.save()
    concept.broader.add(staff_concept)
    concept.broader.remove(*Concept.objects.filter(key__in=seeded.broader))
    Concept.objects.filter(key=SEED[-1].key).delete()  # a seed concept missing from the database

    sync(global_apps, None)

    concept.refresh_from_db()
    assert concept.labels("en") == [*seeded.labels_en, "staff synonym"]
    assert concept.purposes("en") == list(seeded.purposes_en)
    assert concept.category == seeded.category
    assert {b.key for b in concept.broader.all()} == {*seeded.broader, "staff-own"}
    assert Concept.objects.filter(key=SEED[-1].key).exists()
    hybridoma.refresh_from_db()
    assert "immunization" not in hybridoma.labels("en")  # retired: it stems to "immun"
    staff_concept.refresh_from_db()
    assert staff_concept.labels("en") == ["our own thing"]
    assert Concept.objects.count() == len(SEED) + 1


def test_the_engine_reads_the_big_vocabulary(db):
    from guichet.matching import engine

    vocab = engine.compile_vocabulary()
    assert len(vocab.labels) == len(SEED)
    found = {d.concept for d in vocab.detect("Nous cherchons une plateforme de tri cellulaire et de la "
                                             "résonance plasmonique de surface pour nos anticorps.")}
    assert {"cell-sorting", "antibody"} <= found


def test_staff_see_and_edit_purposes_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    seeded = next(c for c in SEED if c.purposes_fr)
    concept = Concept.objects.get(key=seeded.key)
    page = client.get(f"/admin/matching/concept/{concept.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="purposes_fr"' in html and 'name="purposes_en"' in html
    assert seeded.purposes_fr[0].replace("'", "&#x27;") in html
    data = {"key": concept.key, "category": concept.category, "labels_fr": concept.labels_fr,
            "labels_en": concept.labels_en, "purposes_fr": "compter les cellules d'un échantillon",
            "purposes_en": "count the cells of a sample", "is_active": "on",
            "broader": [str(pk) for pk in concept.broader.values_list("pk", flat=True)]}
    response = client.post(f"/admin/matching/concept/{concept.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    concept.refresh_from_db()
    assert concept.purposes("fr") == ["compter les cellules d'un échantillon"]
    assert concept.purposes("en") == ["count the cells of a sample"]
    from guichet.core.models import AuditEvent

    event = AuditEvent.objects.get(action="concept.update", entity_key=concept.key)
    assert "purposes_en" in event.changes


def test_sync_command_updates_seeded_concepts_keeps_staff_labels_and_retags(db):
    import io

    from django.core.management import call_command

    from guichet.core.models import AuditEvent
    from guichet.directory.models import SearchEntry
    from guichet.directory.services import directory_import
    from guichet.matching import engine

    seeded = BY_KEY["cell-sorting"]
    concept = Concept.objects.get(key="cell-sorting")
    # Staff replaced every seed label by their own and dropped the purposes and the broader link; the
    # previous seed had a label the seed files no longer have.
    concept.labels_fr, concept.labels_en = "synonyme du personnel", "staff sorting synonym\nold seed label"
    concept.seed_labels_en += "\nold seed label"
    concept.purposes_fr = ""
    concept.save()
    concept.broader.clear()
    Concept.objects.filter(key="spr").delete()
    engine.reset_cache()
    directory_import(actor=None, payload={"format": "guichet-directory", "version": 1, "organizations": [
        {"key": "core", "name": "Core facility", "kind": "support", "lang": "en",
         "description": "Cell sorting of rare populations."}]})
    entry = SearchEntry.objects.get(key="core")
    assert "cell-sorting" not in entry.concepts

    out = io.StringIO()
    call_command("syncvocabulary", stdout=out)

    concept.refresh_from_db()
    assert concept.labels("en") == [*seeded.labels_en, "staff sorting synonym"]  # "old seed label" went
    assert concept.labels("fr") == [*seeded.labels_fr, "synonyme du personnel"]
    assert concept.seed_labels_en.splitlines() == list(seeded.labels_en)
    assert concept.purposes("fr") == list(seeded.purposes_fr)
    assert {b.key for b in concept.broader.all()} == set(seeded.broader)
    assert Concept.objects.get(key="spr").purposes("en") == list(BY_KEY["spr"].purposes_en)
    assert out.getvalue().startswith("1 created, 1 updated")
    assert AuditEvent.objects.filter(action="concept.update", entity_key="cell-sorting").exists()
    assert AuditEvent.objects.filter(action="concept.create", entity_key="spr").exists()
    entry.refresh_from_db()
    assert entry.concepts.get("cell-sorting") == "Cell sorting"  # re-tagged with the restored label
    again = io.StringIO()
    call_command("syncvocabulary", stdout=again)  # nothing left to do
    assert again.getvalue().startswith("0 created, 0 updated")
    assert Concept.objects.count() == len(SEED)


def test_labels_the_sync_migration_retires_are_not_in_the_seed():
    # Else 0004 would strip a label the seed still gives.
    retired = importlib.import_module("guichet.matching.migrations.0004_sync_vocabulary_seed").RETIRED
    for key, labels in retired.items():
        assert key in BY_KEY
        assert not labels & {*BY_KEY[key].labels_fr, *BY_KEY[key].labels_en}, key
