"""Real threads against the real database (a file on SQLite, the server on PostgreSQL)."""

import threading

import pytest
from django.db import connection

from guichet.core.models import AuditEvent
from guichet.directory.models import ImportBatch, Organization
from guichet.directory.services import (
    ImportAlreadyApplied,
    directory_import,
    import_batch_confirm,
    import_batch_create,
)

from .conftest import load_example

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def run_together(target, n=4):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors


def test_concurrent_imports_of_the_same_file_create_each_record_once():
    payload = load_example("valid-small.json")
    results, errors = run_together(lambda: directory_import(actor=None, payload=payload).summary)
    assert errors == []
    assert sorted(r["create"] for r in results) == [0, 0, 0, 7]
    assert Organization.objects.count() == 3
    assert AuditEvent.objects.filter(action="organization.create").count() == 3


def test_a_batch_confirmed_twice_at_once_is_applied_once(staff):
    batch = import_batch_create(actor=staff, filename="x.json", payload=load_example("valid-small.json"))
    results, errors = run_together(lambda: import_batch_confirm(actor=staff, batch=batch).status)
    assert len(results) == 1 and all(isinstance(e, ImportAlreadyApplied) for e in errors) and len(errors) == 3
    # The immediate backend ran the job when the winning confirmation committed.
    assert ImportBatch.objects.get().status == ImportBatch.Status.APPLIED
    assert AuditEvent.objects.filter(action="import.apply").count() == 1
    assert AuditEvent.objects.filter(action="import.confirm").count() == 1


def test_an_import_job_delivered_four_times_at_once_applies_once(staff):
    from guichet.directory.services import import_batch_run

    batch = import_batch_create(actor=staff, filename="x.json", payload=load_example("valid-small.json"))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.QUEUED, confirmed_by=staff)
    results, errors = run_together(lambda: import_batch_run(batch.pk))
    assert errors == [] and sorted(results) == ["applied", "not queued", "not queued", "not queued"]
    assert AuditEvent.objects.filter(action="import.apply").count() == 1
    assert AuditEvent.objects.filter(action="organization.create").count() == 3
