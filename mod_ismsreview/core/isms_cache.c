/* SPDX-License-Identifier: Apache-2.0 */
#include "isms_cache.h"

#include <apr_strings.h>
#include <apr_thread_cond.h>
#include <apr_thread_mutex.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *key;            /* NULL: empty slot */
    char *validator;
    char *etag;
    char *body;
    size_t len;
    char *filling;        /* "key\nvalidator" a thread of this process is rendering, or NULL */
} entry;

struct isms_cache {
    apr_thread_mutex_t *lock;
    apr_thread_cond_t *filled;     /* broadcast when a rendering is stored or abandoned */
    entry *slots;
    int nslots;
    size_t max_entry;
    size_t budget, bytes;          /* ISMSReviewCacheSize; bytes of bodies held */
    int hand;                      /* the next slot eviction looks at */
    isms_cache_stats stats;
};

static void entry_free(entry *e)
{
    free(e->key);
    free(e->validator);
    free(e->etag);
    free(e->body);
    free(e->filling);
    memset(e, 0, sizeof(*e));
}

static apr_status_t cache_cleanup(void *data)
{
    isms_cache *c = data;
    int i;

    for (i = 0; i < c->nslots; i++) entry_free(&c->slots[i]);
    return APR_SUCCESS;
}

isms_cache *isms_cache_create(apr_pool_t *p, int slots, size_t max_entry)
{
    isms_cache *c = apr_pcalloc(p, sizeof(*c));

    if (slots < 1) slots = 1;
    if (apr_thread_mutex_create(&c->lock, APR_THREAD_MUTEX_DEFAULT, p) != APR_SUCCESS ||
        apr_thread_cond_create(&c->filled, p) != APR_SUCCESS) {
        return NULL;
    }
    c->slots = apr_pcalloc(p, sizeof(entry) * (size_t)slots);
    c->nslots = slots;
    c->max_entry = max_entry;
    c->budget = ISMS_CACHE_DEFAULT_BUDGET;
    apr_pool_cleanup_register(p, c, cache_cleanup, apr_pool_cleanup_null);
    return c;
}

/* FNV-1a: the slot of a key (one key per slot: a colliding key replaces the entry). */
static entry *slot_of(isms_cache *c, const char *key)
{
    unsigned long h = 2166136261UL;

    for (; *key; key++) h = (h ^ (unsigned char)*key) * 16777619UL;
    return &c->slots[h % (unsigned long)c->nslots];
}

static int is_filling(const entry *e, const char *key, const char *validator)
{
    size_t n = strlen(key);

    return e->filling && strncmp(e->filling, key, n) == 0 && e->filling[n] == '\n' &&
           strcmp(e->filling + n + 1, validator) == 0;
}

int isms_cache_get(isms_cache *c, apr_pool_t *p, const char *key, const char *validator,
                   const char **etag, const char **body, size_t *len)
{
    return isms_cache_get_or_claim(c, p, key, validator, etag, body, len, NULL);
}

int isms_cache_get_or_claim(isms_cache *c, apr_pool_t *p, const char *key,
                            const char *validator, const char **etag, const char **body,
                            size_t *len, int *claimed)
{
    apr_time_t until = apr_time_now() + ISMS_CACHE_WAIT;
    entry *e;
    int hit = 0;

    if (claimed) *claimed = 0;
    if (!c) return 0;
    apr_thread_mutex_lock(c->lock);
    e = slot_of(c, key);
    for (;;) {
        apr_time_t left;
        if (e->key && strcmp(e->key, key) == 0 && strcmp(e->validator, validator) == 0) {
            *etag = e->etag ? apr_pstrdup(p, e->etag) : NULL;
            *body = apr_pmemdup(p, e->body, e->len + 1);
            *len = e->len;
            hit = 1;
            c->stats.hits++;
            break;
        }
        left = until - apr_time_now();
        if (!claimed || !is_filling(e, key, validator) || left <= 0) break;
        c->stats.waits++;
        apr_thread_cond_timedwait(c->filled, c->lock, left);
    }
    if (!hit) {
        c->stats.misses++;
        if (claimed && !e->filling) {
            e->filling = malloc(strlen(key) + strlen(validator) + 2);
            if (e->filling) {
                strcpy(e->filling, key);
                strcat(e->filling, "\n");
                strcat(e->filling, validator);
                *claimed = 1;
            }
        }
    }
    apr_thread_mutex_unlock(c->lock);
    return hit;
}

