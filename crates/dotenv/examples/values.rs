//! Prints what dotenvy would load from an env file, and where each value sits.
//!
//! `cargo run -p envlint-dotenv --example values -- path/to/.env`

#![allow(clippy::print_stdout, clippy::print_stderr)]

use envlint_dotenv::{Document, LineKind, ParseOptions};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: values FILE");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let doc = Document::parse(bytes, &ParseOptions::isolated());
    for line in doc.lines() {
        match &line.kind {
            LineKind::Entry(e) => println!(
                "{} = {:?}  (bytes {:?}, written {:?})",
                e.key(&doc),
                e.value(&doc),
                e.raw_value.range(),
                e.raw(&doc)
            ),
            LineKind::Error(err) => println!("error at bytes {:?}: {}", err.at.range(), err.kind),
            LineKind::Comment(_) | LineKind::Blank => {}
        }
    }
}
