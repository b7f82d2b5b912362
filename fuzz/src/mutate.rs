//! The runner's mutator: input number `i` of a run is a pure function of the seed, the
//! target's name, `i` and the corpus.
//!
//! Why a pure function rather than a mutating queue: a run on any number of threads (or
//! restarted after a crash at input `i`) produces the same inputs, so a finding can be
//! replayed from `--seed` and its index alone, and a crashed worker process resumes at
//! `i + 1` without shared state. There is no coverage feedback on stable Rust without
//! instrumentation; instead the mutations are biased towards what these parsers care
//! about: the env grammar's special bytes, the scanners' read forms, line endings, BOMs,
//! invalid UTF-8, long runs and deep nesting (the shapes that find quadratic loops and
//! recursion without a limit).

use crate::rng::{hash64, Rng};

/// Tokens that mean something to one of the parsers.
pub const TOKENS: &[&str] = &[
    "$",
    "${",
    "}",
    "{",
    "\"",
    "'",
    "`",
    "\\",
    "#",
    "=",
    "\n",
    "\r",
    "\r\n",
    "\u{feff}",
    "export ",
    "export\t",
    " ",
    "\t",
    "\x0c",
    "\0",
    "${A:-",
    ":-",
    ":+",
    "$$",
    "$A",
    "${A}",
    "\\n",
    "\\\"",
    "\\$",
    "\\'",
    "A=",
    "KEY=",
    "_X.Y=",
    "a b=",
    "# envlint: ignore",
    "# envlint: ignore[",
    "envlint:",
    "]",
    "\u{a0}",
    "\u{2028}",
    "\u{85}",
    "\u{E000}",
    "\u{E001}",
    "\u{1d7d8}",
    "\u{fffd}",
    "\u{200b}",
    "process.env.",
    "process.env[",
    "import.meta.env.",
    "os.environ[",
    "os.environ.get(",
    "os.getenv(",
    "env::var(",
    "std::env::var_os(",
    "env!(",
    "option_env!(",
    "#[arg(env = ",
    "BaseSettings",
    "config(",
    "\"\"\"",
    "'''",
    "/*",
    "*/",
    "//",
    "r#\"",
    "\"#",
    "b\"",
    "f\"",
    "<div>",
    "</div>",
    "<T>",
    "=>",
    "?.",
    "??",
    "(",
    ")",
    "[",
    "`${",
    "-----BEGIN",
    "-----END",
    "PRIVATE KEY-----",
    "eyJ",
    "://",
    "user:pa55w0rdX@",
    "_SECRET",
    "_TOKEN",
    "PASSWORD",
];

/// Pairs that nest, for deep nesting: opening and closing text.
const NESTS: &[(&str, &str)] = &[
    ("(", ")"),
    ("[", "]"),
    ("{", "}"),
    ("${", "}"),
    ("${A:-", "}"),
    ("\"", "\""),
    ("f(", ")"),
    ("<div>", "</div>"),
    ("`${", "}`"),
    ("if x:\n", ""),
    ("{\n", "}\n"),
    ("a[", "]"),
    ("-", ""),
    ("!", ""),
    ("&", ""),
    ("*", ""),
    ("not ", ""),
    ("await ", ""),
    ("<", ">"),
    ("|x| ", ""),
    ("x.", ""),
    ("a + ", ""),
];

/// Invalid or unusual UTF-8 byte sequences.
const BYTES: &[&[u8]] = &[
    b"\xff",
    b"\xfe\xff",
    b"\xc3",
    b"\xe2\x82",
    b"\xf0\x9f\x98",
    b"\xed\xa0\x80",
    b"\xc0\x80",
    b"\x80",
    b"\xef\xbb\xbf",
];

