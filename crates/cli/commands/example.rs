//! `envlint example`: the workspace's example plan, checked, shown as a diff, or written.

use std::path::Path;

use envlint_core::example::ExampleOptions;
use envlint_workspace::{FileEdit, Workspace};
use serde_json::json;

use super::{list, plural};
use crate::output::emit;
use crate::{base, fs, workspace, write, Cli, Fatal, Format};

/// `Created .env.example: added 2 keys (A, B); removed 1 key no code reads (C)`.
fn written_line(path: &str, created: bool, added: &[String], removed: &[String]) -> String {
    let mut line = format!("{} {path}", if created { "Created" } else { "Updated" });
    if !added.is_empty() {
        line.push_str(&format!(
            ": added {} ({})",
            plural(added.len(), "key", "keys"),
            list(added)
        ));
    }
    if !removed.is_empty() {
        line.push_str(&format!(
            "; removed {} no code reads ({})",
            plural(removed.len(), "key", "keys"),
            list(removed)
        ));
    }
    line
}

pub(crate) fn run(
    cli: &Cli,
    path: Option<&Path>,
    check: bool,
    diff: bool,
    options: ExampleOptions,
) -> Result<u8, Fatal> {
    let dir = Workspace::folder_arg(fs().as_ref(), &base()?, path, "example").map_err(Fatal)?;
    let ws = workspace(cli, Some(&dir))?;
    let plan = ws.plan_example(&dir, options).map_err(Fatal)?;
    let mut json_files = Vec::new();
    let mut changed = 0;
    let human = !cli.quiet && cli.format != Format::Json;
    let edits: Vec<FileEdit> = plan
        .updates
        .iter()
        .map(|u| FileEdit {
            path: u.path.clone(),
            original: u.original.clone(),
            output: u.output.clone(),
            mode: 0o644,
        })
        .collect();
    // Every changed example written at once, or none.
    let mut written = vec![false; edits.len()];
    let mut write_errors = Vec::new();
    if !diff && !check {
        let to_write: Vec<usize> = (0..edits.len()).filter(|&i| edits[i].changed()).collect();
        if !to_write.is_empty() {
            let refs: Vec<&FileEdit> = to_write.iter().map(|&i| &edits[i]).collect();
            let outcome = write::apply_all(&ws, &refs);
            for k in outcome.written {
                written[to_write[k]] = true;
            }
            write_errors = outcome.errors;
        }
    }
    for (i, (u, edit)) in plan.updates.iter().zip(&edits).enumerate() {
        let created = u.original.is_none();
        let is_changed = edit.changed();
        if cli.format == Format::Json {
            json_files.push(json!({
                "path": u.path,
                "created": created,
                "changed": is_changed,
                "added": u.added,
                "removed": u.removed,
                "unused": u.unused,
            }));
        }
        if is_changed {
            changed += 1;
            if diff {
                if cli.format != Format::Json {
                    emit(&write::diff(edit, cli.show_values));
                }
            } else if check {
                if human {
                    let mut what = Vec::new();
                    if created {
                        what.push("does not exist".to_owned());
                    }
                    if !u.added.is_empty() {
                        what.push(format!("lacks {}", list(&u.added)));
                    }
                    if !u.removed.is_empty() {
                        what.push(format!("lists unread {}", list(&u.removed)));
                    }
                    eprintln!("{}: out of date: {}", u.path, what.join("; "));
                }
            } else if !written[i] {
                continue;
            } else if human {
                eprintln!("{}", written_line(&u.path, created, &u.added, &u.removed));
            }
        }
        if !u.unused.is_empty() && human && !diff {
            eprintln!(
                "note: {} lists {} no code reads: {} (remove with --prune)",
                u.path,
                plural(u.unused.len(), "key", "keys"),
                list(&u.unused)
            );
        }
    }
    // An example git ignores never reaches a fresh clone: say so (`envlint fix` repairs it).
    if human {
        for path in &plan.ignored {
            eprintln!(
                "note: git ignores {path}, so a fresh clone will not get it; `envlint fix` adds `!{}` to .gitignore",
                path.rsplit('/').next().unwrap_or(path)
            );
        }
    }
    let errors = plan.errors;
    for e in errors.iter().chain(&write_errors) {
        eprintln!("envlint: error: {e}");
    }
    if cli.format == Format::Json {
        emit(&format!(
            "{}\n",
            json!({"version": 1, "files": json_files, "summary": {"changed_files": changed, "dry_run": diff || check}})
        ));
    } else if changed == 0 && !cli.quiet && errors.is_empty() {
        eprintln!("The example files list every variable the code reads.");
    }
    Ok(if !errors.is_empty() || !write_errors.is_empty() {
        2
    } else if (diff || check) && changed > 0 {
        1
    } else {
        0
    })
}
