//! Checks a project on disk and prints each finding as `path:line:column: rule: message`,
//! the way `envlint check --format concise` does, through the library alone.
//!
//! ```sh
//! cargo run -p envlint-workspace --example check_disk -- examples/demo
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::sync::Arc;

use envlint_core::LineIndex;
use envlint_workspace::{CheckOptions, Content, OpenOptions, OsFs, Workspace};

fn main() -> Result<(), String> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".to_owned());
    let base = std::path::absolute(&dir).map_err(|e| e.to_string())?;
    // Paths in the report are relative to the base: here, the project folder itself.
    let ws = Workspace::open(Arc::new(OsFs), base, &OpenOptions::default())?;
    let report = ws.check(&[PathBuf::from(".")], &CheckOptions::default())?;
    for note in &report.notes {
        eprintln!("note: {note}");
    }
    let mut count = 0;
    for file in &report.files {
        if file.diagnostics.is_empty() {
            continue;
        }
        // Env files come parsed; a source file's text is read again for positions.
        let bytes = match &file.content {
            Content::Env(doc) => doc.to_bytes().to_vec(),
            Content::Source => ws.read(&file.path).map_err(|e| e.to_string())?,
        };
        let index = LineIndex::new(&bytes);
        for d in &file.diagnostics {
            let (line, column) = index.line_col(&bytes, d.span.start);
            println!("{}:{line}:{column}: {}: {}", file.path, d.rule, d.message);
            count += 1;
        }
    }
    for e in &report.errors {
        eprintln!("error: {e}");
    }
    println!("{count} findings in {} files", report.file_count);
    Ok(())
}
