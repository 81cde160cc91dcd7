/* SPDX-License-Identifier: Apache-2.0 */
/* Entities as data: one descriptor per record kind (fields, types, enums, limits, flags, SQL
 * columns) drives validation (isms_validate.c), the JSON mapping and the SQL
 * (isms_record.c). Only rules that really differ between kinds are code (cross-field
 * checks, named in the descriptor). */
#ifndef ISMS_ENTITY_H
#define ISMS_ENTITY_H

#include <jansson.h>

typedef enum {
    ISMS_F_STRING,      /* one line of text */
    ISMS_F_TEXT,        /* free text, may hold newlines */
    ISMS_F_ENUM,
    ISMS_F_DATE,        /* YYYY-MM-DD, a real calendar date */
    ISMS_F_USER,        /* a user name as Apache authenticates it */
    ISMS_F_BOOL,
    ISMS_F_INT,
    ISMS_F_NUMBER,      /* finite decimal number */
    ISMS_F_REF,         /* id of another item of the same review (decision_id ...) */
    ISMS_F_OBJECT,      /* a fixed object: stored flattened as <name>_<sub> columns */
    ISMS_F_LIST,        /* array of strings / enums / ids / objects: stored as JSON text */
    ISMS_F_TIMESTAMP,   /* server-owned RFC 3339 UTC timestamp */
    ISMS_F_JSON         /* a free-form JSON object (max_bytes as compact JSON): stored as JSON
                           text, read back as the object (objective.prior_state) */
} isms_ftype;

/* flags */
#define ISMS_REQ       0x01u   /* required on create */
#define ISMS_SERVER    0x02u   /* server-owned: a client that sends it gets a 422 */
#define ISMS_TRACKING  0x04u   /* tracking data: stays writable after approval */
#define ISMS_FILTER    0x08u   /* usable as a list filter (?name=value) */
#define ISMS_NOCOL     0x10u   /* not a column of the entity's table (derived / elsewhere) */
#define ISMS_WORKFLOW  0x40u   /* the review's workflow state (status, version, submission,
                                  approval, hash): moved by the transitions, so not sealed by
                                  the seal guard (isms_guards.c; the status and approval
                                  guards of migrations 003/004 keep it in line) */
#define ISMS_ADDED     0x20u   /* added by a later migration: left out of the sealed content
                                  while null, so versions sealed before it still verify */

typedef struct isms_field isms_field;
struct isms_field {
    const char *name;                 /* JSON name; the SQL column is the same */
    isms_ftype type;
    unsigned flags;
    int max_chars;                    /* strings: characters (code points) */
    int max_bytes;                    /* strings: bytes of UTF-8 */
    const char *const *enums;         /* ENUM, or LIST of enums; NULL-terminated */
    const char *const *labels;        /* the human label of each enum value, same order */
    double min, max;                  /* INT / NUMBER range (when min < max) */
    isms_ftype item_type;             /* LIST: the type of each element */
    const isms_field *sub;            /* OBJECT, or LIST of objects: the members */
    const char *ref_kind;             /* REF / LIST of REF: the kind referred to */
    int max_items;                    /* LIST */
    const char *only_for;             /* input fields of one category: "B_ISSUES_CHANGES" */
    const char *default_value;        /* stored when absent on create (enums, numbers) */
};

/* The server-owned fields every register row carries (people, programmes, requirements;
 * records and items add their ref): id and who created and last changed it, when. */
#define ISMS_STAMP_FIELDS \
    {.name = "id", .type = ISMS_F_INT, .flags = ISMS_SERVER}, \
    {.name = "created_at", .type = ISMS_F_TIMESTAMP, .flags = ISMS_SERVER}, \
    {.name = "created_by", .type = ISMS_F_USER, .flags = ISMS_SERVER, .max_chars = 256, \
     .max_bytes = 768}, \
    {.name = "updated_at", .type = ISMS_F_TIMESTAMP, .flags = ISMS_SERVER}, \
    {.name = "updated_by", .type = ISMS_F_USER, .flags = ISMS_SERVER, .max_chars = 256, \
     .max_bytes = 768}

typedef struct isms_entity isms_entity;

/* A cross-field rule: adds field errors with isms_verr(). */
typedef struct isms_verrors isms_verrors;
typedef void isms_crossfield_fn(const isms_entity *e, const json_t *merged,
                                const json_t *review, isms_verrors *errs);

struct isms_entity {
    const char *kind;                 /* "action" */
    const char *collection;           /* "actions": the URL segment */
    const char *table;                /* "action" */
    const char *ref_code;             /* "A": MR-2026-01-A03 */
    const isms_field *fields;         /* ends at a NULL name */
    isms_crossfield_fn *crossfield;   /* per-kind behaviour beyond fields: isms_hooks.h */
};

extern const isms_entity isms_entity_review;
extern const isms_entity *const isms_item_entities[];   /* the nine item kinds; NULL-ended */
/* Request bodies that are not records: POST v1/actions/{id}/updates (isms_registers.c),
 * v1/objectives/{id}/measurements, v1/reviews/{id}/<transition> (isms_workflow.c),
 * .../waivers and .../acknowledgements (isms_waivers.c), PATCH
 * v1/reviews/{id}/action-snapshots/{id} (isms_snapshots.c), PUT .../previous-external
 * (isms_prior.c); all seven in isms_body_entities, NULL-ended. */
extern const isms_entity isms_entity_action_update, isms_entity_measurement,
    isms_entity_transition, isms_entity_waiver, isms_entity_acknowledgement,
    isms_entity_action_snapshot, isms_entity_previous_external;
extern const isms_entity *const isms_body_entities[];
/* The item kinds by name: code that means one kind names its descriptor, never its string
 * (tests/unit/check_kind_literals.sh). */
extern const isms_entity isms_entity_attendee, isms_entity_input, isms_entity_decision,
    isms_entity_action, isms_entity_improvement, isms_entity_change, isms_entity_objective,
    isms_entity_resource, isms_entity_communication;
extern const isms_entity isms_entity_person;             /* the people register (v1/people) */
extern const char *const isms_standards[];              /* StandardCode (A.1); NULL-ended */
extern const char *const isms_input_categories[];       /* ISO 27001 inputs (A.4); NULL-ended */

const isms_entity *isms_entity_by_collection(const char *collection);
const isms_entity *isms_entity_by_kind(const char *kind);
const isms_field *isms_entity_field(const isms_entity *e, const char *name);
int isms_enum_valid(const char *const *enums, const char *value);
/* Whether a field is part of the content sealed on approval (isms_seal_content): not
 * tracking data, not the volatile bookkeeping (updated_at/by, the review's status and hash). */
int isms_field_sealed(const isms_entity *e, const isms_field *f);
/* The human label of an enum value of a field ("ISMS_CHANGE" -> "Change to the ISMS"); the
 * value itself when the field has no label for it. */
const char *isms_enum_label(const isms_field *f, const char *value);

/* Enum lists shared by more than one descriptor. */
extern const char *const isms_action_states[], *const isms_action_states_labels[];

/* Validation errors, collected for one problem document. Only the first ISMS_VERR_MAX are
 * described; each further one is a JSON null in the list, so that the 422 can say how many
 * there were (isms_res_invalid) without a megabyte of errors for a body of unknown keys. */
#define ISMS_VERR_MAX 50
struct isms_verrors {
    json_t *list;                     /* [{"field","code","message"}] */
};
void isms_verr(isms_verrors *errs, const char *field, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
