#!/usr/bin/env python3
"""Checks that the repository only points at what a clone of it has.

Every tracked text file (code, comments, docs, configs, scripts) is read, and three kinds of
reference are refused:
  - a path outside the repository: `../shared/...`, or a path of the machine the project was
    written on (`/work/main`, `/work/shared`, `/work/.library`);
  - a document named anywhere (`FIDELITY.md`, `docs/METHOD.md`: a Markdown name starting with a
    capital, or any Markdown path under docs/) that no tracked file has;
  - a repository path with a file extension under one of the source folders (`docs/`, `scripts/`,
    `core/`, `models/`, `projects/morphaeus/`, `third_party/`, `tests/`, `configs/`) that is not
    tracked (a file renamed or removed while its mentions stayed).
Not checked: paths with globs or placeholders (`*`, `{`, `<`, `$`); lower-case Markdown names
(the reports a run writes: table.md); the authors' Python files (`core/Trainer.py` upstream);
headers generated from a tracked `.in`; the test sources and the checkers' self-tests, whose
paths name files they create.
Naming a public repository (ci-ber/MorphAEus) is fine: it is not a path.

Usage: check_references.py [ROOT]   prints each violation as FILE:LINE: what, exits 1 if any
       check_references.py --self-test
"""
import os
import re
import subprocess
import sys
import tempfile

OUTSIDE = re.compile(r"\.\./shared\b|/work/(?:main|shared|\.library)\b")
MARKDOWN = re.compile(r"(?<![\w./-])((?:[\w.-]+/)*[A-Za-z][\w.-]*\.md)\b")
SOURCE_DIRS = ("docs/", "scripts/", "core/", "models/", "projects/morphaeus/", "third_party/",
               "tests/", "configs/")
REPO_PATH = re.compile(
    r"(?<![\w./$-])((?:docs|scripts|core|models|projects/morphaeus|third_party|tests|configs)/"
    r"[\w./-]*\.(?:md|sh|py|cpp|h|cmake|yaml|txt|in))(?![\w*{<$])")
TEXT_SUFFIXES = (".md", ".sh", ".py", ".cpp", ".h", ".cmake", ".yaml", ".yml", ".txt", ".in",
                 ".cu", ".cuh", ".json", ".1", "run")
SKIP_PREFIXES = ("tests/data/",)  # third-party data files, kept as published


def tracked_files(root):
    out = subprocess.run(["git", "-C", root, "ls-files"], capture_output=True, text=True,
                         check=True).stdout
    return [f for f in out.splitlines() if f]


def is_text(path):
    return path.endswith(TEXT_SUFFIXES) or os.path.basename(path) in ("CMakeLists.txt",)


def check(root, files):
    tracked = set(files)
    basenames = {os.path.basename(f) for f in files}
    problems = []
    for rel in files:
        if not is_text(rel) or rel.startswith(SKIP_PREFIXES):
            continue
        if rel in ("scripts/check_references.py", "scripts/check_layers.py"):
            continue  # their self-tests name the files they plant
        check_paths = not (rel.startswith("tests/") and rel.endswith(".cpp"))
        try:
            with open(os.path.join(root, rel), encoding="utf-8") as fh:
                lines = fh.read().splitlines()
        except (UnicodeDecodeError, FileNotFoundError):
            continue
        for number, line in enumerate(lines, 1):
            for m in OUTSIDE.finditer(line):
                problems.append(f"{rel}:{number}: a path outside the repository: {m.group(0)}")
            for m in MARKDOWN.finditer(line):
                name = m.group(1)
                if not name.startswith("docs/") and not os.path.basename(name)[0].isupper():
                    continue  # a report a run writes (table.md), not a document
                if "/" in name:
                    ok = name in tracked or os.path.normpath(
                        os.path.join(os.path.dirname(rel), name)) in tracked
                    ok = ok or os.path.basename(name) in basenames and not name.startswith(
                        SOURCE_DIRS)
                else:
                    ok = name in basenames
                if not ok:
                    problems.append(f"{rel}:{number}: {name} is not in the repository")
            for m in REPO_PATH.finditer(line if check_paths else ""):
                path = m.group(1).rstrip(".")
                if path in tracked or path + ".in" in tracked or any(ch in path for ch in "*{<$"):
                    continue
                if path.endswith(".py") and not path.startswith(("scripts/", "tests/python/")):
                    continue  # the authors' Python files (core/Trainer.py upstream)
                problems.append(f"{rel}:{number}: {path} is not in the repository")
    return problems


def self_test():
    with tempfile.TemporaryDirectory() as tmp:
        def write(rel, text):
            os.makedirs(os.path.dirname(os.path.join(tmp, rel)), exist_ok=True)
            with open(os.path.join(tmp, rel), "w", encoding="utf-8") as fh:
                fh.write(text)
        write("docs/A.md", "See [B](B.md) and docs/A.md.\n")
        write("docs/B.md", "Back to A.md; the packer is scripts/pack.sh.\n")
        write("scripts/pack.sh", "# see docs/B.md\n")
        write("core/x.h", "// rule: docs/METHOD.md section 7\n")
        write("core/y.cpp", "// made by ../shared/gpu/carry-deps.sh\n")
        write("core/z.h", "// moved: core/old_name.h; see /work/main/build\n")
        write("core/ok.h", "// outputs: runs/x/metrics.json, table.md; repo ci-ber/MorphAEus; "
              "core/{a,b}.h; tests/data/upstream/x.yaml; upstream core/Trainer.py\n")
        write("core/v.h.in", "// configured into core/v.h\n")
        write("core/w.h", "// renamed: scripts/gone.py; the spec is in SPEC.md\n")
        subprocess.run(["git", "-C", tmp, "init", "-q"], check=True)
        subprocess.run(["git", "-C", tmp, "add", "-A"], check=True)
        found = check(tmp, tracked_files(tmp))
        expected = [
            "core/x.h:1: docs/METHOD.md is not in the repository",
            "core/y.cpp:1: a path outside the repository: ../shared",
            "core/z.h:1: a path outside the repository: /work/main",
            "core/z.h:1: core/old_name.h is not in the repository",
            "core/w.h:1: scripts/gone.py is not in the repository",
            "core/w.h:1: SPEC.md is not in the repository",
        ]
        missing = [e for e in expected if e not in found]
        extra = [f for f in found if f not in expected and "tests/data/upstream" not in f]
        if missing or extra:
            print("check_references self-test failed:", file=sys.stderr)
            for e in missing:
                print("  not found: " + e, file=sys.stderr)
            for f in extra:
                print("  unexpected: " + f, file=sys.stderr)
            return 1
    print(f"check_references self-test: the {len(expected)} planted references found, no others")
    return 0


def main(argv):
    if len(argv) > 1 and argv[1] == "--self-test":
        return self_test()
    root = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    files = tracked_files(root)
    problems = check(root, files)
    for p in problems:
        print(p)
    print(f"check_references: {len(files)} tracked files, {len(problems)} references to what "
          "the repository lacks")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
