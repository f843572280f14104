"""Large antibody batches (issue 14): a row per antibody, written by the job chunk by chunk; a worker killed
mid-way resumes after the last chunk written and never writes an antibody twice; the batch is listed page by
page, each report on its own page; the API queues a batch and reads it back; the cap is refused, never cut;
results stored before (the whole batch in one JSON column) still open."""

import io
import json
import re
import signal
import textwrap
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from guichet.accounts.services import api_token_create
from guichet.antibodies import engine, selectors, services, views
from guichet.antibodies.models import AssessedAntibody, Assessment

from .factories import UserFactory
from .test_antibodies import TRASTUZUMAB_VH, TRASTUZUMAB_VL, content
from .test_antibody_inputs import ABAGOVOMAB_VH, ADALIMUMAB_VH


def fasta(n, heavy=TRASTUZUMAB_VH):
    return "".join(f">ab{i}_VH\n{heavy}\n>ab{i}_VL\n{TRASTUZUMAB_VL}\n" for i in range(n))


def mixed(n):
    """n antibodies that differ: trastuzumab, adalimumab and abagovomab heavy chains in turn."""
    heavies = [TRASTUZUMAB_VH, ADALIMUMAB_VH, ABAGOVOMAB_VH]
    return "".join(f">ab{i}_VH\n{heavies[i % 3]}\n>ab{i}_VL\n{TRASTUZUMAB_VL}\n" for i in range(n))


def queued(owner, text, **extra):
    return services.assessment_create(owner=owner, title="batch", text=text, cdr_scheme="imgt",
                                      shared_with_organization=False, background=True, **extra)


@pytest.mark.django_db
def test_the_job_writes_chunk_by_chunk_and_the_progress_follows(member, database_queue, monkeypatch):
    database_queue.GUICHET_ANTIBODY_CHUNK = 2
    assessment = queued(member, mixed(5))
    assert assessment.status == "queued" and assessment.progress_total == 5 and not assessment.antibodies.exists()
    seen, real = [], engine.assess

    def watching(name, *args, **kwargs):
        # What a reader of the page would see while this antibody is assessed.
        row = Assessment.objects.get(pk=assessment.pk)
        seen.append((name, row.progress_done, AssessedAntibody.objects.filter(assessment=row).count()))
        return real(name, *args, **kwargs)

    monkeypatch.setattr(engine, "assess", watching)
    assert services.assessment_run(assessment.pk) == "done"
    # Chunks of two: the progress (and the rows) move by two, in the same transaction.
    assert seen == [("ab0", 0, 0), ("ab1", 0, 0), ("ab2", 2, 2), ("ab3", 2, 2), ("ab4", 4, 4)]
    assessment.refresh_from_db()
    assert assessment.status == "done" and assessment.progress_done == 5 and assessment.input_text == ""
    rows = list(assessment.antibodies.order_by("index").values_list("index", "name", "report"))
    assert [(i, n) for i, n, _ in rows] == [(i, f"ab{i}") for i in range(5)]
    # Each row holds that antibody's own report: the heavy chains alternate as in the input.
    assert [r["heavy"]["sequence"] for _, _, r in rows] == [TRASTUZUMAB_VH, ADALIMUMAB_VH, ABAGOVOMAB_VH,
                                                           TRASTUZUMAB_VH, ADALIMUMAB_VH]
    assert services.assessment_run(assessment.pk) == "not queued"  # delivered twice: nothing written twice
    assert assessment.antibodies.count() == 5


@pytest.mark.django_db
def test_an_attempt_replaced_by_the_clock_stops_writing(member, database_queue, monkeypatch):
    database_queue.GUICHET_ANTIBODY_CHUNK = 2
    assessment = queued(member, fasta(5))
    real, calls = engine.assess, []

    def replaced_after_the_first_chunk(name, *args, **kwargs):
        calls.append(name)
        if name == "ab2":  # the clock judged this worker dead and a second attempt claimed the batch
            Assessment.objects.filter(pk=assessment.pk).update(attempts=2)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(engine, "assess", replaced_after_the_first_chunk)
    assert services.assessment_run(assessment.pk) == "superseded"
    assert list(assessment.antibodies.values_list("index", flat=True)) == [0, 1]


