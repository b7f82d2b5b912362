#!/usr/bin/env python3
"""Measures the secret detector's false positives on a corpus (docs/accuracy.md, "Secrets").

Extracts every `name = value` / `name: value` shaped assignment (values of 8+ characters)
from the text files under CORPUS, runs them through the detector (the `secret_scan`
example of envlint-core) and prints each flagged one with its location, for review.
Usage: scripts/secret-fp.py bench-work/corpus
"""
import os
import re
import subprocess
import sys

PATTERN = re.compile(r"""\b([A-Za-z][A-Za-z0-9_]{2,})\s*[=:]\s*["'`]?([^"'`\s,;)]{8,})""")


def main() -> None:
    root = sys.argv[1]
    rows, where = [], []
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            try:
                if os.path.getsize(path) > 2_000_000:
                    continue
                with open(path, encoding="utf-8") as f:
                    text = f.read()
            except (OSError, UnicodeDecodeError):
                continue
            for number, line in enumerate(text.splitlines(), 1):
                if len(line) > 400:
                    continue
                for m in PATTERN.finditer(line):
                    rows.append(f"{m.group(1)}\t{m.group(2)}")
                    where.append(f"{path}:{number}")
    out = subprocess.run(
        ["cargo", "run", "-q", "--release", "-p", "envlint-core", "--example", "secret_scan"],
        input="\n".join(rows) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    for line in out.stdout.splitlines():
        number, what = line.split("\t", 1)
        # The reviewer needs the value; this stays on the reviewer's terminal.
        print(f"{where[int(number) - 1]}\t{what}\t{rows[int(number) - 1]}")
    print(out.stderr.strip(), file=sys.stderr)


if __name__ == "__main__":
    main()
