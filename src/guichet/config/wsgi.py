import os

# The matching's matrix product (100k x 384) runs in NumPy's BLAS, which starts one thread per core in every
# process: beside two or more web workers they wait for each other (measured at load 12 on two cores, p95 of
# one product 231 ms with two threads, 84 ms with one). One per process, like the embedding model
# (GUICHET_EMBEDDINGS_THREADS); set before NumPy is first imported. An operator's own value is kept.
from guichet.config.env import blas_threads  # noqa: E402  (no NumPy, no Django settings)

os.environ["OPENBLAS_NUM_THREADS"] = blas_threads()

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.config.settings")
application = get_wsgi_application()

# Each web process loads the antibody engine (promb, ~10 s) and the matching engine (vocabulary, lexicon,
# embedding model, vectors) now, so that no user waits for them on the first assessment or suggestion.
from guichet.core.warm import warm_up  # noqa: E402

warm_up()
