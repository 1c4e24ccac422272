# The audit's third extension (sourced by audit.R; AUDIT_EXT3=0 leaves it out): a text
# answer scale (Strongly disagree .. Strongly agree exported as text, with a "Don't know"
# now an answer after the scale, now --missing), waves (a --by of "Q4 2026", "Wave 9" or
# "2026-09" values, in a tracker's time order), compare's table view and report.md's
# difference cells read back against R, and replicate designs of the five types (bootstrap,
# jk1, jkn, brr, fay; one per seed in turn), with shopstat's refusals where they are right:
# a mean of a text scale, a map leaving the "Don't know" answer unscored (OK-NOSCORE), and
# `replicate --exclude` (OK-REPEXCL). Its own streams (seed * 43 + 19 for the columns,
# * 47 + 5 for the commands): the other parts' data and commands are unchanged.

AGREE5 <- c("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree")
AGREE4 <- c("Strongly disagree", "Somewhat disagree", "Somewhat agree", "Strongly agree")
ext3_cols <- function(df, ue, seed) {
    set.seed(seed * 43 + 19)
    n <- nrow(df)
    sc <- if (runif(1) < 0.7) AGREE5 else AGREE4
    k <- length(sc)
    pr <- runif(k, 0.2, 1); if (runif(1) < 0.2) pr[sample(k, 1)] <- 0  # (a point no row holds)
    ag <- vapply(seq_len(n), function(i) sample(sc, 1, prob = pr * exp(ue[i] * seq_len(k) / 2)), "")
    dk <- "Don't know"
    ag[runif(n) < sample(c(0, 0.05, 0.12), 1)] <- dk
    ag[runif(n) < 0.05] <- NA
    df$ag <- ag
    style <- sample(c("quarter", "wave", "month"), 1)
    nw <- sample(2:4, 1)
    wv <- switch(style,
                 quarter = c("Q3 2026", "Q4 2026", "Q1 2027", "Q2 2027")[seq_len(nw)],
                 wave = c("Wave 8", "Wave 9", "Wave 10", "Wave 11")[seq_len(nw)],
                 month = c("2026-09", "2026-10", "2026-11", "2026-12")[seq_len(nw)])
    df$wave <- sample(wv, n, replace = TRUE)
    list(df = df, scale = sc, dk = dk, waves = wv)
}

# --by wave, its segments in the waves' time order (shopstat's: years, then the numbers in
# them; docs/spec.md), not as text sorts ("Wave 10" before "Wave 9")
s_by_order <- function(dat, col, lv) {
    x <- dat$txt[[col]]
    lv <- lv[lv %in% x]
    segs <- lapply(lv, function(l) list(name = paste0(col, "=", l), rows = !is.na(x) & x == l))
    attr(segs, "flags") <- c("--by", col)
    segs
}

# shopstat with its own --format (run_sh asks for csv): list(rc, err, lines)
run_fmt <- function(tag, args) {
    base <- file.path(OUT, "runs", tag)
    cmd <- paste(shQuote(SH), paste(shQuote(args), collapse = " "))
    writeLines(paste("cd", shQuote(OUT), "&&", cmd), paste0(base, ".cmd"))
    rc <- suppressWarnings(system(paste("cd", shQuote(OUT), "&& timeout 60", cmd, ">", shQuote(paste0(base, ".out")),
                                        "2>", shQuote(paste0(base, ".err")))))
    list(rc = rc, err = paste(readLines(paste0(base, ".err"), warn = FALSE), collapse = "\n"),
         lines = readLines(paste0(base, ".out"), warn = FALSE, encoding = "UTF-8"))
}

