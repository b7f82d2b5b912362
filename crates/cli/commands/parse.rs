//! `envlint parse`: what dotenvy would load from a file, values included (the one command
//! that shows values: it exists to).

use std::io::IsTerminal;
use std::path::Path;

use envlint_core::mask::{display_bytes, Masking};
use envlint_core::{Diagnostic, LineIndex, Severity};
use envlint_dotenv::{Document, EnvLookup, LineKind, ParseOptions};
use envlint_workspace::Workspace;
use serde_json::json;

use crate::output::emit;
use crate::render::{FileOutput, Human};
use crate::{base, fs, Cli, Fatal, Format};

pub(crate) fn run(cli: &Cli, file: &Path, no_env: bool) -> Result<u8, Fatal> {
    let ws = Workspace::unconfigured(fs(), base()?);
    // As every command reads env files: a FIFO, device or folder is refused (never opened
    // in a way that could block), and a link only read when it points inside the project.
    let bytes = ws.read_env(file).map_err(Fatal)?;
    let options = ParseOptions {
        env: if no_env {
            EnvLookup::None
        } else {
            EnvLookup::Process
        },
    };
    let doc = Document::parse(bytes.clone(), &options);
    let index = LineIndex::new(&bytes);
    let shown = ws.display(file);
    let line_of = |at: usize| index.line_col(&bytes, at).0;
    let errors: Vec<Diagnostic> = doc
        .errors()
        .map(|e| {
            Diagnostic::new(
                "parse-error",
                Severity::Error,
                e.at.range(),
                format!("dotenvy rejects this line: {}", e.kind),
            )
        })
        .collect();
    if cli.format == Format::Json {
        let entries: Vec<_> = doc
            .lines()
            .iter()
            .filter_map(|l| match &l.kind {
                LineKind::Entry(e) => Some(
                    json!({"key": e.key(&doc), "value": e.value(&doc), "line": line_of(e.key.start as usize)}),
                ),
                _ => None,
            })
            .collect();
        let errs: Vec<_> = doc
            .errors()
            .map(|e| json!({"line": line_of(e.line.start as usize), "message": e.kind.to_string()}))
            .collect();
        emit(&format!(
            "{}\n",
            json!({"version": 1, "entries": entries, "errors": errs})
        ));
    } else {
        let mut out = String::new();
        for e in doc.entries() {
            let v = e.value(&doc);
            let plain = !v.is_empty()
                && v.chars()
                    .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\');
            if plain || v.is_empty() {
                out.push_str(&format!("{}={}\n", e.key(&doc), v));
            } else {
                out.push_str(&format!("{}={:?}\n", e.key(&doc), v));
            }
        }
        emit(&out);
        if !errors.is_empty() {
            let display = display_bytes(doc, Masking::Nothing, None);
            let file_out = FileOutput {
                path: shown,
                bytes: &display,
                index: LineIndex::new(&bytes),
                diagnostics: &errors,
                others: None,
            };
            let mut report = String::new();
            Human::new(
                !cli.no_color
                    && std::io::stderr().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none(),
            )
            .render(&file_out, &mut |s: &str| report.push_str(s));
            eprint!("{report}");
        }
    }
    Ok(u8::from(!errors.is_empty()))
}
