/* SPDX-License-Identifier: Apache-2.0 */
/* Attachment media types: the allow-list (ISMSReviewAttachmentTypes, default below) and the
 * declared type checked against the file's magic bytes with libmagic. */
#include "isms_attach.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <magic.h>
#include <string.h>

#define OOXML "application/vnd.openxmlformats-officedocument."
#define ODF "application/vnd.oasis.opendocument."

const char *const isms_att_default_types[] = {
    "application/pdf", "image/png", "image/jpeg", "text/plain", "text/csv",
    OOXML "wordprocessingml.document", OOXML "spreadsheetml.sheet",
    OOXML "presentationml.presentation",
    ODF "text", ODF "spreadsheet", ODF "presentation", NULL};

const char *isms_att_media_type(apr_pool_t *p, const char *content_type)
{
    const char *end, *slash, *c;
    char *t;

    if (!content_type) return NULL;
    end = content_type + strcspn(content_type, ";");
    while (end > content_type && apr_isspace(end[-1])) end--;
    slash = memchr(content_type, '/', (size_t)(end - content_type));
    if (!slash || slash == content_type || slash + 1 == end) return NULL;
    for (c = content_type; c < end; c++) {
        if (c != slash && !apr_isalnum(*c) && !strchr("!#$&-^_.+", *c)) return NULL;
    }
    t = apr_pstrmemdup(p, content_type, (apr_size_t)(end - content_type));
    for (c = t; *c; c++) *(char *)c = (char)apr_tolower(*c);
    return t;
}

static int listed(const char *type, const char *const *allowed)
{
    for (; *allowed; allowed++) {
        if (strcasecmp(*allowed, type) == 0) return 1;
    }
    return 0;
}

/* What the magic bytes say is consistent with the declared type: the same type; plain text
 * for CSV (libmagic calls most CSV text/plain); a ZIP for an Office Open XML or OpenDocument
 * file (those are ZIP containers, and libmagic names the type only when the container's
 * first entries are in the usual order). */
static int consistent(const char *declared, const char *detected)
{
    if (strcmp(declared, detected) == 0) return 1;
    if (strcmp(declared, "text/csv") == 0) {
        return strcmp(detected, "text/plain") == 0 || strcmp(detected, "application/csv") == 0;
    }
    if (!strncmp(declared, OOXML, strlen(OOXML)) || !strncmp(declared, ODF, strlen(ODF))) {
        return strcmp(detected, "application/zip") == 0;
    }
    return 0;
}

static const char *detect(apr_pool_t *p, const char *path, const char **why)
{
    magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
    const char *t = NULL;

    if (!m) {
        *why = "libmagic cannot be initialised";
        return NULL;
    }
    if (magic_load(m, NULL) != 0) *why = apr_pstrcat(p, "libmagic: ", magic_error(m), NULL);
    else if (!(t = magic_file(m, path))) *why = apr_pstrcat(p, "libmagic: ", magic_error(m),
                                                            NULL);
    else t = apr_pstrdup(p, t);
    magic_close(m);
    return t;
}

int isms_att_type_check(apr_pool_t *p, const char *path, const char *declared,
                        const char *const *allowed, const char **why)
{
    const char *detected;

    if (!listed(declared, allowed ? allowed : isms_att_default_types)) {
        *why = apr_psprintf(p, "%s is not an accepted attachment type "
                            "(ISMSReviewAttachmentTypes)", declared);
        return 415;
    }
    if (!(detected = detect(p, path, why))) return 500;
    if (!consistent(declared, detected)) {
        *why = apr_psprintf(p, "the file was declared %s, but its content is %s", declared,
                            detected);
        return 415;
    }
    return 0;
}
