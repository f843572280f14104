"""Scheduling a Partnering Day: 500 participants, 3,000 accepted requests, 16 slots, 60 tables.

In-process (the scheduler is pure Python, no database), on a generated instance (seeded): popularity
follows a Zipf-like law (a few large companies are asked by many), a quarter of the participants come for
half the day only, one in ten has one more slot blocked. Printed next to each other, in the same run: the
greedy first-fit baseline and Guichet's scheduler (share of accepted requests placed, time, participants
with at least one and at least two meetings), and the upper bound no placement can exceed
(scheduler.upper_bound: the tables of each slot, half of each person's own limit, and the fractional
b-matching of the requests under each person's free slots). A second instance with 200 tables shows the case
where people, not tables, are the limit: there the b-matching proves at most 51.1 % (1,533 of 3,000), so no
scheduler beats first-fit's 48.0 % by the issue's 5 points; ours places 50.6 %.

    PYTHONPATH=src python bench/partnering_bench.py [--participants 500 --requests 3000 --slots 16 --tables 60]
"""

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from guichet.partnering.scheduler import Problem, check, first_fit, meetings_per_person, schedule, upper_bound  # noqa: E402


def instance(*, participants: int, requests: int, slots: int, tables: int, seed: int = 7) -> Problem:
    rng = random.Random(seed)
    weights = [1 / (rank + 1) ** 0.8 for rank in range(participants)]
    rng.shuffle(weights)
    pairs = set()
    while len(pairs) < requests:
        a, b = rng.choices(range(participants), weights=weights, k=2)
        if a != b:
            pairs.add((min(a, b), max(a, b)))
    order = sorted(pairs)
    rng.shuffle(order)  # the order requests were accepted in
    unavailable = {}
    half = slots // 2
    for p in range(participants):
        blocked = set()
        if rng.random() < 0.25:
            blocked |= set(range(half)) if rng.random() < 0.5 else set(range(half, slots))
        if rng.random() < 0.10:
            blocked.add(rng.randrange(slots))
        if blocked:
            unavailable[p] = blocked
    return Problem(slots=slots, tables=tables, requests=order, unavailable=unavailable)


def report(name: str, problem: Problem, placement, people: int) -> None:
    check(problem, placement)
    per = meetings_per_person(problem, placement)
    share = 100 * placement.placed() / len(problem.requests)
    one = sum(1 for p in range(people) if per.get(p, 0) >= 1)
    two = sum(1 for p in range(people) if per.get(p, 0) >= 2)
    print(f"  {name:<22} placed {placement.placed():>5} = {share:5.1f} % of requests   {placement.seconds:6.2f} s   "
          f"people with >= 1 meeting: {one}, >= 2: {two}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--slots", type=int, default=16)
    parser.add_argument("--tables", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=8.0, help="the scheduler's time budget")
    args = parser.parse_args()
    for tables in (args.tables, 200):
        problem = instance(participants=args.participants, requests=args.requests, slots=args.slots, tables=tables)
        bound = upper_bound(problem)
        print(f"== Partnering Day: {args.participants} participants, {args.requests} accepted requests, "
              f"{args.slots} slots x {tables} tables")
        print(f"  upper bound            {bound:>5} = {100 * bound / args.requests:5.1f} % of requests "
              f"(tables x slots = {args.slots * tables})")
        report("greedy first-fit", problem, first_fit(problem), args.participants)
        report("Guichet scheduler", problem, schedule(problem, seconds=args.seconds), args.participants)
    return 0


if __name__ == "__main__":
    sys.exit(main())
