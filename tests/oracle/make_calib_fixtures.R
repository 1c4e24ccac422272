# Post-stratified designs (--poststratify, --population): R's postStratify on the oracle's
# data, the fixtures in calib/ (population files, expected csv, cases.txt).
#
# Run from the repository root:  Rscript tests/oracle/make_calib_fixtures.R
# Needs R with the survey package (made with survey 4.1.1). Every expected number comes from
# survey's own functions on postStratify(svydesign(...), ~COLS, population): svymean (deff =
# "replace") and svyciprop on the subset for tab, svytotal + svycontrast for compare, and
# degf of the subset. shopstat takes the same population file that R's data frame is made
# of (calib/pop_*.csv, a Freq or N column).

suppressPackageStartupMessages(library(survey))

args_all <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args_all[grep("^--file=", args_all)])
root <- if (length(script)) dirname(normalizePath(script)) else "tests/oracle"
source(file.path(root, "helpers.R"))
source(file.path(root, "calib_helpers.R")) # run_tab, run_compare, run_score, run_chisq
start_fixtures("calib", "make_calib_fixtures.R") # outdir emptied, cases begun (calib_helpers.R)

clus1 <- read_data(file.path(root, "data", "apiclus1.csv"))
nh <- read_data(file.path(root, "data", "nhanes.csv"))

# apiclus1 post-stratified on stype: California's schools of each type (R's apipop), as
# docs/methods.md's example
pop_stype <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
write_csv(pop_stype, file.path(outdir, "pop_stype.csv"))
# nhanes post-stratified on sex x race (made-up totals, each cell's weight sum moved by a
# different factor, so that the calibration changes every share), with an N column
nh_cells <- aggregate(WTMEC2YR ~ RIAGENDR + race, data = nh$num, FUN = sum)
nh_cells$N <- round(nh_cells$WTMEC2YR * c(1.10, 0.85, 1.30, 0.95, 1.05, 0.80, 1.20, 0.90))
pop_sexrace <- nh_cells[order(nh_cells$RIAGENDR, nh_cells$race), c("RIAGENDR", "race", "N")]
write_csv(pop_sexrace, file.path(outdir, "pop_sexrace.csv"))
pop_frame <- function(p) { names(p)[names(p) == "N"] <- "Freq"; p }

des_clus1 <- postStratify(svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = clus1$num),
                          ~stype, pop_frame(pop_stype))
des_nh <- postStratify(svydesign(ids = ~SDMVPSU, strata = ~SDMVSTRA, weights = ~WTMEC2YR,
                                 nest = TRUE, data = nh$num),
                       ~RIAGENDR + race, pop_frame(pop_sexrace))

f_clus1 <- c("data/apiclus1.csv", "--weight", "pw", "--psu", "dnum", "--fpc", "fpc",
             "--poststratify", "stype", "--population", "calib/pop_stype.csv")
f_nh <- c("data/nhanes.csv", "--weight", "WTMEC2YR", "--strata", "SDMVSTRA", "--psu", "SDMVPSU",
          "--poststratify", "RIAGENDR,race", "--population", "calib/pop_sexrace.csv")
big <- s_eq(clus1, "big", "api00", NULL)
big[[1]]$rows <- clus1$num$api00 >= 700
attr(big, "flags") <- c("--segment", "big=api00:>=700")

# methods.md's example: both's SE 0.03076 (0.03545 unweighted by the calibration), stype's
# own shares exact (SE 0)
run_tab("ps_apiclus1_stype", clus1, des_clus1, f_clus1,
        list(q_var(clus1, "both"), q_var(clus1, "stype")), all_rows(clus1))
# a domain across the post-strata, every interval
for (ci in names(ci_r))
    run_tab(paste0("ps_apiclus1_big_", ci), clus1, des_clus1, f_clus1,
            list(q_var(clus1, "sch_wide"), q_var(clus1, "awards")), with_all(clus1, big), ci = ci,
            level = if (ci %in% c("wald", "beta")) 0.9 else 0.95)
# a stratified cluster design post-stratified on two columns' cross; domains by sex (within
# post-strata) and by age (across them)
run_tab("ps_nhanes_sexrace", nh, des_nh, f_nh,
        list(q_var(nh, "HI_CHOL"), q_var(nh, "agecat")), with_all(nh, s_by(nh, "RIAGENDR")))
run_tab("ps_nhanes_by_age", nh, des_nh, f_nh, list(q_var(nh, "HI_CHOL")),
        with_all(nh, s_by(nh, "agecat")))
