import json as jsonlib

from django.core.management.base import BaseCommand, CommandError

from guichet.matching import engine


class Command(BaseCommand):
    help = "Who can answer this need? Prints the ranked providers (matching-v1)."

    def add_arguments(self, parser):
        parser.add_argument("text", help="the need, in French or English")
        parser.add_argument("--json", action="store_true", help="print matching-v1 JSON")
        parser.add_argument("--limit", type=int, default=10, help="1 to 50 (default 10)")

    def handle(self, *args, text, json: bool, limit, **options):
        if not 1 <= limit <= 50:
            raise CommandError("--limit must be between 1 and 50", returncode=2)
        try:
            results = engine.match(text, limit=limit)
        except engine.QueryRefused as refused:
            raise CommandError(str(refused), returncode=2) from None
        if json:
            self.stdout.write(_dumps([r.as_dict() for r in results]))
            return
        for r in results:
            self.stdout.write(f"{r.score:.3f}  {r.kind:<12} {r.key:<30} {r.name}")
            for reason in r.reasons:
                self.stdout.write(f"        · {reason}")


def _dumps(value) -> str:
    return jsonlib.dumps(value, ensure_ascii=False, indent=2)