/* The claim of (key, validator) ends: wake the threads waiting for it. Under the lock. */
static void end_claim(isms_cache *c, entry *e, const char *key, const char *validator)
{
    if (is_filling(e, key, validator)) {
        free(e->filling);
        e->filling = NULL;
    }
    apr_thread_cond_broadcast(c->filled);
}

void isms_cache_abandon(isms_cache *c, const char *key, const char *validator)
{
    if (!c) return;
    apr_thread_mutex_lock(c->lock);
    end_claim(c, slot_of(c, key), key, validator);
    apr_thread_mutex_unlock(c->lock);
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void evict_to_budget(isms_cache *c, const entry *keep);

void isms_cache_set_budget(isms_cache *c, size_t bytes)
{
    if (!c) return;
    apr_thread_mutex_lock(c->lock);
    c->budget = bytes;
    evict_to_budget(c, NULL);
    apr_thread_mutex_unlock(c->lock);
}

/* A size of the cache read under its lock (0 without a cache). */
static size_t read_locked(isms_cache *c, const size_t *what)
{
    size_t n;

    apr_thread_mutex_lock(c->lock);
    n = *what;
    apr_thread_mutex_unlock(c->lock);
    return n;
}

size_t isms_cache_budget(isms_cache *c)
{
    return c ? read_locked(c, &c->budget) : 0;
}

size_t isms_cache_bytes(isms_cache *c)
{
    return c ? read_locked(c, &c->bytes) : 0;
}

/* Under the lock: frees other entries, clock order, until the bodies fit the budget. A
 * slot's claim (filling) stays: its renderer still runs. */
static void evict_to_budget(isms_cache *c, const entry *keep)
{
    int looked;

    for (looked = 0; c->bytes > c->budget && looked < c->nslots; looked++) {
        entry *e = &c->slots[c->hand];
        c->hand = (c->hand + 1) % c->nslots;
        if (e != keep && e->key) {
            char *filling = e->filling;
            c->bytes -= e->len;
            e->filling = NULL;
            entry_free(e);
            e->filling = filling;
        }
    }
}

void isms_cache_put(isms_cache *c, const char *key, const char *validator, const char *etag,
                    const char *body, size_t len)
{
    entry fresh = {0}, *e;

    if (!c) return;
    if (len > c->max_entry || len > c->budget) {
        isms_cache_abandon(c, key, validator);
        return;
    }
    /* allocate outside the lock; a failed allocation simply keeps nothing */
    fresh.key = strdup(key);
    fresh.validator = strdup(validator);
    fresh.etag = dup_or_null(etag);
    fresh.body = malloc(len + 1);
    if (!fresh.key || !fresh.validator || (etag && !fresh.etag) || !fresh.body) {
        entry_free(&fresh);
        isms_cache_abandon(c, key, validator);
        return;
    }
    memcpy(fresh.body, body, len);
    fresh.body[len] = '\0';
    fresh.len = len;
    apr_thread_mutex_lock(c->lock);
    e = slot_of(c, key);
    {
        entry old = *e;
        fresh.filling = old.filling;      /* another key's claim on this slot stays */
        old.filling = NULL;
        *e = fresh;
        c->bytes = c->bytes - old.len + len;
        evict_to_budget(c, e);
        c->stats.stores++;
        end_claim(c, e, key, validator);
        apr_thread_mutex_unlock(c->lock);
        entry_free(&old);
    }
}

void isms_cache_clear(isms_cache *c)
{
    int i;

    if (!c) return;
    apr_thread_mutex_lock(c->lock);
    for (i = 0; i < c->nslots; i++) {
        char *filling = c->slots[i].filling;   /* claims stay: their renderers still run */
        c->slots[i].filling = NULL;
        entry_free(&c->slots[i]);
        c->slots[i].filling = filling;
    }
    c->bytes = 0;
    apr_thread_mutex_unlock(c->lock);
}

isms_cache_stats isms_cache_get_stats(isms_cache *c)
{
    isms_cache_stats s = {0, 0, 0, 0};

    if (!c) return s;
    apr_thread_mutex_lock(c->lock);
    s = c->stats;
    apr_thread_mutex_unlock(c->lock);
    return s;
}