/// Input number `index` of the run with `seed` for `target`, mutated from `seeds`, at most
/// `max_len` bytes long.
pub fn generate(seed: u64, target: &str, index: u64, seeds: &[&[u8]], max_len: usize) -> Vec<u8> {
    let mut rng =
        Rng::new(seed ^ hash64(target.as_bytes()) ^ index.wrapping_mul(0xA24B_AED4_963E_E407));
    let mut data: Vec<u8> = match rng.below(20) {
        0 => Vec::new(),
        1 => (0..rng.small_size(64))
            .map(|_| rng.next_u64() as u8)
            .collect(),
        2..=4 => {
            // Several seeds one after the other.
            let mut d = Vec::new();
            for _ in 0..rng.range(2, 4) {
                if let Some(s) = rng.pick(seeds) {
                    d.extend_from_slice(s);
                }
            }
            d
        }
        _ => rng.pick(seeds).map(|s| s.to_vec()).unwrap_or_default(),
    };
    data.truncate(max_len);
    // A few inputs go unmutated: the seeds themselves must pass.
    let rounds = if rng.one_in(50) {
        0
    } else {
        1 + rng.small_size(12)
    };
    for _ in 0..rounds {
        mutate(&mut rng, &mut data, seeds, max_len);
        data.truncate(max_len);
    }
    data
}

/// A position in `data` (`0..=len`).
fn pos(rng: &mut Rng, data: &[u8]) -> usize {
    rng.below(data.len() + 1)
}