@pytest.mark.django_db
def test_a_place_of_the_batch_holds_one_antibody(member):
    assessment = services.assessment_create(owner=member, title="t", text=fasta(1), cdr_scheme="imgt",
                                            shared_with_organization=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessedAntibody.objects.create(assessment=assessment, index=0, name="again", report={})


KILL_AT_AB4 = textwrap.dedent("""
    import os, signal, django
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.config.settings")
    django.setup()
    from django.core.management import call_command
    from guichet.antibodies import engine

    real = engine.assess

    def die(name, *args, **kwargs):
        if name == "ab4":  # the second chunk (ab3, ab4, ab5) half assessed, nothing of it committed
            os.kill(os.getpid(), signal.SIGKILL)
        return real(name, *args, **kwargs)

    engine.assess = die
    call_command("worker", "--batch", "-v0")
""")


@pytest.mark.slow  # two `guichet worker` processes
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_way_resumes_where_it_stopped_and_never_duplicates(member, database_queue):
    from .test_jobs import run_worker

    assessment = queued(member, mixed(7))
    killed = run_worker(script=KILL_AT_AB4, GUICHET_TASKS_BACKEND="database", GUICHET_ANTIBODY_CHUNK=3)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assessment.refresh_from_db()
    assert assessment.status == "running" and assessment.attempts == 1 and assessment.progress_done == 3
    first = dict(assessment.antibodies.values_list("index", "pk"))
    assert sorted(first) == [0, 1, 2]  # the first chunk, committed; nothing of the second

    # The clock sees no sign of life from that attempt and queues the batch again; the next worker goes on.
    Assessment.objects.filter(pk=assessment.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    done = run_worker(GUICHET_TASKS_BACKEND="database", GUICHET_ANTIBODY_CHUNK=3)
    assert done.returncode == 0, done.stderr
    assessment.refresh_from_db()
    assert assessment.status == "done" and assessment.attempts == 2 and assessment.progress_done == 7
    rows = list(assessment.antibodies.order_by("index").values_list("index", "name", "pk"))
    assert [(i, n) for i, n, _ in rows] == [(i, f"ab{i}") for i in range(7)]  # each once, in order
    assert {i: pk for i, _, pk in rows if i < 3} == first  # resumed: the first chunk was not assessed again
    assert [r["heavy"]["sequence"] for r in selectors.iter_reports(assessment)][3:] == [
        TRASTUZUMAB_VH, ADALIMUMAB_VH, ABAGOVOMAB_VH, TRASTUZUMAB_VH]


@pytest.mark.slow  # a `guichet worker` process
@pytest.mark.django_db(transaction=True)
def test_a_batch_posted_on_the_page_runs_on_the_real_job_runner(member, member_client, database_queue):
    from .test_jobs import run_worker

    database_queue.GUICHET_ANTIBODY_JOB_THRESHOLD = 2
    response = member_client.post("/antibodies/", {"title": "Runner", "text": mixed(4), "cdr_scheme": "kabat"},
                                  HTTP_ACCEPT_LANGUAGE="en")
    assessment = Assessment.objects.get()
    page = member_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Waiting for the worker" in page and f'hx-get="/antibodies/{assessment.pk}/progress/"' in page
    done = run_worker(GUICHET_TASKS_BACKEND="database", GUICHET_ANTIBODY_CHUNK=3)
    assert done.returncode == 0, done.stderr
    assessment.refresh_from_db()
    assert assessment.status == "done" and assessment.progress_done == 4
    assert [r["cdr_scheme"] for r in selectors.iter_reports(assessment)] == ["kabat"] * 4
    progress = member_client.get(f"/antibodies/{assessment.pk}/progress/", HTTP_ACCEPT_LANGUAGE="en")
    assert progress["HX-Refresh"] == "true" and "Done." in progress.content.decode()


@pytest.mark.django_db
def test_the_progress_survives_a_reload(member, member_client, database_queue):
    assessment = queued(member, fasta(30))
    Assessment.objects.filter(pk=assessment.pk).update(status="running", progress_done=12)
    AssessedAntibody.objects.bulk_create(services._rows(assessment.pk, 0, [
        engine.assess(f"ab{i}", TRASTUZUMAB_VH, TRASTUZUMAB_VL) for i in range(12)]))
    for _reload in range(2):
        page = member_client.get(f"/antibodies/{assessment.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "12 of 30 antibodies assessed" in page and 'value="40"' in page
        assert f'href="/antibodies/{assessment.pk}/12/">ab11</a>' in page  # what is stored already opens
        assert f"/antibodies/{assessment.pk}/13/" not in page
    progress = member_client.get(f"/antibodies/{assessment.pk}/progress/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "HX-Refresh" not in progress and "12 anticorps évalués sur 30" in progress.content.decode()
    workspace = member_client.get("/antibodies/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "30 antibodies" in workspace and "assessing: 40" in workspace


@pytest.mark.django_db
def test_a_large_batch_is_listed_page_by_page_and_each_report_has_its_page(member, member_client, monkeypatch,
                                                                          settings):
    settings.GUICHET_ANTIBODY_JOB_THRESHOLD = 100
    monkeypatch.setattr(views, "BATCH_PAGE", 10)
    assessment = services.assessment_create(owner=member, title="Panel", text=mixed(25), cdr_scheme="imgt",
                                            shared_with_organization=False)
    url = f"/antibodies/{assessment.pk}/"
    first = member_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "25 antibodies" in first and "Page 1 of 3" in first and "Humanization proposals" not in first
    assert f'href="{url}10/">ab9</a>' in first and f'href="{url}11/"' not in first
    third = member_client.get(url, {"page": 3}, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Page 3 sur 3" in third and f'href="{url}21/">ab20</a>' in third and f'href="{url}25/">ab24</a>' in third
    assert f'href="{url}20/"' not in third
    assert "<td>humain" in third and "<td>human" not in third  # the species as a reader reads it, not its code
    # A page past the end shows the last one, never an error.
    assert "Page 3 of 3" in member_client.get(url, {"page": 99}, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    report = member_client.get(f"{url}23/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    adalimumab = engine.assess("ab22", ADALIMUMAB_VH, TRASTUZUMAB_VL)  # 22 % 3 == 1: adalimumab's heavy chain
    assert "<h1>ab22</h1>" in report and "Antibody 23 of 25" in report
    assert adalimumab.heavy.cdrs["cdr3"] in report and f"{url}humanize/?antibody=22&amp;domain=0" in report
    assert f'href="{url}22/"' in report and f'href="{url}24/"' in report and f"{url}?page=3" in report
    pdf = member_client.get(f"{url}23.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert member_client.get(f"{url}26/").status_code == 404 and member_client.get(f"{url}0/").status_code == 404


@pytest.mark.django_db
def test_exports_stream_every_antibody_from_the_rows(member, member_client, settings):
    settings.GUICHET_ANTIBODY_JOB_THRESHOLD = 100
    assessment = services.assessment_create(owner=member, title="Panel", text=mixed(25), cdr_scheme="chothia",
                                            shared_with_organization=False)
    url = f"/antibodies/{assessment.pk}"
    exported = member_client.get(f"{url}.json")
    assert exported.streaming and exported["Content-Type"] == "application/json"
    data = json.loads(content(exported))
    assert [r["name"] for r in data] == [f"ab{i}" for i in range(25)]
    assert data[1]["heavy"]["sequence"] == ADALIMUMAB_VH and data[2]["heavy"]["sequence"] == ABAGOVOMAB_VH
    csv_export = member_client.get(f"{url}.csv", HTTP_ACCEPT_LANGUAGE="en")
    assert csv_export.streaming
    lines = content(csv_export).decode().splitlines()
    assert lines[0].startswith("Antibody,Chain") and len(lines) == 2 + 25 * 2  # labels, names, a row per domain
    numbering = member_client.get(f"{url}.numbering.csv")
    assert numbering.streaming
    rows = content(numbering).decode().splitlines()
    assert rows[0].startswith("Id,domain_no,chain_type") and len(rows) == 1 + 25 * 2
    assert rows[3].startswith("ab1,0,H,")


@pytest.mark.django_db
def test_a_batch_above_the_pdf_limit_offers_a_pdf_per_antibody(member, member_client, monkeypatch):
    monkeypatch.setattr(views, "PDF_MAX_ANTIBODIES", 2)
    assessment = services.assessment_create(owner=member, title="t", text=fasta(3), cdr_scheme="imgt",
                                            shared_with_organization=False)
    response = member_client.get(f"/antibodies/{assessment.pk}.pdf", HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "A PDF holds at most 2 antibodies" in response.content.decode()
    assert 'id="export-pdf"' not in response.content.decode()


@pytest.mark.django_db
def test_another_member_cannot_read_the_batch(member, client, database_queue):
    assessment = queued(member, fasta(3))
    services.assessment_run(assessment.pk)
    other = UserFactory()
    client.force_login(other)
    base = f"/antibodies/{assessment.pk}"
    for url in (f"{base}/", f"{base}/1/", f"{base}/1.pdf", f"{base}/progress/", f"{base}.json", f"{base}.csv",
                f"{base}.numbering.csv", f"{base}.pdf"):
        assert client.get(url).status_code == 404, url
    token = api_token_create(actor=other, name="t")[1]
    for url in (f"/api/v1/antibodies/batches/{assessment.pk}", f"/api/v1/antibodies/batches/{assessment.pk}/results"):
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 404 and response.json() == {"detail": "Not found."}, url
    assert "batch" not in client.get("/antibodies/").content.decode()


@pytest.mark.django_db
def test_the_api_queues_a_batch_and_reads_it_back_page_by_page(member, client, database_queue):
    token = api_token_create(actor=member, name="t")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    response = client.post("/api/v1/antibodies/batches", {"title": "API", "text": mixed(5), "cdr_scheme": "kabat"},
                           content_type="application/json", **auth)
    assert response.status_code == 202, response.content
    body = response.json()
    assessment = Assessment.objects.get()
    assert body["id"] == assessment.pk and body["status"] == "queued" and body["progress_total"] == 5
    assert body["status_url"] == f"/api/v1/antibodies/batches/{assessment.pk}"
    assert body["url"] == f"/antibodies/{assessment.pk}/"
    assert client.get(body["results_url"], **auth).json()["count"] == 0
    services.assessment_run(assessment.pk)
    status = client.get(body["status_url"], **auth).json()
    assert status["status"] == "done" and status["progress_done"] == 5 and status["percent"] == 100
    page = client.get(body["results_url"], {"offset": 1, "limit": 2}, **auth).json()
    assert page["count"] == 5 and [r["name"] for r in page["results"]] == ["ab1", "ab2"]
    assert page["results"][0]["heavy"]["sequence"] == ADALIMUMAB_VH and page["results"][0]["cdr_scheme"] == "kabat"
    assert page["next"] == f"/api/v1/antibodies/batches/{assessment.pk}/results?offset=3&limit=2"
    last = client.get(page["next"], **auth).json()
    assert [r["name"] for r in last["results"]] == ["ab3", "ab4"] and last["next"] is None
    past = client.get(body["results_url"], {"offset": 5, "limit": 2}, **auth).json()
    assert past == {"count": 5, "offset": 5, "limit": 2, "results": [], "next": None}


@pytest.mark.django_db
@pytest.mark.parametrize("language, expected", [
    ("en", "This batch holds 4 antibodies: at most 3 in one batch. Split it into several batches."),
    ("fr", "Ce lot compte 4 anticorps\u00a0: 3 au plus par lot. Scindez-le en plusieurs lots.")])
def test_a_batch_above_the_cap_is_refused_whole_naming_the_field(member, member_client, client, settings,
                                                                 language, expected):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.GUICHET_ANTIBODY_MAX_ANTIBODIES = 3
    member_client.cookies["guichet_language"] = language
    pasted = member_client.post("/antibodies/", {"title": "t", "text": fasta(4), "cdr_scheme": "imgt"})
    assert pasted.status_code == 200 and pasted.context["form"].errors["text"] == [expected]
    upload = SimpleUploadedFile("batch.fasta", fasta(4).encode())
    uploaded = member_client.post("/antibodies/", {"title": "t", "file": upload, "cdr_scheme": "imgt"})
    assert uploaded.status_code == 200 and uploaded.context["form"].errors["file"] == [expected]
    token = api_token_create(actor=member, name="t")[1]
    api = client.post("/api/v1/antibodies/batches", {"title": "t", "text": fasta(4)}, content_type="application/json",
                      HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE=language)
    assert api.status_code == 400 and api.json()["field"] == "text" and api.json()["detail"] == expected
    assert not Assessment.objects.exists() and not AssessedAntibody.objects.exists()
    settings.GUICHET_ANTIBODY_MAX_ANTIBODIES = 4  # at the cap: taken
    assert member_client.post("/antibodies/", {"title": "t", "text": fasta(4), "cdr_scheme": "imgt"}).status_code == 302


@pytest.mark.django_db
def test_ten_thousand_whole_antibodies_fit_the_cap_and_the_upload_limits(settings, client):
    """10,000 antibodies given as whole chains (an IgG1 heavy chain of 450 residues with its constant region,
    a light chain of 215, named) are under the antibody cap, the page's upload size and the API's limits."""
    assert settings.GUICHET_ANTIBODY_MAX_ANTIBODIES == 10_000
    heavy, light = (ADALIMUMAB_VH * 4)[:450], (TRASTUZUMAB_VL * 2)[:215]
    text = "".join(f">therapeutic-{i:05d}_HC\n{heavy}\n>therapeutic-{i:05d}_LC\n{light}\n" for i in range(10_000))
    assert len(engine.parse_input(text)) == 10_000
    assert len(text.encode()) <= settings.GUICHET_ANTIBODY_MAX_INPUT_BYTES  # the file the page takes
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["BatchIn"]
    assert schema["properties"]["text"]["maxLength"] == settings.GUICHET_ANTIBODY_MAX_INPUT_BYTES >= len(text)
    assert len(json.dumps({"title": "t", "text": text})) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE  # the API's body


@pytest.mark.django_db
def test_results_stored_in_one_column_before_issue_14_still_open(member, member_client):
    reports = [engine.assess(f"old{i}", heavy, TRASTUZUMAB_VL).as_dict()
               for i, heavy in enumerate([TRASTUZUMAB_VH, ADALIMUMAB_VH])]
    old = Assessment.objects.create(owner=member, title="Stored in 2025", result=reports, progress_total=2,
                                    progress_done=2)
    assert not old.antibodies.exists()
    url = f"/antibodies/{old.pk}"
    page = member_client.get(f"{url}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "old0" in page and "old1" in page and reports[1]["heavy"]["cdrs"]["cdr3"] in page
    second = member_client.get(f"{url}/2/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>old1</h1>" in second and "Antibody 2 of 2" in second
    assert [r["name"] for r in json.loads(content(member_client.get(f"{url}.json")))] == ["old0", "old1"]
    assert len(content(member_client.get(f"{url}.numbering.csv")).decode().splitlines()) == 5
    assert member_client.get(f"{url}/humanize/", {"antibody": 1, "domain": 0}).status_code == 200
    token = api_token_create(actor=member, name="t")[1]
    results = member_client.get(f"/api/v1/antibodies/batches/{old.pk}/results", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert [r["name"] for r in results.json()["results"]] == ["old0", "old1"]


@pytest.mark.django_db
def test_the_batch_list_reads_each_row_s_summary_never_its_whole_report(member, member_client, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.GUICHET_ANTIBODY_JOB_THRESHOLD = 100
    assessment = services.assessment_create(owner=member, title="Panel", text=mixed(views.INLINE_REPORTS + 3),
                                            cdr_scheme="imgt", shared_with_organization=False)
    rows = list(assessment.antibodies.order_by("index"))
    assert all(row.summary == engine.summary(row.report) for row in rows)
    assert rows[1].summary["liabilities"] == sum(len(d["liabilities"]) for d in rows[1].report["domains"])
    with CaptureQueriesContext(connection) as queries:
        page = member_client.get(f"/antibodies/{assessment.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "ab22" in page.content.decode()
    reads = [q["sql"] for q in queries if "antibodies_assessedantibody" in q["sql"]]
    assert reads and not any('"report"' in sql for sql in reads), reads
    # A row written before the summaries (none left once migrated) is listed from its report, the same.
    shown = selectors.antibody_summaries(assessment, offset=0, limit=5)
    AssessedAntibody.objects.filter(assessment=assessment, index=1).update(summary={})
    assert selectors.antibody_summaries(assessment, offset=0, limit=5) == shown
    assert shown[1] == {"index": 1, "number": 2, "name": "ab1", **engine.summary(rows[1].report)}


@pytest.mark.django_db
def test_the_migration_gives_the_rows_written_before_their_summary(member, settings):
    from importlib import import_module

    from django.apps import apps

    assessment = services.assessment_create(owner=member, title="t", text=mixed(3), cdr_scheme="imgt",
                                            shared_with_organization=False)
    AssessedAntibody.objects.update(summary={})
    import_module("guichet.antibodies.migrations.0004_summary_and_progress_attempts").fill_summaries(apps, None)
    rows = list(assessment.antibodies.order_by("index"))
    assert [row.summary for row in rows] == [engine.summary(row.report) for row in rows]
    assert rows[0].summary["domains"] == 2 and rows[0].summary["species"] == ["human"]


class Killed(BaseException):
    """The worker process dies (a SIGKILL, the machine restarted): nothing of its current chunk is committed,
    and the batch stays `running` until the clock notices."""


def _attempt(assessment, monkeypatch, *, kill_at: str | None):
    real = engine.assess

    def dying(name, *args, **kwargs):
        if name == kill_at:
            raise Killed
        return real(name, *args, **kwargs)

    monkeypatch.setattr(engine, "assess", dying)
    try:
        return services.assessment_run(assessment.pk)
    except Killed:
        # The clock finds no heartbeat from this attempt.
        Assessment.objects.filter(pk=assessment.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
        services.assessment_jobs_recover()
        return "killed"
    finally:
        monkeypatch.setattr(engine, "assess", real)


@pytest.mark.django_db
def test_a_batch_that_moves_on_at_every_attempt_is_never_failed_by_the_attempts_limit(member, database_queue,
                                                                                        monkeypatch):
    database_queue.GUICHET_ANTIBODY_CHUNK = 2
    database_queue.GUICHET_JOB_MAX_ATTEMPTS = 2
    assessment = queued(member, fasta(7))
    # Each attempt writes one chunk of two, then its worker dies in the next chunk.
    for kill_at in ("ab3", "ab5", None):
        result = _attempt(assessment, monkeypatch, kill_at=kill_at)
        assessment.refresh_from_db()
        assert assessment.status != "failed", (kill_at, assessment.error)
    assert result == "done" and assessment.status == "done" and assessment.attempts == 3
    assert list(assessment.antibodies.order_by("index").values_list("name", flat=True)) == [f"ab{i}" for i in range(7)]


@pytest.mark.django_db
def test_attempts_that_stop_without_progress_fail_the_batch_at_the_limit(member, database_queue, monkeypatch):
    database_queue.GUICHET_ANTIBODY_CHUNK = 2
    database_queue.GUICHET_JOB_MAX_ATTEMPTS = 2
    assessment = queued(member, fasta(7))
    assert _attempt(assessment, monkeypatch, kill_at="ab0") == "killed"   # nothing written
    assessment.refresh_from_db()
    assert assessment.status == "queued" and assessment.attempts_without_progress == 1
    assert _attempt(assessment, monkeypatch, kill_at="ab3") == "killed"   # a chunk written: the count starts again
    assessment.refresh_from_db()
    assert assessment.status == "queued" and assessment.attempts_without_progress == 0
    assert _attempt(assessment, monkeypatch, kill_at="ab2") == "killed"   # killed in its first chunk
    assessment.refresh_from_db()
    assert assessment.status == "queued" and assessment.attempts_without_progress == 1
    assert _attempt(assessment, monkeypatch, kill_at="ab2") == "killed"   # again: the second in a row
    assessment.refresh_from_db()
    assert assessment.status == "failed" and assessment.error == "the worker stopped during every attempt"
    assert assessment.progress_done == 2 and assessment.antibodies.count() == 2


# --- found by the new-user trial of the batch journey (issue 14) ---

@pytest.mark.django_db
def test_an_oversized_post_is_refused_without_a_hop_by_hop_header(member_client):
    """wsgiref (runserver, the live server) answered a bare 500 to the 413 for its "Connection: close"."""
    from wsgiref.util import is_hop_by_hop

    response = member_client.post("/antibodies/", {"title": "huge", "text": "A" * (9 * 1024 * 1024),
                                                   "cdr_scheme": "imgt"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413 and "longer than 8192 KB" in response.content.decode()
    assert [name for name in response.headers if is_hop_by_hop(name)] == []


@pytest.mark.django_db
def test_an_antibody_without_any_sequence_is_reported_missing_not_left_blank(member, member_client, database_queue,
                                                                            monkeypatch):
    monkeypatch.setattr(views, "INLINE_REPORTS", 2)  # listed, as a large batch is
    text = fasta(2) + ">empty_VH\n\n>empty_VL\n\n" + fasta(1).replace("ab0", "last")
    with translation.override("en"):
        assessment = queued(member, text)
    assert assessment.progress_total == 4
    services.assessment_run(assessment.pk)
    report = selectors.antibody_report(assessment, 2)
    assert report["name"] == "empty" and report["heavy"]["errors"] == ["missing sequence"]
    assert engine.summary(report)["errors"] == 1
    url = f"/antibodies/{assessment.pk}/"
    page = member_client.get(f"{url}3/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "missing sequence" in page
    listing = member_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    row = listing[listing.index(f'href="{url}3/"'):].split("</tr>")[0]
    assert "1 domain not assessed" in row
    lines = content(member_client.get(f"/antibodies/{assessment.pk}.csv", HTTP_ACCEPT_LANGUAGE="en")).decode()
    assert [line for line in lines.splitlines() if line.startswith("empty,")][0].count("missing sequence") == 1


@pytest.mark.django_db
@pytest.mark.parametrize("asker, worker, expected", [
    ("en", "fr", "not amino-acid letters: 1, 2, 3, B"),
    ("fr", "en", "lettres qui ne sont pas des acides aminés\u00a0: 1, 2, 3, B")])
def test_the_job_writes_the_reports_in_the_askers_language_not_the_workers(member, member_client, database_queue,
                                                                         asker, worker, expected):
    database_queue.GUICHET_ANTIBODY_JOB_THRESHOLD = 2
    weird = TRASTUZUMAB_VH[:20] + "B123" + TRASTUZUMAB_VH[24:]
    member_client.post("/antibodies/", {"title": "t", "text": fasta(2) + f">odd_VH\n{weird}\n>odd_VL\n{TRASTUZUMAB_VL}\n",
                                        "cdr_scheme": "imgt"}, HTTP_ACCEPT_LANGUAGE=asker)
    assessment = Assessment.objects.get()
    with translation.override(worker):  # the worker's own language (the site's default for `guichet worker`)
        assert services.assessment_run(assessment.pk) == "done"
    assert selectors.antibody_report(assessment, 2)["heavy"]["errors"] == [expected]


@pytest.mark.django_db
def test_the_batch_pdf_is_in_the_readers_language_with_french_typography(member, member_client):
    assessment = services.assessment_create(owner=member, title="t", text=fasta(2), cdr_scheme="imgt",
                                            shared_with_organization=False)
    from pypdf import PdfReader

    def text(language):
        response = member_client.get(f"/antibodies/{assessment.pk}.pdf", HTTP_ACCEPT_LANGUAGE=language)
        return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)

    french = text("fr")
    assert "Humanité de l’anticorps (OASis 9-mers, tous ses domaines)" in french and "Humanness" not in french
    # pypdf gives the no-break space as a space: what matters is that the colon is not glued to the word.
    assert "Lignées germinales humaines les plus proches :" in french and "Définition des CDR : IMGT" in french
    assert "proches:" not in french and "CDR:" not in french
    # Figures in the reader's number format (the French PDF wrote "0.515" where its page writes "0,515").
    assert re.search(r"\b[01],\d{3}\b", french) and not re.search(r"\b[01]\.\d{3}\b", french)
    english = text("en")
    assert "Humanness of the antibody (OASis 9-mer, all its domains): " in english
    assert "Closest human germlines: " in english
    assert re.search(r"\b[01]\.\d{3}\b", english) and not re.search(r"\b[01],\d{3}\b", english)


@pytest.mark.django_db
def test_a_queued_batch_with_nothing_assessed_yet_says_so(member, member_client, database_queue):
    # The page of a batch still waiting for the worker showed neither its count nor that the antibodies would appear
    # (an empty page of the paginator is false in a template).
    assessment = queued(member, fasta(3))
    page = member_client.get(f"/antibodies/{assessment.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="batch-list">0 antibodies</h2>' in page
    assert "The antibodies appear here as they are assessed." in page


@pytest.mark.django_db
def test_the_exports_of_a_batch_wait_for_its_end(member, member_client, database_queue):
    assessment = queued(member, fasta(3))
    url = f"/antibodies/{assessment.pk}"
    page = member_client.get(f"{url}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "exports once the assessment is done" in page and f'href="{url}.csv"' not in page
    for suffix in (".json", ".csv", ".pdf", ".numbering.csv"):
        response = member_client.get(url + suffix, HTTP_ACCEPT_LANGUAGE="en", follow=True)
        assert response.redirect_chain == [(f"{url}/", 302)], suffix
        assert "still being assessed: its exports are offered once it is done" in response.content.decode()
    services.assessment_run(assessment.pk)
    page = member_client.get(f"{url}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="{url}.csv"' in page and "exports once the assessment is done" not in page
    lines = content(member_client.get(f"{url}.csv", HTTP_ACCEPT_LANGUAGE="en")).decode().splitlines()
    assert len(lines) == 2 + 3 * 2
