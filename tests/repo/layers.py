#!/usr/bin/env python3
"""Fails when a source file includes a folder its layer may not see. The layer order is the
```layers block of docs/architecture.md, read from there so the document and this check cannot
drift: each line names folders of one layer, highest first; a folder may include its own files
and the folders of every line below its own, nothing on its line or above. Every folder of
src/core (and src/cli) must be placed, and every placed folder must exist.

usage: layers.py REPO_ROOT           check the tree
       layers.py --self-test REPO_ROOT  plant a back edge in a copy and expect it refused
"""
import os
import re
import shutil
import sys
import tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s+"core/([A-Za-z0-9_]+)/')


def read_layers(root):
    path = os.path.join(root, "docs", "architecture.md")
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    match = re.search(r"^```layers\n(.*?)^```", text, re.S | re.M)
    if not match:
        sys.exit(f"{path}: no ```layers block")
    lines = [line.split() for line in match.group(1).splitlines() if line.strip()]
    rank = {}
    for height, folders in enumerate(reversed(lines)):
        for folder in folders:
            if folder in rank:
                sys.exit(f"{path}: {folder} is placed twice")
            rank[folder] = height
    return rank


def source_folders(root):
    folders = {"cli": os.path.join(root, "src", "cli")}
    core = os.path.join(root, "src", "core")
    for name in sorted(os.listdir(core)):
        if os.path.isdir(os.path.join(core, name)):
            folders[name] = os.path.join(core, name)
    return folders


def problems(root):
    rank = read_layers(root)
    folders = source_folders(root)
    found = [f"src/core/{name}: not placed in docs/architecture.md's layers"
             for name in folders if name not in rank]
    found += [f"docs/architecture.md: layer {name} has no folder in src/core"
              for name in rank if name not in folders]
    for name, directory in folders.items():
        if name not in rank:
            continue
        for file_name in sorted(os.listdir(directory)):
            if not file_name.endswith((".cpp", ".hpp")):
                continue
            path = os.path.join(directory, file_name)
            with open(path, encoding="utf-8") as handle:
                for number, line in enumerate(handle, 1):
                    match = INCLUDE.match(line)
                    if not match or match.group(1) == name:
                        continue
                    target = match.group(1)
                    if target not in rank:
                        found.append(f"{os.path.relpath(path, root)}:{number}: includes core/{target}, "
                                     "a folder the layers do not place")
                    elif rank[target] >= rank[name]:
                        found.append(f"{os.path.relpath(path, root)}:{number}: {name} includes "
                                     f"core/{target}, which is not below it")
    return found


def self_test(root):
    with tempfile.TemporaryDirectory() as scratch:
        copy = os.path.join(scratch, "repo")
        os.makedirs(copy)
        shutil.copytree(os.path.join(root, "src"), os.path.join(copy, "src"))
        shutil.copytree(os.path.join(root, "docs"), os.path.join(copy, "docs"))
        if problems(copy):
            sys.exit("self-test: the unchanged copy already has problems")
        planted = os.path.join(copy, "src", "core", "util", "error.hpp")
        with open(planted, "a", encoding="utf-8") as handle:
            handle.write('#include "core/bundle/manifest.hpp"\n')
        found = problems(copy)
        expected = "src/core/util/error.hpp"
        if not any(line.startswith(expected) and "util includes core/bundle" in line for line in found):
            sys.exit(f"self-test: a back edge from util to bundle was not refused: {found}")
    print("self-test: a planted back edge (util -> bundle) is refused")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--self-test":
        self_test(sys.argv[2])
        return
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    found = problems(sys.argv[1])
    for line in found:
        print(line)
    if found:
        sys.exit(f"{len(found)} includes against the layer order (docs/architecture.md)")
    print("every include follows the layer order")


if __name__ == "__main__":
    main()
