/* Text answer scales: the order of recognised scales and the non-substantive answers beside them,
 * and the time order of wave labels. */
#ifndef SHOPSTAT_SCALE_H
#define SHOPSTAT_SCALE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Survey platforms export a rating question as its choices' text. These functions are the
 * library's one table of such scales: agree/disagree, satisfied/dissatisfied, likely/unlikely,
 * would/would not ("Definitely would not" ... "Definitely would", "Might or might not"),
 * important/unimportant, excellent/very good/good/fair/poor, always/often/sometimes/rarely/
 * never, better/the same/worse; each point with its common variants (any case; "Strongly",
 * "Very", "Extremely", "Completely", "Somewhat", "Slightly", "Mostly", "Not at all", "Not
 * very", "Neither X nor Y", "Neutral"). Labels are compared after folding ASCII case, the
 * apostrophes ' and U+2019 and runs of spaces. */

/* 1 if label reads as a non-substantive answer: "Don't know", "Not sure", "No opinion",
 * "N/A", "Not applicable", "Prefer not to say", "Refused", "No answer", "Can't say" (at the
 * start of the label, a whole word: "Don't know / not sure" too); 0 otherwise or for NULL. */
int shopstat_scale_nonsubstantive(const char *label);

/* Of a question's two levels (label[k], code[k]: either may be NULL), the one whose
 * difference between segments says it all, the other's being its mirror (yes +24.8 points,
 * no -24.8): 0 or 1. The one labelled or coded as yes (Yes, Y, True, Oui, Ja, Si or S\u00ed,
 * any case, spaces around ignored), else the other of one labelled or coded as no (No, N,
 * False, Non, Nein), else the one coded 1 beside 0, else the first. The difference chart
 * draws it alone, and so do a trend chart and report.md's lines on the rest. */
int shopstat_scale_yes_level(const char *const label[2], const char *const code[2]);

/* The recognised scale of n labels (a question's distinct levels, NUL-terminated, any
 * order): its name ("agree", "satisfied", "likely", "would", "important", "quality",
 * "frequency", "change"), or NULL when there is none. A scale is recognised only when every
 * substantive label (not shopstat_scale_nonsubstantive) is a point of that one scale and
 * there are two of them or more: "Agree" beside "Banana" is no scale. When order is not NULL
 * and a scale is recognised, order[k] (n entries) is the index of the label that comes k-th
 * in scale order: the low (negative) end first, as numeric scales 1..k run, points of equal
 * rank and the non-substantive answers after the scale in the order given. */
const char *shopstat_scale_recognise(const char *const *labels, size_t n, size_t *order);

/* Whether n labels are the points of a numeric rating scale given without labels: three or
 * more whole numbers ("1" to "5", "0" to "10", "1" to "5" beside a "9") spanning at most 11
 * values and holding at least half of them. Such a question's bar chart keeps its levels in
 * their numeric order, as a recognised text scale does: sorted by share, a 1-5 rating read
 * 4, 3, 5, 2, 1. Codes of a nominal question are whole numbers too; kept in code order, they
 * read as the questionnaire lists them. */
int shopstat_scale_numeric(const char *const *labels, size_t n);

/* Where each of n levels (labels in display order) goes in a diverging Likert chart. */
enum {
    SHOPSTAT_SCALE_LOW = 0, /* left of the centre */
    SHOPSTAT_SCALE_NEUTRAL, /* the centre, split between the sides */
    SHOPSTAT_SCALE_HIGH,    /* right of the centre */
    SHOPSTAT_SCALE_APART    /* a non-substantive answer: not in the bars, never the centre */
};

/* Fill side[l] (n entries) for labels in display order and return the index of the neutral
 * level, or -1 when the centre falls between two levels. The centre is `neutral` when it is a
 * substantive level's index (the caller's choice wins); else, when the substantive labels run
 * in a recognised scale's order, its neutral point ("Neither agree nor disagree", "Neutral",
 * "About the same", "Might or might not"), or without one the line between its negative and
 * positive points when those are about as many (one more on a side at most: a 5-point scale
 * that nobody answered "Disagree" in stays centred); else the middle of the substantive
 * levels (the middle one when they are odd in number). Substantive levels before the centre
 * are LOW, after it HIGH. A non-substantive label is APART when it stands outside the
 * substantive ones (before or after all of them, as the scale order puts it); one between
 * them ("Not sure" coded 3 of a 1-5 scale) is a point of the scale as placed. */
long shopstat_scale_sides(const char *const *labels, size_t n, long neutral, unsigned char *side);

/* The time order of n wave labels (a tracker's waves, NUL-terminated, any order) when every
 * one reads as a period: a month ("Jan 2024", "January 2024", "Sept. 2024", "2024-03",
 * "03/2024", "2024 March"), a quarter ("Q1 2024", "2024 Q2", "2024-Q3", "2024Q4", "Quarter 1
 * 2024", "Q1 '24"), a half ("H1 2024"), a year ("2024": 1900 to 2099, or two digits after an
 * apostrophe) or a date ("2024-03-15", "March 15, 2024", "15 Mar 2024"; a day-first or
 * month-first date of numbers alone is ambiguous and reads as none). Case does not matter;
 * the parts may be separated by spaces, '-', '/', '.', ',' or '_' (only spaces before the
 * first or after the last: "2024-" is none); English month names.
 * Returns 1 and, when order is not NULL, order[k] (n entries) the index of the label that
 * comes k-th in time: by year, then by the month a period starts in (Q2 with April, H2 with
 * July, a year before its January), then by day; labels that start together keep the order
 * given. Returns 0, order untouched, when a label reads as no period ("Wave 3", "Spring
 * 2024", "Apr 24"), labels is NULL or n is 0 (or out of memory): then no time order is known,
 * and callers keep their own. */
int shopstat_scale_time_order(const char *const *labels, size_t n, size_t *order);

#ifdef __cplusplus
}
#endif
#endif
