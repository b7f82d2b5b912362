//! `envlint check`: the workspace's report, filtered by a baseline, rendered file by file
//! as it goes (JSON and SARIF too: see `render::JsonStream`), so that the output held in
//! memory stays small however many findings there are.

use std::path::{Path, PathBuf};

use envlint_workspace::{CheckOptions, Content};

use crate::output::{color, render_file, Shown, Stdout, Tally};
use crate::render::{self, Human};
use crate::{baseline, default_paths, workspace, Cli, Fatal, Format};

pub(crate) fn run(
    cli: &Cli,
    paths: &[PathBuf],
    baseline: Option<&Path>,
    write_baseline: Option<&Path>,
) -> Result<u8, Fatal> {
    let paths = default_paths(paths);
    let ws = workspace(cli, paths.first().map(PathBuf::as_path))?;
    let mut known = match baseline {
        Some(file) => baseline::Baseline::load(file).map_err(Fatal)?,
        None => baseline::Baseline::default(),
    };
    // Findings are recorded only when a baseline is being written.
    let mut recorder = write_baseline.map(|_| baseline::Recorder::default());
    let options = CheckOptions {
        share_large_files: !matches!(cli.format, Format::Human),
    };
    let report = ws.check(&paths, &options).map_err(Fatal)?;
    for note in &report.notes {
        eprintln!("envlint: note: {note}");
    }
    let human = Human::new(color(cli));
    let others = render::Others::new(&ws, cli.show_values);
    let mut out = Stdout::new();
    let mut tally = Tally {
        files: report.file_count,
        ..Tally::default()
    };
    let mut io_errors = report.errors;
    let mut json = render::JsonStream::new(cli.format == Format::Sarif);
    for file in report.files {
        let mut diagnostics = file.diagnostics;
        known.filter(&file.path, &mut diagnostics);
        if let Some(r) = &mut recorder {
            r.add(&file.path, &diagnostics);
        }
        tally.add(&diagnostics);
        if diagnostics.is_empty() || write_baseline.is_some() {
            // Freed by the process exit (see `render_file`).
            std::mem::forget(file.content);
            continue;
        }
        let shown = match file.content {
            Content::Env(doc) => Shown::Env(doc),
            Content::Source => match ws.read(&file.path) {
                Ok(bytes) => Shown::Source(bytes),
                Err(e) => {
                    io_errors.push(format!(
                        "{}: {}",
                        file.path,
                        envlint_workspace::io_reason(&e)
                    ));
                    continue;
                }
            },
        };
        render_file(
            cli,
            (&human, &others),
            &mut out,
            (&file.path, shown, &diagnostics),
            &mut json,
        );
    }
    for e in &io_errors {
        eprintln!("envlint: error: {e}");
    }
    if let (Some(file), Some(recorder)) = (write_baseline, &recorder) {
        if !io_errors.is_empty() {
            return Err(Fatal(format!(
                "not writing {}: some files could not be read",
                file.display()
            )));
        }
        recorder.write(file).map_err(Fatal)?;
        eprintln!(
            "envlint: wrote {} findings to {}; check with `--baseline {}` to see only new ones",
            recorder.total(),
            file.display(),
            file.display()
        );
        return Ok(0);
    }
    if known.hidden > 0 && !cli.quiet {
        eprintln!(
            "envlint: note: {} known findings hidden by the baseline",
            known.hidden
        );
    }
    match cli.format {
        Format::Json | Format::Sarif => {
            let summary = (tally.files, tally.errors, tally.warnings);
            json.finish(summary, &mut |s| out.write(s));
        }
        Format::Human | Format::Concise if !cli.quiet => {
            out.write(&format!("{}\n", tally.sentence()));
        }
        _ => {}
    }
    drop(out);
    Ok(if !io_errors.is_empty() {
        2
    } else {
        u8::from(tally.failing())
    })
}