# A difference cell ("+18.1 [+13.6, +22.6] p < 0.001", "-9.2 [...] p = 0.022", "not
# tested", "-", "[df 0]", "0.0 (0% on both sides: no test)") against R's row e (difference, interval at the run's level and
# adjusted p; percentage points, one decimal): a DIFF beyond the rounding of what it shows
# (a p near a letter's level has more decimals, "p = 0.0498", or its side, "p > 0.05").
CELL_RE <- "^([+-]?[0-9.]+) \\[([+-]?[0-9.]+), ([+-]?[0-9.]+)\\] p ([<=>]) ([0-9.]+)$"
CELL_NOP <- "^([+-]?[0-9.]+) \\[([+-]?[0-9.]+), ([+-]?[0-9.]+)\\]$"
check_cell <- function(tag, key, cell, e) {
    cell <- trimws(gsub("\u2212", "-", cell))
    STATS$nums <- STATS$nums + 1
    if (grepl(CELL_NOP, cell)) {
        # a difference of 0 with SE 0: its interval, t and p empty (R's NaN or noise)
        m <- regmatches(cell, regexec(CELL_NOP, cell))[[1]]
        STATS$kinds <- c(STATS$kinds, "cell-nop")
        for (k in 1:3) {
            want <- 100 * c(e$difference, e$ci_lower, e$ci_upper)[k]
            if (!is.finite(want) || abs(as.numeric(m[k + 1]) - want) > 0.05 + 1e-6)
                bad(tag, key, c("cell-d", "cell-lo", "cell-hi")[k], cell, want / 100)
        }
        if (!(abs(e$difference) < 1e-12 && e$se < 1e-12)) bad(tag, key, "cell-p", cell, e$p_adjusted, "no p, R's SE above 0")
        return(invisible())
    }
    if (grepl("^0\\.0 \\((0|100)% on both sides: no test\\)$", cell)) {
        # a level at 0% (or 100%) on both sides: no test; R's difference and SE are 0
        STATS$kinds <- c(STATS$kinds, "cell-notest")
        if (!(abs(e$difference) < 1e-12 && e$se < 1e-12)) bad(tag, key, "cell", cell, e$difference, "no test shown, R's difference or SE above 0")
        return(invisible())
    }
    if (!grepl(CELL_RE, cell)) {
        STATS$kinds <- c(STATS$kinds, if (cell %in% c("not tested", "-")) paste0("cell-", cell) else if (grepl("\\[df 0\\]$", cell)) "cell-df0" else "cell-other")
        if (!cell %in% c("not tested", "-") && !grepl("\\[df 0\\]$", cell)) LOG(tag, "|NOTE-CELL|", key, "|", cell, "|R d=", e$difference, " se=", e$se)
        if (grepl("\\[df 0\\]$", cell) && isTRUE(e$df > 0)) bad(tag, key, "cell", cell, e$df, "df 0 shown, R's df above 0")
        return(invisible())
    }
    m <- regmatches(cell, regexec(CELL_RE, cell))[[1]]
    STATS$kinds <- c(STATS$kinds, "cell")
    half <- function(s) 0.5 * 10^-(if (grepl("\\.", s)) nchar(sub("^.*\\.", "", s)) else 0) + 1e-6
    for (k in 1:3) {
        want <- 100 * c(e$difference, e$ci_lower, e$ci_upper)[k]
        got <- as.numeric(m[k + 1])
        if (!is.finite(want) || abs(got - want) > half(m[k + 1]))
            bad(tag, key, c("cell-d", "cell-lo", "cell-hi")[k], cell, want / 100)
    }
    p <- e$p_adjusted; got <- as.numeric(m[6])
    if (!is.finite(p)) bad(tag, key, "cell-p", cell, p)
    else if (m[5] == "<" && p >= got + 1e-9) bad(tag, key, "cell-p", cell, p)
    else if (m[5] == ">" && p <= got - 1e-9) bad(tag, key, "cell-p", cell, p)
    else if (m[5] == "=" && abs(p - got) > half(m[6])) bad(tag, key, "cell-p", cell, p)
}

# compare --format table's difference blocks: for each level row, one cell per pair (the
# pairs of a block named in its "difference" header line, "heavy - not heavy")
table_cells <- function(lines, levels) {
    cells <- list()
    heads <- character()
    for (ln in lines) {
        if (startsWith(ln, "difference ")) { heads <- strsplit(trimws(substring(ln, 11)), " {2,}")[[1]]; next }
        if (!length(heads)) next
        if (!nzchar(trimws(ln))) { heads <- character(); next }
        lv <- levels[vapply(levels, function(l) startsWith(ln, paste0(l, " ")), TRUE)]
        if (!length(lv)) next
        lv <- lv[which.max(nchar(lv))]
        rest <- trimws(substring(ln, nchar(lv) + 1))
        parts <- strsplit(rest, " {2,}")[[1]]
        if (length(parts) != length(heads)) next
        for (k in seq_along(heads)) cells[[paste(lv, heads[k], sep = "|")]] <- parts[k]
    }
    cells
}