/// A position at a line start, when there are lines.
fn line_start(rng: &mut Rng, data: &[u8]) -> usize {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(
            data.iter()
                .enumerate()
                .filter(|(_, &b)| b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect();
    *rng.pick(&starts).unwrap_or(&0)
}

/// A range of `data`, skewed towards short ones.
fn span(rng: &mut Rng, data: &[u8]) -> std::ops::Range<usize> {
    let start = rng.below(data.len() + 1);
    let len = rng.small_size(data.len() - start);
    start..start + len
}

/// Applies one random mutation.
pub fn mutate(rng: &mut Rng, data: &mut Vec<u8>, seeds: &[&[u8]], max_len: usize) {
    match rng.below(22) {
        0 if !data.is_empty() => {
            let i = rng.below(data.len());
            data[i] ^= 1 << rng.below(8);
        }
        1 if !data.is_empty() => {
            let i = rng.below(data.len());
            data[i] = rng.next_u64() as u8;
        }
        2 if !data.is_empty() => {
            let i = rng.below(data.len());
            data[i] = data[i].wrapping_add(rng.range(1, 4) as u8).wrapping_sub(2);
        }
        3..=6 => {
            let t = TOKENS[rng.below(TOKENS.len())];
            let at = if rng.one_in(3) {
                line_start(rng, data)
            } else {
                pos(rng, data)
            };
            data.splice(at..at, t.bytes());
        }
        7 | 8 if !data.is_empty() => {
            let r = span(rng, data);
            data.drain(r);
        }
        9 if !data.is_empty() => {
            let r = span(rng, data);
            let copy = data[r].to_vec();
            let at = pos(rng, data);
            data.splice(at..at, copy);
        }
        10 => {
            // A long run: one token or byte repeated.
            let unit: Vec<u8> = if rng.one_in(2) {
                TOKENS[rng.below(TOKENS.len())].as_bytes().to_vec()
            } else {
                vec![rng.next_u64() as u8]
            };
            let room = max_len.saturating_sub(data.len()) / unit.len().max(1);
            let n = rng.small_size(room.min(1 << 16));
            let at = pos(rng, data);
            data.splice(at..at, unit.repeat(n));
        }
        11 => {
            // Deep nesting, balanced or not.
            let (open, close) = NESTS[rng.below(NESTS.len())];
            let room = max_len.saturating_sub(data.len()) / (open.len() + close.len()).max(1);
            let depth = if rng.one_in(4) {
                room.min(1 << 15)
            } else {
                rng.small_size(room.min(1 << 15))
            };
            let at = pos(rng, data);
            let mut nest = open.repeat(depth).into_bytes();
            if rng.one_in(2) {
                nest.extend_from_slice(b"x");
            }
            if !rng.one_in(4) {
                nest.extend_from_slice(close.repeat(depth).as_bytes());
            }
            data.splice(at..at, nest);
        }
        12 | 13 => {
            // Splice a piece of another seed.
            if let Some(other) = rng.pick(seeds) {
                let r = span(rng, other);
                let piece = other[r].to_vec();
                if rng.one_in(2) && !data.is_empty() {
                    let mine = span(rng, data);
                    data.splice(mine, piece);
                } else {
                    let at = pos(rng, data);
                    data.splice(at..at, piece);
                }
            }
        }
        14 => {
            // Crossover: this input's head, another seed's tail.
            if let Some(other) = rng.pick(seeds) {
                let cut = pos(rng, data);
                let from = rng.below(other.len() + 1);
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
        }
        15 => {
            // Swap, repeat or drop a line.
            let lines: Vec<Vec<u8>> = data
                .split_inclusive(|&b| b == b'\n')
                .map(<[u8]>::to_vec)
                .collect();
            if lines.is_empty() {
                return;
            }
            let mut lines = lines;
            let i = rng.below(lines.len());
            let j = rng.below(lines.len());
            match rng.below(3) {
                0 => lines.swap(i, j),
                1 => {
                    let l = lines[i].clone();
                    lines.insert(j, l);
                }
                _ => {
                    lines.remove(i);
                }
            }
            *data = lines.concat();
        }
        16 => {
            // Line endings: all LF to CRLF, CRLF to LF, or one lone CR.
            match rng.below(3) {
                0 => {
                    let mut out = Vec::with_capacity(data.len() + 16);
                    for &b in data.iter() {
                        if b == b'\n' {
                            out.push(b'\r');
                        }
                        out.push(b);
                    }
                    *data = out;
                }
                1 => data.retain(|&b| b != b'\r'),
                _ => {
                    let at = pos(rng, data);
                    data.insert(at, b'\r');
                }
            }
        }
        17 => {
            let b = BYTES[rng.below(BYTES.len())];
            let at = pos(rng, data);
            data.splice(at..at, b.iter().copied());
        }
        18 if !data.is_empty() => {
            let cut = rng.below(data.len());
            data.truncate(cut);
        }
        19 if !data.is_empty() => {
            let r = span(rng, data);
            let upper = rng.one_in(2);
            for b in &mut data[r] {
                *b = if upper {
                    b.to_ascii_uppercase()
                } else {
                    b.to_ascii_lowercase()
                };
            }
        }
        20 => {
            // A number, a key or a blank.
            let words: [&[u8]; 6] = [b"0", b"4294967295", b"-1", b"A_B", b"   ", b"\t\t"];
            let w = words[rng.below(words.len())];
            let at = pos(rng, data);
            data.splice(at..at, w.iter().copied());
        }
        _ => {
            // Replace a byte with one of the grammar's special bytes.
            if !data.is_empty() {
                let i = rng.below(data.len());
                data[i] = *rng.pick(b"$#=\"'`\\\n\r {}()[]<>;:.,_-").unwrap_or(&b'$');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_a_function_of_seed_target_and_index() {
        let seeds: Vec<&[u8]> = vec![b"A=1\n", b"import os\n"];
        for i in 0..200 {
            let a = generate(5, "parse", i, &seeds, 4096);
            assert_eq!(a, generate(5, "parse", i, &seeds, 4096));
            assert!(a.len() <= 4096);
        }
        let differ = (0..50)
            .filter(|&i| {
                generate(5, "parse", i, &seeds, 4096) != generate(6, "parse", i, &seeds, 4096)
            })
            .count();
        assert!(differ > 25, "{differ}");
    }

    #[test]
    fn an_empty_corpus_still_yields_inputs() {
        for i in 0..100 {
            assert!(generate(1, "x", i, &[], 64).len() <= 64);
        }
    }
}
