/* stub */
#include "internal.h"
shopstat_status plots_draw_trend(plots_ctx *c) { (void)c; return SHOPSTAT_OK; }