pair_head <- function(pr, lab = function(s) s) {
    ab <- strsplit(pr, ":", fixed = TRUE)[[1]]
    paste(lab(ab[1]), "-", if (ab[2] == "rest") paste("not", lab(ab[1])) else lab(ab[2]))
}

ext3_cells <- function(tag, cells, ex, pairs, lab = function(s) s) {
    STATS$cases <- STATS$cases + 1
    for (i in seq_len(nrow(ex))) {
        e <- ex[i, ]
        pr <- paste0(e$segment_a, ":", e$segment_b)
        key <- paste(e$level, pair_head(pr, lab), sep = "|")
        STATS$rows <- STATS$rows + 1
        if (is.null(cells[[key]])) { bad(tag, key, "cell", "(none)", e$difference, "no cell"); next }
        check_cell(tag, key, cells[[key]], e)
    }
}

# report.md: the table's markdown rows, the last K cells the comparisons' (headed
# "w2 − w1 (C − B)")
report_cells <- function(lines, levels, heads) {
    cells <- list()
    for (ln in lines) {
        if (!startsWith(ln, "|")) next
        f <- trimws(strsplit(ln, "|", fixed = TRUE)[[1]])[-1]
        lv <- gsub("\\\\", "", f[1])
        if (!lv %in% levels || length(f) < length(heads) + 1) next
        d <- tail(f, length(heads))
        for (k in seq_along(heads)) cells[[paste(lv, heads[k], sep = "|")]] <- d[k]
    }
    cells
}

