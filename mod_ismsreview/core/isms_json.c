/* SPDX-License-Identifier: Apache-2.0 */
#include "isms_json.h"

#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>

static apr_status_t json_cleanup(void *data)
{
    json_decref((json_t *)data);
    return APR_SUCCESS;
}

json_t *isms_json_pool(apr_pool_t *p, json_t *j)
{
    if (j) apr_pool_cleanup_register(p, j, json_cleanup, apr_pool_cleanup_null);
    return j;
}

const char *isms_json_dump(apr_pool_t *p, const json_t *j, size_t *len)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    char *copy;
    size_t n;

    if (!s) return NULL;
    n = strlen(s);
    copy = apr_pstrmemdup(p, s, n);
    free(s);
    if (len) *len = n;
    return copy;
}

json_t *isms_problem(apr_pool_t *p, int status, const char *slug, const char *title,
                     const char *detail)
{
    json_t *j = json_object();

    json_object_set_new(j, "type", json_string(apr_pstrcat(p, "urn:ismsreview:problem:",
                                                           slug, NULL)));
    json_object_set_new(j, "title", json_string(title));
    json_object_set_new(j, "status", json_integer(status));
    if (detail) json_object_set_new(j, "detail", json_string(detail));
    return isms_json_pool(p, j);
}

void isms_problem_add_error(json_t *problem, const char *field, const char *code,
                            const char *message)
{
    json_t *errors = json_object_get(problem, "errors");
    json_t *e = json_object();

    if (!errors) {
        errors = json_array();
        json_object_set_new(problem, "errors", errors);
    }
    json_object_set_new(e, "field", json_string(field));
    json_object_set_new(e, "code", json_string(code));
    json_object_set_new(e, "message", json_string(message));
    json_array_append_new(errors, e);
}
