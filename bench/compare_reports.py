#!/usr/bin/env python3
"""Compares the reports of a git revision's build with the working tree's, byte for byte.

    python3 bench/compare_reports.py REV [PATH ...]

Builds REV (in a temporary git worktree, its own target directory under target/compare/) and
the working tree, both in release mode, then runs `scopelint check` from each on every file
under PATH (by default examples/, tests/fixtures/ and ../shared/corpus when it exists) in every
format, plus `--statistics` and `--diff`, and prints each file and format whose stdout, stderr or
exit status differs. Exits 1 when anything differs. Meant for refactors that must not change
behaviour.
"""
import os, subprocess, sys

from revisions import builds

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODES = [["--format", f] for f in ("full", "concise", "json", "sarif", "github")] + [
    ["--statistics"], ["--diff"]]


def files(paths):
    for top in paths:
        if os.path.isfile(top):
            yield top
            continue
        for d, dirs, names in os.walk(top):
            dirs.sort()
            for n in sorted(names):
                yield os.path.join(d, n)


def run(binary, mode, path):
    p = subprocess.run([binary, "check", *mode, path], cwd=ROOT, capture_output=True,
                       env={**os.environ, "COLUMNS": "100", "NO_COLOR": "1"})
    return p.returncode, p.stdout, p.stderr


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    rev = sys.argv[1]
    paths = sys.argv[2:] or [p for p in ("examples", "tests/fixtures", "../shared/corpus")
                             if os.path.exists(os.path.join(ROOT, p))]
    with builds(rev) as (old, new):
        compared, differ = 0, 0
        for path in files(os.path.join(ROOT, p) if not os.path.isabs(p) else p for p in paths):
            rel = os.path.relpath(path, ROOT)
            for mode in MODES:
                compared += 1
                if run(old, mode, rel) != run(new, mode, rel):
                    differ += 1
                    print(f"differs: {rel} {' '.join(mode)}")
    print(f"{compared} reports compared, {differ} differ ({rev} vs the working tree)")
    sys.exit(1 if differ else 0)


main()
