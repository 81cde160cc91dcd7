/* SPDX-License-Identifier: Apache-2.0 */
/* Adapters from a parsed request to the core operations (isms_route_ops.c). Each has the
 * shape isms_op_fn: (isms_ctx *, void *arg) where arg is the isms_req. */
#ifndef ISMS_ROUTE_OPS_H
#define ISMS_ROUTE_OPS_H

#include "isms_txn.h"

isms_op_fn isms_op_review_list, isms_op_review_create, isms_op_review_get,
    isms_op_review_patch, isms_op_item_list, isms_op_item_create, isms_op_item_get,
    isms_op_item_patch, isms_op_item_delete, isms_op_actions, isms_op_action_updates,
    isms_op_action_update, isms_op_objectives, isms_op_measurements,
    isms_op_measurement_create, isms_op_objective_revisions,
    isms_op_objective_revision_create, isms_op_d4_refresh, isms_op_check, isms_op_history,
    isms_op_waive, isms_op_acknowledge, isms_op_snapshot_conclude,
    isms_op_prior_line_conclude, isms_op_prior_put, isms_op_prior_delete,
    isms_op_workflow, isms_op_audit, isms_op_audit_verify;

/* isms_route_people.c */
isms_op_fn isms_op_people_list, isms_op_person_get, isms_op_person_create,
    isms_op_person_patch, isms_op_person_put, isms_op_person_delete;

/* isms_route_programme.c */
isms_op_fn isms_op_programmes_list, isms_op_programme_get, isms_op_programme_create,
    isms_op_programme_patch, isms_op_catalogue_list, isms_op_catalogue_get,
    isms_op_catalogue_create,
    isms_op_catalogue_delete;

/* isms_route_evidence.c */
isms_op_fn isms_op_evidence;

/* isms_route_attach.c */
isms_op_fn isms_op_attach_list, isms_op_attach_create, isms_op_attach_get,
    isms_op_attach_delete;

/* isms_route_reports.c */
isms_op_fn isms_op_report_review, isms_op_report_dashboard, isms_op_report_actions,
    isms_op_report_compliance, isms_op_calendar;

#endif
