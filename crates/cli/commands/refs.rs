//! `envlint refs`: the reads the workspace finds in source code, listed (one line each,
//! escaped: paths and names come from the repository, see `escape.rs`).

use std::path::PathBuf;

use envlint_workspace::Workspace;
use serde_json::json;

use crate::output::Stdout;
use crate::{base, default_paths, escape, fs, Cli, Fatal, Format};

pub(crate) fn run(cli: &Cli, paths: &[PathBuf], include_skipped: bool) -> Result<u8, Fatal> {
    let paths = default_paths(paths);
    // `refs` lists what the code reads: no configuration applies.
    let ws = Workspace::unconfigured(fs(), base()?);
    let report = ws.refs(&paths, include_skipped).map_err(Fatal)?;
    let mut out = Stdout::new();
    let (mut json_refs, mut json_dynamic) = (Vec::new(), Vec::new());
    let mut count = 0;
    for scanned in &report.scanned {
        let shown = &scanned.path;
        if let Some(w) = &scanned.warning {
            eprintln!("envlint: warning: {shown}: {w}");
        }
        for r in &scanned.refs {
            count += 1;
            let name = r.name.as_deref().unwrap_or_default();
            match cli.format {
                Format::Json => {
                    let mut row = json!({
                        "name": name, "path": shown, "line": r.line, "column": r.column,
                        "kind": r.kind, "form": r.form, "language": scanned.language.as_str(),
                    });
                    if let Some(via) = &r.via {
                        row["via"] = json!(via);
                    }
                    json_refs.push(row);
                }
                _ => out.write(&format!(
                    "{}\n",
                    escape::line(&format!(
                        "{shown}:{}:{}: {name} ({}, {}{})",
                        r.line,
                        r.column,
                        r.kind,
                        r.form,
                        r.via.as_ref().map(|v| format!(" {v}")).unwrap_or_default()
                    ))
                )),
            }
        }
        for d in &scanned.dynamic {
            match cli.format {
                Format::Json => json_dynamic.push(json!({
                    "path": shown, "line": d.line, "column": d.column, "hint": d.hint,
                })),
                _ => out.write(&format!(
                    "{}\n",
                    escape::line(&format!(
                        "{shown}:{}:{}: dynamic read{} ({})",
                        d.line,
                        d.column,
                        d.hint
                            .as_ref()
                            .map(|h| format!(" of {h}"))
                            .unwrap_or_default(),
                        d.form
                    ))
                )),
            }
        }
    }
    if cli.format == Format::Json {
        out.write(&format!(
            "{}\n",
            json!({"version": 1, "refs": json_refs, "dynamic": json_dynamic})
        ));
    } else if !cli.quiet {
        out.write(&format!(
            "{count} read{} in {} source file{} ({} without any env marker, not parsed).\n",
            if count == 1 { "" } else { "s" },
            report.files,
            if report.files == 1 { "" } else { "s" },
            report.prefiltered
        ));
    }
    drop(out);
    if let Some(note) = report.too_large_note() {
        eprintln!("envlint: note: {note}");
    }
    for e in &report.errors {
        eprintln!("envlint: error: {e}");
    }
    Ok(if report.errors.is_empty() { 0 } else { 2 })
}
