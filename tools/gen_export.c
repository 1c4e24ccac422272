/* Writes a deterministic synthetic shopper-survey export (CSV) for benchmarks: gen_export [ROWS [SEED]] > file.csv */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

/* splitmix64: small, seedable, the same stream on every platform. */
static uint64_t state;

static uint64_t next(void)
{
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double unif(void)
{
    return (double)(next() >> 11) / 9007199254740992.0;
}

static unsigned pick(unsigned n)
{
    return (unsigned)(next() % n);
}

int main(int argc, char **argv)
{
    unsigned long rows = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000UL;
    state = argc > 2 ? strtoull(argv[2], NULL, 10) : 20261122ULL;
    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    printf("id,region,panel,wt,spend_6m,would_switch,pref_email,pref_phone,pref_form,problems,"
           "satisfaction\n");
    for (unsigned long i = 1; i <= rows; i++) {
        unsigned region = pick(50) + 1;
        unsigned panel = pick(40) + 1;
        /* Region base weight times a raking factor: many distinct weights, as in real data. */
        double wt = (0.5 + 0.05 * region) * (0.5 + unif());
        unsigned spend = pick(3) + 1;
        char sw[4] = "NA";
        if (unif() >= 0.05)
            snprintf(sw, sizeof sw, "%u", pick(2) + 1);
        char problems[16] = "";
        unsigned np = pick(4);
        if (np == 1)
            snprintf(problems, sizeof problems, "%u", pick(6) + 1);
        else if (np >= 2) {
            /* (one draw a statement, the second code first: a call's arguments are evaluated
             * in an unspecified order, GCC's last to first, clang's first to last, and a
             * clang build wrote another file for the same seed) */
            unsigned b = pick(3) + 4, a = pick(3) + 1;
            snprintf(problems, sizeof problems, "\"%u;%u\"", a, b);
        }
        unsigned sat = pick(5) + 1, form = pick(2), phone = pick(2), email = pick(2);
        printf("%lu,R%02u,%u,%.4f,%u,%s,%u,%u,%u,%s,%u\n", i, region, panel, wt, spend, sw, email,
               phone, form, problems, sat);
    }
    return fflush(stdout) == 0 ? 0 : 1;
}
