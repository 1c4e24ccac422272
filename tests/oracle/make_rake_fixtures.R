# Raked designs (--rake COL[,COL]=FILE, --rake-maxit, --rake-epsilon): R's rake on the
# oracle's data, the fixtures in rake/ (the margins' population files, expected csv,
# cases.txt).
#
# Run from the repository root:  Rscript tests/oracle/make_rake_fixtures.R
# Needs R with the survey package (made with survey 4.1.1). Every expected number comes from
# survey's own functions on rake(svydesign(...), list(~COLS, ...), list(population, ...)):
# svymean (deff = "replace") and svyciprop on the subset for tab, svytotal + svycontrast for
# compare, svychisq, and degf of the subset (calib_helpers.R, shared with
# make_calib_fixtures.R). shopstat takes the same population files that R's data frames are
# made of (rake/pop_*.csv). Every margin's totals sum to the same population (shopstat
# refuses margins that do not).

suppressPackageStartupMessages(library(survey))

args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
root <- if (length(script)) dirname(normalizePath(script)) else "tests/oracle"
source(file.path(root, "helpers.R"))
source(file.path(root, "calib_helpers.R")) # run_tab, run_compare, run_score, run_chisq
start_fixtures("rake", "make_rake_fixtures.R") # outdir emptied, cases begun (calib_helpers.R)

# A margin's population file from the design weights' sums of its cells, each moved by its
# own factor (made-up totals, so that raking moves every share), rounded, and its last cell
# set so that the margin sums to total (every margin counts the same population).
margin_pop <- function(dat, wcol, cols, factors, total = NULL, scale = 1) {
    f <- as.formula(paste(wcol, "~", paste(cols, collapse = " + ")))
    cells <- aggregate(f, data = dat, FUN = sum)
    cells <- cells[do.call(order, cells[cols]), ]
    cells$Freq <- round(cells[[wcol]] * factors * scale)
    if (!is.null(total)) cells$Freq[nrow(cells)] <- total - sum(cells$Freq[-nrow(cells)])
    stopifnot(all(cells$Freq > 0))
    cells[, c(cols, "Freq")]
}
rake_flag <- function(cols, file) c("--rake", paste0(paste(cols, collapse = ","), "=rake/", file))

clus1 <- read_data(file.path(root, "data", "apiclus1.csv"))
nh <- read_data(file.path(root, "data", "nhanes.csv"))
st <- read_data(file.path(root, "data", "apistrat.csv"))
sh <- read_data(file.path(root, "data", "shopper.csv"))
# (its rows of weight 0 left out, in R before svydesign and in shopstat by --exclude wt:0:
# R's rake gives every SE NaN with them, svyrecvar dividing their scores by their weight 0,
# and shopstat refuses them)
pos <- sh$num$wt > 0
sh$txt <- sh$txt[pos, ]
sh$num <- sh$num[pos, ]

# apiclus1 raked on stype (California's schools of each type, R's apipop) and sch_wide
# (made-up, same total 6194)
pop_stype <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop_sw <- data.frame(sch_wide = c("No", "Yes"), Freq = c(1072, 5122))
write_csv(pop_stype, file.path(outdir, "pop_stype.csv"))
write_csv(pop_sw, file.path(outdir, "pop_sch_wide.csv"))
d_clus1 <- svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = clus1$num)
rake_clus1 <- function(...) rake(d_clus1, list(~stype, ~sch_wide), list(pop_stype, pop_sw), ...)
des_clus1 <- rake_clus1()
f_clus1 <- c("data/apiclus1.csv", "--weight", "pw", "--psu", "dnum", "--fpc", "fpc",
             rake_flag("stype", "pop_stype.csv"), rake_flag("sch_wide", "pop_sch_wide.csv"))
big <- s_eq(clus1, "big", "api00", NULL)
big[[1]]$rows <- clus1$num$api00 >= 700
attr(big, "flags") <- c("--segment", "big=api00:>=700")

# the margins' own shares (SE 0 up to round-off) and the others
run_tab("rk_apiclus1", clus1, des_clus1, f_clus1,
        list(q_var(clus1, "both"), q_var(clus1, "awards"), q_var(clus1, "stype"),
             q_var(clus1, "sch_wide")), all_rows(clus1))
# a domain across the margins, every interval
for (ci in names(ci_r))
    run_tab(paste0("rk_apiclus1_big_", ci), clus1, des_clus1, f_clus1,
            list(q_var(clus1, "awards"), q_var(clus1, "comp_imp")), with_all(clus1, big),
            ci = ci, level = if (ci %in% c("wald", "beta")) 0.9 else 0.95)
