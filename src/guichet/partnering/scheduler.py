"""Placing accepted one-to-one meetings into time slots and tables: pure functions, no database.

A placement gives each meeting a slot; a slot holds at most `tables` meetings, a participant at most one
meeting per slot and none in a slot they marked unavailable. `first_fit` is the baseline every meeting
platform starts from (each request in turn, the first slot where both are free). `schedule` places in
rounds that serve the participants with the fewest meetings first (b2match's benchmark: at least two
meetings per attendee), then fills, then repairs: an unplaced meeting takes a slot by moving one meeting
out of its way (a Kempe-style exchange). `upper_bound` is a number no placement can exceed.
"""

import random
import time
from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class Problem:
    slots: int
    tables: int
    requests: list[tuple[int, int]]  # participant ids, one pair per accepted request
    unavailable: dict[int, set[int]] = field(default_factory=dict)  # participant -> slot indexes
    capacity: list[int] | None = None  # tables still free per slot (meetings already placed hold the others)

    def tables_in(self, s: int) -> int:
        return self.tables if self.capacity is None else self.capacity[s]


@dataclass
class Placement:
    slot_of: dict[int, int]  # request index -> slot index
    seconds: float = 0.0

    def placed(self) -> int:
        return len(self.slot_of)


def upper_bound(problem: Problem) -> int:
    """No placement holds more meetings than: the requests; the tables of each slot, or half the
    participants available then; half the sum, over participants, of min(their requests, their free slots);
    the meetings the free slots of the participants asked more than they can meet allow (one slot with a
    light participant, two between heavy ones), plus the requests between the others; half the fractional
    b-matching of the requests with each person's free slots as their limit."""
    degree = defaultdict(int)
    for a, b in problem.requests:
        degree[a] += 1
        degree[b] += 1
    people = set(degree)
    per_slot = sum(min(problem.tables_in(s), sum(1 for p in people if s not in problem.unavailable.get(p, ())) // 2)
                   for s in range(problem.slots))
    free = {p: problem.slots - len(problem.unavailable.get(p, ())) for p in people}
    per_person = sum(min(d, free[p]) for p, d in degree.items()) // 2
    # Participants asked more often than they have free slots ("heavy"): each placed meeting that involves
    # one uses one of that person's free slots, so those meetings are at most the heavy ones' free slots;
    # the others are at most the requests between light participants.
    # A meeting between two heavy participants uses two of those slots, one with a light participant one.
    heavy = {p for p, d in degree.items() if d > free[p]}
    kinds = [(a in heavy) + (b in heavy) for a, b in problem.requests]
    heavy_slots = sum(free[p] for p in heavy)
    with_light = min(kinds.count(1), heavy_slots)
    per_heavy = kinds.count(0) + with_light + min(kinds.count(2), (heavy_slots - with_light) // 2)
    return min(len(problem.requests), per_slot, per_person, per_heavy, _b_matching_bound(problem, free))


def _b_matching_bound(problem: Problem, free: dict[int, int]) -> int:
    """Half the maximum flow of the requests' double cover (each person on both sides, with their free slots as
    capacity): the largest fractional choice of requests in which nobody meets more often than they have free
    slots. Every placement is such a choice, whatever the slots, so it bounds them all; it is the bound that
    shows where people, not tables, are the limit (issue 16: 1,533 of 3,000 on the 200-table bench, where the
    per-person sum says 1,802)."""
    people = sorted(free)
    index = {p: i for i, p in enumerate(people)}
    n = len(people)
    source, sink = 2 * n, 2 * n + 1
    head, cap, nxt = [], [], []
    first = [-1] * (2 * n + 2)

    def edge(u: int, v: int, c: int) -> None:
        for x, y, k in ((u, v, c), (v, u, 0)):
            head.append(y)
            cap.append(k)
            nxt.append(first[x])
            first[x] = len(head) - 1

    for p in people:
        edge(source, index[p], free[p])
        edge(n + index[p], sink, free[p])
    for a, b in problem.requests:
        edge(index[a], n + index[b], 1)
        edge(index[b], n + index[a], 1)
    flow = 0
    while True:  # Dinic: breadth-first levels, then blocking flows along them
        level = [-1] * (2 * n + 2)
        level[source] = 0
        queue = [source]
        for u in queue:
            e = first[u]
            while e != -1:
                if cap[e] and level[head[e]] < 0:
                    level[head[e]] = level[u] + 1
                    queue.append(head[e])
                e = nxt[e]
        if level[sink] < 0:
            return flow // 2
        current = first[:]
        stack, u = [], source  # the edges of the path being advanced from the source
        while True:
            if u == sink:
                pushed = min(cap[e] for e in stack)
                for e in stack:
                    cap[e] -= pushed
                    cap[e ^ 1] += pushed
                flow += pushed
                stack, u = [], source
                continue
            e = current[u]
            while e != -1 and not (cap[e] and level[head[e]] == level[u] + 1):
                e = nxt[e]
            current[u] = e
            if e != -1:
                stack.append(e)
                u = head[e]
            elif u == source:
                break
            else:  # a dead end: retreat and skip the edge that led here
                level[u] = -1
                back = stack.pop()
                u = head[back ^ 1]
                current[u] = nxt[back]


class _State:
    def __init__(self, problem: Problem):
        self.p = problem
        self.full = (1 << problem.slots) - 1
        self.busy = defaultdict(int)  # participant -> bitmask of slots taken (meetings and unavailability)
        for person, slots in problem.unavailable.items():
            for s in slots:
                self.busy[person] |= 1 << s
        self.used = [0] * problem.slots
        self.slot_of: dict[int, int] = {}
        self.at: dict[tuple[int, int], int] = {}  # (participant, slot) -> request index
        self.count = defaultdict(int)
        self.in_slot = [set() for _ in range(problem.slots)]

    def free_slots(self, a: int, b: int) -> int:
        return self.full & ~(self.busy[a] | self.busy[b])

    def put(self, r: int, s: int) -> None:
        a, b = self.p.requests[r]
        self.busy[a] |= 1 << s
        self.busy[b] |= 1 << s
        self.used[s] += 1
        self.slot_of[r] = s
        self.at[a, s] = self.at[b, s] = r
        self.in_slot[s].add(r)
        self.count[a] += 1
        self.count[b] += 1

    def take(self, r: int) -> int:
        s = self.slot_of.pop(r)
        a, b = self.p.requests[r]
        self.busy[a] &= ~(1 << s)
        self.busy[b] &= ~(1 << s)
        self.used[s] -= 1
        del self.at[a, s], self.at[b, s]
        self.in_slot[s].discard(r)
        self.count[a] -= 1
        self.count[b] -= 1
        return s

    def open_slots(self, mask: int):
        for s in range(self.p.slots):
            if mask >> s & 1 and self.used[s] < self.p.tables_in(s):
                yield s


def first_fit(problem: Problem) -> Placement:
    """The baseline: each request in the order given, in the first slot where both are free and a table is."""
    started = time.perf_counter()
    state = _State(problem)
    for r, (a, b) in enumerate(problem.requests):
        for s in state.open_slots(state.free_slots(a, b)):
            state.put(r, s)
            break
    return Placement(dict(state.slot_of), time.perf_counter() - started)


def _best_slot(state: _State, a: int, b: int) -> int | None:
    """The open slot both can make that leaves the most room elsewhere: the least-used one (spreading
    meetings keeps tables free for later requests), the earliest among equals."""
    best, best_used = None, None
    for s in state.open_slots(state.free_slots(a, b)):
        if best is None or state.used[s] < best_used:
            best, best_used = s, state.used[s]
    return best


def _move_out_of_the_way(state: _State, blocker: int, s: int, protect: int) -> bool:
    """Move meeting `blocker` from slot `s` to another slot both its people can make and with a table."""
    x, y = state.p.requests[blocker]
    mask = state.free_slots(x, y) & ~(1 << s) & ~protect
    for target in state.open_slots(mask):
        state.take(blocker)
        state.put(blocker, target)
        return True
    return False


def _repair(state: _State, r: int) -> bool:
    """Place request r by moving at most one meeting (of one of its two people, or one that holds the last
    table of a slot both can make)."""
    a, b = state.p.requests[r]
    for s in range(state.p.slots):
        bit = 1 << s
        a_busy, b_busy = state.busy[a] & bit, state.busy[b] & bit
        if a_busy and b_busy:
            continue
        if not a_busy and not b_busy:
            if state.used[s] < state.p.tables_in(s):
                state.put(r, s)
                return True
            # The slot is full: move any of its meetings elsewhere.
            for other in list(state.in_slot[s]):
                if _move_out_of_the_way(state, other, s, 0):
                    state.put(r, s)
                    return True
            continue
        busy_person = a if a_busy else b
        blocker = state.at.get((busy_person, s))
        if blocker is None:
            continue  # unavailable then, not a meeting
        if _move_out_of_the_way(state, blocker, s, 0) and state.used[s] < state.p.tables_in(s):
            state.put(r, s)
            return True
    return False


# An augmenting path in one slot crosses at most this many of its meetings (depth of the search).
AUGMENT_DEPTH = 40


def _augment_in_slot(state: _State, s: int, waiting: dict[int, list[int]]) -> int:
    """More meetings in slot s, the other slots unchanged: augmenting paths of the slot's meetings (a matching
    of the people free then) through unplaced requests, from a person free in s to another, alternately an
    unplaced request and a meeting of s; each path adds one meeting to s and unplaces those it crosses, which
    keep their people's other slots. Returns how many were added."""
    p = state.p
    added = 0

    def available(person: int) -> bool:
        return s not in p.unavailable.get(person, ())

    def free(person: int) -> bool:
        return available(person) and (person, s) not in state.at

    def search(person: int, seen: set[int], path: list[int]) -> list[int] | None:
        for r in waiting.get(person, ()):
            if r in state.slot_of:
                continue
            x, y = p.requests[r]
            other = y if x == person else x
            if other in seen or not available(other):
                continue
            if free(other):
                return [*path, r]
            q = state.at[other, s]
            u, v = p.requests[q]
            nxt = v if u == other else u
            if nxt in seen:
                continue
            seen.update((other, nxt))
            found = search(nxt, seen, [*path, r, q]) if len(path) < 2 * AUGMENT_DEPTH else None
            if found:
                return found
        return None

    for start in list(waiting):
        if state.used[s] >= p.tables_in(s):
            break
        if not free(start):
            continue
        path = search(start, {start}, [])
        if not path:
            continue
        for q in path[1::2]:
            state.take(q)
            for person in p.requests[q]:
                waiting[person].append(q)
        for r in path[0::2]:
            state.put(r, s)
        added += 1
    return added


def schedule(problem: Problem, *, seconds: float = 5.0, seed: int = 0) -> Placement:
    """Fairness rounds, then fill, then repair until nothing moves or the time is up."""
    started = time.perf_counter()
    deadline = started + seconds
    state = _State(problem)
    rng = random.Random(seed)
    order = list(range(len(problem.requests)))
    # Fewest common free slots first: the hardest pairs choose first.
    order.sort(key=lambda r: bin(state.free_slots(*problem.requests[r])).count("1"))
    level = 1
    while True:
        progressed = False
        for r in order:
            if r in state.slot_of:
                continue
            a, b = problem.requests[r]
            if state.count[a] < level and state.count[b] < level:
                s = _best_slot(state, a, b)
                if s is not None:
                    state.put(r, s)
                    progressed = True
        if not progressed or level >= problem.slots:
            break
        level += 1
    for r in order:
        if r not in state.slot_of:
            s = _best_slot(state, *problem.requests[r])
            if s is not None:
                state.put(r, s)
    bound = upper_bound(problem)
    waiting = defaultdict(list)  # participant -> their requests not placed (some placed since: skipped)
    for r in order:
        if r not in state.slot_of:
            for person in problem.requests[r]:
                waiting[person].append(r)
    while len(state.slot_of) < bound and time.perf_counter() < deadline:
        gained = 0
        for s in range(problem.slots):
            gained += _augment_in_slot(state, s, waiting)
        if gained:
            continue
        unplaced = [r for r in order if r not in state.slot_of]
        rng.shuffle(unplaced)
        moved = False
        for r in unplaced:
            if time.perf_counter() >= deadline or len(state.slot_of) >= bound:
                break
            moved |= _repair(state, r)
        if not moved:
            break
    return Placement(dict(state.slot_of), time.perf_counter() - started)


def check(problem: Problem, placement: Placement) -> None:
    """Raise AssertionError unless the placement keeps every rule (used by the tests and the bench)."""
    per_slot = defaultdict(int)
    seen = set()
    for r, s in placement.slot_of.items():
        a, b = problem.requests[r]
        assert 0 <= s < problem.slots
        assert s not in problem.unavailable.get(a, ()) and s not in problem.unavailable.get(b, ())
        assert (a, s) not in seen and (b, s) not in seen, (r, s)
        seen.add((a, s))
        seen.add((b, s))
        per_slot[s] += 1
    assert all(n <= problem.tables_in(s) for s, n in per_slot.items())


def meetings_per_person(problem: Problem, placement: Placement) -> dict[int, int]:
    count = defaultdict(int)
    for r in placement.slot_of:
        a, b = problem.requests[r]
        count[a] += 1
        count[b] += 1
    return count
