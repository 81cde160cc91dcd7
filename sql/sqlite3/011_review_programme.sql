-- SPDX-License-Identifier: Apache-2.0
-- 011: the review programme (domain-model.md A.1) and the IMS input catalogue (A.4).
-- review_programme: the planned intervals of 9.3.1 (interval_months, tolerance_days), the
-- scope and standards a review of it covers, and how its inputs are covered (SINGLE_MEETING,
-- or SEQUENCED_SESSIONS over cycle_length_months). One default programme is created here from
-- the existing configuration: its interval is the planned_interval_months of the latest
-- review (ISMSReviewInterval when it was created), 12 when there is none; its tolerance 30
-- days (the allowance the check had before). Editable reviews join it; sealed reviews keep
-- programme_id NULL (their sealed content never had it) and are read as the default's.
-- input_requirement: what each standard's management review must consider (INPUT) or
-- decide (OUTPUT); maps_to_27001_code names the ISO 27001 input category (or, for an
-- output, the result collection) that covers it. Admins add CUSTOM_* rows.
-- Reviews get programme_id and scope_ref_snapshot, inputs requirement_codes (the catalogue
-- codes "STANDARD:CODE" an input covers): sealed like the rest of the record.
CREATE TABLE review_programme (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    row_version INTEGER NOT NULL DEFAULT 1,
    "created_at" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "updated_at" TEXT,
    "updated_by" TEXT,
    "name" TEXT NOT NULL,
    "scope_ref" TEXT,
    "scope_version" TEXT,
    "standards" TEXT,
    "interval_months" INTEGER NOT NULL,
    "tolerance_days" INTEGER NOT NULL,
    "chair_role" TEXT,
    "coverage_mode" TEXT NOT NULL,
    "cycle_length_months" INTEGER,
    "active" INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE input_requirement (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    row_version INTEGER NOT NULL DEFAULT 1,
    "created_at" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "updated_at" TEXT,
    "updated_by" TEXT,
    "standard" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "clause" TEXT,
    "mandatory" INTEGER NOT NULL,
    "maps_to_27001_code" TEXT,
    UNIQUE ("standard", "code")
);
INSERT INTO input_requirement ("created_at", "created_by", "standard", "code", "label",
                               "kind", "clause", "mandatory", "maps_to_27001_code") VALUES
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO27001_2022', 'A_PREV_ACTIONS', 'Status of actions from previous management reviews', 'INPUT', '9.3.2 a', 1, 'A_PREV_ACTIONS'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO27001_2022', 'B_ISSUES_CHANGES', 'Changes in external and internal issues relevant to the ISMS', 'INPUT', '9.3.2 b', 1, 'B_ISSUES_CHANGES'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO27001_2022', 'C_IP_NEEDS_CHANGES', 'Changes in needs and expectations of interested parties relevant to the ISMS', 'INPUT', '9.3.2 c', 1, 'C_IP_NEEDS_CHANGES'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO27001_2022', 'D1_NC_CA', 'Nonconformities and corrective actions', 'INPUT', '9.3.2 d1', 1, 'D1_NC_CA'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO27001_2022', 'D2_MONITORING', 'Monitoring and measurement results', 'INPUT', '9.3.2 d2', 1, 'D2_MONITORING'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO27001_2022', 'D3_AUDITS', 'Audit results', 'INPUT', '9.3.2 d3', 1, 'D3_AUDITS'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO27001_2022', 'D4_OBJECTIVES', 'Fulfilment of information security objectives', 'INPUT', '9.3.2 d4', 1, 'D4_OBJECTIVES'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO27001_2022', 'E_IP_FEEDBACK', 'Feedback from interested parties', 'INPUT', '9.3.2 e', 1, 'E_IP_FEEDBACK'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO27001_2022', 'F_RISK_RTP', 'Results of risk assessment and status of risk treatment plan', 'INPUT', '9.3.2 f', 1, 'F_RISK_RTP'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO27001_2022', 'G_IMPROVEMENT', 'Opportunities for continual improvement', 'INPUT', '9.3.2 g', 1, 'G_IMPROVEMENT'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO9001_2015', 'A_PREV_ACTIONS', 'Status of actions from previous management reviews', 'INPUT', '9.3.2 a', 1, 'A_PREV_ACTIONS'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO9001_2015', 'B_ISSUES_CHANGES', 'Changes in external and internal issues relevant to the QMS', 'INPUT', '9.3.2 b', 1, 'B_ISSUES_CHANGES'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO9001_2015', 'C1_CUSTOMER_SAT', 'Customer satisfaction and feedback from relevant interested parties', 'INPUT', '9.3.2 c1', 1, NULL),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO9001_2015', 'C2_QUALITY_OBJECTIVES', 'Extent to which quality objectives have been met', 'INPUT', '9.3.2 c2', 1, 'D4_OBJECTIVES'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO9001_2015', 'C3_PROCESS_CONFORMITY', 'Process performance and conformity of products and services', 'INPUT', '9.3.2 c3', 1, NULL),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO9001_2015', 'C4_NC_CA', 'Nonconformities and corrective actions', 'INPUT', '9.3.2 c4', 1, 'D1_NC_CA'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO9001_2015', 'C5_MONITORING', 'Monitoring and measurement results', 'INPUT', '9.3.2 c5', 1, 'D2_MONITORING'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO9001_2015', 'C6_AUDITS', 'Audit results', 'INPUT', '9.3.2 c6', 1, 'D3_AUDITS'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO9001_2015', 'C7_EXT_PROVIDERS', 'Performance of external providers', 'INPUT', '9.3.2 c7', 1, NULL),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO9001_2015', 'D_RESOURCE_ADEQUACY', 'Adequacy of resources', 'INPUT', '9.3.2 d', 1, NULL),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO9001_2015', 'E_RISK_ACTION_EFFECTIVENESS', 'Effectiveness of actions taken to address risks and opportunities', 'INPUT', '9.3.2 e', 1, NULL),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO9001_2015', 'F_IMPROVEMENT', 'Opportunities for improvement', 'INPUT', '9.3.2 f', 1, 'G_IMPROVEMENT'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO9001_2015', 'O_IMPROVEMENT', 'Decisions and actions on opportunities for improvement (MR-20 judges them)', 'OUTPUT', '9.3.3 a', 0, 'improvements'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO9001_2015', 'O_QMS_CHANGES', 'Decisions and actions on any need for changes to the QMS (MR-21 judges them)', 'OUTPUT', '9.3.3 b', 0, 'changes'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO9001_2015', 'O_RESOURCE_NEEDS', 'Decisions and actions on resource needs', 'OUTPUT', '9.3.3 c', 1, 'resources'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO14001_2015', 'A_PREV_ACTIONS', 'Status of actions from previous management reviews', 'INPUT', '9.3 a', 1, 'A_PREV_ACTIONS'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO14001_2015', 'B1_ISSUES_CHANGES', 'Changes in external and internal issues relevant to the EMS', 'INPUT', '9.3 b1', 1, 'B_ISSUES_CHANGES'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO14001_2015', 'B2_IP_NEEDS_COMPLIANCE', 'Changes in needs and expectations of interested parties, including compliance obligations', 'INPUT', '9.3 b2', 1, 'C_IP_NEEDS_CHANGES'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO14001_2015', 'B3_ENV_ASPECTS', 'Changes in significant environmental aspects', 'INPUT', '9.3 b3', 1, NULL),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO14001_2015', 'B4_RISKS_OPPORTUNITIES', 'Changes in environmental risks and opportunities', 'INPUT', '9.3 b4', 1, NULL),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO14001_2015', 'C_ENV_OBJECTIVES', 'Extent to which environmental objectives have been achieved', 'INPUT', '9.3 c', 1, 'D4_OBJECTIVES'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO14001_2015', 'D1_NC_CA', 'Nonconformities and corrective actions', 'INPUT', '9.3 d1', 1, 'D1_NC_CA'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO14001_2015', 'D2_MONITORING', 'Monitoring and measurement results', 'INPUT', '9.3 d2', 1, 'D2_MONITORING'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO14001_2015', 'D3_COMPLIANCE_FULFILMENT', 'Fulfilment of compliance obligations', 'INPUT', '9.3 d3', 1, NULL),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO14001_2015', 'D4_AUDITS', 'Audit results', 'INPUT', '9.3 d4', 1, 'D3_AUDITS'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO14001_2015', 'E_RESOURCE_ADEQUACY', 'Adequacy of resources', 'INPUT', '9.3 e', 1, NULL),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO14001_2015', 'F_IP_COMMUNICATIONS', 'Relevant communications from interested parties, including complaints', 'INPUT', '9.3 f', 1, 'E_IP_FEEDBACK'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO14001_2015', 'G_IMPROVEMENT', 'Opportunities for continual improvement', 'INPUT', '9.3 g', 1, 'G_IMPROVEMENT'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO14001_2015', 'O_CONCLUSIONS', 'Conclusions on suitability, adequacy and effectiveness (MR-31 judges them)', 'OUTPUT', '9.3', 0, 'conclusions'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO22301_2019', 'A_PREV_ACTIONS', 'Status of actions from previous management reviews', 'INPUT', '9.3.2 a', 1, 'A_PREV_ACTIONS'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO22301_2019', 'B_ISSUES_CHANGES', 'Changes in external and internal issues relevant to the BCMS', 'INPUT', '9.3.2 b', 1, 'B_ISSUES_CHANGES'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO22301_2019', 'C1_NC_CA', 'Nonconformities and corrective actions', 'INPUT', '9.3.2 c1', 1, 'D1_NC_CA'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO22301_2019', 'C2_MONITORING', 'Monitoring and measurement evaluation results', 'INPUT', '9.3.2 c2', 1, 'D2_MONITORING'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO22301_2019', 'C3_AUDITS', 'Audit results', 'INPUT', '9.3.2 c3', 1, 'D3_AUDITS'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO22301_2019', 'D_IP_FEEDBACK', 'Feedback from interested parties', 'INPUT', '9.3.2 d', 1, 'E_IP_FEEDBACK'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO22301_2019', 'E_NEED_FOR_CHANGES', 'Need for changes to the BCMS, including the policy and objectives', 'INPUT', '9.3.2 e', 1, NULL),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO22301_2019', 'F_IMPROVEMENT_PROCEDURES', 'Procedures and resources that could be used to improve the BCMS', 'INPUT', '9.3.2 f', 1, NULL),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO22301_2019', 'BIA', 'Information from the business impact analysis and risk assessment', 'INPUT', '9.3.2 g', 1, NULL),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO22301_2019', 'BC_CAPABILITY_EVAL', 'Output from the evaluation of business continuity documentation and capabilities (8.6)', 'INPUT', '9.3.2 h', 1, NULL),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO22301_2019', 'UNADDRESSED_RISKS', 'Risks or issues not adequately addressed in any previous risk assessment', 'INPUT', '9.3.2 i', 1, NULL),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO22301_2019', 'LESSONS_LEARNED', 'Lessons learned and actions arising from near misses and disruptions', 'INPUT', '9.3.2 j', 1, NULL),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO22301_2019', 'K_IMPROVEMENT', 'Opportunities for continual improvement', 'INPUT', '9.3.2 k', 1, 'G_IMPROVEMENT'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO22301_2019', 'O_COMMUNICATION', 'Results communicated to relevant interested parties (MR-32 judges it)', 'OUTPUT', '9.3.3.2', 0, 'communications'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO45001_2018', 'A_PREV_ACTIONS', 'Status of actions from previous management reviews', 'INPUT', '9.3 a', 1, 'A_PREV_ACTIONS'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO45001_2018', 'B1_ISSUES_CHANGES', 'Changes in external and internal issues relevant to the OH&S management system', 'INPUT', '9.3 b1', 1, 'B_ISSUES_CHANGES'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO45001_2018', 'B2_IP_NEEDS', 'Changes in needs and expectations of interested parties', 'INPUT', '9.3 b2', 1, 'C_IP_NEEDS_CHANGES'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO45001_2018', 'B3_LEGAL_REQUIREMENTS', 'Changes in legal requirements and other requirements', 'INPUT', '9.3 b3', 1, NULL),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO45001_2018', 'B4_RISKS_OPPORTUNITIES', 'Changes in risks and opportunities', 'INPUT', '9.3 b4', 1, NULL),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO45001_2018', 'C_POLICY_OBJECTIVES', 'Extent to which the OH&S policy and objectives have been met', 'INPUT', '9.3 c', 1, 'D4_OBJECTIVES'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO45001_2018', 'D1_INCIDENTS_NC_CA', 'Incidents, nonconformities, corrective actions and continual improvement', 'INPUT', '9.3 d1', 1, 'D1_NC_CA'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO45001_2018', 'D2_MONITORING', 'Monitoring and measurement results', 'INPUT', '9.3 d2', 1, 'D2_MONITORING'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO45001_2018', 'D3_COMPLIANCE_EVALUATION', 'Results of evaluation of compliance with legal and other requirements', 'INPUT', '9.3 d3', 1, NULL),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO45001_2018', 'D4_AUDITS', 'Audit results', 'INPUT', '9.3 d4', 1, 'D3_AUDITS'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO45001_2018', 'D5_WORKER_CONSULTATION', 'Consultation and participation of workers', 'INPUT', '9.3 d5', 1, NULL),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO45001_2018', 'D6_RISKS_OPPORTUNITIES', 'Risks and opportunities', 'INPUT', '9.3 d6', 1, NULL),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO45001_2018', 'E_RESOURCE_ADEQUACY', 'Adequacy of resources for maintaining an effective OH&S management system', 'INPUT', '9.3 e', 1, NULL),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO45001_2018', 'F_IP_COMMUNICATIONS', 'Relevant communications with interested parties', 'INPUT', '9.3 f', 1, 'E_IP_FEEDBACK'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO45001_2018', 'G_IMPROVEMENT', 'Opportunities for continual improvement', 'INPUT', '9.3 g', 1, 'G_IMPROVEMENT'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO45001_2018', 'O_WORKER_COMMUNICATION', 'Relevant outputs communicated to workers (MR-32 judges it)', 'OUTPUT', '9.3', 0, 'communications'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO27701_2019', 'P_PII_LEGAL_CHANGES', 'Changes in privacy legislation, regulation, contracts and court decisions', 'INPUT', '5.2.1 via 9.3.2 b', 1, 'B_ISSUES_CHANGES'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO27701_2019', 'P_PII_RISK', 'Privacy risk assessment (risks to PII principals) and treatment', 'INPUT', '5.4.1.2 via 9.3.2 f', 1, 'F_RISK_RTP'),
    (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'ISO27701_2019', 'P_PII_BREACHES', 'PII breaches and privacy incidents', 'INPUT', '6.13.1.5 via 9.3.2 d1', 0, 'D1_NC_CA')
