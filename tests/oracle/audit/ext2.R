# The audit's second extension (sourced by audit.R; AUDIT_EXT2=0 leaves it out): --exclude
# (rows dropped before the design: R's svydesign() on the remaining rows, not subset()), a
# --multi-codes question whose labels hold commas (--codes-sep C, or the default split at ';'
# and ','), missing codes inside --multi-codes cells (per column, or global), labelled
# points of a scale ("0 - Not at all likely") for tab (with --levels), score's mean, NPS and
# ranges, segments of design df 0 (within one PSU per stratum, or a lonely stratum), and the
# same on replicate weights with per-column missing codes (and the usage error of a code on
# a replicate column). Its own streams (seed * 37 + 13 for the columns, * 41 + 7 for the
# commands): the other parts' data and commands are unchanged.

# New columns: sp a speeder flag (Yes/No, some blank), dur an interview length (seconds),
# lab a codes column of labels with commas joined by C, with a missing code ("Refused" or
# 98) inside cells or alone, sat a 1-5 scale (every point labelled, or its ends), rec a 0-10
# recommendation with labelled ends (and a "Don't know", missing in rec only).
ext2_cols <- function(df, ue, seed) {
    set.seed(seed * 37 + 13)
    n <- nrow(df)
    df$sp <- ifelse(runif(n) < sample(c(0.05, 0.15, 0.3), 1), "Yes", "No")
    df$sp[runif(n) < 0.05] <- NA
    dur <- pmax(100, pmin(3000, round(exp(rnorm(n, 6, 0.5) + ue / 3))))
    dur[runif(n) < 0.05] <- NA
    df$dur <- dur
    sep <- sample(c(";", "|", "/", "default"), 1, prob = c(0.3, 0.25, 0.15, 0.3))
    join <- if (sep == "default") sample(c(";", "; "), 1) else sample(c(sep, paste0(sep, " "), paste0(" ", sep, " ")), 1)
    pool <- c("Late, damaged or missing delivery", "Wrong item", "Rude, slow staff", "Price", "Other, please say")
    pr <- c(0.4, 0.25, 0.3, 0.2, 0.05)
    mcode <- sample(c("Refused", "98"), 1)
    mrate <- sample(c(0.05, 0.15), 1)
    lab <- vapply(seq_len(n), function(i) {
        has <- pool[runif(5) < pmin(0.95, pr * exp(ue[i] / 2))]
        if (runif(1) < mrate) has <- c(has, mcode)
        if (!length(has)) has <- if (runif(1) < 0.5) mcode else character()
        if (!length(has)) NA_character_ else paste(sample(has), collapse = join)
    }, "")
    lab[runif(n) < 0.05] <- NA
    df$lab <- lab
    seps <- c(" - ", " = ", ": ", ". ")
    s1 <- sample(seps, 1)
    satw <- c("Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied")
    allab <- runif(1) < 0.5
    satlv <- if (allab) paste0(1:5, s1, satw) else c(paste0(1, s1, satw[1]), 2:4, paste0(5, s1, satw[5]))
    prs <- runif(5, 0.2, 1); if (runif(1) < 0.3) prs[sample(5, 1)] <- 0  # (a point no row holds)
    sat <- vapply(seq_len(n), function(i) sample(satlv, 1, prob = prs * exp(ue[i] * (1:5) / 2)), "")
    sat[runif(n) < 0.05] <- NA
    df$sat <- sat
    s2 <- sample(seps, 1)
    reclv <- c(paste0(0, s2, "Not at all likely"), 1:9, paste0(10, s2, "Extremely likely"))
    if (runif(1) < 0.3) reclv[6] <- paste0(5, s2, "Neutral")
    dk <- "Don't know"
    prr <- c(rep(0.5, 7), 1, 1, 1.5, 1.5) * runif(11, 0.3, 1)
    rec <- vapply(seq_len(n), function(i) sample(reclv, 1, prob = prr * exp(ue[i] * (0:10) / 4)), "")
    rec[runif(n) < 0.08] <- dk
    rec[runif(n) < 0.05] <- NA
    df$rec <- rec
    list(df = df, sep = sep, join = join, mcode = mcode, satlv = satlv, reclv = reclv, dk = dk,
         allab = allab)
}

