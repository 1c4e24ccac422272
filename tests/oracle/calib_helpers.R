# The case writers of the calibrated designs' scripts (make_calib_fixtures.R,
# make_rake_fixtures.R): each runs R's survey functions on a calibrated design des and writes
# the expected csv into the global outdir, adding its shopstat command by the global add_case.
# Sourced after helpers.R.

# The fixture folder dir (under tests/oracle) made or emptied, as the global outdir; the
# global cases begun with the header naming script; add_case(name, args) adds a case.
start_fixtures <- function(dir, script) {
    outdir <<- file.path(root, dir)
    dir.create(outdir, showWarnings = FALSE)
    unlink(list.files(outdir, full.names = TRUE))
    cases <<- c(paste0("# Oracle cases of ", script, ": NAME|shopstat ARGS (run from tests/oracle)."),
                "# Generated: do not edit by hand.")
}
add_case <- function(name, args) cases <<- c(cases, paste0(name, "|", paste(args, collapse = " ")))

ci_r <- c(logit = "logit", xlogit = "xlogit", wald = "mean", asin = "asin", beta = "beta")

# tab's rows: every level of each question in each segment, R's post-stratified design
run_tab <- function(case, dat, des, flags, questions, segs, ci = "logit", level = 0.95,
                    base = NULL) {
    inbase <- if (is.null(base)) rep(TRUE, nrow(dat$num)) else base$rows
    w <- weights(des) # the calibrated weights
    out <- list()
    for (q in questions) for (l in q$levels) for (s in segs) {
        d <- s$rows & q$answered & inbase
        y <- q$y(l); y[is.na(y)] <- 0
        des$variables$yy <- y
        sub <- des[d, ]
        m <- svymean(~yy, sub, deff = "replace")
        p <- coef(m)[[1]]; se <- SE(m)[[1]]
        W <- sum(w * d)
        lim <- as.vector(attr(suppressWarnings(
            svyciprop(~yy, sub, method = ci_r[[ci]], level = level)), "ci"))
        zero <- se < 1e-12 * p # (a post-stratum's own share: SE 0 up to R's round-off)
        if (zero) { se <- 0; lim <- c(p, p) }
        out[[length(out) + 1]] <- data.frame(
            variable = q$name, level = csv_field(l), segment = csv_field(s$name),
            base_n = fmt_int(sum(d)), base_weight = fmt17(W), count = fmt_int(sum(d & y == 1)),
            proportion = fmt17(p), se = fmt17(se), ci_lower = fmt17(lim[1]),
            ci_upper = fmt17(lim[2]), df = fmt_int(degf(sub)),
            deff = if (zero) "0" else fmt17(deff(m)[[1]]),
            eff_base = fmt17(W^2 / sum(w^2 * d)), stringsAsFactors = FALSE)
    }
    write.csv(do.call(rbind, out), file.path(outdir, paste0(case, ".csv")), row.names = FALSE,
              quote = FALSE)
    args <- c("tab", flags, unlist(lapply(questions, `[[`, "flags")), attr(segs, "flags"),
              base$flags)
    if (ci != "logit") args <- c(args, "--ci", ci)
    if (level != 0.95) args <- c(args, "--level", level)
    add_case(case, args)
}

# compare's rows: each level's difference of the pair's shares, svycontrast of svytotal on
# the post-stratified design (overlapping sides: one design, so their covariance counts)
run_compare <- function(case, dat, des, flags, q, segs, pair) {
    byname <- setNames(lapply(segs, `[[`, "rows"), vapply(segs, `[[`, "", "name"))
    side <- pair_rows(byname, pair)
    dfree <- degf(des)
    tq <- qt(0.975, dfree)
    fam <- list()
    for (l in q$levels) {
        y <- q$y(l); y[is.na(y)] <- 0
        a <- as.numeric(side$a & q$answered); b <- as.numeric(side$b & q$answered)
        r <- contrast_sides(des, y, a, b)
        fam[[length(fam) + 1]] <- compare_row(q$name, l, side$ab, r, dfree, tq)
    }
    fam <- do.call(rbind, fam)
    fam$p_adjusted <- family_adjust(q, fam$p_value, fam$difference, "holm")
    res <- fmt_compare(fam)
    res$level <- csv_field(res$level)
    write.csv(res, file.path(outdir, paste0(case, ".csv")), row.names = FALSE, quote = FALSE)
    add_case(case, c("compare", flags, q$flags, attr(segs, "flags"), "--pair", pair))
}

all_rows <- function(dat) {
    s <- list(list(name = "all", rows = rep(TRUE, nrow(dat$num))))
    attr(s, "flags") <- character()
    s
}
with_all <- function(dat, segs) { # (tab lists 'all' before the segments)
    s <- c(all_rows(dat), segs)
    attr(s, "flags") <- attr(segs, "flags")
    s
}
# score: the mean of a number (svymean and confint on the subset's df)
run_score <- function(case, dat, des, flags, col, segs) {
    w <- weights(des)
    x <- dat$num[[col]]
    # (0 where not answered: R's subset of a calibrated design keeps those rows, weighted 0)
    des$variables$s_ <- ifelse(is.na(x), 0, x)
    out <- list()
    for (sg in segs) {
        keep <- sg$rows & !is.na(x)
        sub <- des[keep, ]
        m <- svymean(~s_, sub, deff = "replace")
        dfree <- degf(sub)
        ci <- confint(m, df = dfree)
        out[[length(out) + 1]] <- data.frame(
            variable = col, score = "mean", segment = csv_field(sg$name), base_n = sum(keep),
            base_weight = fmt17(sum(w[keep])), estimate = fmt17(coef(m)[[1]]),
            se = fmt17(SE(m)[[1]]), ci_lower = fmt17(ci[1, 1]), ci_upper = fmt17(ci[1, 2]),
            df = fmt_int(dfree), deff = fmt17(deff(m)[[1]]),
            eff_base = fmt17(sum(w[keep])^2 / sum(w[keep]^2)), stringsAsFactors = FALSE)
    }
    write.csv(do.call(rbind, out), file.path(outdir, paste0(case, ".csv")), row.names = FALSE,
              quote = FALSE)
    add_case(case, c("score", flags, "--score", col, attr(segs, "flags")))
}
# chisq: svychisq's Rao-Scott F on the post-stratified design; under a base (list(rows,
# flags)) on subset(des, rows), which keeps every row of a calibrated design (weight 0
# outside), so that its ddf counts every PSU and stratum
run_chisq <- function(case, dat, des, flags, var, by, base = NULL) {
    des$variables[[var]] <- dat$txt[[var]]
    des$variables[[by]] <- dat$txt[[by]]
    if (!is.null(base)) des <- subset(des, base$rows)
    r <- svychisq(as.formula(paste("~", var, "+", by)), des, statistic = "F")
    write.csv(data.frame(variable = var, by = by, statistic = fmt17(r$statistic[[1]]),
                         ndf = fmt17(r$parameter[["ndf"]]), ddf = fmt17(r$parameter[["ddf"]]),
                         p_value = fmt17(r$p.value[[1]])),
              file.path(outdir, paste0(case, ".csv")), row.names = FALSE, quote = FALSE)
    add_case(case, c("chisq", flags, "--var", var, "--by", by, base$flags))
}
