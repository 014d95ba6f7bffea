#!/usr/bin/env python3
"""Checks that every #include of ours points down the floors of docs/ARCHITECTURE.md.

A file may include headers of its own folder's library and of the libraries that library links,
directly or through them, as the CMakeLists.txt files declare with target_link_libraries. The
libraries are read from CMake, so this check and the link agree; the folder of each library is
the table below. Prints one line per include that points elsewhere and exits 1; 0 when none.

  check_layers.py [SOURCE_ROOT]      check the tree
  check_layers.py --self-test        check the checker on made-up files
"""
import os
import re
import sys

# Folder (relative to the source root) -> the library its files belong to. The longest matching
# folder wins; files listed in EXECUTABLE_FILES belong to the executable instead.
FOLDERS = {
    "core/base": "morphaeus_base",
    "core/base/facts": "morphaeus_facts",
    "core/config": "morphaeus_config",
    "core/checkpoint": "morphaeus_checkpoint",
    "core/distributed": "morphaeus_distributed",
    "core/losses": "morphaeus_losses",
    "core/metrics": "morphaeus_metrics",
    "core/report": "morphaeus_report",
    "core/registry": "morphaeus_registry",
    "core/train": "morphaeus_train",
    "core/eval": "morphaeus_eval",
    "core/experiment": "morphaeus_experiment",
    "core/commands": "morphaeus_commands",
    "core/app": "morphaeus_app",
    "data": "morphaeus_data",
    "models": "morphaeus_models",
    "projects/morphaeus": "morphaeus_project",
}
EXECUTABLE_FILES = {"core/app/main.cpp": "morphaeus"}
SOURCE_SUFFIXES = (".h", ".cpp", ".cu", ".in")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
LINK = re.compile(r"target_link_libraries\(\s*(\w+)([^)]*)\)", re.S)


def read_links(root):
    """library -> set of morphaeus_* libraries it links (PUBLIC, PRIVATE or INTERFACE)."""
    links = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in ("build", ".git", "runs")]
        if "CMakeLists.txt" not in files:
            continue
        with open(os.path.join(folder, "CMakeLists.txt")) as f:
            text = re.sub(r"#[^\n]*", "", f.read())
        for target, args in LINK.findall(text):
            deps = {a for a in args.split() if a.startswith("morphaeus_")}
            links.setdefault(target, set()).update(deps)
    return links


def closure(target, links):
    seen, todo = {target}, [target]
    while todo:
        for dep in links.get(todo.pop(), ()):
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


def owner(path):
    if path in EXECUTABLE_FILES:
        return EXECUTABLE_FILES[path]
    best = None
    for folder in FOLDERS:
        if path.startswith(folder + "/") and (best is None or len(folder) > len(best)):
            best = folder
    return FOLDERS[best] if best else None


def violations(files, links):
    """files: {relative path: text}. Yields one message per include that points up or sideways."""
    for path in sorted(files):
        target = owner(path)
        if target is None:
            continue
        allowed = closure(target, links)
        for header in INCLUDE.findall(files[path]):
            to = owner(header)
            if to is None or to in allowed:
                continue
            yield (f"{path}: includes {header} of {to}, but {target} does not link {to} "
                   f"(docs/ARCHITECTURE.md: includes point down the floors)")


def tree_files(root):
    files = {}
    for top in ("core", "data", "models", "projects"):
        for folder, _, names in os.walk(os.path.join(root, top)):
            for name in names:
                if name.endswith(SOURCE_SUFFIXES):
                    full = os.path.join(folder, name)
                    with open(full, encoding="utf-8", errors="replace") as f:
                        files[os.path.relpath(full, root).replace(os.sep, "/")] = f.read()
    return files


def self_test():
    links = {"morphaeus_models": {"morphaeus_base"},
             "morphaeus_train": {"morphaeus_models"}}
    files = {
        "core/train/t.cpp": '#include "models/m.h"\n#include "core/base/b.h"\n',  # down, through
        "models/m.h": '#include "core/base/b.h"\n',                              # down
        "core/base/b.h": '#include "core/train/t.h"\n',                          # up: refused
        "models/n.h": '#include "data/d.h"\n',                                   # sideways: refused
        "core/app/main.cpp": '#include "core/train/t.h"\n',                      # exe, no links
    }
    found = list(violations(files, links))
    expect = ["core/app/main.cpp", "core/base/b.h", "models/n.h"]
    got = [v.split(":")[0] for v in found]
    if got != expect:
        print("self-test failed: expected violations in", expect, "got", found)
        return 1
    print("self-test passed:", len(found), "violations found as expected")
    return 0


def main(argv):
    if len(argv) > 1 and argv[1] == "--self-test":
        return self_test()
    root = os.path.abspath(argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
    links = read_links(root)
    linkless = ("morphaeus_config", "morphaeus_facts")  # facts: header-only, links nothing
    missing = [t for t in FOLDERS.values() if t not in links and t not in linkless]
    if missing:
        print("check_layers: no target_link_libraries found for", ", ".join(missing))
        return 1
    files = tree_files(root)
    bad = list(violations(files, links))
    for line in bad:
        print(line)
    print(f"check_layers: {len(files)} files, {len(bad)} includes pointing up or sideways")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