# A labelled point's number ("10 - Extremely likely": 10; separators " - ", " = ", ": ",
# ". "), a plain number's own, else NA; levels sort by it when every level has one, as
# shopstat's (docs/shopstat.1, score).
lab_num <- function(x) {
    v <- suppressWarnings(as.numeric(x))
    lp <- grepl("^[0-9]{1,3}( - | = |: |\\. )[A-Za-z]", x)
    v[is.na(v) & lp] <- as.numeric(sub("^([0-9]{1,3}).*$", "\\1", x[is.na(v) & lp]))
    v
}
sort_levels_lab <- function(x) {
    x <- unique(x[!is.na(x)])
    v <- lab_num(x)
    if (all(!is.na(v))) x[order(v)] else sort(x, method = "radix")
}
# --var col, with --levels (the given order first, the others after it in scale order)
q_lab <- function(dat, col, given = NULL) {
    x <- dat$txt[[col]]
    lv <- sort_levels_lab(x)
    q <- list(name = col, flags = c("--var", col), levels = c(given, setdiff(lv, given)),
              answered = !is.na(x), y = function(l) as.numeric(!is.na(x) & x == l))
    if (length(given)) q$flags <- c(q$flags, "--levels", paste0(col, ":", paste(given, collapse = ",")))
    q
}
# --multi-codes, the cells split at the regex re (a blank around each code trimmed)
q_codes_re <- function(dat, name, col, re) {
    x <- dat$txt[[col]]
    codes <- lapply(strsplit(ifelse(is.na(x), "", x), re), function(k) { k <- trimws(k); k[k != ""] })
    list(name = name, flags = c("--multi-codes", paste0(name, "=", col)),
         levels = sort_levels(unlist(codes)), answered = !is.na(x),
         y = function(l) as.numeric(vapply(codes, function(cc) l %in% cc, TRUE)))
}
sc_nps_num <- function(x) { v <- lab_num(x); ifelse(v <= 6, -100, ifelse(v <= 8, 0, 100)) }

# Exclusions: one or two of a categorical condition (sp:Yes, now and then sp:NA too), a
# threshold on dur (<= a low quantile or >= a high one), a stratum (dropped whole) or a PSU
# (with ids repeated across strata, that id in every stratum: PSUs dropped in part of the
# strata). Returns list(flags, rows) with rows TRUE for the rows R drops.
ext2_excl <- function(raw, spec) {
    n <- nrow(raw$txt)
    cand <- list()
    sp <- raw$txt$sp
    cand$sp <- list(flag = "sp:Yes", rows = !is.na(sp) & sp == "Yes")
    d <- raw$num$dur
    if (runif(1) < 0.5) {
        q <- unname(round(quantile(d, sample(c(0.1, 0.2, 0.3), 1), na.rm = TRUE)))
        cand$dur <- list(flag = paste0("dur:<=", q), rows = !is.na(d) & d <= q)
    } else {
        q <- unname(round(quantile(d, sample(c(0.8, 0.9, 0.95), 1), na.rm = TRUE)))
        cand$dur <- list(flag = paste0("dur:>=", q), rows = !is.na(d) & d >= q)
    }
    if (!is.null(spec$strata)) {
        sv <- unique(raw$txt$st)
        if (length(sv) >= 2) { s <- sample(sv, 1); cand$st <- list(flag = paste0("st:", s), rows = raw$txt$st == s) }
    }
    if (!is.null(spec$psu)) {
        pv <- unique(raw$txt$psu)
        if (length(pv) >= 3) { p <- sample(pv, 1); cand$psu <- list(flag = paste0("psu:", p), rows = raw$txt$psu == p) }
    }
    pick <- cand[sample(length(cand), sample(1:min(2, length(cand)), 1))]
    if (runif(1) < 0.1) pick <- c(pick, list(list(flag = "sp:NA", rows = is.na(sp))))
    rows <- Reduce(`|`, lapply(pick, `[[`, "rows"))
    list(flags = as.vector(rbind("--exclude", vapply(pick, `[[`, "", "flag"))), rows = rows,
         desc = paste(vapply(pick, `[[`, "", "flag"), collapse = " "))
}
keep_rows <- function(d, keep) list(txt = d$txt[keep, , drop = FALSE], num = d$num[keep, , drop = FALSE])

