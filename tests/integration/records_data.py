# SPDX-License-Identifier: Apache-2.0
"""A realistic ISO/IEC 27001:2022 clause 9.3 management review as the API receives it: data
only. workflow_helpers.build_review() (the tests' one review builder) posts it:

    import records_data as rd
    from workflow_helpers import Api, build_review
    built = build_review(Api(httpd), review=rd.REVIEW, items=rd.ITEM_DATA)

Used by test_records.py, test_registers.py, test_reports.py, test_export_import.py, the fuzz
seeds (tests/fuzz/make-seeds.py) and, with BENCH_ITEMS added, by the benchmark
(bench/bench.py). The data follows product.md ("Field names") and the descriptors in
mod_ismsreview/core/isms_entity.c. Numbers are chosen so that they survive the module's
storage exactly (at most six decimals).

Items that refer to other items (decisions -> inputs, actions -> decisions ...) are written
with symbolic keys ("$input:D3", "$decision:patching") that the builder replaces by the ids
the server returned (workflow_helpers.resolve).
"""

REVIEW = {
    "title": "ISMS management review 2026 (reporting year 2025)",
    "review_type": "SCHEDULED",
    "planned_date": "2026-03-10",
    "held_from": "2026-03-10",
    "held_to": "2026-03-11",
    "period_from": "2025-01-01",
    "period_to": "2025-12-31",
    "format": "HYBRID",
    "location": "Board room 4.02, Frankfurt HQ / video conference",
    "chair": "approver",
    "standards": ["ISO27001_2022", "ISO22301_2019"],
    "classification": "CONFIDENTIAL",
    "retention_until": "2033-12-31",
    "language": "en-GB",
    "agenda": "1. Status of actions from the 2025 review\n2. Context and interested parties\n"
              "3. Information security performance (NC/CA, monitoring, audits, objectives)\n"
              "4. Risk assessment and risk treatment plan\n5. Opportunities for improvement\n"
              "6. Decisions, resources, communication",
    "executive_summary": "The ISMS remains suitable and adequate. Effectiveness is only "
                         "partially confirmed: patching of critical vulnerabilities missed "
                         "its target in Q3 and two major audit findings remain open.",
    "suitability": {"rating": "CONFIRMED",
                    "rationale": "Scope and policy still match the business after the "
                                 "Lisbon office opening."},
    "adequacy": {"rating": "CONFIRMED",
                 "rationale": "Controls cover the risks above the acceptance level; budget "
                              "for 2026 approved."},
    "effectiveness": {"rating": "PARTIALLY",
                      "rationale": "MTTP for critical vulnerabilities 14 days against a target "
                                   "of 10; phishing click rate on target."},
    "next_review_date": "2027-03-09",
}

ATTENDEES = [
    {"person": "approver", "name": "Dr. Helga Brandt", "title": "Chief Executive Officer",
     "function": "Executive board", "is_top_management": True,
     "participation_role": "CHAIR", "attendance": "PRESENT"},
    {"person": "approver2", "name": "Marc Oliveira", "title": "Chief Financial Officer",
     "function": "Executive board", "is_top_management": True,
     "participation_role": "MEMBER", "attendance": "REMOTE"},
    {"person": "author", "name": "Priya Raman", "title": "ISMS Manager",
     "function": "Information security", "is_top_management": False,
     "participation_role": "SECRETARY", "attendance": "PRESENT"},
    {"person": "owner", "name": "Jonas Weber", "title": "Head of IT Operations",
     "function": "IT operations", "is_top_management": False,
     "participation_role": "PRESENTER", "attendance": "PRESENT"},
    {"name": "Sofia Lindqvist", "title": "Data Protection Officer", "function": "Legal",
     "is_top_management": False, "participation_role": "INVITEE",
     "attendance": "WRITTEN_CONTRIBUTION"},
    {"person": "cto", "name": "Akira Tanaka", "title": "Chief Technology Officer",
     "function": "Executive board", "is_top_management": True,
     "participation_role": "MEMBER", "attendance": "APOLOGIES"},
]

