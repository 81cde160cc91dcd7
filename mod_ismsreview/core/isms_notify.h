/* SPDX-License-Identifier: Apache-2.0 */
/* Reminders (issue 13): what each person needs to know today, read from the record. Pure
 * data; composing and sending the mails is ismsreview-admin's (tools/notify.c). */
#ifndef ISMS_NOTIFY_H
#define ISMS_NOTIFY_H

#include "isms_api.h"

/* The digests due on ctx->today, one per person, as a JSON object keyed by the person's
 * identity key (isms_user_key):
 *   {"login", "name", "email", "items": [{"kind", "ref", "title", "date", "days", "link",
 *                                         "review"}]}
 * kinds, for the people they concern:
 *   action_overdue, action_due (within days_ahead)         the action's owner
 *   effectiveness_check (a COMPLETED action to verify)     the author of its review
 *   approval (a SUBMITTED review)                          every current top manager in
 *                                                          the people register who has not
 *                                                          approved it and did not write it
 *   replan_needed (an overdue action)                      the author of its review
 *   communication_planned (PLANNED, review PUBLISHED)      the author of the review
 *   review_due (the next review, within days_ahead)        the author of the latest review
 * name and email come from the people register when it has the login (else null). "link" is
 * the path in the web UI below its base ("#/reviews/3", "#/actions/12"). People who already
 * got their digest today (the notification table) are left out. */
isms_db_status isms_notify_collect(isms_ctx *ctx, int days_ahead, json_t **out,
                                   const char **err);

/* Records a digest sent (the notification row and its audit event) in the current write
 * transaction. */
typedef struct {
    const char *login, *key, *email, *message_id, *subject, *content_sha256;
    int items;
} isms_notification;

isms_db_status isms_notify_record(isms_ctx *ctx, const isms_notification *n,
                                  const char **err);

#endif
