import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q

from guichet.directory.kinds import records_of
from guichet.directory.models import SearchEntry
from guichet.directory.search import index_records
from guichet.matching import semantic


class Command(BaseCommand):
    help = ("Recompute the stored embeddings of directory entries that lack the current backend's vectors "
            "(after installing or changing GUICHET_EMBEDDINGS). --all recomputes every entry.")

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true")
        parser.add_argument("--batch", type=int, default=256)

    def handle(self, *args, all: bool, batch: int, **options):
        model = semantic.backend()
        if model is None:
            raise CommandError("no embedding backend is installed or it is switched off (GUICHET_EMBEDDINGS)",
                               returncode=2)
        todo = SearchEntry.objects.all() if all else SearchEntry.objects.filter(
            Q(embedding_model__isnull=True) | ~Q(embedding_model=semantic.stored_name(model)))
        ids = list(todo.order_by("id").values_list("id", flat=True))
        started, done = time.monotonic(), 0
        for start in range(0, len(ids), batch):
            entries = SearchEntry.objects.filter(id__in=ids[start:start + batch]).only("record_kind", "object_id")
            with transaction.atomic():
                index_records(records_of(entries))
            done += min(batch, len(ids) - start)
        elapsed = max(time.monotonic() - started, 1e-9)
        self.stdout.write(f"{done} entries embedded with {model} in {elapsed:.1f} s ({done / elapsed:.0f}/s)")