# One key per input so that decisions can name their basis ("$input:D3").
INPUTS = {
    "B": {"category": "B_ISSUES_CHANGES", "title": "External and internal issues",
          "summary": "New office in Lisbon; NIS2 transposition in Germany; move of the ERP "
                     "to a SaaS provider.",
          "trend": "MIXED", "status": "PRESENTED", "owner": "author",
          "data_period_from": "2025-01-01", "data_period_to": "2025-12-31",
          "climate_change_relevance": "RELEVANT",
          "context_register_ref": "CTX-REG-2025 v7, issues I-14 (heat waves at DC1), I-15",
          "evidence_refs": ["DOC-CTX-2025-v7.pdf"],
          "conclusion": "Scope statement to be updated for Lisbon."},
    "C": {"category": "C_IP_NEEDS_CHANGES", "title": "Changed needs of interested parties",
          "summary": "Two key customers now require ISO 27701 alignment; the regulator "
                     "expects incident reports within 24 h.",
          "trend": "STABLE", "status": "PRESENTED",
          "interested_party_refs": ["IP-CUST-ACME", "IP-REG-BSI", "IP-CUST-NORDBANK"]},
    "D1": {"category": "D1_NC_CA", "title": "Nonconformities and corrective actions",
           "summary": "12 NCs raised (2024: 17), 10 closed, average closure 41 days.",
           "trend": "IMPROVING", "status": "PRESENTED",
           "metrics": [{"name": "NCs raised", "value": 12, "previous_value": 17, "unit": "count"},
                       {"name": "Average closure time", "value": 41.5, "previous_value": 55,
                        "unit": "days", "target": 30}]},
    "D2": {"category": "D2_MONITORING", "title": "Monitoring and measurement results",
           "summary": "Phishing click rate 3.1 %, MTTP critical 14 days, backup restore tests "
                      "100 % successful.",
           "trend": "MIXED", "status": "PRESENTED",
           "metrics": [{"name": "Phishing click rate", "value": 3.1, "previous_value": 6.4,
                        "unit": "%", "target": 5},
                       {"name": "MTTP critical vulnerabilities", "value": 14,
                        "previous_value": 21, "unit": "days", "target": 10},
                       {"name": "Restore tests passed", "value": 100, "unit": "%",
                        "target": 100}]},
    "D3": {"category": "D3_AUDITS", "title": "Audit results",
           "summary": "Internal audit programme 2025 completed (9 of 9 audits); surveillance "
                      "audit by the certification body: 2 minor NCs, 4 OFIs.",
           "trend": "STABLE", "status": "PRESENTED",
           "audit_refs": ["IA-2025-01..09 (9.2)", "CB-SURV-2025 (TUV)", "A.5.35 IR-2025"]},
    "D4": {"category": "D4_OBJECTIVES", "title": "Fulfilment of information security objectives",
           "summary": "4 of 6 objectives achieved.", "trend": "IMPROVING",
           "status": "PRESENTED"},
    "E": {"category": "E_IP_FEEDBACK", "title": "Feedback from interested parties",
          "summary": "Customer security questionnaires: 31 answered, no escalations.",
          "status": "CONSIDERED_NO_CHANGE", "trend": "STABLE",
          "interested_party_refs": ["IP-CUST-ACME"]},
    "F": {"category": "F_RISK_RTP", "title": "Risk assessment and risk treatment plan",
          "summary": "Annual risk assessment done 2025-11-20; 3 risks above acceptance.",
          "trend": "IMPROVING", "status": "PRESENTED",
          "risk_assessment_date": "2025-11-20", "risks_above_acceptance": 3,
          "rtp_completion_pct": 78,
          "metrics": [{"name": "RTP completion", "value": 78, "previous_value": 64,
                       "unit": "%", "target": 90}]},
    "G": {"category": "G_IMPROVEMENT", "title": "Opportunities for continual improvement",
          "summary": "Automate evidence collection; consolidate the two SIEMs.",
          "status": "PRESENTED"},
    "G_NA": {"category": "G_IMPROVEMENT", "title": "Improvement proposals from the staff portal",
             "status": "NOT_APPLICABLE",
             "na_justification": "The staff suggestion portal only went live in 2026; no "
                                 "submissions in the reporting period."},
}

