/* shopstat replicate: append jackknife or bootstrap replicate weights to an export. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/opts.h"
#include "shopstat/outfile.h"
#include "shopstat/output.h"
#include "shopstat/replicate.h"

const char cmd_replicate_help[] =
    "usage: shopstat replicate DATA --weight W --psu P [--strata S] [--fpc F]\n"
    "                          --type jk1|jkn|jk2|bootstrap [--replicates R] [--seed N]\n"
    "                          [--prefix rep] [--lonely-psu fail|remove|certainty] [-o OUT.csv]\n"
    "                          [--rscales-file FILE]\n"
    "\n"
    "Writes DATA with replicate weight columns rep1..repR appended (the weight times each\n"
    "replicate's multiplier of the row's PSU) and prints on stderr the flags that analyse\n"
    "them with tab, compare and chisq.\n"
    "  jk1        delete-one-PSU jackknife, unstratified (R's as.svrepdesign type JK1)\n"
    "  jkn        stratified jackknife, one replicate per PSU (type JKn); the flags carry\n"
    "             the per-replicate --rscales (1 - f_h)(n_h - 1)/n_h, or with\n"
    "             --rscales-file FILE, written there one a line, --rscales @FILE\n"
    "  jk2        paired jackknife (WesVar's JK2; R's svrepdesign type JK2): exactly two\n"
    "             PSUs in every stratum, one replicate per stratum dropping its first PSU\n"
    "             and doubling the other; no --fpc, no --lonely-psu\n"
    "  bootstrap  Rao-Wu rescaling bootstrap, n_h - 1 PSUs drawn with replacement per\n"
    "             stratum (R's subbootstrap); --replicates (default 50), --seed (default 1)\n"
    "             give the same weights on every run (GSL's mt19937)\n"
    "\n" CLI_DATA_OPTS_HELP "\n"
    "  -o FILE    written atomically (default: standard output)\n"
    "Rows to leave out (tab's --exclude, --dedupe) are left out of the file first: replicates\n"
    "made on every row do not weight a subset as R's, which subsets before as.svrepdesign.\n";

static int parse_count(const char *flag, const char *v, unsigned long long *out)
{
    char *end;
    unsigned long long n = strtoull(v, &end, 10);
    if (!*v || *end || v[0] == '-' || v[0] == '+')
        return cli_usage_error("%s takes a whole number, not '%s'", flag, v);
    *out = n;
    return 0;
}

int cmd_replicate(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        fputs(cmd_replicate_help, stdout);
        return 0;
    }
    cli_data_opts d;
    cli_data_opts_init(&d);
    shopstat_replicate_opts o;
    shopstat_replicate_opts_init(&o);
    shopstat_error err;
    shopstat_error_clear(&err);
    const char *data = NULL, *output = NULL, *rsfile = NULL;
    int have_type = 0, rc = 0;
    static const char *const once[] = {"--type",       "--replicates", "--seed",         "--prefix",
                                       "--lonely-psu", "-o|--output",  "--rscales-file", NULL};
    if (cli_reject_repeats(argc, argv, cli_data_once) || cli_reject_repeats(argc, argv, once))
        rc = 2;
    for (int i = 1; i < argc && !rc; i++) {
        const char *v = NULL;
        int m = cli_data_opt(&d, argc, argv, &i);
        if (m < 0) {
            rc = m == -2 ? 1 : 2; /* (-2: out of memory) */
            break;
        }
        if (m > 0)
            continue;
        if (argv[i][0] != '-' || strcmp(argv[i], "-") == 0) {
            if (data)
                rc = cli_usage_error("replicate: more than one data file");
            data = argv[i];
        } else if ((m = cli_flag_value(argc, argv, &i, "--type", &v)) != 0) {
            if (m < 0 || shopstat_rep_type_parse(v, &o.type, &err))
                rc = m < 0 ? 2 : cli_fail(&err);
            have_type = 1;
        } else if ((m = cli_flag_value(argc, argv, &i, "--replicates", &v)) != 0) {
            unsigned long long n = 0;
            rc = m < 0 ? 2 : parse_count("--replicates", v, &n);
            o.replicates = (size_t)n;
        } else if ((m = cli_flag_value(argc, argv, &i, "--seed", &v)) != 0) {
            unsigned long long n = 0;
            rc = m < 0 ? 2 : parse_count("--seed", v, &n);
            o.seed = (unsigned long)n;
        } else if ((m = cli_flag_value(argc, argv, &i, "--prefix", &v)) != 0) {
            if (m < 0)
                rc = 2;
            o.prefix = v;
        } else if ((m = cli_flag_value(argc, argv, &i, "--lonely-psu", &v)) != 0) {
            if (m < 0 || shopstat_lonely_parse(v, &o.lonely, &err))
                rc = m < 0 ? 2 : cli_fail(&err);
        } else if ((m = cli_flag_value(argc, argv, &i, "-o", &v)) != 0 ||
                   (m = cli_flag_value(argc, argv, &i, "--output", &v)) != 0) {
            if (m < 0)
                rc = 2;
            output = v;
        } else if ((m = cli_flag_value(argc, argv, &i, "--rscales-file", &v)) != 0) {
            if (m < 0)
                rc = 2;
            rsfile = v;
        } else if (strcmp(argv[i], "--exclude") == 0 || strncmp(argv[i], "--exclude=", 10) == 0 ||
                   strcmp(argv[i], "--dedupe") == 0 || strncmp(argv[i], "--dedupe=", 9) == 0) {
            /* Replicates made on every row and rows dropped later by tab --exclude (or
             * --dedupe) are not R's answer, which subsets the rows before as.svrepdesign (its
             * PSUs, n_h and scales those of the kept rows): the kept rows go in a file */
            const char *flag = argv[i][2] == 'd' ? "--dedupe" : "--exclude";
            rc = cli_usage_error("replicate: %s is not taken: the replicates must be made "
                                 "from the kept rows alone (R: subset, then as.svrepdesign); "
                                 "write those rows to a file and run replicate on it",
                                 flag);
        } else {
            static const char *const own[] = {"--type",   "--replicates",   "--seed",
                                              "--prefix", "--lonely-psu",   "--output",
                                              "--help",   "--rscales-file", NULL};
            const char *near = cli_closest_flag(argv[i], own);
            rc = near ? cli_usage_error("replicate: unknown option '%s' (did you mean %s?)",
                                        argv[i], near)
                      : cli_usage_error("replicate: unknown option '%s' (see 'shopstat help "
                                        "replicate')",
                                        argv[i]);
        }
    }
    if (!rc && !data)
        rc = cli_usage_error("replicate: no data file given (see 'shopstat help replicate')");
    if (!rc && !have_type)
        rc = cli_usage_error("replicate: give --type jk1, jkn, jk2 or bootstrap");
    /* (the other types' replicates share one scale: the flags carry it, no file) */
    if (!rc && rsfile && o.type != SHOPSTAT_REP_JKN)
        rc = cli_usage_error("replicate: --rscales-file is for --type jkn, whose replicates have "
                             "scales of their own; %s's share one scale, which the flags give",
                             shopstat_rep_type_name(o.type));
    if (!rc && rsfile && (!*rsfile || strcmp(rsfile, "-") == 0))
        rc = cli_usage_error("replicate: --rscales-file takes a file name, not '%s'", rsfile);
    if (!rc)
        rc = cli_check_output(output, data);
    if (!rc && rsfile)
        rc = cli_check_output(rsfile, data);
    if (!rc && rsfile)
        rc = cli_check_outputs_differ(output, "-o", rsfile, "--rscales-file");
    if (rc) {
        cli_data_opts_free(&d);
        return rc;
    }
    o.weight = d.design.weight;
    o.strata = d.design.strata;
    o.psu = d.design.psu;
    o.fpc = d.design.fpc;
    shopstat_outfile *of = NULL, *rf = NULL;
    shopstat_replicate_info info;
    memset(&info, 0, sizeof info);
    if (shopstat_outfile_open(output ? output : "-", &of, &err) ||
        (rsfile && shopstat_outfile_open(rsfile, &rf, &err))) {
        shopstat_outfile_abort(of);
        rc = cli_fail(&err);
    } else if (shopstat_replicate_write(data, &d.csv, &o, shopstat_outfile_stream(of), &info,
                                        &err)) {
        shopstat_outfile_error(of, &err); /* (a failed write: the file and why) */
        shopstat_outfile_abort(of);
        shopstat_outfile_abort(rf);
        rc = cli_fail(&err);
    } else {
        /* the scales one a line, as R's scan(FILE) and --rscales @FILE read them (17
         * digits: the numbers themselves); that file first, so that a failure leaves no
         * data file without it, and taken back when the data file fails */
        char num[32];
        for (size_t r = 0; rf && r < info.replicates; r++)
            fprintf(shopstat_outfile_stream(rf), "%s\n",
                    shopstat_format_double(info.rscales[r], num, sizeof num));
        if (shopstat_outfile_commit(rf, &err)) {
            shopstat_outfile_abort(of);
            rc = cli_fail(&err);
        } else if (shopstat_outfile_commit(of, &err)) {
            if (rf)
                remove(rsfile);
            rc = cli_fail(&err);
        }
    }
    if (!rc) {
        char num[32];
        fprintf(stderr, "shopstat: %zu replicate weights (%s) from %zu PSUs in %zu %s, %zu rows\n",
                info.replicates, shopstat_rep_type_name(o.type), info.npsu, info.nstrata,
                info.nstrata == 1 ? "stratum" : "strata", info.rows);
        fprintf(stderr, "analyse with:%s%s --repweights %s --reptype %s",
                o.weight ? " --weight " : "", o.weight ? o.weight : "", o.prefix,
                shopstat_rep_type_name(o.type));
        if (o.type == SHOPSTAT_REP_JK1 && info.scale != (double)(info.replicates - 1) /
                                                             (double)info.replicates)
            fprintf(stderr, " --repscale %s", shopstat_format_double(info.scale, num, sizeof num));
        if (o.type == SHOPSTAT_REP_JKN && rsfile) {
            fprintf(stderr, " --rscales @%s", rsfile);
        } else if (o.type == SHOPSTAT_REP_JKN) {
            fputs(" --rscales ", stderr);
            for (size_t r = 0; r < info.replicates; r++)
                fprintf(stderr, "%s%s", r ? "," : "",
                        shopstat_format_double(info.rscales[r], num, sizeof num));
        }
        fputc('\n', stderr);
    }
    shopstat_replicate_info_free(&info);
    cli_data_opts_free(&d);
    return rc;
}
