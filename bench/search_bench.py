"""Directory search latency at scale, against the raw full-text SQL floor, for the configured database.

Run through bench/run.py, which gives each database its own process and environment.
"""

import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.config.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from guichet.directory.models import Organization, Person  # noqa: E402
from guichet.directory.search import SearchFilters, match_expression, search_entries  # noqa: E402

QUERIES = [
    "cytométrie", "cytometrie", "anticorps humanisés", "humanization", "tri cellulaire", "cell sorting",
    "lymphocytes régulateurs", "regulatory lymphocytes", "lupus", "essai clinique lupus", "clinical trial",
    "séquençage cellule unique", "single-cell sequencing", "modèle murin", "mouse model", "bispécifique",
    "bispecific antibody", "glycosylation", "microenvironnement tumeur", "tumour microenvironment",
    "vaccin infection virale", "viral infection vaccine", "macrophages", "dendritic cells", "plasmocytes",
    "purification", "bonnes pratiques production", "phage affinity", "transcriptomique", "proteomics imaging",
    "Martin", "Institut 4242", "Roux Lab", "immunothérapie", "immunotherapy", "allergie", "greffe",
    "biomarqueurs", "screening", "formulation conjugate",
]


def floor_sql() -> str:
    if connection.vendor == "postgresql":
        return ("SELECT id FROM directory_searchentry, to_tsquery('simple'::regconfig, %s) q "
                "WHERE document_tsv @@ q ORDER BY ts_rank(document_tsv, q) DESC LIMIT 21")
    return ("SELECT rowid FROM directory_searchentry_fts WHERE directory_searchentry_fts MATCH %s "
            "ORDER BY rank LIMIT 21")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main(organizations: int, people: int, rounds: int) -> None:
    call_command("migrate", verbosity=0)
    if Organization.objects.count() < organizations or Person.objects.count() < people:
        print(f"  generating {organizations} organizations and {people} people…", flush=True)
        started = time.monotonic()
        call_command("generate", organizations=organizations - Organization.objects.count(),
                     people=people - Person.objects.count(), verbosity=0, stdout=open(os.devnull, "w"))
        print(f"  generated in {time.monotonic() - started:.0f} s", flush=True)
        if connection.vendor == "postgresql":
            with connection.cursor() as c:
                c.execute("ANALYZE")
    sql = floor_sql()
    guichet_ms, floor_ms = [], []
    for q in QUERIES:  # warm caches once
        search_entries(q, SearchFilters(), limit=20)
    for _ in range(rounds):
        for q in QUERIES:
            t0 = time.perf_counter()
            entries, _more = search_entries(q, SearchFilters(), limit=20)
            [e.name for e in entries]
            guichet_ms.append((time.perf_counter() - t0) * 1000)
            expression = match_expression(q)
            t0 = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql, [expression])
                cursor.fetchall()
            floor_ms.append((time.perf_counter() - t0) * 1000)
    p50, p95 = percentile(guichet_ms, 50), percentile(guichet_ms, 95)
    f50, f95 = percentile(floor_ms, 50), percentile(floor_ms, 95)
    print(f"  {len(guichet_ms)} searches over {Organization.objects.count()} organizations and "
          f"{Person.objects.count()} people")
    print(f"  guichet search   p50 {p50:8.2f} ms   p95 {p95:8.2f} ms   mean {statistics.mean(guichet_ms):8.2f} ms")
    print(f"  raw SQL (floor)  p50 {f50:8.2f} ms   p95 {f95:8.2f} ms   mean {statistics.mean(floor_ms):8.2f} ms")
    print(f"  ratio            p50 {p50 / f50:8.2f} x    p95 {p95 / f95:8.2f} x    (goal: p95 within 2x)")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
