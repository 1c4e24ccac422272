/* shopstat: design-based statistics for shopper surveys. Umbrella header. */
#ifndef SHOPSTAT_H
#define SHOPSTAT_H

#define SHOPSTAT_VERSION "0.1.0"

#include "shopstat/error.h"
#include "shopstat/reader.h"
#include "shopstat/describe.h"
#include "shopstat/outfile.h"
#include "shopstat/design.h"
#include "shopstat/ci.h"
#include "shopstat/tab.h"
#include "shopstat/xlsx.h"
#include "shopstat/compare.h"
#include "shopstat/output.h"
#include "shopstat/chart.h"
#include "shopstat/chartset.h"
#include "shopstat/spec.h"
#include "shopstat/report.h"
#include "shopstat/report_pdf.h"

#endif
