//! `envlint fix`: the workspace's fix plan, shown as a diff or written, one change per file.

use std::path::PathBuf;

use envlint_core::Applicability;
use envlint_dotenv::{Document, ParseOptions};
use serde_json::json;

use crate::output::{color, emit, render_file, Shown, Stdout, Tally};
use crate::render::{self, Human};
use crate::{default_paths, workspace, write, Cli, Fatal, Format};

pub(crate) fn run(
    cli: &Cli,
    paths: &[PathBuf],
    diff: bool,
    unsafe_fixes: bool,
) -> Result<u8, Fatal> {
    let paths = default_paths(paths);
    let ws = workspace(cli, paths.first().map(PathBuf::as_path))?;
    let level = if unsafe_fixes {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    let plan = ws.plan_fix(&paths, level).map_err(Fatal)?;
    for note in &plan.notes {
        eprintln!("envlint: note: {note}");
    }
    let human = Human::new(color(cli));
    let mut tally = Tally::default();
    if !diff {
        for file in &plan.files {
            tally.add(&file.remaining);
            let Some(output) = &file.output else { continue };
            if cli.format != Format::Json {
                let doc = Document::parse(output.clone(), &ParseOptions::isolated());
                let mut out = Stdout::new();
                render_file(
                    cli,
                    (&human, &render::Others::new(&ws, cli.show_values)),
                    &mut out,
                    (&file.path, Shown::Env(doc), &file.remaining),
                    &mut Vec::new(),
                );
            }
        }
    }
    let mut io_errors = plan.errors.clone();
    let mut changed_files = 0;
    let mut json_files = Vec::new();
    // The first edits are the env files', in the same order as `plan.files`.
    for (i, edit) in plan.edits.iter().enumerate() {
        let changed = edit.changed();
        if changed {
            changed_files += 1;
            if let Err(e) = write::show_or_apply(&ws, edit, diff, cli) {
                io_errors.push(e);
                continue;
            }
        }
        if cli.format == Format::Json {
            let fixes = plan.files.get(i).map_or(0, |f| f.fixes);
            json_files.push(json!({
                "path": edit.path,
                "changed": changed,
                "fixes": fixes,
                "added_keys": plan.added.get(&edit.path).cloned().unwrap_or_default(),
            }));
        }
    }
    for e in &io_errors {
        eprintln!("envlint: error: {e}");
    }
    let verb = if diff { "Would fix" } else { "Fixed" };
    let total = plan.total();
    match cli.format {
        Format::Json => emit(&format!(
            "{}\n",
            json!({"version": 1, "files": json_files, "summary": {"fixes": total, "changed_files": changed_files, "dry_run": diff}})
        )),
        _ if !cli.quiet => {
            for (path, keys) in &plan.added {
                eprintln!(
                    "{} {} to {path}: {}",
                    if diff { "Would add" } else { "Added" },
                    if keys.len() == 1 {
                        "1 missing key".to_owned()
                    } else {
                        format!("{} missing keys", keys.len())
                    },
                    keys.join(", ")
                );
            }
            if !plan.ignore_lines.is_empty() {
                eprintln!(
                    "{} to .gitignore: {}",
                    if diff { "Would add" } else { "Added" },
                    plan.ignore_lines.join(", ")
                );
            }
            let mut line = format!(
                "{verb} {total} problem{} in {changed_files} file{}.",
                if total == 1 { "" } else { "s" },
                if changed_files == 1 { "" } else { "s" }
            );
            if !diff && tally.failing() {
                line.push_str(&format!(
                    " {} remain (see above).",
                    tally.errors + tally.warnings
                ));
            }
            eprintln!("{line}");
        }
        _ => {}
    }
    Ok(if !io_errors.is_empty() {
        2
    } else if diff {
        u8::from(changed_files > 0)
    } else {
        u8::from(tally.failing())
    })
}