ext3_audit <- function(seed, G, ue, SC, spec) {
    X <- ext3_cols(G$df, ue, seed)
    set.seed(seed * 47 + 5)
    rel <- file.path("data", sprintf("s%d_z.csv", seed))
    write.csv(X$df, file.path(OUT, rel), row.names = FALSE, na = "")
    raw <- read_back(file.path(OUT, rel))
    dkmiss <- runif(1) < 0.5
    mis <- if (dkmiss) list(list(cols = "ag", codes = X$dk, flag = paste0("ag:", X$dk))) else list()
    mflags <- if (length(mis)) as.vector(rbind("--missing", vapply(mis, `[[`, "", "flag"))) else character()
    dat <- apply_missing(raw, mis)
    dat$path <- rel
    n <- nrow(dat$num)
    x <- dat$txt$ag
    # (a scale is two of its points or more: one point beside a Don't know is text, sorted,
    # its non-substantive answer last as for any question: shopstat.1, TEXT SCALES; s42)
    lv <- if (sum(X$scale %in% x) >= 2) c(X$scale[X$scale %in% x], if (X$dk %in% x) X$dk) else
        { sl <- sort_levels(x); c(sl[sl != X$dk], sl[sl == X$dk]) }
    q <- list(name = "ag", flags = c("--var", "ag"), levels = lv, answered = !is.na(x),
              y = function(l) as.numeric(!is.na(x) & x == l))
    groups <- list(s_by_order(dat, "wave", X$waves), s_eq(dat, "heavy", "spend", "3"))
    base <- NULL
    if (runif(1) < 0.3) base <- list(rows = !is.na(dat$txt$spend) & dat$txt$spend %in% c("2", "3"), flags = c("--base", "spend:2,3"))
    inbase <- if (is.null(base)) rep(TRUE, n) else base$rows
    ci_flag <- sample(names(ci_canon), 1); ci <- ci_canon[[ci_flag]]
    level <- sample(c(0.95, 0.9, 0.8, 0.99), 1)
    # scores: the scale's points 1..k (or 0-100), the Don't know in the map or not: without
    # it (and not missing) shopstat refuses, as it must (OK-NOSCORE)
    k <- length(X$scale)
    pts <- if (runif(1) < 0.5) seq_len(k) else round(100 * (seq_len(k) - 1) / (k - 1), 4)
    map <- paste(paste0(X$scale, "=", pts), collapse = ",")
    lsets <- list(list(col = "ag", flag = paste0("ag:", map), name = "score",
                       f = function(v) ifelse(is.na(v), NA, pts[match(v, X$scale)])))
    tg <- sprintf("s%d_z", seed)
    LOG(tg, "|RUN|scale=", k, "|dk=", if (dkmiss) "missing" else if (X$dk %in% x) "answer" else "none",
        "|waves=", paste(X$waves, collapse = ","), "|base=", paste(base$flags, collapse = " "))

    old <- options(survey.lonely.psu = if (is.null(spec$lonely)) "fail" else spec$lonely)
    des <- tryCatch(make_design(dat, spec), error = function(e) e)
    options(old)
    if (inherits(des, "error")) { LOG(tg, "|NOTE|R design: ", conditionMessage(des)); return(invisible()) }
    w <- if (is.null(spec$weight)) suppressWarnings(weights(des)) else dat$num[[spec$weight]]
    dflags <- design_flags(spec)
    ext3_run(tg, dat, spec, des, w, FALSE, q, groups, base, inbase, mflags, dflags, ci, ci_flag, level, lsets, X, dkmiss)

    ## replicate weights of the seed's type (bootstrap, jk1, jkn, brr, fay in turn)
    want <- c("bootstrap", "jk1", "jkn", "brr", "fay")[seed %% 5 + 1]
    RP <- NULL
    for (tr in 0:80) { RP <- rep_make_x(dat, spec, seed * 1000 + tr); if (is.null(RP) || RP$type == want) break }
    if (is.null(RP) || RP$type != want) { LOG(tg, "r|NOTE|no ", want, " replicate design"); return(invisible()) }
    rrel <- write_reps(raw, RP, file.path("data", sprintf("s%d_zrep.csv", seed)))
    rdat <- apply_missing(read_back(file.path(OUT, rrel)), mis)
    rdat$path <- rrel
    rdes <- tryCatch(RP$design(rdat$num[, !names(rdat$num) %in% c("g", "wave")]), error = function(e) e)
    if (inherits(rdes, "error")) { LOG(tg, "r|NOTE|R design: ", conditionMessage(rdes)); return(invisible()) }
    LOG(tg, "r|RUN|reptype=", RP$desc)
    rci_flag <- sample(setdiff(names(ci_canon), "likelihood"), 1)
    ext3_run(paste0(tg, "r"), rdat, list(), rdes, rdat$num$rw, TRUE, q, groups, base, inbase, mflags, RP$flags,
             ci_canon[[rci_flag]], rci_flag, level, lsets, X, dkmiss)

    ## replicate --exclude: refused (replicates made on every row are not R's of a subset)
    if (!is.null(spec$psu) && !is.null(spec$weight)) {
        res <- run_fmt(paste0(tg, "repx"), c("replicate", rel, "--weight", spec$weight, "--psu", spec$psu,
                                              if (!is.null(spec$strata)) c("--strata", spec$strata),
                                              "--type", sample(c("jk1", "jkn", "bootstrap"), 1), "--exclude", "spend:3"))
        if (res$rc == 2 && grepl("--exclude", res$err) && !length(res$lines)) LOG(tg, "repx|OK-REPEXCL|", res$err)
        else { LOG(tg, "repx|FAIL|rc=", res$rc, "|expected a usage error|", res$err); STATS$bad <- STATS$bad + 1 }
    }
}

