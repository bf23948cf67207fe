#!/usr/bin/env python3
"""Fails when a tracked file refers to a path outside the repository: the team's folder that
sits beside a developer's clone (a person who clones zbundle has none), an absolute path into
the workplace, or a relative path that climbs out of the tree to something that exists there.
Hostile test paths such as "../../etc/passwd" name nothing outside the tree and pass.

usage: self_contained.py REPO_ROOT
"""
import os
import re
import subprocess
import sys

TEAM_FOLDER = ".." + "/shared"  # spelled apart, so this file does not flag itself
WORKPLACE = "/" + "work/"
CLIMB = re.compile(r"(?:\.\./)+[A-Za-z0-9_][A-Za-z0-9_./-]*")


def tracked_files(root):
    listing = subprocess.run(["git", "-C", root, "ls-files", "-z"], stdout=subprocess.PIPE, check=True)
    return [name for name in listing.stdout.decode().split("\0") if name]


def problems_in(root, name):
    path = os.path.join(root, name)
    if not os.path.isfile(path) or os.path.islink(path):
        return []
    with open(path, "rb") as handle:
        data = handle.read()
    if b"\0" in data[:8192]:
        return []  # binary
    found = []
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        if TEAM_FOLDER in line:
            found.append(f"{name}:{number}: refers to {TEAM_FOLDER}, which a clone does not have")
            continue
        if re.search(r"(?<![\w.])" + re.escape(WORKPLACE), line):
            found.append(f"{name}:{number}: an absolute path into {WORKPLACE}")
            continue
        for match in CLIMB.finditer(line):
            target = os.path.normpath(os.path.join(os.path.dirname(path), match.group()))
            if os.path.relpath(target, root).startswith("..") and os.path.exists(target):
                found.append(f"{name}:{number}: {match.group()} leaves the repository for {target}")
    return found


def main():
    root = os.path.realpath(sys.argv[1])
    problems = [problem for name in tracked_files(root) for problem in problems_in(root, name)]
    for problem in problems:
        print(problem)
    print(f"self_contained: {len(problems)} references outside the repository")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