DECISIONS = {
    "patching": {"statement": "Introduce an emergency patch window for critical "
                              "vulnerabilities and report MTTP monthly to the board.",
                 "category": "CONTINUAL_IMPROVEMENT", "clause_933_aspect": "IMPROVEMENT",
                 "outcome": "APPROVED",
                 "rationale": "MTTP 14 days against a target of 10 (input d2).",
                 "basis_input_ids": ["$input:D2", "$input:F"],
                 "decided_by": ["approver", "approver2"]},
    "scope": {"statement": "Extend the ISMS scope to the Lisbon office.",
              "category": "SCOPE", "clause_933_aspect": "ISMS_CHANGE", "outcome": "APPROVED",
              "rationale": "New site processes customer data from Q2 2026.",
              "basis_input_ids": ["$input:B"], "decided_by": ["approver"]},
    "no_change": {"statement": "No change to the information security policy.",
                  "category": "NO_CHANGE_REQUIRED", "clause_933_aspect": "NONE",
                  "outcome": "NOTED",
                  "rationale": "Policy reviewed; still consistent with the strategy.",
                  "basis_input_ids": ["$input:C", "$input:E"]},
    "risk": {"statement": "Accept residual risk R-041 (legacy HR system) until its "
                          "replacement in Q4 2026.",
             "category": "RISK_ACCEPTANCE", "clause_933_aspect": "NONE", "outcome": "APPROVED",
             "basis_input_ids": ["$input:F"], "risk_owner_approval": "approver2"},
}

ACTIONS = [
    {"title": "Set up an emergency patch window", "type": "CORRECTIVE", "owner": "owner",
     "due_date": "2026-06-30", "priority": "HIGH",
     "description": "Weekly 2-hour window, change advisory board fast track.",
     "expected_outcome": "MTTP critical <= 10 days for three consecutive months",
     "decision_id": "$decision:patching", "nc_ref": "NC-2025-014"},
    {"title": "Monthly MTTP report to the board", "type": "COMMUNICATION", "owner": "author",
     "due_date": "2026-04-30", "priority": "MEDIUM", "decision_id": "$decision:patching"},
    {"title": "Update the scope statement and SoA for Lisbon",
     "type": "CHANGE_IMPLEMENTATION", "owner": "author", "due_date": "2026-05-15",
     "priority": "HIGH", "decision_id": "$decision:scope"},
    {"title": "Consolidate the two SIEM platforms", "type": "IMPROVEMENT", "owner": "owner",
     "due_date": "2026-12-31", "priority": "LOW"},
]

IMPROVEMENTS = [
    {"description": "Automate collection of control evidence from the ticketing system.",
     "source": "CERTIFICATION_AUDIT_OFI", "source_ref": "CB-SURV-2025 OFI-2",
     "expected_benefit": "About 15 person-days per audit cycle saved.",
     "affected_area": "Internal audit process", "estimated_effort": "20 person-days",
     "disposition": "ACCEPTED", "disposition_rationale": "Low cost, high benefit.",
     "decision_id": "$decision:patching"},
    {"description": "Consolidate the two SIEM platforms into one.", "source": "MONITORING",
     "disposition": "DEFERRED",
     "disposition_rationale": "Depends on the 2027 budget; revisit in the next review."},
]

