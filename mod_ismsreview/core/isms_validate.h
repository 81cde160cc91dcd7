/* SPDX-License-Identifier: Apache-2.0 */
/* Validation at the boundary, driven by the entity descriptors. */
#ifndef ISMS_VALIDATE_H
#define ISMS_VALIDATE_H

#include <apr_pools.h>
#include <jansson.h>

#include "isms_entity.h"

typedef enum { ISMS_V_CREATE, ISMS_V_PATCH } isms_vmode;

/* Validates a client document against e. For PATCH, current is the stored item and only the
 * fields sent are checked for presence; the cross-field rules see the merged result. review
 * (may be NULL) is the parent review for rules that need it. Returns the merged document
 * (new reference; defaults applied on create) or NULL when errs->list is not empty. */
json_t *isms_validate(const isms_entity *e, const json_t *in, isms_vmode mode,
                      const json_t *current, const json_t *review, isms_verrors *errs);

/* YYYY-MM-DD and a real calendar date from 1900 to 2999. */
int isms_date_valid(const char *s);

/* Checks one string against the limits of a field: NULL if fine, else an error code. */
const char *isms_check_string(const isms_field *f, const char *s, size_t len);

/* The date a review is held (held_to, held_from or planned_date). */
const char *isms_review_date(const json_t *review);

/* The JSON nesting depth of a raw document (strings skipped); stops counting at limit+1. */
int isms_json_depth(const char *buf, size_t len, int limit);

#endif