# a domain of two strata: the other strata's residuals count too (R's subset of a
# calibrated design keeps their rows)
run_tab("ps_nhanes_two_strata", nh, des_nh, f_nh, list(q_var(nh, "HI_CHOL")),
        with_all(nh, s_eq(nh, "s83_84", "SDMVSTRA", c("83", "84"))))
# under a base (R: subset() of the post-stratified design, whose totals are the whole
# sample's)
run_tab("ps_nhanes_base_strata", nh, des_nh, f_nh, list(q_var(nh, "HI_CHOL")),
        with_all(nh, s_by(nh, "agecat")),
        base = list(rows = nh$num$SDMVSTRA >= 81, flags = c("--base", "SDMVSTRA:>=81")))
# compare: overlapping segments (big against all; women against white)
big_all <- c(all_rows(clus1), big)
attr(big_all, "flags") <- attr(big, "flags")
run_compare("ps_apiclus1_cmp_big_all", clus1, des_clus1, f_clus1, q_var(clus1, "both"),
            big_all, "big:all")
women_white <- c(s_eq(nh, "women", "RIAGENDR", "2"), s_eq(nh, "white", "race", "3"))
attr(women_white, "flags") <- c("--segment", "women=RIAGENDR:2", "--segment", "white=race:3")
run_compare("ps_nhanes_cmp_overlap", nh, des_nh, f_nh, q_var(nh, "agecat"), women_white,
            "women:white")

run_score("ps_apiclus1_score", clus1, des_clus1, f_clus1, "api00", with_all(clus1, big))
run_score("ps_nhanes_score_by_race", nh, des_nh, f_nh, "HI_CHOL",
          with_all(nh, s_by(nh, "race")))
run_chisq("ps_apiclus1_chisq", clus1, des_clus1, f_clus1, "both", "awards")
run_chisq("ps_nhanes_chisq", nh, des_nh, f_nh, "agecat", "race")
# under a base: R's subset of a post-stratified design keeps every row, and svychisq's ddf
# counts every PSU and stratum (16 df here, not the 10 of the base's strata)
run_chisq("ps_nhanes_chisq_base", nh, des_nh, f_nh, "agecat", "race",
          base = list(rows = nh$num$SDMVSTRA >= 81, flags = c("--base", "SDMVSTRA:>=81")))

# a stratified element design (no psu: every row its own PSU) post-stratified on the cross
# of awards and yr_rnd (made-up totals); weighted, and without weights (N_h / n_h from the
# fpc, as R's svydesign takes them)
st <- read_data(file.path(root, "data", "apistrat.csv"))
pop_ay <- data.frame(awards = c("No", "No", "Yes", "Yes"), yr_rnd = c("No", "Yes", "No", "Yes"),
                     Freq = c(2000, 400, 3300, 494))
write_csv(pop_ay, file.path(outdir, "pop_awards_yr_rnd.csv"))
des_st <- postStratify(svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc,
                                 data = st$num), ~awards + yr_rnd, pop_ay)
des_st_nw <- postStratify(svydesign(ids = ~1, strata = ~stype, fpc = ~fpc, data = st$num),
                          ~awards + yr_rnd, pop_ay)
f_st <- c("data/apistrat.csv", "--strata", "stype", "--fpc", "fpc", "--poststratify",
          "awards,yr_rnd", "--population", "calib/pop_awards_yr_rnd.csv")
big_st <- s_eq(st, "big", "api00", NULL)
big_st[[1]]$rows <- st$num$api00 >= 700
attr(big_st, "flags") <- c("--segment", "big=api00:>=700")
run_tab("ps_apistrat_element", st, des_st, c(f_st[1], "--weight", "pw", f_st[-1]),
        list(q_var(st, "sch_wide"), q_var(st, "comp_imp"), q_var(st, "awards")),
        with_all(st, big_st))
run_tab("ps_apistrat_element_noweight", st, des_st_nw, f_st,
        list(q_var(st, "sch_wide")), with_all(st, s_by(st, "stype")))
run_compare("ps_apistrat_cmp_big_all", st, des_st, c(f_st[1], "--weight", "pw", f_st[-1]),
            q_var(st, "sch_wide"), with_all(st, big_st), "big:all")
run_score("ps_apistrat_score", st, des_st, c(f_st[1], "--weight", "pw", f_st[-1]), "api00",
          with_all(st, big_st))
