#!/usr/bin/env python3
"""Writes panel_quality.csv and panel_quality_dates.csv: a small panel export as a
data-quality analyst gets one (synthetic, fixed values, no randomness): StartDate and
EndDate, Qualtrics' "Duration (in seconds)", a respondent exported twice, a multi-select
in one cell with Qualtrics' -99 (seen but not answered) alone or beside codes, a 1-5
grid with straight-liners, an attention check, a quota cell and a weight. The _dates file
is the same without the duration column (a panel that exports only the times).
Durations (R_003's twice): median 607.5 s, a third of it 202.5, so under 203: R_004 (130),
R_008 (150), R_014 (95) and R_024 (200), not R_025 (205) (R: median(x), sum(x < median(x)/3))."""
import csv
import datetime

durations = [600, 540, 720, 130, 480, 900, 660, 150, 610, 590, 700, 820, 560, 95, 640,
             630, 580, 760, 510, 680, 620, 605, 615, 200, 205]
q7 = ["1,3", "2", "-99", "1,-99", "3,4", "1", "2,3", "-99", "4", "1,2", "3", "2,-99",
      "1,4", "5", "2", "1,3,5", "4", "3", "1", "2,4", "5", "1,5", "3,4", "-99", "2"]
grid = ["3,4,4,2", "2,2,3,3", "4,4,5,4", "3,3,3,3", "5,4,4,5", "2,3,2,1", "4,3,4,4",
        "1,1,1,1", "3,4,3,3", "4,5,4,4", "2,3,3,2", "5,5,4,5", "3,2,3,4", "4,4,4,4",
        "3,3,4,2", "2,2,1,2", "4,3,3,5", "5,4,5,5", "3,3,2,3", "4,4,3,4", "2,3,3,3",
        "3,4,4,4", "4,5,5,4", "2,2,2,2", "3,3,4,3"]
rows = []
start = datetime.datetime(2026, 11, 2, 9, 0, 0)
for i, d in enumerate(durations):
    # two interviews started in the same minute (rows 10 and 11): no duplicate respondent
    t = start + datetime.timedelta(minutes=37 * i - (37 if i == 10 else 0))
    g = grid[i].split(",")
    rows.append({
        "StartDate": t.strftime("%Y-%m-%d %H:%M:%S"),
        "EndDate": (t + datetime.timedelta(seconds=d)).strftime("%Y-%m-%d %H:%M:%S"),
        "Duration (in seconds)": str(d),
        "ResponseId": "R_%03d" % (i + 1),
        "quota_cell": ["F18-34", "M18-34", "F35+", "M35+"][i % 4],
        "Q5_1": g[0], "Q5_2": g[1], "Q5_3": g[2], "Q5_4": g[3],
        "Q7": q7[i],
        "attn": "3" if i not in (3, 13) else "1",
        "wt": "%.2f" % (0.6 + (i % 5) * 0.2),
    })
rows.insert(6, dict(rows[2]))  # R_003 exported twice
cols = list(rows[0].keys())
with open("panel_quality.csv", "w", newline="") as f:
    w = csv.DictWriter(f, cols, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
with open("panel_quality_dates.csv", "w", newline="") as f:
    w = csv.DictWriter(f, [c for c in cols if not c.startswith("Duration")],
                       extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