# tab, compare (csv and table view), score and compare --score of the scale; on a Taylor
# design also the report's difference cells
ext3_run <- function(tg, dat, spec, des, w, rep, q, groups, base, inbase, mflags, dflags, ci, ci_flag, level, lsets, X, dkmiss) {
    g2 <- ext_tab(paste0(tg, "tab"), dat, spec, if (rep) des else NULL, w, list(q), groups, base, inbase, mflags, dflags, ci, ci_flag, level, rep)
    segs <- seg_list(dat, g2)
    nm <- vapply(segs, `[[`, "", "name")
    okseg <- nm[vapply(segs, function(s) sum(w[s$rows & inbase]) > 0 && sum(s$rows & inbase) >= 3, TRUE)]
    wv <- grep("^wave=", okseg, value = TRUE)
    cand <- c(if (length(wv) >= 2) paste0(wv[length(wv)], ":", wv[length(wv) - 1]),
              if (length(wv) >= 3) paste0(wv[length(wv)], ":", wv[1]),
              if ("heavy" %in% okseg) c("heavy:rest", "heavy:all"))
    cand <- Filter(function(pr) { ab <- strsplit(pr, ":", fixed = TRUE)[[1]]
                                  ra <- segs[[match(ab[1], nm)]]$rows
                                  rb <- if (ab[2] == "rest") !ra else segs[[match(ab[2], nm)]]$rows
                                  sum(w[ra & inbase]) > 0 && sum(w[rb & inbase]) > 0 }, cand)
    pp <- list(pairs = cand, cli = cand)
    # (rows of weight 0 count: they hold the answer, and shopstat refuses it as R's data hold it)
    sc_ok <- dkmiss || !X$dk %in% dat$txt$ag[inbase]
    if (sc_ok) ext_levels(tg, dat, spec, des, w, rep, lsets, segs, if (length(cand)) pp else list(pairs = character()), base, inbase, mflags, dflags)
    else {
        # the Don't know is an answer (no --missing) and the map leaves it out: refused
        res <- run_sh(paste0(tg, "nsc"), c("score", dat$path, dflags, mflags, "--score", lsets[[1]]$flag, attr(segs, "flags"), base$flags))
        if (res$rc == 2 && grepl("non-substantive", res$err)) LOG(tg, "nsc|OK-NOSCORE|", res$err)
        else { LOG(tg, "nsc|FAIL|rc=", res$rc, "|expected a refusal of the unscored Don't know|", res$err); STATS$bad <- STATS$bad + 1 }
    }
    # a mean of a text scale: no level is a number, refused
    res <- run_sh(paste0(tg, "mean"), c("score", dat$path, dflags, mflags, "--score", "ag:mean", attr(segs, "flags")))
    # (the message proposes a map of the points; with a Don't know as an answer that answer
    # is refused first)
    # (one point of the scale alone, beside a Don't know or not, is no scale but text, as
    # the levels' order above: "level 'Agree' is not a number"; seed s122, 2026-12-03)
    onept <- sum(X$scale %in% dat$txt$ag) < 2
    if (res$rc == 2 && (grepl("point of a text scale|non-substantive", res$err) ||
                        onept && grepl("is not a number, so it has no score in a mean", res$err, fixed = TRUE))) LOG(tg, "mean|OK-NOSCORE|", res$err)
    else { LOG(tg, "mean|FAIL|rc=", res$rc, "|expected a refusal of a text scale's mean|", res$err); STATS$bad <- STATS$bad + 1 }
    if (!length(cand)) { LOG(tg, "cmp|SKIP|no pair"); return(invisible()) }
    ext_compare(paste0(tg, "cmp"), dat, spec, if (rep) des else NULL, rep, list(q), segs, pp, base, inbase, mflags, dflags)
    # the table view's difference cells against R
    adjust <- sample(c("holm", "bh", "none"), 1)
    clevel <- sample(c(0.95, 0.9, 0.99), 1)
    old <- options(survey.lonely.psu = if (is.null(spec$lonely)) "fail" else spec$lonely)
    ex <- tryCatch(compare_expect(dat, spec, list(q), segs, cand, adjust, clevel, inbase, des = if (rep) des else NULL, rep = rep), error = function(e) e)
    options(old)
    args <- c("compare", dat$path, dflags, mflags, q$flags, attr(segs, "flags"), base$flags,
              as.vector(rbind("--pair", cand)), "--adjust", adjust, "--level", clevel, "--format", "table")
    res <- run_fmt(paste0(tg, "tv"), args)
    LOG(tg, "tv|RUN|rc=", res$rc, "|pairs=", paste(cand, collapse = " "), "|adjust=", adjust, "|level=", clevel)
    if (inherits(ex, "error")) LOG(tg, "tv|OK-ERR|R: ", conditionMessage(ex), "|shopstat rc=", res$rc)
    else if (res$rc != 0) { LOG(tg, "tv|FAIL|rc=", res$rc, "|", res$err); STATS$bad <- STATS$bad + 1 }
    else ext3_cells(paste0(tg, "tv"), table_cells(res$lines, q$levels), ex, cand)
    if (rep || !length(wv) || !is.null(spec$lonely) && spec$lonely == "fail") return(invisible())
    ext3_report(tg, dat, spec, q, segs, cand, base, inbase, adjust, clevel, dkmiss, X)
}

