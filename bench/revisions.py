"""Builds a git revision beside the working tree, for the scripts that compare the two."""
import contextlib, os, subprocess, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build(src, target):
    subprocess.run(["cargo", "build", "--release", "--quiet", "--target-dir", target],
                   cwd=src, check=True)
    return os.path.join(target, "release", "scopelint")


@contextlib.contextmanager
def builds(rev):
    """(REV's binary, the working tree's binary): REV is built in a temporary git worktree
    with its own target directory (target/compare/), both in release mode."""
    with tempfile.TemporaryDirectory(prefix="scopelint-rev-") as tmp:
        tree = os.path.join(tmp, "rev")
        subprocess.run(["git", "worktree", "add", "--detach", "--quiet", tree, rev], cwd=ROOT,
                       check=True)
        try:
            old = build(tree, os.path.join(ROOT, "target", "compare"))
            new = build(ROOT, os.path.join(ROOT, "target"))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", tree], cwd=ROOT)
        yield old, new