CHANGES = [
    {"change_type": "SCOPE", "description": "Include the Lisbon office in the ISMS scope.",
     "purpose": "Customer data is processed in Lisbon from Q2 2026.",
     "consequences": "New risk assessment for the site; SoA update; internal audit in Q3.",
     "integrity_considerations": "Group-wide policies apply unchanged.",
     "resources_needed": "0.5 FTE security officer on site.", "owner": "author",
     "planned_date": "2026-05-15", "decision_id": "$decision:scope",
     "affected_documents": [
         {"doc_id": "ISMS-SCOPE", "title": "ISMS scope statement", "from_version": "3.1",
          "to_version": "4.0", "doc_status": "DRAFT"},
         {"doc_id": "SOA", "title": "Statement of Applicability", "from_version": "12",
          "to_version": "13"}]},
]

OBJECTIVES = [
    {"statement": "Patch critical vulnerabilities within 10 days on average.",
     "level": "ORGANIZATION", "standard": "ISO27001_2022", "policy_ref": "POL-IS-01 s.4",
     "measurable": True, "evaluation_method": "Monthly report from the vulnerability scanner.",
     "owner": "owner", "target_date": "2026-12-31", "resources_ref": "RR budget 2026",
     "plan_what": "Emergency patch window; automated deployment for servers.",
     "monitoring_frequency": "monthly", "status": "ACTIVE",
     "decision_id": "$decision:patching",
     "kpi": {"name": "MTTP critical vulnerabilities", "unit": "days",
             "direction": "LOWER_BETTER", "baseline": 14, "target": 10}},
    {"statement": "Raise the share of staff who completed security awareness training.",
     "level": "FUNCTION", "measurable": True, "owner": "author", "target_date": "2026-09-30",
     "kpi": {"name": "Awareness training completion", "unit": "%",
             "direction": "HIGHER_BETTER", "baseline": 82.5, "target": 95}},
    {"statement": "Strengthen the security culture in the Lisbon office.",
     "level": "PROCESS", "measurable": False,
     "evaluation_if_not_measurable": "Qualitative assessment in the internal audit 2026.",
     "owner": "owner"},
]

RESOURCES = [
    {"resource_type": "BUDGET_OPEX", "description": "Managed detection and response service.",
     "amount": 180000, "currency": "EUR", "fiscal_period": "FY2026", "requested_by": "author",
     "outcome": "APPROVED", "approved_amount": 165000.5, "provision_status": "IN_PROCUREMENT",
     "decision_id": "$decision:patching"},
    {"resource_type": "PERSONNEL_FTE", "description": "Security officer for the Lisbon office.",
     "quantity": 0.5, "unit": "FTE", "outcome": "PARTIALLY_APPROVED",
     "decision_id": "$decision:scope"},
]

COMMUNICATIONS = [
    {"what_type": "EXEC_SUMMARY", "artifact_ref": "MR-2026 summary v1",
     "audience_type": "ALL_EMPLOYEES", "audience_scope": "INTERNAL", "how": "INTRANET",
     "when": "2026-03-31", "communicator": "author", "redaction_level": "SUMMARY_ONLY"},
    {"what_type": "DECISION_EXTRACT", "audience_type": "ACTION_OWNERS",
     "recipients": ["owner", "author"], "how": "EMAIL", "when": "2026-03-13",
     "communicator": "author", "decision_id": "$decision:patching"},
]

# collection name -> the item bodies the builder posts, in this order (inputs and decisions
# are dicts keyed by symbolic names, the others lists: "action:0" is the first action).
ITEM_DATA = [
    ("attendees", ATTENDEES),
    ("inputs", INPUTS),
    ("decisions", DECISIONS),
    ("actions", ACTIONS),
    ("improvements", IMPROVEMENTS),
    ("changes", CHANGES),
    ("objectives", OBJECTIVES),
    ("resources", RESOURCES),
    ("communications", COMMUNICATIONS),
]

# prefix of the item references, e.g. MR-2026-01-A01 (isms_entity.c ref_code)
REF_CODES = {"attendees": "AT", "inputs": "IN", "decisions": "D", "actions": "A",
             "improvements": "OFI", "changes": "CH", "objectives": "OB", "resources": "RR",
             "communications": "CM"}


