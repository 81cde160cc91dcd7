/* SPDX-License-Identifier: Apache-2.0 */
/* The completeness check's engine: one finding per gap, each about one subject; waivers
 * (of E findings) and acknowledgements (of W findings) are per rule and subject; the counts
 * that gate submission (blocking) and approval (unacknowledged). The rules themselves are in
 * isms_rules_input.c and isms_rules_result.c. */
#include "isms_rules.h"
#include "isms_rules_int.h"
#include "isms_ops.h"
#include "isms_json.h"

#include <apr_strings.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *isms_rules_str(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

#define jstr isms_rules_str

int isms_rules_empty(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);

    return !v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)) ||
           (json_is_array(v) && json_array_size(v) == 0);
}

const json_t *isms_rules_items(const isms_rules_ctx *c, const char *coll)
{
    return json_object_get(c->review, coll);
}

static const char *subject_of(apr_pool_t *p, const char *entity, const json_t *item,
                              const char *field, const char *clause)
{
    const json_t *ref = json_object_get(item, "ref"), *id = json_object_get(item, "id");
    const char *key = json_is_string(ref) ? json_string_value(ref)
                      : json_is_integer(id) ? apr_psprintf(p, "%" APR_INT64_T_FMT,
                                                           (apr_int64_t)json_integer_value(id))
                      : clause;

    return apr_pstrcat(p, entity, ":", key, ":", field ? field : "", NULL);
}

/* The waiver or acknowledgement of this finding: same rule, same subject. A waiver given
 * before waivers named a subject (no "subject") covers its rule, as it did then. */
static const json_t *match(const json_t *list, const char *rule, const char *subject,
                           int legacy_ok)
{
    const json_t *w;
    size_t i;

    json_array_foreach(list, i, w) {
        const char *s = jstr(w, "subject");
        if (!strcmp(jstr(w, "rule_id"), rule) && ((s && !strcmp(s, subject)) ||
                                                  (!s && legacy_ok))) {
            return w;
        }
    }
    return NULL;
}

static json_t *or_null(const json_t *v)
{
    return v ? (json_t *)v : json_null();
}

void isms_rules_finding(isms_rules_ctx *c, const char *rule, const char *clause, char sev,
                        const char *entity, const json_t *item, const char *field,
                        const char *fmt, ...)
{
    json_t *f = json_object();
    const char *subject = c->subject_key ? apr_pstrcat(c->p, entity, ":", c->subject_key, ":",
                                                       field ? field : "", NULL)
                                         : subject_of(c->p, entity, item, field, clause);
    const json_t *w = sev == 'E' ? match(c->waivers, rule, subject, 1) : NULL;
    const json_t *ack = sev == 'W' ? match(c->acks, rule, subject, 0) : NULL;
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    json_object_set_new(f, "rule", json_string(rule));
    json_object_set_new(f, "clause", json_string(clause));
    json_object_set_new(f, "severity", json_string(sev == 'E' ? "E" : "W"));
    json_object_set_new(f, "message", json_string(msg));
    json_object_set_new(f, "entity", json_string(entity));
    json_object_set(f, "entity_id", or_null(json_object_get(item, "id")));
    json_object_set(f, "entity_ref", or_null(json_object_get(item, "ref")));
    json_object_set_new(f, "field", field ? json_string(field) : json_null());
    json_object_set_new(f, "subject", json_string(subject));
    json_object_set_new(f, "waived", json_boolean(w != NULL));
    json_object_set(f, "waiver", w ? (json_t *)w : json_null());
    json_object_set_new(f, "acknowledged", json_boolean(ack != NULL));
    json_object_set(f, "acknowledgement", ack ? (json_t *)ack : json_null());
    json_array_append_new(c->findings, f);
}

void isms_rules_na(isms_rules_ctx *c, const char *rule, const char *why)
{
    if (!json_object_get(c->not_evaluated, rule)) {
        json_object_set_new(c->not_evaluated, rule, json_string(why));
    }
}

static int in_scope(const json_t *review, const char *std)
{
    const json_t *s;
    size_t i;

    json_array_foreach(json_object_get(review, "standards"), i, s) {
        if (!strcmp(json_string_value(s), std)) return 1;
    }
    return 0;
}

/* errors, warnings, blocking (E not waived), unacknowledged (W not acknowledged) */
void isms_rules_count(json_t *doc)
{
    const json_t *f;
    size_t i;
    json_int_t errors = 0, warnings = 0, blocking = 0, unack = 0;

    json_array_foreach(json_object_get(doc, "findings"), i, f) {
        int e = !strcmp(jstr(f, "severity"), "E");
        errors += e;
        warnings += !e;
        blocking += e && !json_is_true(json_object_get(f, "waived"));
        unack += !e && !json_is_true(json_object_get(f, "acknowledged"));
    }
    json_object_set_new(doc, "errors", json_integer(errors));
    json_object_set_new(doc, "warnings", json_integer(warnings));
    json_object_set_new(doc, "blocking", json_integer(blocking));
    json_object_set_new(doc, "unacknowledged", json_integer(unack));
}

json_t *isms_rules_run(apr_pool_t *p, const json_t *review, const json_t *previous,
                       const json_t *waivers, const json_t *acks, const char *today)
{
    /* a previous review held outside the system stands in for one in it (isms_prior.h) */
    isms_rules_ctx c = {p, json_array(), json_object(), review,
                        previous ? previous : json_object_get(review, "previous_external"),
                        waivers, acks, today, NULL, 0, 0, 0, 0};
    json_t *out = json_object();

    c.in_scope_14001 = in_scope(review, "ISO14001_2015");
    c.in_scope_9001 = in_scope(review, "ISO9001_2015");
    c.in_scope_22301 = in_scope(review, "ISO22301_2019");
    c.in_scope_45001 = in_scope(review, "ISO45001_2018");
    isms_rules_inputs(&c);
    isms_rules_results(&c);
    isms_rules_programme(&c);
    json_object_set_new(out, "findings", c.findings);
    json_object_set_new(out, "not_evaluated", c.not_evaluated);
    isms_rules_count(out);
    return out;
}
