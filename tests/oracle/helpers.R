# Helpers the oracle's R scripts share (make_fixtures.R, make_rep_fixtures.R, audit/audit.R):
# level order as shopstat's (numeric when every value is a number, else byte order), and the
# question and segment descriptions the scripts build their cases from.
is_num_text <- function(x) all(!is.na(suppressWarnings(as.numeric(x))))
sort_levels <- function(x) {
    x <- unique(x[!is.na(x)])
    if (is_num_text(x)) x[order(as.numeric(x))] else sort(x, method = "radix")
}
q_var <- function(dat, col) {
    x <- dat$txt[[col]]
    list(name = col, flags = c("--var", col), levels = sort_levels(x), answered = !is.na(x),
         y = function(l) as.numeric(x == l))
}
q_codes <- function(dat, name, col) {
    x <- dat$txt[[col]]
    codes <- strsplit(ifelse(is.na(x), "", x), "[;,]")
    list(name = name, flags = c("--multi-codes", paste0(name, "=", col)),
         levels = sort_levels(unlist(codes)), answered = !is.na(x),
         y = function(l) as.numeric(vapply(codes, function(cc) l %in% cc, TRUE)))
}
s_eq <- function(dat, name, col, values) {
    x <- dat$txt[[col]]
    segs <- list(list(name = name, rows = !is.na(x) & x %in% values))
    attr(segs, "flags") <- c("--segment", paste0(name, "=", col, ":", paste(values, collapse = ",")))
    segs
}