ext2_audit <- function(seed, G, ue, SC, spec) {
    X <- ext2_cols(G$df, ue, seed)
    set.seed(seed * 41 + 7)
    rel <- file.path("data", sprintf("s%d_y.csv", seed))
    df <- X$df
    # the codes column follows --codes-sep (it names the one separator of every codes cell)
    if (X$sep != "default") df$codes <- gsub("[;,]", X$sep, df$codes)
    write.csv(df, file.path(OUT, rel), row.names = FALSE, na = "")
    raw <- read_back(file.path(OUT, rel))
    n <- nrow(raw$num)
    re <- if (X$sep == "default") "[;,]" else paste0("[", X$sep, "]")
    sepflags <- if (X$sep == "default") character() else c("--codes-sep", X$sep)
    # missing codes: rec's Don't know (its column), lab's code inside its cells (its column,
    # or --missing 98 for every column where no other cell is 98), codes' 2 or 10 inside
    # cells now and then
    others98 <- any(unlist(lapply(raw$txt[setdiff(names(raw$txt), "lab")], function(v) !is.na(v) & trimws(v) == "98")))
    glob <- X$mcode == "98" && !others98 && runif(1) < 0.5
    mis <- list(list(cols = "rec", codes = X$dk, flag = paste0("rec:", X$dk)),
                list(cols = "lab", codes = X$mcode, flag = if (glob) "98" else paste0("lab:", X$mcode),
                     cells = re, join = if (X$sep == "default") ";" else X$sep))
    if (runif(1) < 0.4) { cd <- sample(c("2", "10"), 1); mis <- c(mis, list(list(cols = "codes", codes = cd, flag = paste0("codes:", cd), cells = re, join = if (X$sep == "default") ";" else X$sep))) }
    mflags <- as.vector(rbind("--missing", vapply(mis, `[[`, "", "flag")))
    ex <- ext2_excl(raw, spec)
    keep <- !ex$rows
    if (sum(keep) < 4) {
        # (too few rows left: the speeders alone)
        sp <- raw$txt$sp
        ex <- list(flags = c("--exclude", "sp:Yes"), rows = !is.na(sp) & sp == "Yes", desc = "sp:Yes")
        keep <- !ex$rows
    }
    if (sum(keep) < 4) { LOG(sprintf("s%d_y", seed), "|NOTE|exclusions leave ", sum(keep), " rows: none"); ex <- list(flags = character(), rows = rep(FALSE, n), desc = ""); keep <- rep(TRUE, n) }
    dat <- apply_missing(keep_rows(raw, keep), mis)
    dat$path <- rel
    # after the exclusions a stratum may hold one PSU: a rule other than fail, mostly
    sp2 <- spec
    if (!is.null(sp2$strata)) {
        u <- if (is.null(sp2$psu)) seq_len(sum(keep)) else dat$txt$psu
        k <- tapply(u, dat$txt$st, function(v) length(unique(v)))
        if (any(k == 1) && (is.null(sp2$lonely) || sp2$lonely == "fail") && runif(1) < 0.7)
            sp2$lonely <- sample(c("remove", "certainty", "adjust", "average"), 1)
    }
    m <- nrow(dat$num)
    # questions: sat (with --levels half the time: the scale, or the scale reversed), lab,
    # and at random rec, codes (--none-in-base half the time for the codes questions)
    given <- if (runif(1) < 0.5) { if (runif(1) < 0.3) rev(X$satlv) else X$satlv } else NULL
    lab <- q_codes_re(dat, "lab", "lab", re)
    cd <- q_codes_re(dat, "cd", "codes", re)
    if (runif(1) < 0.4) lab <- q_none(lab)
    if (runif(1) < 0.4) cd <- q_none(cd)
    qs <- list(q_lab(dat, "sat", given), lab)
    if (runif(1) < 0.5) qs <- c(qs, list(q_lab(dat, "rec")))
    if (runif(1) < 0.5) qs <- c(qs, list(cd))
    # segments: g, heavy, and a segment of design df 0: one PSU id (one PSU, or with ids
    # repeated across strata one PSU per stratum), or a stratum of one row in an element design
    groups <- list(s_by(dat, "g"), s_eq(dat, "heavy", "spend", "3"))
    if (!is.null(sp2$psu)) groups <- c(groups, list(s_eq(dat, "one", "psu", sample(unique(dat$txt$psu), 1))))
    else if (!is.null(sp2$strata)) {
        k <- table(dat$txt$st)
        st1 <- names(k)[k == 1]
        if (length(st1)) groups <- c(groups, list(s_eq(dat, "one", "st", st1[1])))
    }
    base <- NULL
    u <- runif(1)
    if (u < 0.3) base <- list(rows = !is.na(dat$txt$spend) & dat$txt$spend %in% c("2", "3"), flags = c("--base", "spend:2,3"))
    else if (u < 0.5) { r <- dat$num$x >= -0.5; base <- list(rows = !is.na(r) & r, flags = c("--base", "x:>=-0.5")) }
    inbase <- if (is.null(base)) rep(TRUE, m) else base$rows
    ci_flag <- sample(names(ci_canon), 1); ci <- ci_canon[[ci_flag]]
    level <- sample(c(0.95, 0.95, 0.9, 0.8, 0.99), 1)
    # scores of the labelled points: rec's NPS and mean, sat's mean and a map of ranges
    lsets <- list(list(col = "rec", flag = "rec:nps", name = "NPS", f = sc_nps_num),
                  list(col = "rec", flag = "rec", name = "mean", f = lab_num),
                  list(col = "sat", flag = "sat", name = "mean", f = lab_num),
                  list(col = "sat", flag = "sat:1-2=0,3=50,4-5=100", name = "score",
                       f = function(x) { v <- lab_num(x); ifelse(v <= 2, 0, ifelse(v == 3, 50, 100)) }))
    lsets <- lsets[sort(sample(4, sample(1:3, 1)))]
    xflags <- c(ex$flags, sepflags)
    tg <- sprintf("s%d_y", seed)
    LOG(tg, "|RUN|exclude=", ex$desc, "|rows=", n, "->", m, "|sep=", X$sep, "|join='", X$join, "'|missing=",
        paste(vapply(mis, `[[`, "", "flag"), collapse = " "), "|levels=", length(given) > 0,
        "|lonely=", if (is.null(sp2$lonely)) "default" else sp2$lonely, "|base=", paste(base$flags, collapse = " "))

    ## Taylor: tab, compare, score and compare --score, chisq
    old <- options(survey.lonely.psu = if (is.null(sp2$lonely)) "fail" else sp2$lonely)
    des <- tryCatch(make_design(dat, sp2), error = function(e) e)
    options(old)
    if (inherits(des, "error")) { LOG(tg, "|NOTE|R design: ", conditionMessage(des)); return(invisible()) }
    w <- if (is.null(sp2$weight)) suppressWarnings(weights(des)) else dat$num[[sp2$weight]]
    dflags <- c(design_flags(sp2), xflags)
    g2 <- ext_tab(paste0(tg, "tab"), dat, sp2, NULL, w, qs, groups, base, inbase, mflags, dflags, ci, ci_flag, level, FALSE)
    segs <- seg_list(dat, g2)
    pp <- ext_pairs(segs, w, inbase)
    if (length(pp$pairs)) ext_compare(paste0(tg, "cmp"), dat, sp2, NULL, FALSE, qs, segs, pp, base, inbase, mflags, dflags)
    else LOG(paste0(tg, "cmp"), "|SKIP|no pair")
    ext_levels(tg, dat, sp2, des, w, FALSE, lsets, segs, pp, base, inbase, mflags, dflags)
    # (by spend, three values over every PSU: g's one-row values T and 9 leave most tables
    # of a five-point scale too sparse, refused by both)
    chisq_case(paste0(tg, "chisq"), dat, sp2, "sat", base, rel, c(xflags, mflags), byv = "spend")
    chisq_case(paste0(tg, "chisq2"), dat, sp2, "q2", base, rel, c(xflags, mflags), byv = "spend")

    ## replicate weights made from the whole file's design, the exclusions dropping rows
    ## (R: svrepdesign on the remaining rows)
    if (seed %% 2 != 0) return(invisible())
    RP <- rep_make_x(raw, spec, seed)
    if (is.null(RP)) { LOG(paste0(tg, "r"), "|NOTE|one unit: no replicate design"); return(invisible()) }
    rrel <- write_reps(raw, RP, file.path("data", sprintf("s%d_yrep.csv", seed)))
    rall <- read_back(file.path(OUT, rrel))
    rdat <- apply_missing(keep_rows(rall, keep), mis)
    rdat$path <- rrel
    rdes <- tryCatch(RP$design(rdat$num[, names(rdat$num) != "g"]), error = function(e) e)
    if (inherits(rdes, "error")) { LOG(paste0(tg, "r"), "|NOTE|R design: ", conditionMessage(rdes)); return(invisible()) }
    rw <- rdat$num$rw
    LOG(paste0(tg, "r"), "|RUN|reptype=", RP$desc)
    rflags <- c(RP$flags, xflags)
    # a missing code on a replicate column is a usage error (R's svrepdesign refuses NA
    # replicate weights): exit 2, nothing on stdout
    res <- run_sh(paste0(tg, "rbad"), c("tab", rrel, rflags, mflags, "--missing", sample(c("rr*:0", "rr1:0", "rw,rr2:0"), 1), "--var", "sat"))
    if (res$rc == 2 && grepl("replicate", res$err)) LOG(paste0(tg, "rbad"), "|OK-USAGE|", res$err)
    else { LOG(paste0(tg, "rbad"), "|FAIL|rc=", res$rc, "|expected a usage error|", res$err); STATS$bad <- STATS$bad + 1 }
    rci_flag <- sample(setdiff(names(ci_canon), "likelihood"), 1)
    g3 <- ext_tab(paste0(tg, "rtab"), rdat, list(), rdes, rw, qs, groups, base, inbase, mflags, rflags,
                  ci_canon[[rci_flag]], rci_flag, level, TRUE)
    segs <- seg_list(rdat, g3)
    pp <- ext_pairs(segs, rw, inbase)
    if (length(pp$pairs)) ext_compare(paste0(tg, "rcmp"), rdat, list(), rdes, TRUE, qs, segs, pp, base, inbase, mflags, rflags)
    else LOG(paste0(tg, "rcmp"), "|SKIP|no pair")
    ext_levels(paste0(tg, "r"), rdat, list(), rdes, rw, TRUE, lsets, segs, pp, base, inbase, mflags, rflags)
}
