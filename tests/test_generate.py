"""The benchmark generator indexes what it creates through the one indexing of directory.search (it had a
copy of its own, which skipped nothing but could drift)."""

import io

import pytest
from django.core.management import call_command

from guichet.directory.models import Organization, Person, SearchEntry
from guichet.directory.search import entry_values


@pytest.mark.django_db
def test_generated_records_are_indexed_as_any_record_is():
    call_command("generate", organizations=6, people=9, batch=4, seed=7, stdout=io.StringIO())
    assert Organization.objects.filter(key__startswith="gen-o").count() == 6
    assert Person.objects.filter(key__startswith="gen-p").count() == 9
    assert SearchEntry.objects.filter(key__startswith="gen-").count() == 15
    person = Person.objects.select_related("organization").get(key="gen-p3")
    entry = SearchEntry.objects.get(key="gen-p3")
    expected = entry_values(person)
    assert (entry.document, entry.summary, entry.org_kind) == (
        expected["document"], expected["summary"], expected["org_kind"])
    assert entry.indexed_at is not None