ON CONFLICT DO NOTHING;

INSERT INTO review_programme ("created_at", "created_by", "name", "standards",
                              "interval_months", "tolerance_days", "coverage_mode", "active")
SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'migration-011', 'Management review programme', '["ISO27001_2022"]',
       COALESCE((SELECT planned_interval_months FROM review WHERE status <> 'CANCELLED' AND
                 planned_interval_months > 0 ORDER BY planned_date DESC, id DESC LIMIT 1), 12),
       30, 'SINGLE_MEETING', 1
WHERE NOT EXISTS (SELECT 1 FROM review_programme);
ALTER TABLE review ADD COLUMN "programme_id" INTEGER REFERENCES review_programme(id);
ALTER TABLE review ADD COLUMN "scope_ref_snapshot" TEXT;
ALTER TABLE input_item ADD COLUMN "requirement_codes" TEXT;

-- the editable reviews join the default programme (the sealed ones keep NULL: see above)
UPDATE review SET programme_id = (SELECT MIN(id) FROM review_programme),
                  row_version = row_version + 1
WHERE status IN ('PLANNED', 'DRAFT', 'RETURNED') AND programme_id IS NULL;

-- 003 lists the sealed columns of review and input_item: the new ones get guards of their own
-- (PostgreSQL's guards seal every column they are not told may change).
CREATE TRIGGER review_programme_sealed BEFORE UPDATE OF programme_id, scope_ref_snapshot ON review
WHEN OLD.status NOT IN ('PLANNED', 'DRAFT', 'RETURNED') AND
     (OLD.programme_id IS NOT NEW.programme_id OR
      OLD.scope_ref_snapshot IS NOT NEW.scope_ref_snapshot)
BEGIN SELECT RAISE(ABORT, 'sealed: review content of a review that is not a draft'); END;
CREATE TRIGGER input_item_codes_sealed BEFORE UPDATE OF requirement_codes ON input_item
WHEN (SELECT status FROM review WHERE id = OLD.review_id) NOT IN ('PLANNED', 'DRAFT', 'RETURNED')
     AND OLD.requirement_codes IS NOT NEW.requirement_codes
BEGIN SELECT RAISE(ABORT, 'sealed: input content of a review that is not a draft'); END;
