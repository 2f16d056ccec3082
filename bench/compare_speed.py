#!/usr/bin/env python3
"""Paired timing of a git revision's build against the working tree's, for refactors that must
not slow scopelint down.

    python3 bench/compare_speed.py REV [ROUNDS]

Builds REV (in a temporary git worktree, target/compare/) and the working tree in release mode,
generates the benchmark inputs (bench/gen.py: pretty and one-line collections, a long script, a
HAR capture) and takes the largest real collections and captures of ../shared/corpus (written by
Postman, Insomnia exports converted by others, browsers; inputs we did not write), then runs
`scopelint check --format json FILE` with each build in turns, ROUNDS times (default 11), and
prints the median of each and their ratio per input, and the median of the per-round ratios
(the paired median) over all inputs.
"""
import os, statistics, subprocess, sys, tempfile, time

from revisions import builds

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "..", "shared", "corpus")


def once(binary, path):
    start = time.perf_counter()
    subprocess.run([binary, "check", "--format", "json", path], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def corpus_inputs(count=4):
    """The largest collections and HAR captures of the corpus."""
    found = []
    for d, _, names in os.walk(CORPUS):
        for n in names:
            if n.endswith((".json", ".har")):
                p = os.path.join(d, n)
                found.append((os.path.getsize(p), p))
    found.sort(reverse=True)
    return [p for _, p in found[:count]]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    rev = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 11
    with builds(rev) as (old, new), tempfile.TemporaryDirectory(prefix="scopelint-speed-") as tmp:
        gen = os.path.join(tmp, "gen")
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen.py"), gen], check=True,
                       stdout=subprocess.DEVNULL)
        inputs = [os.path.join(gen, n) for n in (
            "collection-100k.postman_collection.json", "collection-100k.min.postman_collection.json",
            "collection-20k.postman_collection.json", "script-8k.postman_collection.json",
            "capture-10k.har", "capture-10k.min.har")]
        if os.path.isdir(CORPUS):
            inputs += corpus_inputs()
        print(f"{rev} vs the working tree, {rounds} rounds each, in turns\n")
        print("| input | MB | before (median s) | after (median s) | after / before |")
        print("|---|---|---|---|---|")
        all_ratios = []
        for path in inputs:
            before, after = [], []
            for i in range(rounds):
                # Alternate which build goes first, so that neither always meets a warm cache.
                pair = [(old, before), (new, after)] if i % 2 == 0 else [(new, after), (old, before)]
                for binary, times in pair:
                    times.append(once(binary, path))
            ratios = [a / b for a, b in zip(after, before)]
            all_ratios += ratios
            name = os.path.relpath(path, os.path.dirname(ROOT)) if path.startswith(os.path.dirname(ROOT)) else os.path.basename(path)
            print(f"| {name} | {os.path.getsize(path) / 1e6:.1f} | {statistics.median(before):.3f} "
                  f"| {statistics.median(after):.3f} | {statistics.median(ratios):.3f} |")
        print(f"\npaired median of after / before over every round of every input: "
              f"{statistics.median(all_ratios):.3f}")


main()
