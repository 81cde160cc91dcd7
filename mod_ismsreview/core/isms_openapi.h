/* SPDX-License-Identifier: Apache-2.0 */
/* The OpenAPI 3.1 contract: the route table it describes (isms_openapi_routes.c) and the
 * document built from it and the entity descriptors (isms_openapi.c). */
#ifndef ISMS_OPENAPI_H
#define ISMS_OPENAPI_H

#include "isms_schema.h"

#define ISMS_DOC_PUBLIC 1u           /* no authentication (v1/health) */
#define ISMS_DOC_PER_KIND 2u         /* {coll}: one path per item kind */
#define ISMS_DOC_PER_TRANSITION 4u   /* {wf}: one path per workflow transition */
#define ISMS_DOC_FILTERS 8u          /* list filters: the kind's ISMS_FILTER fields (the
                                      * route's kind, or each item kind for ISMS_DOC_PER_KIND) */

typedef struct {
    const char *pattern;     /* the module's route pattern */
    const char *method;      /* "GET", "POST", "PATCH", "DELETE" */
    const char *summary;
    const char *request;     /* component of the JSON request body; "*Create": per kind;
                              * a media type (with a slash): a raw body of that type */
    const char *response;    /* component of the JSON 2xx body ("*": the kind); NULL: none */
    int ok;                  /* the success status */
    const char *media;       /* other media types of the success body: "text/html text/csv" */
    const char *errors;      /* statuses besides those of every route: "404 409" */
    const char *query;       /* query parameters: "limit cursor" */
    unsigned flags;
    const isms_entity *entity;   /* ISMS_DOC_FILTERS of one kind: its filter fields */
} isms_route_doc;

extern const isms_route_doc isms_route_docs[];   /* ends at a NULL pattern */

/* isms_openapi_bodies.c: the schemas of the bodies that are not records (problem, check,
 * history, registers, audit, reports), and the members the core derives for a record kind
 * ("review", "action", ...) on top of its descriptor: an object of properties. */
json_t *isms_openapi_bodies(void);
json_t *isms_openapi_extras(const char *kind);

#endif
