"""Impact dashboard computation with ten years of history and 100k organizations (PostgreSQL), next to raw SQL
aggregates for the same KPIs measured in the same run (the floor).

    python bench/impact_bench.py [--organizations 100000] [--database NAME]

The generated rows are kept in the bench's own database (guichet_bench_impact_N unless --database names one) and
reused by later runs; a database generated before the platform activity gets it added on its next run.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FILL = [
    # organizations: kinds spread, joined over ten years
    """INSERT INTO directory_organization (key, name, lang, created_at, updated_at, kind, description, city, website,
         therapeutic_areas, keywords)
       SELECT 'ib-o' || g, 'Org ' || g, 'fr', timestamptz '2016-01-01' + (g % 3650) * interval '1 day', now(),
              (ARRAY['research_lab','hospital','company','startup','training','investor','support','public_authority'])
              [1 + g % 8], '', 'Marseille', '', '[]', '[]'
       FROM generate_series(1, %(orgs)s) g""",
    """INSERT INTO startups_startup (organization_id, founded_on, origin, stage)
       SELECT id, date '2016-01-01' + (id % 3650)::int, 'lab_spinoff', 'seed' FROM directory_organization
       WHERE key LIKE 'ib-o%%' AND kind = 'startup' AND id %% 3 = 0""",
    # validated a week after their date, except one in ten (a founder's round waiting for the team, issue 11)
    """INSERT INTO startups_fundinground (startup_id, "on", amount_eur, kind, investors, validated_at, returned_reason)
       SELECT s.id, s.founded_on + (r * 200)::int, 100000 * (1 + (s.id + r) % 40), 'round', '',
              CASE WHEN (s.id + r) %% 10 = 0 THEN NULL ELSE (s.founded_on + (r * 200)::int + 7)::timestamptz END, ''
       FROM startups_startup s CROSS JOIN generate_series(1, 3) r""",
    # validated a week after the day they describe, except one in ten (a founder's figure waiting for the team)
    """INSERT INTO startups_headcount (organization_id, "on", headcount, validated_at, returned_reason)
       SELECT o.id, date '2016-06-30' + (y * 365)::int, 1 + (o.id + y) % 50,
              CASE WHEN (o.id + y) %% 10 = 0 THEN NULL ELSE (date '2016-06-30' + (y * 365)::int + 7)::timestamptz END, ''
       FROM directory_organization o CROSS JOIN generate_series(0, 9) y
       WHERE o.key LIKE 'ib-o%%' AND o.id %% 5 = 0""",
    """INSERT INTO partnerships_partnership (title, type, value_eur, description, created_by_id, created_at,
                                            confirmed_at, confirmed_by_id)
       SELECT 'P' || g, 'licence', 10000 * (1 + g % 100), '', %(user)s, now(), now(), %(user)s
       FROM generate_series(1, %(partnerships)s) g""",
    """INSERT INTO partnerships_partnership_parties (partnership_id, organization_id)
       SELECT p.id, o.id FROM partnerships_partnership p
       JOIN directory_organization o ON o.key = 'ib-o' || (1 + (p.id * 7) %% %(orgs)s)
       UNION ALL
       SELECT p.id, o.id FROM partnerships_partnership p
       JOIN directory_organization o ON o.key = 'ib-o' || (1 + (p.id * 13 + 3) %% %(orgs)s)""",
    """INSERT INTO partnerships_partnershipstagechange (partnership_id, stage, "on", actor_id)
       SELECT p.id, (ARRAY['lead','negotiation','signed'])[s], date '2016-01-01' + ((p.id * 37 % 3400) + s * 60)::int, NULL
       FROM partnerships_partnership p CROSS JOIN generate_series(1, 3) s WHERE s < 3 OR p.id %% 2 = 0""",
    """INSERT INTO programmes_programme (code, name, owner_id, target, format, visibility)
       SELECT 'IB-' || g, 'Programme ' || g, (SELECT min(id) FROM directory_organization WHERE key LIKE 'ib-o%%'),
              'X', 'monoclonal', (ARRAY['public','members','private'])[1 + g % 3]
       FROM generate_series(1, %(programmes)s) g""",
    """INSERT INTO programmes_programmestagechange (programme_id, stage, "on")
       SELECT p.id, (ARRAY['target_validation','discovery','lead_optimization','preclinical','phase_1'])[s],
              date '2016-01-01' + ((p.id * 11 % 3000) + s * 120)::int
       FROM programmes_programme p CROSS JOIN generate_series(1, 5) s WHERE s <= 1 + p.id %% 5""",
    # --- declaration campaigns --- one campaign a year; a fifth of the organizations declare each year,
    # nine in ten of those validated early the next year, the others left submitted.
    """INSERT INTO declarations_campaign (title, year, message, deadline, cluster_funding_eur, ask_satisfaction,
                                          status, created_by_id, created_at, opened_at, closed_at)
       SELECT 'Campagne ' || y, y, '', make_date(y + 1, 2, 28), 1000000 + 10000 * (y - 2016), true, 'closed',
              %(user)s, make_date(y + 1, 1, 5), make_date(y + 1, 1, 5), make_date(y + 1, 3, 31)
       FROM generate_series(2016, 2025) y""",
    """INSERT INTO declarations_declaration (campaign_id, organization_id, status, headcount, jobs_created,
                                             jobs_maintained, funds_public_eur, funds_private_eur, publications,
                                             patents, trials, people_trained, implanted, satisfaction, comment,
                                             submitted_by_id, submitted_at, validated_by_id, validated_at,
                                             returned_reason, reminders_sent, reminder_step)
       SELECT c.id, o.id, CASE WHEN o.id %% 10 = 0 THEN 'submitted' ELSE 'validated' END, 1 + (o.id + c.year) %% 80,
              (o.id + c.year) %% 5, (o.id + c.year) %% 40, 1000 * ((o.id + c.year) %% 300),
              1000 * ((o.id * 3 + c.year) %% 500), (o.id + c.year) %% 12, (o.id + c.year) %% 3, (o.id %% 7 = 0)::int,
              (o.id + c.year) %% 30, (o.id + c.year) %% 50 = 0, 1 + (o.id + c.year) %% 5, '',
              %(user)s, make_date(c.year + 1, 2, 1), %(user)s,
              CASE WHEN o.id %% 10 = 0 THEN NULL ELSE make_date(c.year + 1, 2, 15) END, '', 0, 0
       FROM declarations_campaign c JOIN directory_organization o ON o.key LIKE 'ib-o%%' AND (o.id + c.year) %% 5 = 0""",
]

# --- platform activity and the desk (issue 11) --- about ten bookings per organization (a million at 100k) spread
# over the instruments and the ten years, one service order per two organizations (two quote lines each), a desk
# request per four (tens of thousands), inserted by INSERT … SELECT (`insert_select`: the columns not named take
# their model's default, so a field added later needs no change here).
INSTRUMENTS = 60  # ten platforms of six instruments
PLATFORMS = 10
FIRST = "2016-01-01 07:00+00"  # the first slot; the last ends before 2026
MINUTES = 10 * 365 * 24 * 60  # ten years of minutes, shared by each instrument's bookings
BOOKINGS = {
    # one after the other on each instrument (step minutes apart, at most 0.6 of it long): never overlapping,
    # as the exclusion constraint wants; one in twenty cancelled, one in twenty a no-show, the rest completed
    "instrument_id": "i.id", "kind": "'booking'", "user_id": "%(user)s",
    "organization_id": "%(first_org)s + (g * 7919 + i.id) %% %(orgs)s",
    "start": "t.ts", "end": "t.ts + ((3 + g %% 4) * %(step)s / 10) * interval '1 minute'",
    "blocked_until": "t.ts + ((3 + g %% 4) * %(step)s / 10) * interval '1 minute'",
    "status": "CASE g %% 20 WHEN 0 THEN 'cancelled' WHEN 1 THEN 'no_show' ELSE 'completed' END",
    "created_at": "t.ts - interval '7 days'",
}
BOOKINGS_FROM = ("FROM platforms_instrument i CROSS JOIN generate_series(0, %(per)s - 1) g "
                 "CROSS JOIN LATERAL (SELECT %(first)s::timestamptz + g * %(step)s * interval '1 minute' AS ts) t "
                 "WHERE i.key LIKE 'ib-i%%'")
ORDERS = {
    "service_id": "%(first_service)s + g %% %(services)s", "requester_id": "%(user)s",
    "organization_id": "%(first_org)s + (g * 104729) %% %(orgs)s",
    "customer_category": "(ARRAY['academic','startup','industry'])[1 + g %% 3]", "description": "'Bench'",
    "quantity": "1 + g %% 3",
    "status": "CASE WHEN g %% 10 < 7 THEN 'delivered' WHEN g %% 10 < 9 THEN 'in_progress' ELSE 'cancelled' END",
    "created_at": "%(first)s::timestamptz + (g * 5153 %% %(minutes)s) * interval '1 minute'",
    "delivered_at": "CASE WHEN g %% 10 < 7 THEN %(first)s::timestamptz + (g * 5153 %% %(minutes)s + 20160) "
                    "* interval '1 minute' END",
}
ORDERS_FROM = "FROM generate_series(1::bigint, %(orders)s) g"
QUOTE_LINES = {"order_id": "o.id", "label": "'Line ' || l", "quantity": "1 + (o.id + l) %% 5",
               "unit_price": "50 * (1 + o.id %% 20)", "amount": "(1 + (o.id + l) %% 5) * 50 * (1 + o.id %% 20)"}
QUOTE_LINES_FROM = ("FROM bookings_serviceorder o CROSS JOIN generate_series(1, 2) l "
                    "WHERE o.description = 'Bench'")
NEEDS = {
    # four in five answered, within 1 to 96 hours
    "title": "'Need ' || g", "text": "'Bench need'", "language": "(ARRAY['fr','en'])[1 + g %% 2]",
    "requester_id": "%(user)s", "organization_id": "%(first_org)s + (g * 15485863) %% %(orgs)s",
    "status": "CASE WHEN g %% 5 = 0 THEN 'new' ELSE 'answered' END",
    "created_at": "%(first)s::timestamptz + (g * 7907 %% %(minutes)s) * interval '1 minute'",
    "first_response_at": "CASE WHEN g %% 5 <> 0 THEN %(first)s::timestamptz + (g * 7907 %% %(minutes)s) "
                         "* interval '1 minute' + (1 + g %% 96) * interval '1 hour' END",
    "access_token": "'ib-' || g || '-' || md5(g::text)",
}
NEEDS_FROM = "FROM generate_series(1::bigint, %(needs)s) g"


def insert_select(cursor, model, exprs: dict, tail: str, params: dict) -> int:
    """INSERT INTO the model's table (columns) SELECT the given SQL expressions, every other NOT NULL column
    its model default (a parameter), over `tail` (FROM … WHERE …). Returns the rows inserted."""
    from django.db import connection, models

    columns, values, params = [], [], dict(params)
    for f in model._meta.concrete_fields:
        if f.primary_key or (f.null and f.column not in exprs):
            continue
        columns.append(connection.ops.quote_name(f.column))
        if f.column in exprs:
            values.append(exprs[f.column])
            continue
        if f.has_default():
            value = f.get_default()
        elif f.blank and isinstance(f, (models.CharField, models.TextField, models.FileField)):
            value = ""
        else:
            raise ValueError(f"{model.__name__}.{f.name}: no value for the bench")
        params[f"default_{f.column}"] = f.get_db_prep_save(value, connection)
        values.append(f"%(default_{f.column})s")
    cursor.execute(f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(values)} {tail}",
                   params)
    return cursor.rowcount


def fill_activity(cursor, organizations: int, user) -> dict:
    """The platforms, instruments and services (a few rows, through the ORM), then the bookings, orders, quote
    lines and desk requests in bulk. Returns the rows inserted per table."""
    from guichet.bookings.models import Booking, QuoteLine, ServiceOrder
    from guichet.desk.models import Need
    from guichet.directory.models import Organization
    from guichet.platforms.models import Instrument, Platform, Service

    first_org = Organization.objects.filter(key__startswith="ib-o").order_by("pk").values_list("pk", flat=True)[0]
    services = []
    for p in range(PLATFORMS):
        platform, _ = Platform.objects.get_or_create(key=f"ib-p{p}", defaults={
            "name": f"Platform {p}", "organization_id": first_org + p})
        for i in range(INSTRUMENTS // PLATFORMS):
            n = p * (INSTRUMENTS // PLATFORMS) + i
            Instrument.objects.get_or_create(key=f"ib-i{n}", defaults={
                "name": f"Instrument {n}", "platform": platform, "hourly_academic": 40 + n,
                "hourly_startup": 60 + n, "hourly_industry": 120 + 2 * n})
        services.append(Service.objects.get_or_create(key=f"ib-s{p}", defaults={
            "name": f"Service {p}", "platform": platform})[0].pk)
    assert services == list(range(services[0], services[0] + PLATFORMS)), "services' ids not contiguous"
    per = organizations * 10 // INSTRUMENTS
    step = MINUTES // max(per, 1)
    assert step >= 10, "too many bookings for ten years of slots"
    params = {"orgs": organizations, "first_org": first_org, "user": user.pk, "per": per, "step": step,
              "first": FIRST, "minutes": MINUTES, "first_service": services[0], "services": PLATFORMS,
              "orders": organizations // 2, "needs": organizations // 4}
    return {"bookings_booking": insert_select(cursor, Booking, BOOKINGS, BOOKINGS_FROM, params),
            "bookings_serviceorder": insert_select(cursor, ServiceOrder, ORDERS, ORDERS_FROM, params),
            "bookings_quoteline": insert_select(cursor, QuoteLine, QUOTE_LINES, QUOTE_LINES_FROM, params),
            "desk_need": insert_select(cursor, Need, NEEDS, NEEDS_FROM, params)}


FLOOR = [
    ("members by kind", "SELECT kind, count(*) FROM directory_organization WHERE created_at <= %(as_of)s GROUP BY kind"),
    ("start-ups per year", "SELECT extract(year FROM founded_on), count(*) FROM startups_startup "
                           "WHERE founded_on <= %(as_of)s GROUP BY 1"),
    ("jobs", "SELECT sum(headcount) FROM (SELECT DISTINCT ON (organization_id) headcount FROM startups_headcount "
             "WHERE \"on\" <= %(as_of)s AND validated_at < %(as_of)s::date + 1 "
             "ORDER BY organization_id, \"on\" DESC) h"),
    # how much of it is validated (issue 11): the latest headcount declared and not returned, validated or not
    ("jobs validated share", "SELECT count(*) FILTER (WHERE validated_at < %(as_of)s::date + 1), count(*) FROM "
                             "(SELECT DISTINCT ON (organization_id) validated_at FROM startups_headcount "
                             "WHERE \"on\" <= %(as_of)s AND (returned_at IS NULL OR returned_at >= %(as_of)s::date + 1) "
                             "ORDER BY organization_id, \"on\" DESC) h"),
    ("funds", "SELECT sum(amount_eur) FILTER (WHERE ok), sum(amount_eur) FILTER (WHERE ok AND \"on\" >= %(start)s), "
              "count(*) FILTER (WHERE ok), count(*) FILTER (WHERE returned_at IS NULL OR returned_at >= %(as_of)s::date + 1) "
              "FROM (SELECT amount_eur, \"on\", returned_at, validated_at < %(as_of)s::date + 1 ok "
              "FROM startups_fundinground WHERE \"on\" <= %(as_of)s) r"),
    # confirmed ones counted, and (their validated share) of all those declared signed
    ("partnerships signed", """SELECT count(*) FILTER (WHERE ok), sum(v) FILTER (WHERE ok),
        count(*) FILTER (WHERE ok AND pp), count(*) FILTER (WHERE ok AND signed >= %(start)s), count(*),
        count(*) FILTER (WHERE signed >= %(start)s) FROM (
        SELECT p.id, p.value_eur v, min(c."on") signed, p.confirmed_at IS NOT NULL ok,
          bool_or(o.kind IN ('research_lab','hospital','training','public_authority'))
          AND bool_or(o.kind IN ('company','startup','investor')) pp
        FROM partnerships_partnership p JOIN partnerships_partnershipstagechange c ON c.partnership_id = p.id
        JOIN partnerships_partnership_parties x ON x.partnership_id = p.id
        JOIN directory_organization o ON o.id = x.organization_id
        WHERE c.stage IN ('signed','active','completed') AND c."on" <= %(as_of)s
        GROUP BY p.id) s"""),
    ("programmes by stage", """SELECT stage, count(*) FROM (SELECT DISTINCT ON (programme_id) stage
        FROM programmes_programmestagechange WHERE "on" <= %(as_of)s ORDER BY programme_id, "on" DESC, id DESC) s
        GROUP BY stage"""),
    # hours and revenue: each booking's hours at its instrument's rate for its organization's price list, to
    # the cent; the delivered orders' quote lines
    ("platform usage", """SELECT sum(h), sum(round(h * CASE WHEN o.kind IN ('research_lab','hospital','training',
          'public_authority') THEN i.hourly_academic WHEN o.kind = 'startup' THEN i.hourly_startup
          ELSE i.hourly_industry END, 2)) FROM (SELECT instrument_id, organization_id,
          round(extract(epoch FROM "end" - start) / 3600, 2) h FROM bookings_booking
          WHERE kind = 'booking' AND status IN ('confirmed','completed','no_show')
          AND "end" BETWEEN %(sod)s AND %(eod)s) b JOIN platforms_instrument i ON i.id = b.instrument_id
          LEFT JOIN directory_organization o ON o.id = b.organization_id"""),
    ("platform orders", "SELECT sum(q.amount) FROM bookings_quoteline q JOIN bookings_serviceorder s "
                        "ON s.id = q.order_id WHERE s.status = 'delivered' AND s.delivered_at BETWEEN %(sod)s AND %(eod)s"),
    ("platform revenue to date", """SELECT sum(round(h * CASE WHEN o.kind IN ('research_lab','hospital','training',
          'public_authority') THEN i.hourly_academic WHEN o.kind = 'startup' THEN i.hourly_startup
          ELSE i.hourly_industry END, 2)) FROM (SELECT instrument_id, organization_id,
          round(extract(epoch FROM "end" - start) / 3600, 2) h FROM bookings_booking
          WHERE kind = 'booking' AND status IN ('confirmed','completed','no_show') AND "end" <= %(eod)s) b
          JOIN platforms_instrument i ON i.id = b.instrument_id
          LEFT JOIN directory_organization o ON o.id = b.organization_id"""),
    ("platform orders to date", "SELECT sum(q.amount) FROM bookings_quoteline q JOIN bookings_serviceorder s "
                                "ON s.id = q.order_id WHERE s.status = 'delivered' AND s.delivered_at <= %(eod)s"),
    ("desk", "SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY first_response_at - created_at) "
             "FROM desk_need WHERE first_response_at BETWEEN %(sod)s AND %(eod)s"),
    # --- declaration campaigns --- the validated sums, the latest validated headcount per organization,
    # how much of each figure is validated, the cluster's funding (the leverage's denominator).
    ("declared figures", """SELECT sum(jobs_created), sum(jobs_maintained), sum(funds_public_eur),
        sum(funds_private_eur), sum(publications), sum(patents), sum(trials), sum(people_trained),
        count(*) FILTER (WHERE implanted), avg(satisfaction)
        FROM declarations_declaration d JOIN declarations_campaign c ON c.id = d.campaign_id
        WHERE c.year = extract(year FROM %(as_of)s::date) AND d.status = 'validated' AND d.validated_at <= %(eod)s"""),
    ("declared headcount", """SELECT sum(headcount) FROM (SELECT DISTINCT ON (organization_id) headcount
        FROM declarations_declaration d JOIN declarations_campaign c ON c.id = d.campaign_id
        WHERE d.status = 'validated' AND d.validated_at <= %(eod)s AND d.headcount IS NOT NULL
          AND c.year <= extract(year FROM %(as_of)s::date)
        ORDER BY organization_id, c.year DESC, d.validated_at DESC, d.id DESC) h"""),
    ("declared coverage", "SELECT " + ", ".join(
        f"count(*) FILTER (WHERE {f} IS NOT NULL), count(*) FILTER (WHERE {f} IS NOT NULL AND d.status = 'validated' "
        f"AND d.validated_at <= %(eod)s)" for f in ("headcount", "jobs_created", "jobs_maintained", "funds_public_eur",
                                                  "funds_private_eur", "publications", "patents", "trials",
                                                  "people_trained", "satisfaction"))
     + ", count(*) FILTER (WHERE implanted), count(*) FILTER (WHERE implanted AND d.status = 'validated' "
       "AND d.validated_at <= %(eod)s) FROM declarations_declaration d JOIN declarations_campaign c "
       "ON c.id = d.campaign_id WHERE c.year = extract(year FROM %(as_of)s::date) AND d.submitted_at <= %(eod)s"),
    ("cluster funding", "SELECT sum(cluster_funding_eur) FROM declarations_campaign "
                        "WHERE year = extract(year FROM %(as_of)s::date) AND opened_at <= %(eod)s"),
]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--organizations", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", default="", help="the bench database's name (default guichet_bench_impact_N)")
    parser.add_argument("--postgres", default=os.environ.get("GUICHET_BENCH_POSTGRES",
                                                             "postgres://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    from pgbench_db import bench_database

    url = bench_database(args.database or f"guichet_bench_impact_{args.organizations}", args.postgres)
    if url is None:
        return 0
    os.environ.update(GUICHET_DATABASE_URL=url, GUICHET_DEBUG="1",
                      DJANGO_SETTINGS_MODULE="guichet.config.settings", GUICHET_SEMANTIC="0")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from guichet.accounts.models import User
    from guichet.bookings.models import Booking
    from guichet.core.workdays import day_end, day_start
    from guichet.directory.models import Organization
    from guichet.impact import kpis

    call_command("migrate", verbosity=0)
    print(f"== impact dashboard on PostgreSQL, {args.organizations} organizations, ten years of history")
    if not Organization.objects.filter(key__startswith="ib-o").exists():
        user = User.objects.create_user("bench@impact.example", None)
        started = time.perf_counter()
        params = {"orgs": args.organizations, "partnerships": args.organizations // 10,
                  "programmes": 1000, "user": user.pk}
        with connection.cursor() as cursor:
            for sql in FILL:
                # Modulo signs are doubled for the driver; named placeholders are kept.
                cursor.execute(sql.replace("%%", "%").replace("%", "%%").replace("%%(", "%("), params)
            cursor.execute("ANALYZE")
        print(f"  generated in {time.perf_counter() - started:.0f} s")
    if not Booking.objects.filter(instrument__key__startswith="ib-i").exists():
        started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            inserted = fill_activity(cursor, args.organizations, User.objects.get(email="bench@impact.example"))
            cursor.execute("ANALYZE")
        print(f"  platform activity and desk requests generated in {time.perf_counter() - started:.0f} s: "
              + ", ".join(f"{n} {table}" for table, n in inserted.items()))
    with connection.cursor() as cursor:
        for table in ("directory_organization", "startups_startup", "startups_headcount", "partnerships_partnership",
                      "partnerships_partnershipstagechange", "programmes_programme", "declarations_declaration",
                      "bookings_booking", "bookings_serviceorder", "bookings_quoteline", "desk_need"):
            cursor.execute(f"SELECT count(*) FROM {table}")
            print(f"  {table}: {cursor.fetchone()[0]} rows")
    as_of, start = date(2025, 12, 31), date(2025, 1, 1)
    eod, sod = day_end(as_of), day_start(start)
    ours, floor = [], []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        kpis.compute(as_of=as_of, start=start, end=as_of)
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            for _label, sql in FLOOR:
                cursor.execute(sql, {"as_of": as_of, "start": start, "eod": eod, "sod": sod})
                cursor.fetchall()
        floor.append(time.perf_counter() - t0)
    ours_s, floor_s = statistics.median(ours), statistics.median(floor)
    print(f"  dashboard (all KPIs): median {ours_s * 1000:.0f} ms over {args.rounds} runs; raw SQL aggregates "
          f"{floor_s * 1000:.0f} ms; ratio {ours_s / floor_s:.1f}x (goal: 2x at 100,000 organizations)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
