#!/usr/bin/env python3
"""Single-point mutants of C source lines for tools/mutate.sh (mutation testing).

Usage: mutate.py list SEED SAMPLE SPEC...     print the mutants, one per line (TSV)
       mutate.py apply FILE LINE B64TEXT      replace line LINE of FILE with the decoded text

SPEC is FILE or FILE:FROM-TO (a line range). A mutant changes one operator or constant of
one line, or deletes one assignment statement; comments, string and character literals and
preprocessor lines are never touched. SAMPLE 0 keeps every mutant; otherwise SAMPLE of them
are drawn with random.Random(SEED) and listed in file and line order. The list's columns:
id, file, line, kind, description, base64 of the mutated line.
"""
import base64
import random
import re
import sys

# operator swaps (kind, pattern on the masked line, replacement); binary operators are
# recognised by the spaces clang-format puts around them (a unary minus or a pointer's
# star has none after it)
SWAPS = [
    ("arith", " + ", " - "),
    ("arith", " - ", " + "),
    ("arith", " * ", " / "),
    ("arith", " / ", " * "),
    ("arith", " += ", " -= "),
    ("arith", " -= ", " += "),
    ("arith", " *= ", " /= "),
    ("arith", " /= ", " *= "),
    ("rel", " < ", " <= "),
    ("rel", " <= ", " < "),
    ("rel", " > ", " >= "),
    ("rel", " >= ", " > "),
    ("rel", " == ", " != "),
    ("rel", " != ", " == "),
    ("logic", " && ", " || "),
    ("logic", " || ", " && "),
]
NUM = re.compile(r"(?<![\w.])(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)([uUlL]*)(?![\w.])")
CONST = {"0": "1", "1": "0", "0.0": "1.0", "1.0": "0.0", "0.": "1.", "1.": "0."}
# a whole assignment statement on one line: lvalue OP= ...; (not a declaration: the first
# word is followed by an operator, an index or a member, never by another name)
ASSIGN = re.compile(r"^\s*[A-Za-z_]\w*(?:\[[^\]]*\]|->\w+|\.\w+)*\s*(?:[-+*/|&]?=[^=]|\+\+|--).*;\s*$")
INCR = re.compile(r"^\s*(?:\+\+|--)[A-Za-z_][\w\[\]\.>-]*\s*;\s*$")
FOR_LT = re.compile(r"\bfor \(([^;]*;)([^;<]*) < ([^;]*);")


def masked_lines(text):
    """The file's lines with comments and string/char literals replaced by spaces."""
    out, cur, i, n = [], [], 0, len(text)
    state = None  # None, 'block', 'line', '"', "'"
    while i < n:
        c = text[i]
        nxt = text[i + 1] if i + 1 < n else ""
        if c == "\n":
            out.append("".join(cur))
            cur = []
            if state == "line":
                state = None
            i += 1
            continue
        if state is None:
            if c == "/" and nxt == "*":
                state = "block"
                cur.append("  ")
                i += 2
                continue
            if c == "/" and nxt == "/":
                state = "line"
                cur.append("  ")
                i += 2
                continue
            if c in "\"'":
                state = c
                cur.append(" ")
                i += 1
                continue
            cur.append(c)
        elif state == "block":
            if c == "*" and nxt == "/":
                state = None
                cur.append("  ")
                i += 2
                continue
            cur.append(" ")
        elif state == "line":
            cur.append(" ")
        else:  # inside a literal
            if c == "\\":
                cur.append("  " if nxt != "\n" else " ")
                i += 2 if nxt != "\n" else 1
                continue
            if c == state:
                state = None
            cur.append(" ")
        i += 1
    out.append("".join(cur))
    return out


def mutants_of(path, lo, hi):
    text = open(path, encoding="utf-8").read()
    lines = text.split("\n")
    masked = masked_lines(text)
    depth = 0
    for no, (line, m) in enumerate(zip(lines, masked), start=1):
        code_depth = depth
        depth += m.count("{") - m.count("}")
        if no < lo or no > hi or not m.strip() or m.lstrip().startswith("#"):
            continue
        if code_depth == 0:
            continue  # outside any function: declarations, tables, signatures
        found = []
        for kind, pat, rep in SWAPS:
            start = 0
            while True:
                k = m.find(pat, start)
                if k < 0:
                    break
                # ' < ' must not be the start of ' <= ' etc.: the pattern is matched whole,
                # and ' - ' inside ' -= ' cannot occur (no space before '=')
                found.append((kind, pat.strip() + " -> " + rep.strip(), line[:k] + rep + line[k + len(pat):]))
                start = k + len(pat)
        for mt in NUM.finditer(m):
            v = mt.group(1)
            if v in CONST:
                new = CONST[v]
                found.append(("const", v + " -> " + new, line[: mt.start(1)] + new + line[mt.end(1):]))
        ft = FOR_LT.search(m)
        if ft:
            k = ft.start(3)
            found.append(("loop", "bound < X -> < X - 1", line[:k] + "(" + line[k:ft.end(3)] + ") - 1" + line[ft.end(3):]))
        if (ASSIGN.match(m) or INCR.match(m)) and not m.lstrip().startswith(("return", "for ", "if ", "while ")):
            if m.count("(") == m.count(")"):
                indent = line[: len(line) - len(line.lstrip())]
                found.append(("delete", "delete statement", indent + ";"))
        for kind, desc, new in found:
            if new != line:
                yield no, kind, desc, line, new


def main():
    if sys.argv[1] == "apply":
        path, no, b64 = sys.argv[2], int(sys.argv[3]), sys.argv[4]
        lines = open(path, encoding="utf-8").read().split("\n")
        lines[no - 1] = base64.b64decode(b64).decode("utf-8")
        open(path, "w", encoding="utf-8").write("\n".join(lines))
        return
    seed, sample = int(sys.argv[2]), int(sys.argv[3])
    allm = []
    for spec in sys.argv[4:]:
        path, lo, hi = spec, 1, 10**9
        r = re.match(r"^(.*):(\d+)-(\d+)$", spec)
        if r:
            path, lo, hi = r.group(1), int(r.group(2)), int(r.group(3))
        for no, kind, desc, old, new in mutants_of(path, lo, hi):
            allm.append((path, no, kind, desc, new))
    total = len(allm)
    if sample and sample < total:
        keep = set(random.Random(seed).sample(range(total), sample))
        allm = [x for i, x in enumerate(allm) if i in keep]
    sys.stderr.write("mutate.py: %d mutants of %d\n" % (len(allm), total))
    for i, (path, no, kind, desc, new) in enumerate(allm, start=1):
        b = base64.b64encode(new.encode("utf-8")).decode("ascii")
        print("%d\t%s\t%d\t%s\t%s\t%s" % (i, path, no, kind, desc, b))


if __name__ == "__main__":
    main()
