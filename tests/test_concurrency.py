"""Real threads against the real database (a file on SQLite, the server on PostgreSQL)."""


import pytest

from guichet.core.models import AuditEvent
from guichet.directory.models import ImportBatch, Organization
from guichet.directory.services import (
    ImportAlreadyApplied,
    directory_import,
    import_batch_confirm,
    import_batch_create,
)

from .conftest import load_example
from .races import race

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_concurrent_imports_of_the_same_file_create_each_record_once():
    payload = load_example("valid-small.json")
    results, errors = race(lambda i: directory_import(actor=None, payload=payload).summary, 4)
    assert errors == []
    assert sorted(r["create"] for r in results) == [0, 0, 0, 7]
    assert Organization.objects.count() == 3
    assert AuditEvent.objects.filter(action="organization.create").count() == 3


def test_a_batch_confirmed_twice_at_once_is_applied_once(staff):
    batch = import_batch_create(actor=staff, filename="x.json", payload=load_example("valid-small.json"))
    results, errors = race(lambda i: import_batch_confirm(actor=staff, batch=batch).status, 4)
    assert len(results) == 1 and all(isinstance(e, ImportAlreadyApplied) for e in errors) and len(errors) == 3
    # The immediate backend ran the job when the winning confirmation committed.
    assert ImportBatch.objects.get().status == ImportBatch.Status.APPLIED
    assert AuditEvent.objects.filter(action="import.apply").count() == 1
    assert AuditEvent.objects.filter(action="import.confirm").count() == 1


def test_an_import_job_delivered_four_times_at_once_applies_once(staff):
    from guichet.directory.services import import_batch_run

    batch = import_batch_create(actor=staff, filename="x.json", payload=load_example("valid-small.json"))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.QUEUED, confirmed_by=staff)
    results, errors = race(lambda i: import_batch_run(batch.pk), 4)
    assert errors == [] and sorted(results) == ["applied", "not queued", "not queued", "not queued"]
    assert AuditEvent.objects.filter(action="import.apply").count() == 1
    assert AuditEvent.objects.filter(action="organization.create").count() == 3
