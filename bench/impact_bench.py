"""Impact dashboard computation with ten years of history and 100k organizations (PostgreSQL), next to raw SQL
aggregates for the same KPIs measured in the same run (the floor).

    python bench/impact_bench.py [--organizations 100000]
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
    ("platform usage", "SELECT sum(extract(epoch FROM \"end\" - start)) / 3600 FROM bookings_booking "
                       "WHERE status IN ('confirmed','completed','no_show') AND \"end\" BETWEEN %(start)s AND %(as_of)s"),
    ("desk", "SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY first_response_at - created_at) "
             "FROM desk_need WHERE first_response_at BETWEEN %(start)s AND %(as_of)s"),
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
    from django.db import connection

    from guichet.accounts.models import User
    from guichet.core.workdays import day_end
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
    with connection.cursor() as cursor:
        for table in ("directory_organization", "startups_startup", "startups_headcount", "partnerships_partnership",
                      "partnerships_partnershipstagechange", "programmes_programme", "declarations_declaration"):
            cursor.execute(f"SELECT count(*) FROM {table}")
            print(f"  {table}: {cursor.fetchone()[0]} rows")
    as_of, start = date(2025, 12, 31), date(2025, 1, 1)
    eod = day_end(as_of)
    ours, floor = [], []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        kpis.compute(as_of=as_of, start=start, end=as_of)
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            for _label, sql in FLOOR:
                cursor.execute(sql, {"as_of": as_of, "start": start, "eod": eod})
                cursor.fetchall()
        floor.append(time.perf_counter() - t0)
    ours_s, floor_s = statistics.median(ours), statistics.median(floor)
    print(f"  dashboard (all KPIs): median {ours_s * 1000:.0f} ms over {args.rounds} runs; raw SQL aggregates "
          f"{floor_s * 1000:.0f} ms; ratio {ours_s / floor_s:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
