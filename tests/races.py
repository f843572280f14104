"""What the race tests share: `race(target, n)` runs `target(i)` in n threads released together by a barrier,
each on its own database connection, and returns what they returned and what they raised (judged by the
test); `next_monday(hour)` is a working day ahead, inside every instrument's booking window."""

import threading
from datetime import datetime, timedelta

from django.db import connection

from guichet.core.workdays import PARIS

THREADS = 50


def next_monday(hour=10):
    today = datetime.now(PARIS).date()
    day = today + timedelta(days=(7 - today.weekday()) or 7)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=PARIS)


def race(target, n=THREADS, *, timeout=120):
    barrier = threading.Barrier(n)
    results, errors = [], []
    lock = threading.Lock()

    def worker(i):
        try:
            connection.ensure_connection()  # connect first, so that the barrier releases ready racers
            barrier.wait()
            outcome = target(i)
            with lock:
                results.append(outcome)
        except Exception as exc:  # every exception is collected and judged by the test
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return results, errors
