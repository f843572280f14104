from django.core.management.base import BaseCommand

from guichet.matching.services import vocabulary_sync_seed


class Command(BaseCommand):
    help = ("Bring the vocabulary in the database in line with data/vocabulary.txt and data/vocabulary.d/*.txt "
            "(new concepts created, seeded ones updated, what staff added kept), then re-tag the directory.")

    def handle(self, *args, **options):
        result = vocabulary_sync_seed(actor=None)
        self.stdout.write("{created} created, {updated} updated, {total} in the seed, {retagged} entries re-tagged"
                          .format(**result))
