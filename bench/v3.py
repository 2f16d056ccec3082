#!/usr/bin/env python3
"""Postman v12 trees: scopelint against Postman's own CLI on the same tree, in the same run.

    cargo build --release && python3 bench/v3.py [WORKDIR]

Generates the 10k-request collection (bench/gen.py), converts it to a v3 tree with Postman's
own converter (`postman collection migrate`, npm postman-cli@1.34.0 under target/postman-cli,
as .ci/run installs it; about 10,200 YAML files), checks the findings against the planted
counts, then times `scopelint check --format json TREE` and `postman collection lint TREE` in
turns: median wall time of 5 runs each and peak RSS; then times `scopelint check --fix
--unsafe-fixes` on a copy of the tree and requires the fixed tree to be clean and to pass
`postman collection lint`.
"""
import json, os, shutil, statistics, subprocess, sys, tempfile, time
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "scopelint")
POSTMAN = os.path.join(ROOT, "target", "postman-cli", "node_modules", ".bin", "postman")


def once(argv):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def main():
    work = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="scopelint-v3-")
    subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen.py"), work], check=True,
                   stdout=subprocess.DEVNULL)
    source = os.path.join(work, "collection-10k.postman_collection.json")
    tree = os.path.join(work, "tree-10k")
    subprocess.run([POSTMAN, "collection", "migrate", source, "-o", tree], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    files = sum(len(f) for _, _, f in os.walk(tree))
    planted = json.load(open(os.path.join(work, "planted.json")))[os.path.basename(source)]
    report = json.loads(subprocess.run([BIN, "check", "--format", "json", tree],
                                       capture_output=True, text=True).stdout)
    found = dict(Counter(d["code"] for d in report["diagnostics"]))
    assert found == planted, (found, planted)
    ours, theirs = [], []
    peak = [0.0, 0.0]
    scopelint = [BIN, "check", "--format", "json", tree]
    postman = [POSTMAN, "collection", "lint", tree]
    for i in range(5):
        pair = [(0, scopelint, ours), (1, postman, theirs)]
        for k, argv, times in (pair if i % 2 == 0 else pair[::-1]):
            wall, rss = once(argv)
            times.append(wall)
            peak[k] = max(peak[k], rss)
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"{files} files, findings = planted {planted}")
    print("| tool | median wall | peak RSS |")
    print("|---|---|---|")
    print(f"| scopelint check --format json | {a:.3f} s | {peak[0]:.0f} MB |")
    print(f"| postman collection lint | {b:.3f} s | {peak[1]:.0f} MB |")
    print(f"scopelint is {b / a:.1f}x faster with {peak[0] / peak[1]:.2f} of the peak memory")
    # --fix on a copy: every finding fixed, and Postman's own lint accepts the fixed tree.
    fixed = os.path.join(work, "tree-10k-fixed")
    shutil.rmtree(fixed, ignore_errors=True)
    shutil.copytree(tree, fixed)
    wall, rss = once([BIN, "check", "--fix", "--unsafe-fixes", "--quiet", fixed])
    left = json.loads(subprocess.run([BIN, "check", "--format", "json", fixed],
                                     capture_output=True, text=True).stdout)["diagnostics"]
    lint = subprocess.run([POSTMAN, "collection", "lint", fixed], capture_output=True, text=True)
    assert not left and lint.returncode == 0, (left[:3], lint.stdout[-500:])
    print(f"| scopelint check --fix --unsafe-fixes | {wall:.3f} s | {rss:.0f} MB |"
          f" ({sum(planted.values())} fixes; the fixed tree passes postman collection lint)")


main()
