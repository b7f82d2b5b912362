#!/usr/bin/env python3
"""Writes a large, realistic .env file for benchmarks (deterministic: fixed seed).

    scripts/gen-env.py LINES > big.env

Mix: ~8% comments, ~6% blank lines, unquoted, double- and single-quoted values, `${VAR}`
references to earlier keys, `export` prefixes, and about 1% lines with problems a linter
should report (spaces around `=`, lowercase keys, trailing whitespace, duplicates,
unquoted spaces), so that both tools do real reporting work.
"""
import random
import sys

WORDS = ["api", "db", "cache", "queue", "mail", "auth", "s3", "redis", "stripe", "sentry",
         "log", "feature", "worker", "cdn", "search", "billing", "oauth", "smtp", "grpc", "kafka"]
SUFFIX = ["URL", "HOST", "PORT", "USER", "PASSWORD", "TIMEOUT", "ENABLED", "KEY", "REGION", "NAME"]


def value(rng, earlier):
    r = rng.random()
    if r < 0.45:
        return rng.choice(["localhost", "true", "false", "8080", "us-east-1", "info",
                           "postgres://app@db:5432/app", str(rng.randrange(10**6))])
    if r < 0.65:
        return '"%s %s"' % (rng.choice(WORDS), rng.choice(WORDS))
    if r < 0.78:
        return "'%s#%d'" % (rng.choice(WORDS), rng.randrange(1000))
    if r < 0.90 and earlier:
        return "${%s}/%s" % (rng.choice(earlier[-50:]), rng.choice(WORDS))
    return "%032x" % rng.getrandbits(128)


def main():
    lines = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    rng = random.Random(20261130)
    out = []
    earlier = []
    group = 0
    n = 0
    while len(out) < lines:
        r = rng.random()
        if r < 0.08:
            out.append("# %s settings, group %d" % (rng.choice(WORDS), group))
            continue
        if r < 0.14:
            out.append("")
            group += 1
            continue
        n += 1
        key = "K%06d_%s_%s" % (n, rng.choice(WORDS).upper(), rng.choice(SUFFIX))
        line = "%s=%s" % (key, value(rng, earlier))
        p = rng.random()
        if p < 0.002:
            line = line.replace("=", " = ", 1)
        elif p < 0.004:
            line = key.lower() + line[len(key):]
        elif p < 0.006:
            line += "  "
        elif p < 0.008 and earlier:
            line = "%s=dup" % earlier[-1]
        elif p < 0.010:
            line = "%s=two words" % key
        elif p < 0.05:
            line = "export " + line
        earlier.append(key)
        out.append(line)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
