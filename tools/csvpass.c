/* Benchmark baseline: one bare libcsv pass over a file counting fields and rows: csvpass FILE */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct counts {
    size_t fields, rows;
} counts;

static void on_field(void *s, size_t len, void *data)
{
    (void)s;
    (void)len;
    ((counts *)data)->fields++;
}

static void on_row(int c, void *data)
{
    (void)c;
    ((counts *)data)->rows++;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: csvpass FILE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    struct csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL) != 0)
        return 1;
    static char buf[1 << 20];
    counts c = {0, 0};
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        if (csv_parse(&p, buf, n, on_field, on_row, &c) != n) {
            fprintf(stderr, "%s: %s\n", argv[1], csv_strerror(csv_error(&p)));
            return 1;
        }
    csv_fini(&p, on_field, on_row, &c);
    csv_free(&p);
    fclose(f);
    printf("%zu rows, %zu fields\n", c.rows, c.fields);
    return 0;
}
