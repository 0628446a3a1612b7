#!/usr/bin/env bash
# Times `plenary diff` on two large instrument collections next to
# `git diff --no-index --word-diff` on the same files, in the same run.
#
#   bash bench/diff.sh                 # builds plenary (release) and runs
#   PLENARY_BIN=path/to/plenary bash bench/diff.sh
#   RUNS=9 TARGET_BYTES=3000000 bash bench/diff.sh
#
# The collections are generated at run time into a temporary directory (nothing is
# copied into the repository): paragraphs are extracted from the PP-18 Final Acts in
# ../shared/data/itu-pp/ when present (else generated), grouped into instruments in
# our notation (one collection file, instruments separated by `=====` lines), and
# repeated until each file reaches TARGET_BYTES. The newer collection is the older
# one with seeded edits: reworded, inserted (so later paragraphs are renumbered),
# deleted and moved paragraphs, and a new revision in every citation.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${RUNS:-7}"
target_bytes="${TARGET_BYTES:-1600000}"
data="${PLENARY_BENCH_DATA:-$root/../shared/data/itu-pp/pp18_final_acts_akn.xml}"

if [ -z "${PLENARY_BIN:-}" ]; then
  (cd "$root" && cargo build --release -q -p plenary-cli)
  PLENARY_BIN="${CARGO_TARGET_DIR:-$root/target}/release/plenary"
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# KEEP_DIR=dir keeps the generated collections (for profiling).

python3 - "$data" "$tmp" "$target_bytes" <<'PY'
import os, random, re, sys, xml.etree.ElementTree as ET
data, out, target = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(42)

def clean(s):
    s = re.sub(r"\s+", " ", s).strip()
    for c in "\\[]|{}":
        s = s.replace(c, "\\" + c)
    return s

paras = []
if os.path.exists(data):
    tree = ET.parse(data)
    for el in tree.iter():
        tag = el.tag.split('}')[-1]
        if tag == "p":
            t = clean("".join(el.itertext()))
            t = re.sub(r"^([a-z]{1,3}\)|\d+)\s+", "", t)
            if len(t.split()) >= 4:
                paras.append(t)
    source = "PP-18 Final Acts (Akoma Ntoso), %d paragraphs" % len(paras)
else:
    words = ("the union member states shall promote development telecommunication "
             "information communication technologies secretary-general council report "
             "cooperation internet public policy resources regional conference sector").split()
    for _ in range(3000):
        paras.append(" ".join(rng.choice(words) for _ in range(rng.randint(8, 60))) + ";")
    source = "generated vocabulary"

pre = ["considering", "recalling", "noting", "recognizing", "bearing in mind"]
ops = ["resolves", "instructs the Secretary-General", "invites Member States", "encourages Member States"]

def letter(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(97 + r) + s
    return s + ")"

def build():
    insts = []
    pos = 0
    n = 0
    size = 0
    while size < target:
        n += 1
        secs = []
        for k in range(rng.randint(2, 5)):
            heading = pre[k % len(pre)] if k < 2 else ops[k % len(ops)]
            ps = []
            for _ in range(rng.randint(3, 12)):
                ps.append(paras[pos % len(paras)])
                pos += 1
            secs.append([heading, ps])
        inst = {"number": str(n), "secs": secs}
        insts.append(inst)
        size += sum(len(p) + 6 for s in secs for p in s[1]) + 200
    return insts

def render(insts, rev):
    out = []
    for inst in insts:
        lines = ["Resolution %s (%s)" % (inst["number"], rev),
                 "Benchmark instrument %s" % inst["number"], "",
                 "The Plenipotentiary Conference of the International Telecommunication Union (%s)," % rev]
        for heading, ps in inst["secs"]:
            lines.append("")
            lines.append("## " + heading)
            for i, p in enumerate(ps):
                label = letter(i) if heading in pre else str(i + 1)
                lines.append("%s %s" % (label, p))
        out.append("\n".join(lines) + "\n")
    return "=====\n".join(out)

def edit(insts):
    new = []
    for inst in insts:
        secs = []
        for heading, ps in inst["secs"]:
            ps = list(ps)
            r = rng.random()
            if r < 0.10 and ps:              # reword
                i = rng.randrange(len(ps)); w = ps[i].split(" ")
                j = rng.randrange(len(w)); w[j:j + 1] = ["strengthened", "and", "continued"]
                ps[i] = " ".join(w)
            elif r < 0.16:                   # insert (renumbers what follows)
                ps.insert(rng.randrange(len(ps) + 1), paras[rng.randrange(len(paras))])
            elif r < 0.20 and len(ps) > 1:   # delete
                del ps[rng.randrange(len(ps))]
            elif r < 0.23 and len(ps) > 2:   # move
                p = ps.pop(rng.randrange(len(ps))); ps.insert(rng.randrange(len(ps) + 1), p)
            secs.append([heading, ps])
        new.append({"number": inst["number"], "secs": secs})
    return new

old = build()
new = edit(old)
open(os.path.join(out, "old.txt"), "w").write(render(old, "Rev. Busan, 2014"))
open(os.path.join(out, "new.txt"), "w").write(render(new, "Rev. Dubai, 2018"))
open(os.path.join(out, "source"), "w").write("%s; %d instruments" % (source, len(old)))
PY

if [ -n "${KEEP_DIR:-}" ]; then mkdir -p "$KEEP_DIR" && cp "$tmp"/old.txt "$tmp"/new.txt "$KEEP_DIR"/; fi

python3 - "$PLENARY_BIN" "$tmp" "$runs" <<'PY'
import os, statistics, subprocess, sys, time
plenary, tmp, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
old, new = os.path.join(tmp, "old.txt"), os.path.join(tmp, "new.txt")
import resource
cpu = {}
def timed(cmd, ok=(0,)):
    """Median wall time of `runs` runs; also records the median CPU time (user+sys)."""
    ts, cs = [], []
    for _ in range(runs):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        ts.append(time.perf_counter() - t)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cs.append((r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime))
        if p.returncode not in ok:
            sys.exit("%s failed (%d): %s" % (cmd[0], p.returncode, p.stderr.decode()[:500]))
    cpu[tuple(cmd)] = statistics.median(cs)
    return statistics.median(ts)
git = ["git", "diff", "--no-index", "--word-diff", old, new]
pl = [plenary, "diff", old, new]
plj = [plenary, "diff", "--format", "json", old, new]
timed(pl); timed(git, ok=(0, 1))  # warm the page cache
tg = timed(git, ok=(0, 1))
tp = timed(pl)
tj = timed(plj)
summary = subprocess.run(pl, capture_output=True, text=True).stdout.strip().splitlines()[-1]
print("input: %s" % open(os.path.join(tmp, "source")).read())
print("sizes: old %d bytes, new %d bytes" % (os.path.getsize(old), os.path.getsize(new)))
print("plenary says: %s" % summary)
print("load average before: %s" % open("/proc/loadavg").read().split()[0] if os.path.exists("/proc/loadavg") else "")
print("median of %d runs          wall ms   cpu ms (user+sys)" % runs)
print("  git diff --no-index --word-diff : %7.1f  %7.1f" % (tg * 1000, cpu[tuple(git)] * 1000))
print("  plenary diff (text)             : %7.1f  %7.1f" % (tp * 1000, cpu[tuple(pl)] * 1000))
print("  plenary diff --format json      : %7.1f  %7.1f" % (tj * 1000, cpu[tuple(plj)] * 1000))
print("  ratio plenary/git (text)        : %7.2f  %7.2f" % (tp / tg, cpu[tuple(pl)] / max(cpu[tuple(git)], 1e-9)))
PY