# ---------------------------------------------------------------------------------------------
# The benchmark's review (bench/bench.py): the record above and 28 more items, 62 in all:
#     build_review(api, review=rd.REVIEW, items=rd.ITEM_DATA + rd.BENCH_ITEMS)
# (the builder numbers list items across repeated collections: the first action here is
# "action:4"), then the KPI measurements of BENCH_MEASUREMENTS.


def _bench_action(title, typ, owner, due, priority, decision, nc=None):
    a = {"title": title, "type": typ, "owner": owner, "due_date": due, "priority": priority,
         "description": "%s, agreed in the management review 2026." % title,
         "expected_outcome": "Done and evidenced in the ISMS document register."}
    if decision:
        a["decision_id"] = "$decision:" + decision
    if nc:
        a["nc_ref"] = nc
    return a


def _bench_decision(statement, category, aspect, rationale, basis):
    return {"statement": statement, "category": category, "clause_933_aspect": aspect,
            "outcome": "APPROVED", "rationale": rationale,
            "basis_input_ids": ["$input:" + b for b in basis],
            "decided_by": ["approver", "approver2"]}


BENCH_ITEMS = [
    ("attendees", [
        {"person": "hr-lead", "name": "Amara Okafor", "title": "Head of HR",
         "function": "Human resources", "is_top_management": False,
         "participation_role": "MEMBER", "attendance": "PRESENT"},
        {"name": "Lukas Berger", "title": "Internal auditor", "function": "Internal audit",
         "is_top_management": False, "participation_role": "OBSERVER", "attendance": "REMOTE"},
    ]),
    ("decisions", {
        "mdr": _bench_decision("Contract a managed detection and response service.",
                               "RESOURCE", "IMPROVEMENT",
                               "Two incidents detected late (input d2).", ["D2"]),
        "privacy": _bench_decision("Align the ISMS with ISO/IEC 27701 by the end of 2026.",
                                   "OBJECTIVE", "BOTH", "Customer requirement (input c).",
                                   ["C"]),
        "audit_ncs": _bench_decision("Close the two minor certification NCs before the next "
                                     "surveillance audit.", "CONTINUAL_IMPROVEMENT",
                                     "IMPROVEMENT", "Surveillance audit 2025 (input d3).",
                                     ["D3", "D1"]),
        "awareness": _bench_decision("Communicate the review summary to all staff.",
                                     "COMMUNICATION", "NONE",
                                     "Transparency towards employees.", ["D4"]),
    }),
    ("actions", [
        _bench_action("Automate server patch deployment", "IMPROVEMENT", "owner",
                      "2026-09-30", "HIGH", "patching"),
        _bench_action("Risk assessment for the Lisbon site", "RISK_TREATMENT", "author",
                      "2026-05-31", "HIGH", "scope"),
        _bench_action("Internal audit of the Lisbon office", "OTHER", "author", "2026-09-15",
                      "MEDIUM", "scope"),
        _bench_action("Replace the legacy HR system", "RISK_TREATMENT", "hr-lead",
                      "2026-12-15", "MEDIUM", "risk"),
        _bench_action("Tender for an MDR service", "RESOURCE_PROVISION", "owner", "2026-05-31",
                      "HIGH", "mdr"),
        _bench_action("Onboard the MDR provider", "RESOURCE_PROVISION", "owner", "2026-08-31",
                      "MEDIUM", "mdr"),
        _bench_action("ISO 27701 gap analysis", "OBJECTIVE_PLAN", "author", "2026-06-30",
                      "MEDIUM", "privacy"),
        _bench_action("Close certification NC-1 (supplier reviews)", "CORRECTIVE", "author",
                      "2026-07-31", "CRITICAL", "audit_ncs", "NC-2025-024"),
        _bench_action("Close certification NC-2 (access recertification)", "CORRECTIVE",
                      "owner", "2026-07-31", "CRITICAL", "audit_ncs", "NC-2025-025"),
        _bench_action("Publish the review summary on the intranet", "COMMUNICATION", "author",
                      "2026-03-31", "LOW", "awareness"),
    ]),
    ("improvements", [
        {"description": "Phishing simulation per department instead of company-wide.",
         "source": "STAFF_SUGGESTION", "disposition": "ACCEPTED",
         "decision_id": "$decision:awareness"},
        {"description": "Benchmark MTTP against the sector ISAC figures.", "source": "BENCHMARK",
         "disposition": "ACCEPTED", "decision_id": "$decision:patching"},
        {"description": "Single sign-on for the remaining 12 SaaS applications.",
         "source": "RISK_ASSESSMENT", "disposition": "MERGED",
         "disposition_rationale": "Part of the ERP migration project."},
    ]),
    ("changes", [
        {"change_type": "PROCESS_PROCEDURE", "description": "Emergency patch procedure.",
         "purpose": "Critical vulnerabilities patched outside the monthly window.",
         "owner": "owner", "planned_date": "2026-06-30", "decision_id": "$decision:patching",
         "affected_documents": [{"doc_id": "PROC-PATCH", "title": "Patch management",
                                 "from_version": "2.0", "to_version": "2.1"}]},
        {"change_type": "OBJECTIVES", "description": "New objective: ISO 27701 alignment.",
         "owner": "author", "decision_id": "$decision:privacy"},
        {"change_type": "ROLES_RESPONSIBILITIES",
         "description": "Security officer role for Lisbon.", "owner": "hr-lead",
         "planned_date": "2026-04-30", "decision_id": "$decision:scope"},
    ]),
    ("objectives", [
        {"statement": "Keep the phishing click rate below 5 %.", "level": "ORGANIZATION",
         "measurable": True, "owner": "author", "target_date": "2026-12-31",
         "kpi": {"name": "Phishing click rate", "unit": "%", "direction": "LOWER_BETTER",
                 "baseline": 6.4, "target": 5}},
        {"statement": "Complete the ISO 27701 alignment.", "level": "ORGANIZATION",
         "standard": "ISO27701_2019", "measurable": True, "owner": "author",
         "target_date": "2026-12-31", "decision_id": "$decision:privacy",
         "kpi": {"name": "27701 controls implemented", "unit": "%",
                 "direction": "HIGHER_BETTER", "baseline": 40, "target": 100}},
    ]),
    ("resources", [
        {"resource_type": "COMPETENCE_TRAINING",
         "description": "ISO 27701 lead implementer training for two people.",
         "amount": 6400, "currency": "EUR", "fiscal_period": "FY2026", "outcome": "APPROVED",
         "decision_id": "$decision:privacy"},
        {"resource_type": "TECHNOLOGY_TOOLING", "description": "Patch automation licences.",
         "amount": 24000, "currency": "EUR", "fiscal_period": "FY2026", "outcome": "DEFERRED"},
    ]),
    ("communications", [
        {"what_type": "FULL_MINUTES", "audience_type": "BOARD_TOP_MGMT", "how": "PORTAL",
         "when": "2026-03-20", "communicator": "author", "redaction_level": "NONE"},
        {"what_type": "POLICY_CHANGE_NOTICE", "audience_type": "CERTIFICATION_BODY",
         "audience_scope": "EXTERNAL", "how": "FORMAL_LETTER", "when": "2026-04-15",
         "communicator": "author", "decision_id": "$decision:scope"},
    ]),
]

# KPI measurements the benchmark posts after the build: objective key -> (period_to, value)
BENCH_MEASUREMENTS = {"objective:0": [("2026-01-31", 13), ("2026-02-28", 12)],
                      "objective:1": [("2026-01-31", 85), ("2026-02-28", 88.5)],
                      "objective:3": [("2026-01-31", 4.2), ("2026-02-28", 3.9)],
                      "objective:4": [("2026-02-28", 55)]}
