"""Load the engines before the first user needs them (issue 15: the first antibody assessment of a web process
waited ~10 s for promb, the first suggestion 15 s for the matching model).

Called once per web process from guichet.config.wsgi (gunicorn workers, runserver) and by the job worker
before its first job (`guichet worker`, not with --batch). GUICHET_WARM_UP=0 skips it; each engine then
loads on first use, as before.
"""

import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def warm_up() -> bool:
    """Load the antibody engine and the matching engine (each logs its own failure); False when disabled."""
    if not settings.GUICHET_WARM_UP:
        logger.info("warm-up skipped (GUICHET_WARM_UP=0): the engines load on first use")
        return False
    from guichet.antibodies.warm import warm as warm_antibodies
    from guichet.matching.warm import warm as warm_matching

    warm_antibodies()
    warm_matching()
    return True