# report.md's difference cells: the waves as where: segments (quoted values), compared as
# a tracker's; R's rows as compare's
ext3_report <- function(tg, dat, spec, q, segs, cand, base, inbase, adjust, clevel, dkmiss, X) {
    wsegs <- grep("^wave=", vapply(segs, `[[`, "", "name"), value = TRUE)
    wn <- setNames(paste0("w", seq_along(wsegs)), wsegs)
    lab <- function(s) if (s %in% names(wn)) wn[[s]] else s
    pairs <- cand
    yq <- function(s) paste0("\"", gsub("\"", "\\\\\"", s), "\"")
    d <- c(if (!is.null(spec$weight)) paste0("weight: ", spec$weight), if (!is.null(spec$strata)) paste0("strata: ", spec$strata),
           if (!is.null(spec$psu)) paste0("psu: ", spec$psu), if (!is.null(spec$fpc)) paste0("fpc: ", spec$fpc),
           if (!is.null(spec$lonely)) paste0("lonely_psu: ", spec$lonely))
    qline <- paste0("  ag: {column: ag", if (dkmiss) paste0(", missing: [", yq(X$dk), "]"), "}")
    sl <- c(paste0("  ", wn, ": {where: ", yq(paste0("wave == '", sub("^wave=", "", wsegs), "'")), "}"),
            "  heavy: {where: \"spend == 3\"}")
    bl <- if (is.null(base)) "" else ", base: \"spend in [2, 3]\""
    cmpl <- paste(vapply(pairs, function(pr) { ab <- strsplit(pr, ":", fixed = TRUE)[[1]]; yq(paste0(lab(ab[1]), ":", if (ab[2] == "rest") "rest" else lab(ab[2]))) }, ""), collapse = ", ")
    segl <- paste(c("all", unname(wn), "heavy"), collapse = ", ")
    y <- c("survey: audit", paste0("data: ", normalizePath(file.path(OUT, dat$path))),
           if (length(d)) paste0("design: {", paste(d, collapse = ", "), "}"),
           paste0("ci: {method: ", ci_canon[["logit"]], ", level: ", clevel, "}"),
           paste0("compare: {adjust: ", adjust, "}"),
           "questions:", qline, "segments:", sl, "tables:",
           paste0("  - {question: ag, segments: [", segl, "], compare: [", cmpl, "], differences: true", bl, "}"))
    yml <- file.path(OUT, "runs", paste0(tg, "rep.yml"))
    writeLines(y, yml)
    od <- file.path(OUT, "runs", paste0(tg, "rep_out"))
    unlink(od, recursive = TRUE)
    res <- run_fmt(paste0(tg, "rep"), c("report", yml, "-o", od, "--quiet", "--no-charts"))
    LOG(tg, "rep|RUN|rc=", res$rc, "|pairs=", paste(pairs, collapse = " "))
    old <- options(survey.lonely.psu = if (is.null(spec$lonely)) "fail" else spec$lonely)
    ex <- tryCatch(compare_expect(dat, spec, list(q), segs, pairs, adjust, clevel, inbase), error = function(e) e)
    options(old)
    if (inherits(ex, "error")) { LOG(tg, "rep|OK-ERR|R: ", conditionMessage(ex), "|shopstat rc=", res$rc); return(invisible()) }
    # (a base, or whole design, of df 0: the report refuses the table as tab does; seed s85,
    # two strata of one PSU each, 2026-12-03)
    if (res$rc != 0 && isTRUE(ex$df[1] <= 0) && grepl("design degrees of freedom are 0", res$err, fixed = TRUE)) {
        LOG(tg, "rep|OK-DF0|", res$err); return(invisible())
    }
    if (res$rc != 0) { LOG(tg, "rep|FAIL|rc=", res$rc, "|", res$err); STATS$bad <- STATS$bad + 1; return(invisible()) }
    md <- readLines(file.path(od, "report.md"), warn = FALSE, encoding = "UTF-8")
    heads <- vapply(pairs, pair_head, "", lab = lab)
    cells <- report_cells(gsub("\u2212", "-", md), q$levels, heads)
    ext3_cells(paste0(tg, "rep"), cells, ex, pairs, lab = lab)
}
