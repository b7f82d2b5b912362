//! Runs the secret detector over `NAME<TAB>VALUE` lines from stdin and prints the line
//! numbers it flags with what it found (never the value): how false positives are
//! measured on a corpus (see docs/accuracy.md, "Secrets").

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::BufRead;

fn main() {
    let (mut lines, mut flagged) = (0usize, 0usize);
    for (i, line) in std::io::stdin().lock().lines().enumerate() {
        let Ok(line) = line else { continue };
        lines += 1;
        let (name, value) = line.split_once('\t').unwrap_or(("", &line));
        let name = (!name.is_empty()).then_some(name);
        if let Some(found) = envlint_core::secret::detect(name, value) {
            flagged += 1;
            println!("{}\t{}", i + 1, found.what);
        }
    }
    eprintln!("{flagged} of {lines} assignments flagged");
}
