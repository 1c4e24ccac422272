/* shopstat_version(): the library's version at run time (shopstat.h). */
#include "shopstat/shopstat.h"

const char *shopstat_version(void)
{
    return SHOPSTAT_VERSION;
}
