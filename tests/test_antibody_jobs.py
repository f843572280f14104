"""Large antibody batches (issue 9, defect 7): refused before they are read, or assessed by a job whose
progress the page follows; a worker that stopped mid-way is replaced, the result written once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from guichet.antibodies import selectors, services
from guichet.antibodies.models import Assessment

from .test_antibodies import TRASTUZUMAB_VH, TRASTUZUMAB_VL

pytestmark = pytest.mark.django_db


def fasta(n):
    return "".join(f">ab{i}_VH\n{TRASTUZUMAB_VH}\n>ab{i}_VL\n{TRASTUZUMAB_VL}\n" for i in range(n))


def test_an_oversized_post_is_refused_before_it_is_read(member_client, settings):
    assert settings.GUICHET_ANTIBODY_MAX_INPUT_BYTES == 8192 * 1024  # the documented default (README)
    big = "A" * (9 * 1024 * 1024)  # the 8.9 MB post of the review, above the 8 MB of a 10,000-antibody file
    member_client.cookies["guichet_language"] = "en"
    response = member_client.post("/antibodies/", {"title": "huge", "text": big, "cdr_scheme": "imgt"})
    assert response.status_code == 413
    assert "longer than 8192 KB" in response.content.decode()
    assert Assessment.objects.count() == 0


def test_a_pasted_text_over_the_limit_is_a_form_error(member_client, settings):
    settings.GUICHET_ANTIBODY_MAX_INPUT_BYTES = 1024
    member_client.cookies["guichet_language"] = "en"
    response = member_client.post("/antibodies/", {"title": "t", "text": fasta(6), "cdr_scheme": "imgt"})
    assert response.status_code == 200 and "longer than 1 KB" in response.content.decode()
    assert Assessment.objects.count() == 0


def test_a_large_batch_runs_as_a_job_and_the_page_follows_it(member_client, member, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.GUICHET_ANTIBODY_JOB_THRESHOLD = 2
    response = member_client.post("/antibodies/", {"title": "three", "text": fasta(3), "cdr_scheme": "imgt"})
    assessment = Assessment.objects.get()
    assert response["Location"] == f"/antibodies/{assessment.pk}/"
    assert assessment.status == "queued" and assessment.progress_total == 3 and not assessment.antibodies.exists()
    page = member_client.get(response["Location"]).content.decode()
    assert f'hx-get="/antibodies/{assessment.pk}/progress/"' in page
    assert services.assessment_run(assessment.pk) == "done"
    assessment.refresh_from_db()
    assert [r["name"] for r in selectors.iter_reports(assessment)] == ["ab0", "ab1", "ab2"]
    assert assessment.input_text == "" and assessment.progress_done == 3
    assert member_client.get(f"/antibodies/{assessment.pk}/progress/")["HX-Refresh"] == "true"
    assert services.assessment_run(assessment.pk) == "not queued"  # a duplicate job does nothing


def test_a_batch_whose_worker_stopped_is_queued_again(member, settings, django_capture_on_commit_callbacks):
    settings.GUICHET_ANTIBODY_JOB_THRESHOLD = 2
    assessment = services.assessment_create(owner=member, title="t", text=fasta(3), cdr_scheme="imgt",
                                            shared_with_organization=False)
    Assessment.objects.filter(pk=assessment.pk).update(
        status="running", attempts=1, progress_done=1, heartbeat_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):  # immediate backend: the retry runs at once
        assert services.assessment_jobs_recover() == 1
    assessment.refresh_from_db()
    assert assessment.status == "done" and assessment.attempts == 2 and assessment.antibodies.count() == 3


def test_small_batches_are_assessed_at_once_without_the_old_cap(member):
    assessment = services.assessment_create(owner=member, title="t", text=fasta(2), cdr_scheme="imgt",
                                            shared_with_organization=False)
    assert assessment.status == "done" and assessment.antibodies.count() == 2
