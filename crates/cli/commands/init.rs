//! `envlint init`: the workspace's init plan, shown as a diff or written, then what the
//! newcomer still has to fill in.

use std::path::Path;

use envlint_workspace::{FileEdit, InitOptions, Workspace};
use serde_json::json;

use super::{list, plural};
use crate::output::emit;
use crate::{base, fs, workspace, write, Cli, Fatal, Format};

pub(crate) fn run(
    cli: &Cli,
    path: Option<&Path>,
    add_missing: bool,
    diff: bool,
    file: Option<&str>,
) -> Result<u8, Fatal> {
    let dir = Workspace::folder_arg(fs().as_ref(), &base()?, path, "init").map_err(Fatal)?;
    let ws = workspace(cli, Some(&dir))?;
    let options = InitOptions {
        add_missing,
        file: file.map(str::to_owned),
    };
    let plan = ws.plan_init(&dir, &options).map_err(Fatal)?;
    let edits: Vec<&FileEdit> = plan.edits.iter().filter(|e| e.changed()).collect();
    let changed = edits.len();
    let mut write_errors = Vec::new();
    if diff {
        if cli.format != Format::Json {
            for edit in &edits {
                emit(&write::diff(edit, cli.show_values));
            }
        }
    } else if !edits.is_empty() {
        // The env file and the `.gitignore` line that hides it: both, or neither.
        write_errors = write::apply_all(&ws, &edits).errors;
    }
    let shown = &plan.env_file;
    let example_shown = &plan.example;
    let human = cli.format != Format::Json && !cli.quiet;
    if human && !diff && write_errors.is_empty() {
        if plan.created {
            eprintln!(
                "Created {shown} (mode 0600) from {example_shown} with {}: fill in the values.",
                plural(plan.added.len(), "key", "keys")
            );
        } else if add_missing && !plan.added.is_empty() {
            eprintln!(
                "Added {} to {shown}, each marked TODO: {}",
                plural(plan.added.len(), "missing key", "missing keys"),
                list(&plan.added)
            );
        } else if plan.missing.is_empty() {
            eprintln!("{shown} exists and has every key of {example_shown}; left as is.");
        } else {
            eprintln!(
                "{shown} exists; left as is. It lacks {} of {example_shown}: {} (add them with --add-missing)",
                plural(plan.missing.len(), "key", "keys"),
                list(&plan.missing)
            );
        }
        if let Some(e) = plan
            .edits
            .iter()
            .find(|e| Path::new(&e.path).ends_with(".gitignore"))
        {
            eprintln!("Added to {}: {}", e.path, plan.ignore_lines.join(", "));
        }
        if !plan.to_fill.is_empty() {
            let shown_list: Vec<String> = plan
                .to_fill
                .iter()
                .map(|t| format!("{} (required by {})", t.key, t.required_by))
                .collect();
            eprintln!("Fill in before running: {}", list(&shown_list));
        }
    }
    if human {
        for n in &plan.notes {
            eprintln!("note: {n}");
        }
    }
    for e in plan.refusals.iter().chain(&write_errors) {
        eprintln!("envlint: error: {e}");
    }
    if cli.format == Format::Json {
        emit(&format!(
            "{}\n",
            json!({
                "version": 1,
                "env_file": shown,
                "created": plan.created && !diff && write_errors.is_empty(),
                "added": plan.added,
                "missing": if add_missing { Vec::new() } else { plan.missing.clone() },
                "to_fill": plan.to_fill.iter().map(|t| json!({"key": t.key, "required_by": t.required_by})).collect::<Vec<_>>(),
                "files": plan.edits.iter().filter(|e| e.changed()).map(|e| e.path.clone()).collect::<Vec<_>>(),
                "dry_run": diff,
            })
        ));
    }
    Ok(if !write_errors.is_empty() || !plan.refusals.is_empty() {
        2
    } else if diff && changed > 0 {
        1
    } else {
        0
    })
}