# not converged: R's estimates after 1 and 2 rounds (R warns "Raking did not converge")
for (it in 1:2) {
    des_it <- suppressWarnings(rake_clus1(control = list(maxit = it, epsilon = 1,
                                                         verbose = FALSE)))
    run_tab(paste0("rk_apiclus1_maxit", it), clus1, des_it,
            c(f_clus1, "--rake-maxit", it), list(q_var(clus1, "awards"), q_var(clus1, "stype")),
            with_all(clus1, big))
}
big_all <- c(all_rows(clus1), big)
attr(big_all, "flags") <- attr(big, "flags")
run_compare("rk_apiclus1_cmp_big_all", clus1, des_clus1, f_clus1, q_var(clus1, "both"),
            big_all, "big:all")
run_score("rk_apiclus1_score", clus1, des_clus1, f_clus1, "api00", with_all(clus1, big))
run_chisq("rk_apiclus1_chisq", clus1, des_clus1, f_clus1, "both", "awards")

# nhanes (strata and PSUs) raked on the cross of sex and race and on age group; domains by
# age (a margin) and by sex (within a margin's cells)
pop_sexrace <- margin_pop(nh$num, "WTMEC2YR", c("RIAGENDR", "race"),
                          c(1.10, 0.85, 1.30, 0.95, 1.05, 0.80, 1.20, 0.90))
total_nh <- sum(pop_sexrace$Freq)
pop_age <- margin_pop(nh$txt |> transform(WTMEC2YR = as.numeric(WTMEC2YR)), "WTMEC2YR",
                      "agecat", c(0.9, 1.15, 1.05, 0.95), total = total_nh,
                      scale = total_nh / sum(nh$num$WTMEC2YR))
write_csv(pop_sexrace, file.path(outdir, "pop_sexrace.csv"))
write_csv(pop_age, file.path(outdir, "pop_agecat.csv"))
d_nh <- svydesign(ids = ~SDMVPSU, strata = ~SDMVSTRA, weights = ~WTMEC2YR, nest = TRUE,
                  data = nh$num)
des_nh <- rake(d_nh, list(~RIAGENDR + race, ~agecat), list(pop_sexrace, pop_age))
f_nh <- c("data/nhanes.csv", "--weight", "WTMEC2YR", "--strata", "SDMVSTRA", "--psu", "SDMVPSU",
          rake_flag(c("RIAGENDR", "race"), "pop_sexrace.csv"), rake_flag("agecat", "pop_agecat.csv"))
run_tab("rk_nhanes", nh, des_nh, f_nh, list(q_var(nh, "HI_CHOL"), q_var(nh, "race")),
        with_all(nh, s_by(nh, "RIAGENDR")))
run_tab("rk_nhanes_by_age", nh, des_nh, f_nh, list(q_var(nh, "HI_CHOL")),
        with_all(nh, s_by(nh, "agecat")))
# under a base (R: subset() of the raked design, whose weights are the whole sample's)
run_tab("rk_nhanes_base_strata", nh, des_nh, f_nh, list(q_var(nh, "HI_CHOL")),
        with_all(nh, s_by(nh, "agecat")),
        base = list(rows = nh$num$SDMVSTRA >= 81, flags = c("--base", "SDMVSTRA:>=81")))
# epsilon below 1: a fraction of the weights' sum, more rounds
des_nh_eps <- rake(d_nh, list(~RIAGENDR + race, ~agecat), list(pop_sexrace, pop_age),
                   control = list(maxit = 50, epsilon = 1e-9, verbose = FALSE))
run_tab("rk_nhanes_epsilon", nh, des_nh_eps, c(f_nh, "--rake-maxit", "50", "--rake-epsilon",
                                               "1e-9"),
        list(q_var(nh, "HI_CHOL")), with_all(nh, s_by(nh, "race")))
women_white <- c(s_eq(nh, "women", "RIAGENDR", "2"), s_eq(nh, "white", "race", "3"))
attr(women_white, "flags") <- c("--segment", "women=RIAGENDR:2", "--segment", "white=race:3")
run_compare("rk_nhanes_cmp_overlap", nh, des_nh, f_nh, q_var(nh, "agecat"), women_white,
            "women:white")
run_score("rk_nhanes_score_by_race", nh, des_nh, f_nh, "HI_CHOL", with_all(nh, s_by(nh, "race")))
run_chisq("rk_nhanes_chisq", nh, des_nh, f_nh, "agecat", "race")
run_chisq("rk_nhanes_chisq_base", nh, des_nh, f_nh, "agecat", "race",
          base = list(rows = nh$num$SDMVSTRA >= 81, flags = c("--base", "SDMVSTRA:>=81")))

