"""Directory import at scale: a directory-v1 file of N records through the CLI and through the web job,
next to the floor: a raw bulk insert of the same rows (the five record tables, Django's bulk_create,
one transaction, no check, audit or search index), measured in the same run on the same database.

    GUICHET_DEBUG=1 python bench/import_bench.py [--records 100000] [--database-url URL]

Each timing starts from an empty directory (fresh tables), so every record is a creation: the import's
worst case. SQLite in var/bench/import.sqlite3 unless --database-url (or GUICHET_DATABASE_URL) says otherwise.
"""

import argparse
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

WORDS = ("anticorps cytométrie tri cellulaire lymphocytes régulateurs humanisation séquençage cellule unique "
         "essai clinique lupus polyarthrite inflammation tumeur biomarqueurs immunothérapie vaccin antibody "
         "cytometry sorting regulatory humanization sequencing clinical trial arthritis tumour imaging proteomics "
         "manufacturing purification bispecific conjugate transplant allergy macrophages dendritic").split()
KINDS = ["research_lab", "hospital", "company", "startup", "training", "investor", "support"]
BATCH = 1000
AREAS = ["autoimmune", "chronic_inflammatory", "cancer", "infectious", "allergy", "transplantation", "other"]


def make_payload(records: int, seed: int = 7) -> dict:
    """20 % organizations, 60 % people, 4 % platforms with 8 % services and 8 % instruments."""
    rng = random.Random(seed)

    def text(n):
        return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."

    n_org, n_platform = records // 5, records // 25
    n_service = n_instrument = records * 2 // 25
    n_person = records - n_org - n_platform - n_service - n_instrument
    orgs = [{"key": f"bench-o{i}", "name": f"Bench Organisation {i}", "kind": rng.choice(KINDS),
             "description": text(rng.randint(8, 30)), "lang": rng.choice(["fr", "en"]),
             "city": rng.choice(["Marseille", "Aix-en-Provence", "Nice", "Lyon"]),
             "therapeutic_areas": rng.sample(AREAS, rng.randint(0, 2)), "keywords": rng.sample(WORDS, 2)}
            for i in range(n_org)]
    people = [{"key": f"bench-p{i}", "name": f"Personne {i}", "organization": f"bench-o{rng.randrange(n_org)}",
               "title": "Chercheur", "expertise": text(rng.randint(5, 15)), "lang": "fr",
               "email": f"p{i}@bench.example"} for i in range(n_person)]
    platforms = []
    for i in range(n_platform):
        platforms.append({
            "key": f"bench-pl{i}", "name": f"Plateforme {i}", "organization": f"bench-o{rng.randrange(n_org)}",
            "description": text(10), "lang": "fr",
            "services": [{"key": f"bench-pl{i}.s{j}", "name": f"Service {j}", "description": text(6), "unit": "hour",
                          "prices": {"academic": 40.0 + j, "startup": 60.0, "industry": 120.5}}
                         for j in range(n_service // n_platform)],
            "instruments": [{"key": f"bench-pl{i}.i{j}", "name": f"Instrument {j}", "description": text(5),
                             "requires_training": bool(j % 2)} for j in range(n_instrument // n_platform)],
        })
    return {"format": "guichet-directory", "version": 1, "organizations": orgs, "people": people,
            "platforms": platforms}


def count(payload: dict) -> int:
    return (len(payload["organizations"]) + len(payload["people"]) + sum(
        1 + len(p.get("services", [])) + len(p.get("instruments", [])) for p in payload["platforms"]))


def setup(database_url: str | None):
    if database_url:
        os.environ["GUICHET_DATABASE_URL"] = database_url
    os.environ.setdefault("GUICHET_DATA_DIR", str(ROOT / "var" / "bench"))
    os.environ.setdefault("GUICHET_DEBUG", "1")
    os.environ.setdefault("GUICHET_SEMANTIC", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.config.settings")
    if not database_url and not os.environ.get("GUICHET_DATABASE_URL"):
        os.environ["GUICHET_DATABASE_URL"] = f"sqlite:///{Path(os.environ['GUICHET_DATA_DIR']) / 'import.sqlite3'}"
    Path(os.environ["GUICHET_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # Measured as in production: DEBUG (GUICHET_DEBUG=1 spares the bench a secret key and collected static
    # files) would also keep every SQL statement in memory, formatted, which production does not.
    settings.DEBUG = False

    call_command("migrate", verbosity=0)


def empty_directory():
    from django.db import connection, transaction

    from guichet.directory.models import ImportBatch, Organization, Person, SearchEntry
    from guichet.platforms.models import Instrument, Platform, Service

    with transaction.atomic():
        for model in (Instrument, Service, Platform, Person, SearchEntry, ImportBatch):
            model.objects.all().delete()
        Organization.objects.filter(key__startswith="bench-").delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def raw_floor(payload: dict) -> float:
    """The same rows written by bulk_create in one transaction: no checks, no audit, no search index."""
    from decimal import Decimal

    from django.db import transaction

    from guichet.directory.models import Organization, Person
    from guichet.platforms.models import Instrument, Platform, Service

    started, cpu = time.perf_counter(), time.process_time()
    with transaction.atomic():
        orgs = Organization.objects.bulk_create([Organization(
            key=o["key"], name=o["name"], kind=o["kind"], description=o.get("description", ""), lang=o.get("lang", ""),
            city=o.get("city", ""), website=o.get("website", ""), therapeutic_areas=o.get("therapeutic_areas", []),
            keywords=o.get("keywords", [])) for o in payload["organizations"]], batch_size=BATCH)
        org_ids = {o.key: o.pk for o in orgs} if all(o.pk for o in orgs) else dict(
            Organization.objects.values_list("key", "pk"))
        Person.objects.bulk_create([Person(
            key=p["key"], name=p["name"], organization_id=org_ids.get(p.get("organization")), title=p.get("title", ""),
            expertise=p.get("expertise", ""), lang=p.get("lang", ""), email=p.get("email", ""))
            for p in payload["people"]], batch_size=BATCH)
        platforms = Platform.objects.bulk_create([Platform(
            key=p["key"], name=p["name"], organization_id=org_ids[p["organization"]],
            description=p.get("description", ""), lang=p.get("lang", "")) for p in payload["platforms"]],
            batch_size=BATCH)
        platform_ids = dict(Platform.objects.filter(key__in=[p.key for p in platforms]).values_list("key", "pk"))
        Service.objects.bulk_create([Service(
            key=s["key"], name=s["name"], platform_id=platform_ids[p["key"]], description=s.get("description", ""),
            lang=s.get("lang", ""), unit=s.get("unit", ""),
            **{f"price_{c}": Decimal(str(v)) for c, v in s.get("prices", {}).items()})
            for p in payload["platforms"] for s in p.get("services", [])], batch_size=BATCH)
        Instrument.objects.bulk_create([Instrument(
            key=i["key"], name=i["name"], platform_id=platform_ids[p["key"]], description=i.get("description", ""),
            lang=i.get("lang", ""), requires_training=bool(i.get("requires_training")))
            for p in payload["platforms"] for i in p.get("instruments", [])], batch_size=BATCH)
    CPU["floor"] = time.process_time() - cpu
    return time.perf_counter() - started


CPU: dict[str, float] = {}
TIMES: dict[str, float] = {}


def via_cli(path: Path) -> float:
    from django.core.management import call_command

    started, cpu = time.perf_counter(), time.process_time()
    call_command("import", str(path), stdout=open(os.devnull, "w"))
    CPU["cli"] = time.process_time() - cpu
    return time.perf_counter() - started


def via_web_job(payload: dict) -> float:
    """Upload → check → preview → confirm through the web views; the check and the import run as jobs in a
    real `guichet worker --batch` (started once for each)."""
    import subprocess

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from guichet.accounts.models import Role, User
    from guichet.directory.models import ImportBatch

    # A 100k-record JSON file is 28 MB; the upload limit (GUICHET_IMPORT_MAX_BYTES) is 20 MB by default.
    settings.GUICHET_IMPORT_MAX_BYTES = max(settings.GUICHET_IMPORT_MAX_BYTES, 2 * len(json.dumps(payload)))
    staff = User.objects.filter(email="bench-staff@bench.example").first() or User.objects.create_user(
        "bench-staff@bench.example", "bench-password-2026", role=Role.STAFF)
    client = Client()
    client.force_login(staff)
    body = json.dumps(payload).encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "GUICHET_TASKS_BACKEND": "database",
           "GUICHET_EMAIL_BACKEND":
           "django.core.mail.backends.locmem.EmailBackend"}
    worker = ("import django; django.setup(); from django.conf import settings; settings.DEBUG = False; "
              "from django.core.management import call_command; call_command('worker', '--batch', verbosity=0)")

    def run_worker():
        connection.close()
        subprocess.run([sys.executable, "-c", worker], env=env, check=True, cwd=ROOT)

    started, cpu = time.perf_counter(), time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    response = client.post("/directory/import/", {"file": SimpleUploadedFile("bench.json", body)},
                           HTTP_HOST="127.0.0.1")
    assert response.status_code == 302, response.content[:2000]
    TIMES["upload request"] = time.perf_counter() - started
    batch = ImportBatch.objects.latest("pk")
    run_worker()  # the check job: read, check, plan
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PENDING, (batch.status, batch.error, batch.issues[:3])
    TIMES["check job"] = time.perf_counter() - started - TIMES["upload request"]
    preview = client.get(f"/directory/import/{batch.pk}/", HTTP_HOST="127.0.0.1")
    assert preview.status_code == 200
    confirm = client.post(f"/directory/import/{batch.pk}/confirm/", HTTP_HOST="127.0.0.1")
    assert confirm.status_code == 302
    run_worker()  # the import job
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # The requests' CPU (this process) and the two worker processes' (their rusage, once they have exited).
    CPU["web"] = time.process_time() - cpu + (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED, (batch.status, batch.error)
    # What a worker process costs before its first job (interpreter, Django, the apps' imports): an empty
    # `worker --batch` run, measured here so that the journey's own work can be told from its two starts (a
    # production worker starts once, not per job).
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run_worker()
    end = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU["worker start"] = (end.ru_utime + end.ru_stime) - (before.ru_utime + before.ru_stime)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--skip-web", action="store_true")
    parser.add_argument("--skip-cli", action="store_true", help="the floor and the web job only")
    args = parser.parse_args()
    setup(args.database_url)
    from django.db import connection

    payload = make_payload(args.records)
    n = count(payload)
    path = ROOT / "var" / "bench" / f"import-{n}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    print(f"directory import, {n} records ({path.stat().st_size / 1e6:.1f} MB JSON), {connection.vendor}")
    empty_directory()
    floor = raw_floor(payload)

    def show(label, seconds):
        print(f"  {label:<40} {seconds:7.1f} s  {n / seconds:9.0f} records/s  {seconds / floor:5.1f}x floor",
              flush=True)

    show("raw bulk insert (floor)", floor)
    if not args.skip_cli:
        empty_directory()
        show("guichet import (CLI)", via_cli(path))
        # On a shared machine the wall clock of CPU-bound work stretches more than that of I/O: CPU time too.
        print(f"  CPU time of this process: floor {CPU['floor']:.1f} s, CLI import {CPU['cli']:.1f} s "
              f"({CPU['cli'] / CPU['floor']:.1f}x)", flush=True)
    if not args.skip_web:
        empty_directory()
        show("web upload → check job → preview → confirm → import job", via_web_job(payload))
        print(f"  of which: the upload request {TIMES['upload request']:.1f} s, the check job "
              f"{TIMES['check job']:.1f} s (worker start included)", flush=True)
        print(f"  CPU time, requests and both worker processes: {CPU['web']:.1f} s "
              f"({CPU['web'] / CPU['floor']:.1f}x the floor's)", flush=True)
        work = CPU["web"] - 2 * CPU["worker start"]
        print(f"  of which two worker starts (an empty worker run: {CPU['worker start']:.1f} s each); without "
              f"them {work:.1f} s ({work / CPU['floor']:.1f}x the floor's)", flush=True)
    empty_directory()
    return 0


if __name__ == "__main__":
    sys.exit(main())
