/* SPDX-License-Identifier: Apache-2.0 */
/* The routes of the API as the contract describes them (isms_openapi.c): one line per route
 * method, by the module's own pattern (mod_ismsreview/httpd/isms_routes.c). The module
 * checks at start-up that both tables list the same routes (ISMS21040). */
#include "isms_openapi.h"
#include "isms_programme.h"

#include <stddef.h>

/* statuses: besides 400 403 500 503 (every route) and 401 (every route with a user). */
#define ID "404"
#define WRITE "413 415 422"
#define MATCH "412 428"

const isms_route_doc isms_route_docs[] = {
    {"v1/health", "GET", "Health of the module and its database", NULL, "Health", 200, NULL,
     "", "", ISMS_DOC_PUBLIC, NULL},
    {"v1/me", "GET", "The authenticated user and the roles ISMSReviewRole grants", NULL, "Me",
     200, NULL, "", "", 0, NULL},
    {"v1/schema", "GET", "The record kinds: fields, types, limits, enum values with labels",
     NULL, "Schema", 200, NULL, "", "", 0, NULL},
    {"v1/openapi.json", "GET", "This contract", NULL, "OpenApi", 200, NULL, "", "", 0, NULL},
    {"v1/reviews", "GET", "List reviews", NULL, "ReviewList", 200, NULL, "",
     "year limit cursor", ISMS_DOC_FILTERS, &isms_entity_review},
    {"v1/reviews", "POST", "Create a review (DRAFT)", "ReviewCreate", "Review", 201, NULL,
     WRITE, "", 0, NULL},
    {"v1/reviews/{id}", "GET", "A review with all its items; ?version=n: a sealed version",
     NULL, "ReviewOrVersion", 200, NULL, ID " 304", "version", 0, NULL},
    {"v1/reviews/{id}", "PATCH", "Change a review (If-Match)", "ReviewPatch", "Review", 200,
     NULL, ID " 409 " WRITE " " MATCH, "", 0, NULL},
    {"v1/reviews/{id}/check", "GET", "The completeness check (findings)", NULL, "Check", 200,
     NULL, ID, "", 0, NULL},
    {"v1/reviews/{id}/history", "GET", "Versions, transitions, approvals and waivers", NULL,
     "History", 200, NULL, ID, "", 0, NULL},
    {"v1/reviews/{id}/report", "GET", "The review record (minutes) as HTML, JSON or CSV",
     NULL, "ReviewReport", 200, "text/html text/csv", ID, "format version", 0, NULL},
    {"v1/reviews/{id}/evidence", "GET", "The evidence pack of a sealed version (ZIP)", NULL,
     NULL, 200, "application/zip", ID " 409", "version", 0, NULL},
    {"v1/reviews/{id}/waivers", "POST", "Waive a finding (approvers)", "Waiver", "Check",
     201, NULL, ID " 409 " WRITE, "", 0, NULL},
    {"v1/reviews/{id}/acknowledgements", "POST", "Acknowledge a warning (approvers; drafts "
     "and submitted reviews)", "Acknowledgement", "Check", 201, NULL, ID " 409 " WRITE, "", 0,
     NULL},
    {"v1/reviews/{id}/action-snapshots/{id}", "PATCH", "Conclude on a carried-over action "
     "of input a (drafts, If-Match of the review)", "ActionSnapshot", "Review", 200, NULL,
     ID " 409 " WRITE " " MATCH, "", 0, NULL},
    {"v1/reviews/{id}/previous-external", "PUT", "Declare the previous review, held outside "
     "the system, with its open actions (drafts, If-Match of the review)", "PreviousExternal",
     "Review", 200, NULL, ID " 409 " WRITE " " MATCH, "", 0, NULL},
    {"v1/reviews/{id}/previous-external", "DELETE", "Remove the declared previous review "
     "(drafts, If-Match of the review)", NULL, "Review", 200, NULL, ID " 409 422 " MATCH, "", 0,
     NULL},
    {"v1/reviews/{id}/prior-actions/{id}", "PATCH", "Conclude on an action of the previous "
     "review held outside the system (drafts, If-Match of the review)", "ActionSnapshot",
     "Review", 200, NULL, ID " 409 " WRITE " " MATCH, "", 0, NULL},
    {"v1/reviews/{id}/attachments", "GET", "The evidence files attached to a review", NULL,
     "AttachmentList", 200, NULL, ID, "", 0, NULL},
    {"v1/reviews/{id}/attachments", "POST", "Attach a file (the raw body; name in "
     "Content-Disposition; ?item=<collection>/<id>)", "*/*", "Attachment", 201, NULL,
     ID " 409 411 " WRITE " 501", "item", 0, NULL},
    {"v1/attachments/{id}", "GET", "The bytes of an attachment, re-hashed before they are sent",
     NULL, NULL, 200, "*/*", ID " 304", "", 0, NULL},
    {"v1/attachments/{id}", "DELETE", "Delete an attachment of a draft", NULL, NULL, 204, NULL,
     ID " 409 422 " MATCH, "", 0, NULL},
    {"v1/reviews/{id}/refresh-d4", "POST", "Refresh the derived input d4 from the objective "
     "register (drafts)", NULL, "Review", 200, NULL, ID " 409 " WRITE, "", 0, NULL},
    {"v1/reviews/{id}/{wf}", "POST", "Workflow transition", "Transition", "Review", 200,
     NULL, ID " 409 " WRITE " " MATCH, "", ISMS_DOC_PER_TRANSITION, NULL},
    {"v1/reviews/{id}/{coll}", "GET", "List the items of a review", NULL, "*List", 200, NULL,
     ID, "limit cursor", ISMS_DOC_PER_KIND | ISMS_DOC_FILTERS, NULL},
    {"v1/reviews/{id}/{coll}", "POST", "Add an item to a review", "*Create", "*", 201, NULL,
     ID " 409 " WRITE, "", ISMS_DOC_PER_KIND, NULL},
    {"v1/reviews/{id}/{coll}/{id}", "GET", "One item of a review", NULL, "*", 200, NULL,
     ID " 304", "", ISMS_DOC_PER_KIND, NULL},
    {"v1/reviews/{id}/{coll}/{id}", "PATCH", "Change an item (If-Match)", "*Patch", "*", 200,
     NULL, ID " 409 " WRITE " " MATCH, "", ISMS_DOC_PER_KIND, NULL},
    {"v1/reviews/{id}/{coll}/{id}", "DELETE", "Delete an item (If-Match)", NULL, NULL, 204,
     NULL, ID " 409 422 " MATCH, "", ISMS_DOC_PER_KIND, NULL},
    {"v1/actions", "GET", "The action register across reviews", NULL, "ActionList", 200, NULL,
     "", "review review_ref overdue limit cursor", ISMS_DOC_FILTERS,
     &isms_entity_action},
    {"v1/actions/{id}/updates", "GET", "Progress updates of an action", NULL, "ActionUpdates",
     200, NULL, ID, "", 0, NULL},
    {"v1/actions/{id}/updates", "POST", "Report progress on an action (owner or author)",
     "ActionUpdate", "Action", 201, NULL, ID " 409 " WRITE, "", 0, NULL},
    {"v1/objectives", "GET", "The objective register across reviews", NULL, "ObjectiveList",
     200, NULL, "", "review review_ref limit cursor", ISMS_DOC_FILTERS,
     &isms_entity_objective},
    {"v1/objectives/{id}/revisions", "GET", "The revisions of an objective", NULL,
     "ObjectiveRevisions", 200, NULL, ID, "", 0, NULL},
    {"v1/objectives/{id}/revisions", "POST", "Revise an objective through a decision",
     "ObjectiveRevise", "ObjectiveRevisions", 201, NULL, ID " 409 " WRITE, "", 0, NULL},
    {"v1/people", "GET", "The people register (who a login is)", NULL, "PersonList", 200,
     NULL, "", "login active limit cursor", 0, NULL},
    {"v1/people", "POST", "Add a person (admins)", "PersonCreate", "Person", 201, NULL,
     "409 " WRITE, "", 0, NULL},
    {"v1/people/{id}", "GET", "One person", NULL, "Person", 200, NULL, ID " 304", "", 0, NULL},
    {"v1/people/{id}", "PATCH", "Change a person (admins, If-Match)", "PersonPatch", "Person",
     200, NULL, ID " 409 " WRITE " " MATCH, "", 0, NULL},
    {"v1/people/{id}", "PUT", "Replace a person (admins, If-Match)", "PersonCreate", "Person",
     200, NULL, ID " 409 " WRITE " " MATCH, "", 0, NULL},
    {"v1/people/{id}", "DELETE", "Deactivate a person (admins, If-Match; the row stays)", NULL,
     NULL, 204, NULL, ID " 409 422 " MATCH, "", 0, NULL},
    {"v1/audit", "GET", "The audit trail (auditors, admins)", NULL, "AuditList", 200, NULL,
     "", "actor entity action review review_ref limit cursor", 0, NULL},
    {"v1/audit/verify", "GET", "Verify the hash chain of the audit trail", NULL,
     "AuditVerify", 200, NULL, "", "after head", 0, NULL},
    {"v1/reports/dashboard", "GET", "The management dashboard", NULL, "DashboardReport", 200,
     "text/html", "", "format", 0, NULL},
    {"v1/reports/actions", "GET", "The action register report", NULL, "ActionsReport", 200,
     "text/html text/csv", "", "format status owner overdue review", 0, NULL},
    {"v1/reports/compliance", "GET", "The clause 9.3 compliance matrix", NULL,
     "ComplianceReport", 200, "text/html text/csv", "", "format year from to", 0, NULL},
    {"v1/calendar.ics", "GET", "Review dates and action due dates (iCalendar)", NULL, NULL,
     200, "text/calendar", "", "owner", 0, NULL},
    {"v1/objectives/{id}/measurements", "GET", "KPI measurements of an objective", NULL,
     "Measurements", 200, NULL, ID, "from to", 0, NULL},
    {"v1/objectives/{id}/measurements", "POST", "Record a KPI measurement", "Measurement",
     "Measurements", 201, NULL, ID " 409 " WRITE, "", 0, NULL},
    {"v1/programmes", "GET", "The review programmes (interval, tolerance, scope, cycle)",
     NULL, "ProgrammeList", 200, NULL, "", "active limit cursor", 0, NULL},
    {"v1/programmes", "POST", "Add a review programme (admins)", "ProgrammeCreate",
     "Programme", 201, NULL, "409 " WRITE, "", 0, NULL},
    {"v1/programmes/{id}", "GET", "One review programme, with its next due date", NULL,
     "Programme", 200, NULL, ID " 304", "", 0, NULL},
    {"v1/programmes/{id}", "PATCH", "Change a review programme (admins, If-Match)",
     "ProgrammePatch", "Programme", 200, NULL, ID " 409 " WRITE " " MATCH, "", 0, NULL},
    {"v1/catalogue", "GET", "The input catalogue: the requirements each standard asks a "
     "review to cover", NULL, "RequirementList", 200, NULL, "", "mandatory", ISMS_DOC_FILTERS,
     &isms_entity_requirement},
    {"v1/catalogue", "POST", "Add a custom requirement (admins)", "RequirementCreate",
     "Requirement", 201, NULL, "409 " WRITE, "", 0, NULL},
    {"v1/catalogue/{id}", "GET", "One requirement of the catalogue", NULL, "Requirement", 200,
     NULL, ID " 304", "", 0, NULL},
    {"v1/catalogue/{id}", "DELETE", "Delete a custom requirement (admins; seeded ones stay)",
     NULL, NULL, 204, NULL, ID " 409", "", 0, NULL},
    {NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, 0, NULL}};

const char *isms_openapi_route(int i, const char **method)
{
    if (i < 0 || i >= (int)(sizeof(isms_route_docs) / sizeof(isms_route_docs[0])) - 1) {
        return NULL;
    }
    *method = isms_route_docs[i].method;
    return isms_route_docs[i].pattern;
}
