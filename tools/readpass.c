/* Benchmark: shopstat's reading alone, with a no-op row callback, to set against a bare
 * libcsv pass (csvpass) and a full `shopstat tab`:
 *   readpass FILE               the exact pass (libcsv + position scanner + row assembly)
 *   readpass --threads N FILE   the chunked pass of tab and describe (byte ranges, range
 *                               parsers, file-order merges) on N threads; the exact pass
 *                               when the file cannot be cut in ranges */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/internal.h"
#include "shopstat/reader.h"

static shopstat_status on_row(void *ctx, const shopstat_row *row, shopstat_error *err)
{
    (void)err;
    *(size_t *)ctx += row->nfields;
    return SHOPSTAT_OK;
}

/* the chunked job: a field counter per worker, added up in file order */
static void *count_begin(void *arg)
{
    (void)arg;
    return calloc(1, sizeof(size_t));
}

static shopstat_status count_merge(void *arg, void *w, void **map)
{
    (void)map;
    *(size_t *)arg += *(size_t *)w;
    *(size_t *)w = 0;
    return SHOPSTAT_OK;
}

static int usage(void)
{
    fprintf(stderr, "usage: readpass [--threads N] FILE\n");
    return 2;
}

int main(int argc, char **argv)
{
    int threads = 0;
    if (argc == 4 && strcmp(argv[1], "--threads") == 0) {
        threads = atoi(argv[2]);
        if (threads < 1)
            return usage();
    } else if (argc != 2) {
        return usage();
    }
    const char *path = argv[argc - 1];
    shopstat_error err;
    shopstat_reader *r;
    size_t fields = 0, rows = 0;
    int chunked = 0;
    shopstat_status s = shopstat_reader_open(path, NULL, &r, &err);
    if (s == SHOPSTAT_OK && threads) {
        chunk_job job = {.arg = &fields,
                         .begin = count_begin,
                         .row = on_row,
                         .merge = count_merge,
                         .free_state = free};
        chunked = chunk_run(&job, r, threads, (size_t)8 << 20, NULL, &rows, NULL) == 0;
        if (!chunked)
            fields = 0;
    }
    if (s == SHOPSTAT_OK && !chunked) {
        s = shopstat_reader_run(r, on_row, &fields, &err);
        rows = shopstat_reader_rows_read(r);
    }
    if (s != SHOPSTAT_OK) {
        char line[2200];
        shopstat_error_format(&err, line, sizeof line);
        fprintf(stderr, "%s\n", line);
        return 2;
    }
    printf("%zu rows, %zu fields (%s pass)\n", rows, fields, chunked ? "chunked" : "exact");
    shopstat_reader_free(r);
    return 0;
}
