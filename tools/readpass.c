/* Benchmark: one shopstat reader pass (libcsv + position scanner + row assembly) with a no-op row callback: readpass FILE */
#include <stdio.h>

#include "shopstat/reader.h"

static shopstat_status on_row(void *ctx, const shopstat_row *row, shopstat_error *err)
{
    (void)err;
    *(size_t *)ctx += row->nfields;
    return SHOPSTAT_OK;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: readpass FILE\n");
        return 2;
    }
    shopstat_error err;
    shopstat_reader *r;
    size_t fields = 0;
    shopstat_status s = shopstat_reader_open(argv[1], NULL, &r, &err);
    if (s == SHOPSTAT_OK)
        s = shopstat_reader_run(r, on_row, &fields, &err);
    if (s != SHOPSTAT_OK) {
        char line[2200];
        shopstat_error_format(&err, line, sizeof line);
        fprintf(stderr, "%s\n", line);
        return 2;
    }
    printf("%zu rows, %zu fields\n", shopstat_reader_rows_read(r), fields);
    shopstat_reader_free(r);
    return 0;
}
