#!/usr/bin/env python3
"""The benchmark: generates the inputs (bench/gen.py), then times scopelint and `jq empty` on
them, side by side, and checks the findings against the planted counts.

    cargo build --release && python3 bench/run.py [WORKDIR]

Wall time is the median of at least 5 runs (more for short commands), the commands compared
run in turns; peak memory is the child's max RSS (wait4).
"""
import collections, json, os, platform, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "scopelint")
RUNS = 5


def run_once(argv, stdout=subprocess.DEVNULL):
    """(seconds, max RSS in MB) of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def measure(*commands):
    """(median seconds, max RSS in MB) of each command, run in turns (so that a noisy spell on
    the shared machine hits all of them alike): at least RUNS rounds, more for short commands
    (up to 3 s per command, at most 25 rounds)."""
    walls = [[] for _ in commands]
    rss = [0.0 for _ in commands]
    while len(walls[0]) < RUNS or (max(sum(w) for w in walls) < 3 and len(walls[0]) < 25):
        for i, argv in enumerate(commands):
            wall, peak = run_once(argv)
            walls[i].append(wall)
            rss[i] = max(rss[i], peak)
    return [(statistics.median(w), r) for w, r in zip(walls, rss)]


def size_mb(path):
    if os.path.isdir(path):
        return sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path)) / 1e6
    return os.path.getsize(path) / 1e6


def counts(path, extra=()):
    out = subprocess.run([BIN, "check", "--format", "json", *extra, path], capture_output=True, text=True).stdout
    return dict(collections.Counter(d["code"] for d in json.loads(out)["diagnostics"]))


def main():
    work = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="scopelint-bench-")
    if not os.path.exists(os.path.join(work, "planted.json")):
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen.py"), work], check=True)
    planted = json.load(open(os.path.join(work, "planted.json")))
    jq = shutil.which("jq")
    rows = []
    for name in ["collection-1k.postman_collection.json", "collection-20k.postman_collection.json",
                 "collection-100k.postman_collection.json", "collection-20k.min.postman_collection.json",
                 "collection-100k.min.postman_collection.json", "script-8k.postman_collection.json",
                 "capture-10k.har", "capture-10k.min.har"]:
        path = os.path.join(work, name)
        mb = size_mb(path)
        got = counts(path)
        assert got == planted[name], f"{name}: found {got}, planted {planted[name]}"
        jq_argv = [jq, "empty", path] if jq else ["true"]
        (check, check_rss), (full, _), (jq_time, _) = measure(
            [BIN, "check", "--format", "json", path], [BIN, "check", path], jq_argv)
        copy = os.path.join(work, "fix-copy-" + name)
        fix_times = []
        for _ in range(RUNS):
            shutil.copy(path, copy)
            start = time.perf_counter()
            subprocess.run([BIN, "check", "--fix", copy], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            fix_times.append(time.perf_counter() - start)
        os.remove(copy)
        jq_time = jq_time if jq else float("nan")
        findings = sum(got.values())
        rows.append((name, mb, findings, check, mb / check, check_rss, check_rss / mb, full - check,
                     statistics.median(fix_times), jq_time, mb / jq_time, (mb / check) / (mb / jq_time)))
    many = os.path.join(work, "many")
    got = counts(many)
    assert got == planted["many"], f"many: found {got}, planted {planted['many']}"
    (one, _), (all_cores, _) = measure([BIN, "check", "--format", "json", "--threads", "1", many],
                                       [BIN, "check", "--format", "json", many])

    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
          f"scopelint {subprocess.run([BIN, '--version'], capture_output=True, text=True).stdout.strip()}; "
          f"{subprocess.run([jq, '--version'], capture_output=True, text=True).stdout.strip() if jq else 'no jq'}\n")
    print("| input | MB | findings (= planted) | check --format json | MB/s | peak RSS MB | RSS / size | full output adds | --fix | jq empty | jq MB/s | check / jq throughput |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]:.1f} | {r[2]} | {r[3]:.3f} s | {r[4]:.0f} | {r[5]:.0f} | {r[6]:.2f}× | {r[7]:+.3f} s | {r[8]:.3f} s | {r[9]:.3f} s | {r[10]:.0f} | {r[11]:.2f}× |")
    print(f"\n2,000 small collections ({size_mb(many):.1f} MB, {sum(got.values())} findings): "
          f"--threads 1 {one:.3f} s, all cores {all_cores:.3f} s, speed-up {one / all_cores:.2f}×")


main()
