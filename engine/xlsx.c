/* Excel workbook of report tables: placeholder until the xlsx writer lands. */
#include "shopstat/xlsx.h"

void shopstat_xlsx_opts_init(shopstat_xlsx_opts *o)
{
    o->title = NULL;
    o->note = NULL;
    o->ci_note = NULL;
    o->alpha_upper = 0.05;
    o->alpha_lower = 0.10;
}

shopstat_status shopstat_xlsx_write(const char *path, const shopstat_xlsx_table *tables,
                                    size_t ntables, const shopstat_xlsx_opts *o,
                                    shopstat_error *err)
{
    (void)tables;
    (void)ntables;
    (void)o;
    return shopstat_error_set(err, SHOPSTAT_EINTERNAL, path, 0, 0,
                              "the xlsx writer is not built yet");
}
