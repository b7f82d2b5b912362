//! `envlint fix`: the workspace's fix plan, shown as a diff or written, one change per file.

use std::path::PathBuf;

use envlint_core::Applicability;
use envlint_dotenv::{Document, ParseOptions};
use envlint_workspace::FileEdit;
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
    for file in &plan.files {
        for d in &file.dropped {
            eprintln!(
                "envlint: note: {}:{}: {} fix not applied ({}): {}",
                file.path,
                d.line,
                d.rule,
                d.description,
                d.reason.as_str()
            );
        }
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
                    &mut render::JsonStream::new(false),
                );
            }
        }
    }
    let mut io_errors = plan.errors.clone();
    // The first edits are the env files', in the same order as `plan.files`; then
    // `.gitignore`, when it changes.
    let changed: Vec<usize> = (0..plan.edits.len())
        .filter(|&i| plan.edits[i].changed())
        .collect();
    let mut written = vec![false; plan.edits.len()];
    let mut changed_on_disk = false;
    if diff {
        if cli.format != Format::Json {
            for &i in &changed {
                emit(&write::diff(&plan.edits[i], cli.show_values));
            }
        }
    } else if !changed.is_empty() {
        let edits: Vec<&FileEdit> = changed.iter().map(|&i| &plan.edits[i]).collect();
        let outcome = write::apply_all(&ws, &edits);
        for k in outcome.written {
            written[changed[k]] = true;
        }
        changed_on_disk = outcome.changed_on_disk;
        io_errors.extend(outcome.errors);
    }
    let not_written = changed.iter().filter(|&&i| !written[i]).count();
    // What each edit repairs: the file's own fixes, keys added, `.gitignore` lines.
    let problems = |i: usize| {
        plan.files.get(i).map_or(0, |f| f.fixes)
            + plan.added.get(&plan.edits[i].path).map_or(0, Vec::len)
            + if i >= plan.files.len() {
                plan.ignore_lines.len()
            } else {
                0
            }
    };
    let done = |i: usize| diff || written[i];
    let json_files: Vec<_> = plan
        .edits
        .iter()
        .enumerate()
        .map(|(i, edit)| {
            json!({
                "path": edit.path,
                "changed": edit.changed(),
                "written": written[i],
                "fixes": plan.files.get(i).map_or(0, |f| f.fixes),
                "added_keys": plan.added.get(&edit.path).cloned().unwrap_or_default(),
            })
        })
        .collect();
    for e in &io_errors {
        eprintln!("envlint: error: {e}");
    }
    let total = plan.total();
    match cli.format {
        Format::Json => emit(&format!(
            "{}\n",
            json!({"version": 1, "files": json_files, "summary": {"fixes": total, "changed_files": changed.len(), "written_files": changed.len() - not_written, "dry_run": diff}})
        )),
        _ if !cli.quiet => {
            for (path, keys) in &plan.added {
                if !plan
                    .edits
                    .iter()
                    .position(|e| &e.path == path)
                    .is_some_and(done)
                {
                    continue;
                }
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
            if !plan.ignore_lines.is_empty() && done(plan.edits.len() - 1) {
                eprintln!(
                    "{} to .gitignore: {}",
                    if diff { "Would add" } else { "Added" },
                    plan.ignore_lines.join(", ")
                );
            }
            let files = |n: usize| format!("{n} file{}", if n == 1 { "" } else { "s" });
            let fixed = |n: usize| format!("{n} problem{}", if n == 1 { "" } else { "s" });
            let mut line = if diff {
                format!("Would fix {} in {}.", fixed(total), files(changed.len()))
            } else if not_written == 0 {
                let mut line = format!("Fixed {} in {}.", fixed(total), files(changed.len()));
                if tally.failing() {
                    line.push_str(&format!(
                        " {} remain (see above).",
                        tally.errors + tally.warnings
                    ));
                }
                line
            } else if not_written == changed.len() {
                format!(
                    "Nothing written: {} with fixes left as {} (see above).",
                    files(not_written),
                    if not_written == 1 {
                        "it was"
                    } else {
                        "they were"
                    }
                )
            } else {
                let wrote: Vec<usize> = changed.iter().copied().filter(|&i| written[i]).collect();
                format!(
                    "Fixed {} in {}; {} not written (see above).",
                    fixed(wrote.iter().map(|&i| problems(i)).sum()),
                    files(wrote.len()),
                    files(not_written)
                )
            };
            if changed_on_disk {
                line.push_str(" A file changed while envlint ran: run it again.");
            }
            eprintln!("{line}");
        }
        _ => {}
    }
    Ok(if !io_errors.is_empty() {
        2
    } else if diff {
        u8::from(!changed.is_empty())
    } else {
        u8::from(tally.failing())
    })
}