# apistrat: a stratified element design (no psu) raked on awards and yr_rnd; weighted, and
# without weights (N_h / n_h from the fpc, as R's svydesign takes them)
pop_awards <- data.frame(awards = c("No", "Yes"), Freq = c(2400, 3794))
pop_yr_rnd <- data.frame(yr_rnd = c("No", "Yes"), Freq = c(5300, 894))
write_csv(pop_awards, file.path(outdir, "pop_awards.csv"))
write_csv(pop_yr_rnd, file.path(outdir, "pop_yr_rnd.csv"))
des_st <- rake(svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = st$num),
               list(~awards, ~yr_rnd), list(pop_awards, pop_yr_rnd))
des_st_nw <- rake(svydesign(ids = ~1, strata = ~stype, fpc = ~fpc, data = st$num),
                  list(~awards, ~yr_rnd), list(pop_awards, pop_yr_rnd))
f_st <- c("data/apistrat.csv", "--strata", "stype", "--fpc", "fpc",
          rake_flag("awards", "pop_awards.csv"), rake_flag("yr_rnd", "pop_yr_rnd.csv"))
f_stw <- c(f_st[1], "--weight", "pw", f_st[-1])
big_st <- s_eq(st, "big", "api00", NULL)
big_st[[1]]$rows <- st$num$api00 >= 700
attr(big_st, "flags") <- c("--segment", "big=api00:>=700")
run_tab("rk_apistrat_element", st, des_st, f_stw,
        list(q_var(st, "sch_wide"), q_var(st, "comp_imp"), q_var(st, "awards")),
        with_all(st, big_st))
run_tab("rk_apistrat_element_noweight", st, des_st_nw, f_st, list(q_var(st, "sch_wide")),
        with_all(st, s_by(st, "stype")))
run_compare("rk_apistrat_cmp_big_all", st, des_st, f_stw, q_var(st, "sch_wide"),
            with_all(st, big_st), "big:all")
run_score("rk_apistrat_score", st, des_st, f_stw, "api00", with_all(st, big_st))
run_chisq("rk_apistrat_chisq", st, des_st, f_stw, "sch_wide", "stype")

# the shopper export (tests/oracle's synthetic data): a lonely stratum (region W, one
# panel) under adjust and average, raked on wave and on spend (made-up totals), with a
# multi-response question and codes; compare heavy:rest and heavy:all (overlapping); score
pop_wave <- margin_pop(sh$num, "wt", "wave", c(1.2, 0.9), scale = 10)
pop_spend <- margin_pop(sh$num, "wt", "spend", c(0.8, 1.3, 1.0), total = sum(pop_wave$Freq),
                        scale = 10 * sum(pop_wave$Freq) / (10 * sum(sh$num$wt)))
write_csv(pop_wave, file.path(outdir, "pop_wave.csv"))
write_csv(pop_spend, file.path(outdir, "pop_spend.csv"))
heavy <- s_eq(sh, "heavy", "spend", "3")
for (rule in c("adjust", "average")) {
    old_opt <- options(survey.lonely.psu = rule)
    des_sh <- rake(svydesign(ids = ~panel, strata = ~region, weights = ~wt, nest = TRUE,
                             data = sh$num), list(~wave, ~spend), list(pop_wave, pop_spend))
    f_sh <- c("data/shopper.csv", "--weight", "wt", "--strata", "region", "--psu", "panel",
              "--lonely-psu", rule, "--exclude", "wt:0", rake_flag("wave", "pop_wave.csv"),
              rake_flag("spend", "pop_spend.csv"))
    run_tab(paste0("rk_shopper_", rule), sh, des_sh, f_sh,
            list(q_var(sh, "would_switch"), q_multi(sh, "pref", c("pref_email", "pref_form",
                                                                   "pref_phone")),
                 q_codes(sh, "prob", "problems")),
            with_all(sh, c(s_by(sh, "wave"), heavy)) |> (\(x) {
                attr(x, "flags") <- c("--by", "wave", attr(heavy, "flags")); x })())
    run_compare(paste0("rk_shopper_cmp_rest_", rule), sh, des_sh, f_sh,
                q_var(sh, "would_switch"), heavy, "heavy:rest")
    heavy_all <- c(all_rows(sh), heavy)
    attr(heavy_all, "flags") <- attr(heavy, "flags")
    run_compare(paste0("rk_shopper_cmp_all_", rule), sh, des_sh, f_sh,
                q_var(sh, "would_switch"), heavy_all, "heavy:all")
    run_score(paste0("rk_shopper_score_", rule), sh, des_sh, f_sh, "would_switch",
              with_all(sh, heavy))
    options(old_opt)
}

writeLines(cases, file.path(outdir, "cases.txt"))
