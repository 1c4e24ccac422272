/* shopstat: design-based statistics for shopper surveys. Umbrella header. */
#ifndef SHOPSTAT_H
#define SHOPSTAT_H

#define SHOPSTAT_VERSION "0.1.0"

#include "shopstat/error.h"
#include "shopstat/reader.h"
#include "shopstat/describe.h"
#include "shopstat/outfile.h"

#endif
