#!/usr/bin/env bash
# Prints, per target, the modules its sources import (first-party and products), to compare with
# the dependencies that Package.swift declares (`swift package dump-package`).
set -euo pipefail
cd "$(dirname "$0")/.."
system="Foundation FoundationXML Dispatch Glibc Darwin Testing XCTest Synchronization"
python3 - "$system" <<'PY'
import json, subprocess, sys, glob, os, re
system = set(sys.argv[1].split())
package = json.loads(subprocess.check_output(["swift", "package", "dump-package"], stderr=subprocess.DEVNULL))
bad = 0
for target in package["targets"]:
    name = target["name"]
    if target["type"] == "system": continue
    path = target.get("path") or ("Tests/" + name if target["type"] == "test" else "Sources/" + name)
    imports = set()
    for f in glob.glob(path + "/**/*.swift", recursive=True):
        for line in open(f):
            m = re.match(r"\s*(?:@testable\s+)?import\s+(\w+)", line)
            if m and m.group(1) not in system: imports.add(m.group(1))
    executables = {t["name"] for t in package["targets"] if t["type"] == "executable"}
    declared = set()
    for d in target["dependencies"]:
        for kind in ("byName", "target"):
            if kind in d: declared.add(d[kind][0])
        if "product" in d: declared.add(d["product"][0])
    if target["type"] == "test": declared -= executables  # built first, not imported
    if imports != declared:
        bad += 1
        print(f"{name}: imports {sorted(imports)} but declares {sorted(declared)}")
print("import lines equal Package.swift" if not bad else f"{bad} target(s) differ")
sys.exit(1 if bad else 0)
PY