run_chisq("ps_apistrat_chisq", st, des_st, c(f_st[1], "--weight", "pw", f_st[-1]), "sch_wide",
          "stype")
run_chisq("ps_apistrat_chisq_base", st, des_st, c(f_st[1], "--weight", "pw", f_st[-1]),
          "sch_wide", "stype", base = list(rows = st$num$api00 >= 700,
                                           flags = c("--base", "api00:>=700")))

# the shopper export (tests/oracle's synthetic data): a lonely stratum (region W, one
# panel) under adjust and average, post-stratified on wave x spend (made-up totals), with a
# multi-response question and codes; compare heavy:rest
sh <- read_data(file.path(root, "data", "shopper.csv"))
sh_cells <- aggregate(wt ~ wave + spend, data = sh$num, FUN = sum)
sh_cells$Freq <- round(sh_cells$wt * c(1.2, 0.9, 1.1, 0.8, 1.3, 1.0) * 10)
pop_sh <- sh_cells[order(sh_cells$wave, sh_cells$spend), c("wave", "spend", "Freq")]
write_csv(pop_sh, file.path(outdir, "pop_wave_spend.csv"))
heavy <- s_eq(sh, "heavy", "spend", "3")
for (rule in c("adjust", "average")) {
    old_opt <- options(survey.lonely.psu = rule)
    des_sh <- postStratify(svydesign(ids = ~panel, strata = ~region, weights = ~wt, nest = TRUE,
                                     data = sh$num), ~wave + spend, pop_sh)
    f_sh <- c("data/shopper.csv", "--weight", "wt", "--strata", "region", "--psu", "panel",
              "--lonely-psu", rule, "--poststratify", "wave,spend", "--population",
              "calib/pop_wave_spend.csv")
    run_tab(paste0("ps_shopper_", rule), sh, des_sh, f_sh,
            list(q_var(sh, "would_switch"), q_multi(sh, "pref", c("pref_email", "pref_form",
                                                                   "pref_phone")),
                 q_codes(sh, "prob", "problems")),
            with_all(sh, c(s_by(sh, "wave"), heavy)) |> (\(x) {
                attr(x, "flags") <- c("--by", "wave", attr(heavy, "flags")); x })())
    run_compare(paste0("ps_shopper_cmp_rest_", rule), sh, des_sh, f_sh,
                q_var(sh, "would_switch"), heavy, "heavy:rest")
    options(old_opt)
}

# rows of weight 0: R's svyrecvar gives them the residualisation weight 1 (psw set to 1
# where both weights are 0), so each takes -Z_g / N_g of its PSU's total; shopstat too
zw <- data.frame(psu = c(1, 1, 2, 2, 3, 3, 4, 4, 5, 5), w = c(1, 2, 1, 0, 1.5, 2, 1, 3, 1, 0),
                 sex = c("m", "f", "m", "f", "f", "m", "f", "m", "m", "m"),
                 age = c("young", "old", "old", "young", "young", "young", "old", "old",
                         "young", "old"),
                 q = c(1, 2, 1, 2, 1, 2, 1, 2, 2, 1))
write_csv(zw, file.path(outdir, "zero_weights.csv"))
pop_zw <- data.frame(sex = c("m", "m", "f", "f"), age = c("young", "old", "young", "old"),
                     Freq = c(30, 20, 10, 25))
write_csv(pop_zw, file.path(outdir, "pop_zero_weights.csv"))
zdat <- read_data(file.path(outdir, "zero_weights.csv"))
des_zw <- postStratify(svydesign(ids = ~psu, weights = ~w, data = zdat$num), ~sex + age, pop_zw)
men <- s_eq(zdat, "men", "sex", "m")
run_tab("ps_zero_weights", zdat, des_zw,
        c("calib/zero_weights.csv", "--weight", "w", "--psu", "psu", "--poststratify", "sex,age",
          "--population", "calib/pop_zero_weights.csv"),
        list(q_var(zdat, "q")), with_all(zdat, men))
# chisq under a base where PSU 5's rows of the base weigh 0: every PSU counts (ddf 4)
run_chisq("ps_zero_weights_chisq_base", zdat, des_zw,
          c("calib/zero_weights.csv", "--weight", "w", "--psu", "psu", "--poststratify",
            "sex,age", "--population", "calib/pop_zero_weights.csv"), "q", "sex",
          base = list(rows = zdat$txt$age == "old", flags = c("--base", "age:old")))

writeLines(cases, file.path(outdir, "cases.txt"))
