/* SPDX-License-Identifier: Apache-2.0 */
/* Attachment file names in headers (isms_attach_name.c), from an upload's Content-Disposition
 * (untrusted) to a download's:
 *   a name read from a header is no longer than the header and has no NUL inside;
 *   a name that is accepted comes back exactly from the header written for its download
 *   (filename* is exact), and that header is printable ASCII with an ASCII filename="..."
 *   fallback without quotes or backslashes.
 * Input: the Content-Disposition value. */
#include "fuzz_common.h"

#include "isms_attach.h"

static void check_header(const char *h)
{
    const char *q;

    for (q = h; *q; q++) {
        FUZZ_ASSERT((unsigned char)*q >= 0x20 && (unsigned char)*q < 0x7f, "byte 0x%02x in %s",
                    (unsigned char)*q, h);
    }
    FUZZ_ASSERT(strncmp(h, "attachment; filename=\"", 22) == 0, "bad start: %s", h);
    q = strchr(h + 22, '"');
    FUZZ_ASSERT(q && strncmp(q, "\"; filename*=UTF-8''", 20) == 0, "bad fallback: %s", h);
    FUZZ_ASSERT(!memchr(h + 22, '\\', (size_t)(q - h - 22)), "backslash in the fallback: %s", h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p;
    const char *cd, *name, *back, *header;

    apr_pool_create(&p, fuzz_root_pool());
    cd = apr_pstrmemdup(p, (const char *)data, size);
    name = isms_att_disposition_name(p, cd);
    if (name) {
        FUZZ_ASSERT(strlen(name) <= strlen(cd), "a name longer than its header: %s", cd);
        if (!isms_att_filename_problem(name)) {
            header = isms_att_content_disposition(p, name);
            check_header(header);
            back = isms_att_disposition_name(p, header);
            FUZZ_ASSERT(back && strcmp(back, name) == 0, "%s does not read back from %s", name,
                        header);
        }
    }
    apr_pool_destroy(p);
    return 0;
}
