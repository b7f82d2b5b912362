//! Times the phases of checking one env file in-process (min of N runs): parse alone (also
//! cut into 1, 2 and 4 pieces, as large files are parsed on several cores), and parse + the
//! 13 dotenv-linter checks. For performance work on issue 2's benchmark.
//!
//! `cargo run --release -p envlint-core --example phases -- FILE [RUNS] [RULES]` (RULES:
//! comma-separated ids, default dotenv-linter's 13).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::time::Instant;

use envlint_core::{lint_env_file, Config, Settings};
use envlint_dotenv::{Document, ParseOptions};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: phases FILE [RUNS] [RULES]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(10);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2)
    });
    let default = "duplicated-key,ending-blank-line,extra-blank-line,incorrect-delimiter,key-without-value,leading-character,lowercase-key,quote-character,space-character,substitution-key,trailing-whitespace,unordered-key,value-without-quotes";
    let rules = args.next().unwrap_or_else(|| default.to_owned());
    let select: Vec<String> = rules.split(',').map(str::to_owned).collect();
    let settings = Settings::resolve(&Config::default(), &select, &[]).expect("rules");
    let min = |f: &dyn Fn() -> usize| {
        let mut best = f64::MAX;
        let mut n = 0;
        for _ in 0..runs {
            let t = Instant::now();
            n = f();
            best = best.min(t.elapsed().as_secs_f64() * 1e3);
        }
        (best, n)
    };
    let (parse, lines) = min(&|| {
        Document::parse(bytes.clone(), &ParseOptions::isolated())
            .lines()
            .len()
    });
    for pieces in [1, 2, 24] {
        let (t, _) = min(&|| {
            let threads = pieces.min(2);
            Document::parse_in_pieces(bytes.clone(), &ParseOptions::isolated(), pieces, threads)
                .lines()
                .len()
        });
        println!("parse in {pieces} pieces: {t:.1} ms");
    }
    let (lint, found) = min(&|| lint_env_file(bytes.clone(), &settings).diagnostics.len());
    println!("{lines} lines: parse {parse:.1} ms; parse + checks {lint:.1} ms ({found} findings)");
}
