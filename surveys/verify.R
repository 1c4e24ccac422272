# verify.R: prints each published figure of the bundled surveys next to R survey's estimate.
#
# Usage (from the repository root or anywhere): Rscript surveys/verify.R
# Optional check for readers; nothing in `make check` needs R. Estimates are design-based
# weighted proportions (Taylor linearization, survey package), 95% CI by svyciprop's default
# "logit" method with the design's degrees of freedom.

suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "adjust", width = 120)

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(file_arg)) dirname(normalizePath(file_arg)) else "surveys"

# One row of the check table: proportion of `expr` (a logical formula) in subset `dom` of `des`.
row <- function(label, published, des, expr, dom) {
  d <- subset(des, eval(dom, des$variables))
  est <- svyciprop(expr, d, method = "logit", level = 0.95)
  ci <- as.numeric(attr(est, "ci"))
  p <- as.numeric(est)
  data.frame(figure = label,
             published = if (is.na(published)) "-" else sprintf("%.1f", 100 * published),
             estimate = sprintf("%.2f", 100 * p),
             ci95 = sprintf("[%.1f, %.1f]", 100 * ci[1], 100 * ci[2]),
             base_n = nrow(d),
             within_0.5 = if (is.na(published)) "-" else
               if (abs(p - published) <= 0.005) "yes" else "NO",
             stringsAsFactors = FALSE)
}

show <- function(title, tab) {
  cat("\n==", title, "==\n")
  print(tab, row.names = FALSE, right = FALSE)
  bad <- sum(tab$within_0.5 == "NO")
  cat(sprintf("%d of %d published figures within 0.5 point\n",
              sum(tab$within_0.5 == "yes"), sum(tab$within_0.5 != "-")))
  invisible(bad)
}

# ---- Servicesoft 1999 ----------------------------------------------------------------------
ss <- read.csv(file.path(here, "servicesoft-1999", "respondents.csv"))
ss_des <- svydesign(ids = ~panel, strata = ~region, weights = ~wt, nest = TRUE, data = ss)
cat(sprintf("servicesoft-1999: %d respondents, %d strata, %d PSUs, weights %.4f..%.4f (mean %.4f)\n",
            nrow(ss), length(unique(ss$region)), nrow(unique(ss[c("region", "panel")])),
            min(ss$wt), max(ss$wt), mean(ss$wt)))
heavy <- quote(!is.na(spend_6m) & spend_6m == 3)
others <- quote(is.na(spend_6m) | spend_6m != 3)
ss_tab <- rbind(
  row("Heavy buyers (spend_6m = 3), share of buyers [assumed]", NA, ss_des,
      ~I(spend_6m == 3), quote(!is.na(spend_6m))),
  row("Would switch after service problems, all buyers", 0.69, ss_des,
      ~I(would_switch == 1), quote(!is.na(would_switch))),
  row("Would switch after service problems, heavy buyers", 0.87, ss_des,
      ~I(would_switch == 1), bquote(.(heavy) & !is.na(would_switch))),
  row("Bought more where service satisfied, all buyers", 0.65, ss_des,
      ~I(bought_more == 1), quote(!is.na(bought_more))),
  row("Bought more where service satisfied, heavy buyers", 0.79, ss_des,
      ~I(bought_more == 1), bquote(.(heavy) & !is.na(bought_more))),
  row("Never had a problem with e-mail (prob_none)", 0.05, ss_des,
      ~I(prob_none == 1), quote(!is.na(prob_none))),
  row("E-mail problem never solved (prob_unsolved), ~50%", 0.50, ss_des,
      ~I(prob_unsolved == 1), quote(!is.na(prob_unsolved))))
bad <- show("servicesoft-1999: published figures (weighted %)", ss_tab)

ch <- c(pref_email = "E-mail", pref_phone = "Phone", pref_form = "Web form", pref_mail = "Postal mail")
pref <- do.call(rbind, lapply(names(ch), function(v) {
  f <- as.formula(sprintf("~I(%s == 1)", v))
  rbind(row(paste0(ch[[v]], ", heavy buyers"), NA, ss_des, f,
            bquote(.(heavy) & !is.na(.(as.name(v))))),
        row(paste0(ch[[v]], ", other buyers"), NA, ss_des, f,
            bquote(.(others) & !is.na(.(as.name(v))))))
}))
pref <- pref[order(grepl("other", pref$figure)), c("figure", "estimate", "ci95", "base_n")]
cat("\n== servicesoft-1999: preferred contact channels (weighted %, multi-response) ==\n")
cat("Published: e-mail is the preferred channel of heavy buyers only; the others are diverse.\n")
print(pref, row.names = FALSE, right = FALSE)

# ---- Teletech Open to Dialog 2011 ------------------------------------------------------------
tt <- read.csv(file.path(here, "teletech-open-to-dialog-2011", "respondents.csv"))
tt_des <- svydesign(ids = ~1, strata = ~sector, weights = ~wt, data = tt)
cat(sprintf("\nteletech-open-to-dialog-2011: %d sites in 2011, %d in 2010, %d sectors\n",
            sum(tt$wave == 2011), sum(tt$wave == 2010), length(unique(tt$sector))))
tt_rows <- list()
for (yr in c(2011, 2010)) {
  pub <- if (yr == 2011) c(0.64, 0.47, 0.22, 0.76, 0.37) else c(NA, NA, 0.07, 0.85, 0.21)
  w <- bquote(wave == .(yr))
  tt_rows[[length(tt_rows) + 1]] <- rbind(
    row(sprintf("%d phone number shown, all sites", yr), pub[1], tt_des,
        ~I(phone_shown == 1), w),
    row(sprintf("%d premium-rate number, of sites showing a phone", yr), pub[2], tt_des,
        ~I(phone_premium == 1), bquote(.(w) & !is.na(phone_premium))),
    row(sprintf("%d reached within 3 calls, of sites showing a phone", yr), pub[3], tt_des,
        ~I(phone_reached == 1), bquote(.(w) & !is.na(phone_reached))),
    row(sprintf("%d e-mail address or form shown, all sites", yr), pub[4], tt_des,
        ~I(email_shown == 1), w),
    row(sprintf("%d personal reply within 1 hour, of sites showing e-mail", yr), pub[5], tt_des,
        ~I(reply_1h == 1), bquote(.(w) & !is.na(reply_1h))))
}
bad <- bad + show("teletech-open-to-dialog-2011: published figures (%; 2010 phone figures assumed)",
                  do.call(rbind, tt_rows))
quit(status = if (bad > 0) 1 else 0)
