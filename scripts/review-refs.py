#!/usr/bin/env python3
"""Review aid for the accuracy check (docs/accuracy.md): for each FILE, prints every line that
mentions an env marker next to what `envlint refs` reported on it; lines flagged `??` have a
marker but no read and need a human look (comment, string, write, or a miss).

    cd bench-work/corpus && python3 ../../scripts/review-refs.py FILE...
"""
import os
ENVLINT = os.environ.get("ENVLINT", os.path.join(os.path.dirname(__file__), "..", "target", "release", "envlint"))
import json, re, subprocess, sys
files = sys.argv[1:]
refs = json.loads(subprocess.run([ENVLINT, "refs", "--include-skipped", "--format", "json", *files], capture_output=True, text=True).stdout)
by = {}
for r in refs["refs"]:
    by.setdefault((r["path"], r["line"]), []).append(f'{r["name"]}:{r["kind"][:3]}')
for d in refs["dynamic"]:
    by.setdefault((d["path"], d["line"]), []).append(f'<dyn {d["hint"]}>')
marker = re.compile(r'process\.env|import\.meta\.env|environ|getenv|env::var|var_os|env!|option_env!|Deno\.env|Bun\.env|\benv\b|decouple|config\(|BaseSettings|ProcessEnv|ImportMetaEnv')
for f in files:
    lines = open(f, encoding="utf-8", errors="replace").read().split("\n")
    print(f"=== {f}")
    for i, l in enumerate(lines, 1):
        got = by.get((f, i), [])
        if marker.search(l) or got:
            flag = "  " if got else "??"
            print(f"{flag} {i:5} {l.strip()[:110]}  => {' '.join(got)}")
