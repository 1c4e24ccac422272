#!/usr/bin/env python3
"""Writes qualtrics_tracker.csv: a small quarterly post-purchase survey as Qualtrics exports
it (names, question texts, {"ImportId":...} rows; -99 for a question seen but not answered;
a multi-select as "1,3" codes in one cell and as ticked columns with an "Other (please
specify)" _TEXT box; StartDate/EndDate), with a wave column Q1..Q4, a stratum holding a
single PSU and raking weights of which two are very large. Made up, deterministic."""
import csv, json, random

random.seed(2026)
cols = ["StartDate", "EndDate", "Status", "Progress", "Finished", "ResponseId", "wave",
        "stratum", "psu", "Q1_nps", "Q2_sat", "Q3", "Q4_1", "Q4_2", "Q4_3", "Q4_3_TEXT",
        "rake_wt"]
texts = ["Start Date", "End Date", "Response Type", "Progress", "Finished", "Response ID",
         "Wave", "Stratum", "PSU",
         "How likely are you to recommend us to a friend? - 0 = Not at all likely, 10 = Extremely likely",
         "Overall, how satisfied are you with your purchase?",
         "Which of these did you use? (select all)",
         "How did you hear about us? - TV", "How did you hear about us? - Friend",
         "How did you hear about us? - Other (please specify)",
         "How did you hear about us? - Other (please specify) - Text", "Weight"]
ids = ["startDate", "endDate", "status", "progress", "finished", "_recordId", "wave",
       "stratum", "psu", "QID1", "QID2", "QID3", "QID4_1", "QID4_2", "QID4_3",
       "QID4_3_TEXT", "rake_wt"]
rows = []
for n in range(40):
    w = n // 10
    s = 1 + n % 3
    p = 1 if s == 3 else 1 + (n // 3) % 2
    t = f"2026-{1 + 3 * w:02d}-{1 + n % 28:02d} {9 + n % 10:02d}:{n % 60:02d}:00"
    nps = n % 11 if n < 11 else random.choice([3, 5, 6, 7, 7, 8, 8, 9, 10, 10])
    sat = random.choice([1, 2, 3, 4, 4, 5, 5])
    if n % 9 == 4:
        nps = -99
    if n % 11 == 6:
        sat = -99
    used = ",".join(str(c) for c in sorted(random.sample([1, 2, 3, 4], 1 + n % 2)))
    tv, friend, other = (1 if random.random() < 0.4 else ""), (1 if random.random() < 0.5 else ""), (1 if n % 7 == 2 else "")
    text = random.choice(["Radio", "Podcast, billboard"]) if other else ""
    wt = round(random.uniform(0.5, 1.5), 2)
    if n in (13, 31):
        wt = 12.0 if n == 13 else 9.5
    rows.append([t, t, 0, 100, 1, f"R_{n + 1:03d}", f"Q{w + 1}", s, p, nps, sat, used,
                 tv, friend, other, text, wt])
with open("qualtrics_tracker.csv", "w", newline="") as f:
    out = csv.writer(f)
    out.writerow(cols)
    out.writerow(texts)
    out.writerow([json.dumps({"ImportId": i}, separators=(",", ":")) for i in ids])
    out.writerows(rows)
