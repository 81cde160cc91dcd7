/* SPDX-License-Identifier: Apache-2.0 */
/* A per-process cache of rendered response bodies (one per store, i.e. per database), for
 * reads that are expensive to assemble and cheap to validate. Nothing here is trusted on its
 * own: every lookup passes a validator the caller has just read from the database in the
 * request's transaction (e.g. the review's row_version), and an entry is returned only when
 * its validator is byte-identical. So several Apache front ends on one database never serve
 * each other's stale bodies: a write through any of them changes the validator in the
 * database. Entries are filled only from read transactions (a write transaction may still
 * roll back). Thread-safe; bounded in entries and bytes; a full slot is simply replaced. */
#ifndef ISMS_CACHE_H
#define ISMS_CACHE_H

#include <apr_pools.h>
#include <apr_time.h>
#include <stddef.h>

typedef struct isms_cache isms_cache;

typedef struct {
    unsigned long hits, misses, stores, waits;
} isms_cache_stats;

/* slots: number of entries kept; max_entry: bodies larger than this are not kept. The budget
 * (isms_cache_set_budget) is ISMS_CACHE_DEFAULT_BUDGET until set. */
isms_cache *isms_cache_create(apr_pool_t *p, int slots, size_t max_entry);

#define ISMS_CACHE_DEFAULT_BUDGET ((size_t)64 << 20)

/* The most bytes of bodies the cache keeps in all (ISMSReviewCacheSize): storing a body that
 * takes it over evicts others (the oldest slots first, by a clock hand); a body larger than
 * the whole budget is not kept; 0 keeps nothing. */
void isms_cache_set_budget(isms_cache *c, size_t bytes);

/* The budget in bytes (ISMSReviewCacheSize, or the default). */
size_t isms_cache_budget(isms_cache *c);

/* The bytes of bodies held now (for tests and the server status). */
size_t isms_cache_bytes(isms_cache *c);

/* On a hit, copies the body and its ETag into p and returns 1. */
int isms_cache_get(isms_cache *c, apr_pool_t *p, const char *key, const char *validator,
                   const char **etag, const char **body, size_t *len);

/* The same, and on a miss claims (key, validator) for the caller (*claimed = 1), who then
 * renders it and must end the claim with isms_cache_put or isms_cache_abandon. While a claim
 * is open, other threads asking for the same key and validator wait for it (at most
 * ISMS_CACHE_WAIT) instead of rendering the same body again: after a write, the readers of a
 * popular review would otherwise all render it at once. *claimed = 0 on a hit, when the
 * wait ran out, or when another validator of the key is being rendered. */
#define ISMS_CACHE_WAIT apr_time_from_msec(2000)
int isms_cache_get_or_claim(isms_cache *c, apr_pool_t *p, const char *key,
                            const char *validator, const char **etag, const char **body,
                            size_t *len, int *claimed);

/* Stores a rendering (and ends the caller's claim of it, if any). */
void isms_cache_put(isms_cache *c, const char *key, const char *validator, const char *etag,
                    const char *body, size_t len);

/* Ends a claim without storing anything (the rendering failed). */
void isms_cache_abandon(isms_cache *c, const char *key, const char *validator);

/* Drops every entry (tests, and a process that learns its database was replaced). */
void isms_cache_clear(isms_cache *c);

isms_cache_stats isms_cache_get_stats(isms_cache *c);

#endif
