//! Writing to the terminal: buffered stdout, the findings of one file in the chosen format,
//! and the tally that ends a run.
//!
//! Why apart from the commands: `check` and `fix` render findings the same way, and every
//! command writes through the same buffered, broken-pipe-tolerant stdout.

use std::io::{IsTerminal, Write as _};

use envlint_core::mask::{display_parts, Masking};
use envlint_core::{Diagnostic, LineIndex, Severity};
use envlint_dotenv::Document;

use crate::render::{self, FileOutput, Human};
use crate::{Cli, Format};

/// Buffered stdout; a closed pipe (`envlint check | head`) ends the process quietly.
pub(crate) struct Stdout(std::io::BufWriter<std::io::StdoutLock<'static>>);

impl Stdout {
    pub(crate) fn new() -> Self {
        Stdout(std::io::BufWriter::with_capacity(
            1 << 16,
            std::io::stdout().lock(),
        ))
    }

    pub(crate) fn write(&mut self, text: &str) {
        if let Err(e) = self.0.write_all(text.as_bytes()) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
        }
    }
}

impl Drop for Stdout {
    fn drop(&mut self) {
        let _ = self.0.flush();
    }
}

/// Writes to stdout at once (for small outputs).
pub(crate) fn emit(text: &str) {
    Stdout::new().write(text);
}

pub(crate) fn color(cli: &Cli) -> bool {
    !cli.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stdout().is_terminal()
}

#[derive(Default)]
pub(crate) struct Tally {
    pub(crate) files: usize,
    pub(crate) errors: usize,
    pub(crate) warnings: usize,
    pub(crate) infos: usize,
    pub(crate) fixable: usize,
}

impl Tally {
    pub(crate) fn add(&mut self, diagnostics: &[Diagnostic]) {
        for d in diagnostics {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
            if d.is_fixable() {
                self.fixable += 1;
            }
        }
    }

    pub(crate) fn failing(&self) -> bool {
        self.errors + self.warnings > 0
    }

    pub(crate) fn sentence(&self) -> String {
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        if self.errors + self.warnings + self.infos == 0 {
            return format!("No problems in {}.", plural(self.files, "file"));
        }
        let mut s = format!(
            "Found {} and {} in {}",
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            plural(self.files, "file")
        );
        if self.fixable > 0 {
            s.push_str(&format!(" ({} fixable with `envlint fix`)", self.fixable));
        }
        s.push('.');
        s
    }
}

/// A file whose findings are rendered: an env file (values masked in frames) or source.
pub(crate) enum Shown {
    Env(Document),
    Source(Vec<u8>),
}

/// Renders one file's diagnostics in the chosen format to `out` (JSON and SARIF through
/// `json`, which writes the document around them).
pub(crate) fn render_file(
    cli: &Cli,
    (human, others): (&Human, &render::Others<'_>),
    out: &mut Stdout,
    file: (&str, Shown, &[Diagnostic]),
    json: &mut render::JsonStream,
) {
    let (path, shown, diagnostics) = file;
    // Words are masked where they may hold a value (see `envlint_core::text`), unless the
    // user asked to see values.
    let revealed: Vec<Diagnostic>;
    let diagnostics = if cli.show_values {
        revealed = diagnostics
            .iter()
            .cloned()
            .map(|mut d| {
                d.reveal();
                d
            })
            .collect();
        &revealed[..]
    } else {
        diagnostics
    };
    let doc = match shown {
        Shown::Env(doc) => doc,
        Shown::Source(bytes) => {
            render_source(cli, (human, others), out, (path, bytes, diagnostics), json);
            return;
        }
    };
    let index = LineIndex::of_document(&doc);
    let path = path.to_owned();
    let mut sink = |s: &str| out.write(s);
    match cli.format {
        Format::Human => {
            let windows = render::frame_windows(&index, doc.to_bytes().len(), diagnostics);
            let (bytes, lines) = doc.into_parts();
            let display = display_parts(
                bytes,
                &lines,
                Masking::for_file(&path, cli.show_values),
                Some(&windows),
            );
            // Freed by the process exit: dropping a 200,000-line table line by line costs
            // ~10% of a run, and `envlint check` ends soon after rendering.
            std::mem::forget(lines);
            let file = FileOutput {
                path,
                bytes: &display,
                index,
                diagnostics,
                others: Some(others),
            };
            human.render(&file, &mut sink);
        }
        Format::Github | Format::Concise | Format::Json | Format::Sarif => {
            let file = FileOutput {
                path,
                bytes: doc.to_bytes(),
                index,
                diagnostics,
                others: Some(others),
            };
            match cli.format {
                Format::Github => render::github(&file, &mut sink),
                Format::Concise => render::concise(&file, &mut sink),
                _ => json.file(&file, &mut sink),
            }
            drop(file);
            // As above: the process exit frees it.
            std::mem::forget(doc);
        }
    }
}

/// Renders findings in a source file (shown as written, not masked).
fn render_source(
    cli: &Cli,
    (human, others): (&Human, &render::Others<'_>),
    out: &mut Stdout,
    file: (&str, Vec<u8>, &[Diagnostic]),
    json: &mut render::JsonStream,
) {
    let (path, bytes, diagnostics) = file;
    let index = LineIndex::new(&bytes);
    let path = path.to_owned();
    let mut sink = |s: &str| out.write(s);
    let display;
    let file = FileOutput {
        path,
        bytes: if cli.format == Format::Human {
            display = envlint_core::mask::display_source(bytes.clone(), cli.show_values);
            &display
        } else {
            &bytes
        },
        index,
        diagnostics,
        others: Some(others),
    };
    match cli.format {
        Format::Human => human.render(&file, &mut sink),
        Format::Github => render::github(&file, &mut sink),
        Format::Concise => render::concise(&file, &mut sink),
        Format::Json | Format::Sarif => json.file(&file, &mut sink),
    }
}
