/* SPDX-License-Identifier: Apache-2.0 */
/* Per-kind behaviour: what one record kind does beyond its fields, one table per kind keyed
 * by its descriptor (isms_kinds.c). The generic operations (isms_items.c, isms_register.c,
 * isms_registers.c) call a hook when the kind has it and never test a kind's name
 * (tests/unit/check_kind_literals.sh). Every hook is optional. */
#ifndef ISMS_HOOKS_H
#define ISMS_HOOKS_H

#include "isms_api.h"
#include "isms_entity.h"

typedef struct isms_kind_hooks isms_kind_hooks;

/* flags */
#define ISMS_K_UPDATES_ONLY 0x01u   /* after approval its tracking fields change through its
                                       own endpoint (v1/actions/{id}/updates), not by PATCH */

struct isms_kind_hooks {
    unsigned flags;
    /* a server-generated item (input a): clients neither create, change nor delete it */
    int (*generated)(const json_t *doc);
    /* create: the document to validate instead of the request (an objective revising one
     * of an earlier review), and the state it revises (NULL: none) */
    isms_result (*base)(isms_ctx *ctx, long long rid, const json_t *in, json_t **base,
                        json_t **prior);
    /* validation beyond the descriptor: in the request, doc the validated (merged) item, row
     * the stored one (NULL on create); adds errors, returns non-zero when it did */
    int (*check)(const json_t *in, const json_t *doc, const json_t *row, isms_verrors *errs);
    /* resolves references to other registers into set (attendees: the people register) */
    isms_result (*resolve)(isms_ctx *ctx, const json_t *review, const json_t *merged,
                           json_t *set);
    /* create: server-owned fields of a new item */
    void (*on_create)(json_t *doc);
    isms_db_status (*before_insert)(isms_ctx *ctx, json_t *doc, const json_t *prior,
                                    const char **err);
    isms_db_status (*after_insert)(isms_ctx *ctx, long long id, long long rid,
                                   const json_t *doc, const char **err);
    /* patch while the review is a draft: the columns to set (a copy of in to adjust) */
    int (*derive)(const json_t *row, const json_t *in, const json_t *merged, json_t *set,
                  isms_verrors *errs);
    /* patch: server-owned fields of every change (set holds the columns written) */
    void (*on_patch)(const json_t *row, json_t *set);
    isms_db_status (*after_update)(isms_ctx *ctx, long long id, long long rid,
                                   const json_t *row, const json_t *merged, const char **err);
    /* delete: the refusal (409) of an item with history, status 0 when it may go */
    isms_result (*deletable)(isms_ctx *ctx, const json_t *row, long long id);
    /* read: what an item shows beyond its row (full: the single-item view) */
    isms_db_status (*extras)(isms_ctx *ctx, json_t *item, int full, const char **err);
    /* create: the extras of an item just inserted, known without reading (NULL: read
     * them with extras) */
    void (*new_extras)(isms_ctx *ctx, json_t *item);
    /* read: the same for a list at once (NULL: extras item by item) */
    isms_db_status (*list_extras)(isms_ctx *ctx, json_t *items, const char **err);
    /* the cross-review register (v1/objectives ...): the items as the register shows them */
    void (*register_view)(json_t *items);
};

/* The hooks of e; a table of NULLs when it has none. */
const isms_kind_hooks *isms_hooks(const isms_entity *e);

#endif
