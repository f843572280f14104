"""The funders' templates Guichet starts with (a data migration writes them; staff edit them in the admin).

France 2030 asks for people trained, technology transfer, start-ups, the leverage of public and private
co-funding and direct jobs created or maintained; tech-transfer offices report disclosures, patent
applications, licences, licence income and start-ups; clinical research offices trials, centres and inclusions;
a cluster excellence label a partner satisfaction survey and proofs of activity (issue 11).
"""


def _s(key, kind, fr, en, indicators=()):
    section = {"key": key, "kind": kind, "title": {"fr": fr, "en": en}}
    if indicators:
        section["indicators"] = list(indicators)
    return section


TRANSFER = ("disclosures_in_period", "disclosures_total", "patent_applications_in_period",
            "patent_applications_total", "declared_patents_in_period", "licences_signed_in_period", "licences_total",
            "licence_income_in_period", "technology_offers", "offer_requests_in_period", "startups_in_period")
CLINICAL = ("trials_started_in_period", "declared_trials_in_period", "inclusions_in_period", "inclusions_total",
            "feasibility_answers_in_period", "feasibility_median_days_to_answer",
            "contract_median_days_to_signature", "contracts_within_target_share")

DEFAULT_TEMPLATES = [
    {"key": "france-2030", "name": "Rapport annuel France 2030", "name_en": "France 2030 annual report",
     "funder": "France 2030 (Bpifrance, Secrétariat général pour l'investissement)",
     "sections": [
         _s("summary", "narrative", "Synthèse de l'année", "The year in brief"),
         _s("programme", "indicators", "Indicateurs du programme France 2030", "France 2030 programme indicators", (
             "people_trained_in_period", "declared_people_trained_in_period", "training_hours_in_period",
             "startups_in_period", "startups_total", "jobs_created_in_period", "jobs_maintained_in_period",
             "declared_headcount", "cofunding_public_in_period", "cofunding_private_in_period", "leverage_public",
             "leverage_private", "companies_implanted_in_period", "licences_signed_in_period",
             "patent_applications_in_period")),
         _s("transfer", "indicators", "Transfert de technologies", "Technology transfer", TRANSFER),
         _s("clinical", "indicators", "Transfert vers le soin\u00a0: recherche clinique",
            "Transfer to patients: clinical research", CLINICAL),
         _s("network", "indicators", "Vie du réseau et preuves d'activité", "Network life and proofs of activity", (
             "members", "partnerships_signed_in_period", "public_private_share", "partnerships_value_total",
             "platform_hours", "platform_revenue", "desk_answered", "publications_in_period", "events_held_in_period",
             "event_participants_in_period", "meetings_held_in_period", "partner_satisfaction", "economic_impact")),
         _s("charts", "charts", "Graphiques", "Charts"),
         _s("outlook", "narrative", "Perspectives", "Outlook"),
         _s("annex", "evidence", "Annexe\u00a0: déclarations validées et justificatifs",
            "Annex: validated declarations and their evidence"),
     ]},
    {"key": "transfer-offices", "name": "Rapport des offices de transfert et de la recherche clinique",
     "name_en": "Tech-transfer and clinical research offices' report", "funder": "SATT Sud-Est, DRCI",
     "sections": [
         _s("summary", "narrative", "Synthèse", "Summary"),
         _s("transfer", "indicators", "Transfert de technologies", "Technology transfer", TRANSFER),
         _s("clinical", "indicators", "Recherche clinique", "Clinical research", CLINICAL),
         _s("annex", "evidence", "Annexe\u00a0: déclarations validées", "Annex: validated declarations"),
     ]},
]
