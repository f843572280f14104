from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from guichet.matching import lexicon


class Command(BaseCommand):
    help = ("Rebuild matching/data/lexicon-fr-en.tsv from the installed FreeDict dictionaries "
            "(apt-get install dict-freedict-fra-eng dict-freedict-eng-fra). A development-time step.")

    def add_arguments(self, parser):
        parser.add_argument("--dictd", default=str(lexicon.DICTD_DIR), help="where the .index/.dict.dz files are")
        parser.add_argument("--output", default=str(lexicon.LEXICON_FILE))

    def handle(self, *args, dictd, output, **options):
        directory = Path(dictd)
        for name in lexicon.SOURCES.values():
            if not (directory / f"{name}.index").exists():
                raise CommandError(f"{directory / name}.index not found: apt-get install dict-{name}", returncode=2)
        pairs = lexicon.build_pairs(directory)
        lexicon.write_lexicon(pairs, Path(output))
        self.stdout.write(f"{len(pairs)} French-English pairs written to {output}")
