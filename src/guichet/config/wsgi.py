import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.config.settings")
application = get_wsgi_application()

# Each web process loads the matching engine (vocabulary, lexicon, embedding model, vectors) now, so
# that no user waits for it on the first suggestion.
from guichet.matching.warm import warm  # noqa: E402

warm()
