#!/usr/bin/env python3
"""Prints the sources of src/ that clang-tidy must see again since commit BASE: each .cpp whose
object, by the dependencies ninja recorded when it compiled it, reads a file of the repository
that changed since BASE. Prints ALL when that cannot be told (BASE unknown to git, no
dependency log, .clang-tidy changed).

  scripts/tidy_affected.py BUILD_DIR BASE
"""
import os
import subprocess
import sys


def run(*argv, cwd):
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True)


def main():
    build, base = sys.argv[1], sys.argv[2]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    diff = run("git", "diff", "--name-only", base, "--", cwd=root)
    if diff.returncode != 0:
        print("ALL")
        return
    changed = set(diff.stdout.split())
    changed |= set(run("git", "ls-files", "--others", "--exclude-standard", cwd=root).stdout.split())
    if ".clang-tidy" in changed:
        print("ALL")
        return
    deps = run("ninja", "-C", build, "-t", "deps", cwd=root)
    if deps.returncode != 0 or not deps.stdout.strip():
        print("ALL")
        return
    tracked = set(run("git", "ls-files", "src", cwd=root).stdout.split())
    affected, source, reads = set(), None, []

    def close():
        if source is not None and any(path in changed for path in reads):
            affected.add(source)

    for line in deps.stdout.splitlines():
        if line and not line.startswith(" "):
            close()
            source, reads = None, []
        elif line.strip():
            path = os.path.relpath(line.strip(), root)
            if source is None:
                source = path if path in tracked and path.endswith(".cpp") else ""
            reads.append(path)
    close()
    for path in sorted(p for p in affected if p):
        print(path)


main()
