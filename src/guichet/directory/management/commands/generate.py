"""Synthetic directory data at benchmark scale (clearly fake: keys start with `gen-`)."""

import random
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from guichet.directory.models import Organization, OrganizationKind, Person, TherapeuticArea
from guichet.directory.search import index_records
from guichet.matching.profile import detection_memo

FR_WORDS = ("anticorps cytométrie tri cellulaire lymphocytes régulateurs humanisation séquençage cellule unique "
            "essai clinique lupus polyarthrite inflammation chronique tumeur microenvironnement biomarqueurs "
            "immunothérapie vaccin infection virale bactérie modèle murin imagerie protéomique transcriptomique "
            "production bonnes pratiques purification bispécifique conjugué greffe allergie macrophages "
            "dendritiques plasmocytes immunophénotypage criblage phage affinité glycosylation formulation").split()
EN_WORDS = ("antibody cytometry cell sorting regulatory lymphocytes humanization single-cell sequencing clinical "
            "trial lupus arthritis chronic inflammation tumour microenvironment biomarkers immunotherapy vaccine viral "
            "infection bacteria mouse model imaging proteomics transcriptomics manufacturing purification bispecific "
            "conjugate transplant allergy macrophages dendritic plasma cells phenotyping screening phage affinity "
            "glycosylation formulation").split()
CITIES = ["Marseille", "Aix-en-Provence", "Montpellier", "Nice", "Toulon", "Lyon", "Paris", "Grenoble", "Avignon",
          "Toulouse"]
FIRST = ["Alice", "Bruno", "Chloé", "David", "Emma", "Farid", "Gaëlle", "Hugo", "Inès", "Jules", "Karim", "Léa"]
LAST = ["Martin", "Bernard", "Dubois", "Durand", "Lefèvre", "Moreau", "Girard", "Roux", "Fournier", "Benali"]


class Command(BaseCommand):
    help = "Generate synthetic organizations and people (for benchmarks), e.g. --organizations 100000 --people 300000."

    def add_arguments(self, parser):
        parser.add_argument("--organizations", type=int, default=1000)
        parser.add_argument("--people", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args, organizations, people, seed, batch, **options):
        rng = random.Random(seed)
        started = time.monotonic()
        kinds, areas = OrganizationKind.values, TherapeuticArea.values

        def text(n):
            fr = rng.random() < 0.5
            words = FR_WORDS if fr else EN_WORDS
            return " ".join(rng.choice(words) for _ in range(n)).capitalize() + ".", "fr" if fr else "en"

        org_ids: list[int] = []
        for start in range(0, organizations, batch):
            rows = []
            for i in range(start, min(start + batch, organizations)):
                description, lang = text(rng.randint(12, 40))
                rows.append(Organization(
                    key=f"gen-o{i}", name=f"{rng.choice(LAST)} {rng.choice(['Lab', 'Bio', 'Institut', 'Therapeutics'])} {i}",
                    kind=rng.choice(kinds), description=description, lang=lang, city=rng.choice(CITIES),
                    therapeutic_areas=rng.sample(areas, rng.randint(0, 3)),
                    keywords=rng.sample(EN_WORDS + FR_WORDS, 3)))
            with transaction.atomic():
                created = Organization.objects.bulk_create(rows)
                with detection_memo():  # texts repeated within a batch (cities, titles) are tagged once
                    index_records(created)  # the one indexing: tags, embeddings, entries
            org_ids.extend(o.pk for o in created)
            self.stdout.write(f"\rorganizations {len(org_ids)}/{organizations}", ending="")
        self.stdout.write("")
        orgs_by_id = {}
        done = 0
        for start in range(0, people, batch):
            rows = []
            for i in range(start, min(start + batch, people)):
                expertise, lang = text(rng.randint(8, 25))
                rows.append(Person(key=f"gen-p{i}", name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
                                   organization_id=rng.choice(org_ids) if org_ids else None,
                                   title=rng.choice(["Chercheuse", "Engineer", "Team leader", "Clinicien"]),
                                   expertise=expertise, lang=lang, email=f"gen-p{i}@example.org"))
            needed = {r.organization_id for r in rows} - set(orgs_by_id)
            orgs_by_id.update(Organization.objects.in_bulk(list(needed)))
            with transaction.atomic():
                created = Person.objects.bulk_create(rows)
                for p in created:
                    p.organization = orgs_by_id.get(p.organization_id)
                with detection_memo():  # texts repeated within a batch (cities, titles) are tagged once
                    index_records(created)  # the one indexing: tags, embeddings, entries
            done += len(created)
            self.stdout.write(f"\rpeople {done}/{people}", ending="")
        self.stdout.write(f"\ngenerated in {time.monotonic() - started:.1f} s")
