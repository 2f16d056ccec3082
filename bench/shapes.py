#!/usr/bin/env python3
"""scopelint against `jq empty` on collections of two generators' shapes, paired.

    cargo build --release && python3 bench/shapes.py [WORKDIR] [PAIRS]

Generates (once per WORKDIR) bench/gen.py's collections and bench/gen_corpus_shape.py's
(written from the shapes of ../shared/corpus), each at 1k, 10k and 100k requests, indented
and minified to one line; checks that scopelint's findings equal the planted counts; then for
each input runs `scopelint check --format json` and `jq empty` as a pair, PAIRS times (default
5; which goes first alternates), and prints per input: both medians with their range, the
median of the per-pair throughput ratios (jq time / scopelint time) with its range, peak RSS
against the file's size, and the share of scopelint's CPU time spent in the kernel. With
`--fix`, also times `check --fix --unsafe-fixes` on a copy against `check` (paired).
"""
import collections, json, os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "scopelint")


def run_once(argv):
    """(wall s, user s, sys s, max RSS MB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, ru = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, ru.ru_utime, ru.ru_stime, ru.ru_maxrss / 1024


def spread(values):
    return f"{statistics.median(values):.3f} ({min(values):.3f}–{max(values):.3f})"


def inputs(work):
    planted = {}
    if not os.path.exists(os.path.join(work, "planted.json")):
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen.py"), work], check=True)
    if not os.path.exists(os.path.join(work, "planted-shaped.json")):
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen_corpus_shape.py"), work], check=True)
    planted.update(json.load(open(os.path.join(work, "planted.json"))))
    planted.update(json.load(open(os.path.join(work, "planted-shaped.json"))))
    names = []
    for label in ("1k", "10k", "100k"):
        for gen in ("collection", "shaped"):
            names.append(f"{gen}-{label}.postman_collection.json")
            names.append(f"{gen}-{label}.min.postman_collection.json")
    # gen.py writes one-line copies of its 20k and 100k only.
    names = [n for n in names if os.path.exists(os.path.join(work, n))]
    return names, planted


def counts(path):
    out = subprocess.run([BIN, "check", "--format", "json", path], capture_output=True, text=True).stdout
    return dict(collections.Counter(d["code"] for d in json.loads(out)["diagnostics"]))


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    fix = "--fix" in sys.argv
    work = args[0] if args else tempfile.mkdtemp(prefix="scopelint-shapes-")
    pairs = int(args[1]) if len(args) > 1 else 5
    names, planted = inputs(work)
    jq = shutil.which("jq")
    print(f"inputs in {work}; {pairs} pairs each\n")
    print("| input | MB | findings = planted | scopelint s, median (range) | jq empty s | jq / scopelint, median (range) | peak RSS / size | kernel share of CPU |")
    print("|---|---|---|---|---|---|---|---|")
    fix_rows = []
    for name in names:
        path = os.path.join(work, name)
        mb = os.path.getsize(path) / 1e6
        ok = counts(path) == planted[name]
        ours, theirs, ratios, rss, kernel = [], [], [], [], []
        for i in range(pairs):
            order = [0, 1] if i % 2 == 0 else [1, 0]
            got = {}
            for which in order:
                argv = [BIN, "check", "--format", "json", path] if which == 0 else [jq, "empty", path]
                got[which] = run_once(argv)
            w, u, s, r = got[0]
            ours.append(w)
            rss.append(r)
            kernel.append(s / (u + s) if u + s else 0)
            theirs.append(got[1][0])
            ratios.append(got[1][0] / w)
        print(f"| {name} | {mb:.1f} | {'yes' if ok else 'NO'} | {spread(ours)} | {spread(theirs)} | "
              f"{spread(ratios).replace('.000', '')}× | {max(rss) / mb:.2f}× | {statistics.median(kernel) * 100:.0f} % |")
        if fix and "100k" in name:
            copy = os.path.join(work, "fix-copy.json")
            checks, fixes = [], []
            for _ in range(max(3, pairs // 2)):
                shutil.copy(path, copy)
                checks.append(run_once([BIN, "check", "--format", "json", copy])[0])
                fixes.append(run_once([BIN, "check", "--fix", "--unsafe-fixes", "--format", "json", copy])[0])
            fix_rows.append((name, statistics.median(fixes), statistics.median(checks)))
    for name, f, c in fix_rows:
        print(f"\n--fix on {name}: {f:.3f} s against check {c:.3f} s: {f / c:.2f}×")


main()
