/* SPDX-License-Identifier: Apache-2.0 */
#include "isms_gates.h"
#include "isms_json.h"

#include <string.h>

int isms_gate_submit_blocked(const json_t *check)
{
    return json_integer_value(json_object_get(check, "blocking")) > 0;
}

json_t *isms_gate_unacknowledged(const json_t *check)
{
    json_t *open;
    const json_t *f;
    size_t i;

    if (json_integer_value(json_object_get(check, "unacknowledged")) == 0) return NULL;
    open = json_array();
    json_array_foreach(json_object_get(check, "findings"), i, f) {
        const char *sev = isms_jstr(f, "severity");
        if (sev && !strcmp(sev, "W") && !json_is_true(json_object_get(f, "acknowledged"))) {
            json_array_append(open, (json_t *)f);
        }
    }
    return open;
}
