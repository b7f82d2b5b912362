//! The `envlint` command line.
//!
//! Why this is thin: parsing, rules and fixes live in `envlint-dotenv` and `envlint-core`,
//! which do no I/O. This binary owns what a library must not: reading and writing files,
//! walking folders, printing, colour and exit codes (0 clean, 1 findings, 2 usage,
//! configuration or I/O error). One unreadable file never stops a run: it is reported and
//! the exit code says so.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod baseline;
mod discover;
mod fix;
mod generate;
mod git;
mod mapped;
mod refs;
mod render;
mod settings;
mod write;

use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use envlint_core::mask::{display_bytes, display_parts};
use envlint_core::project::{lint_project, EnvFile, GitFacts, Project, Role, SourceFile};
use envlint_core::{lint_env_file, Applicability, Diagnostic, LineIndex, Settings, Severity};
use envlint_dotenv::{Document, EnvLookup, LineKind, ParseOptions, Source};
use serde_json::json;

use crate::render::{FileOutput, Human};

#[derive(Parser, Debug)]
#[command(
    name = "envlint",
    version,
    about = "Keeps a project's environment variables honest: lints .env files against what dotenvy and the other loaders actually read.",
    propagate_version = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Use this configuration file instead of searching for one.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Run only these rules (comma-separated ids, or ALL).
    #[arg(long, global = true, value_delimiter = ',', value_name = "RULES")]
    select: Vec<String>,
    /// Do not run these rules (comma-separated ids).
    #[arg(long, global = true, value_delimiter = ',', value_name = "RULES")]
    ignore: Vec<String>,
    /// Never use colour (also: the NO_COLOR environment variable).
    #[arg(long, global = true)]
    no_color: bool,
    /// Print findings only, no summary.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Show values in code frames (they are masked by default: they may be secrets).
    #[arg(long, global = true)]
    show_values: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Lint env files: the given files, and `.env`, `.env.*`, `*.env` under the given folders.
    Check {
        /// Files or folders (default: the current folder).
        paths: Vec<PathBuf>,
        /// Hide the findings recorded in this baseline; report only new ones.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Record every current finding in FILE (rule, path and key, never a value) and exit 0.
        #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
        write_baseline: Option<PathBuf>,
    },
    /// Apply safe fixes to env files.
    Fix {
        /// Files or folders (default: the current folder).
        paths: Vec<PathBuf>,
        /// Print the changes as a unified diff and write nothing (exit 1 if there are any).
        #[arg(long)]
        diff: bool,
        /// Also apply fixes that change what some loader reads.
        #[arg(long)]
        unsafe_fixes: bool,
    },
    /// Write or update the example files (.env.example) from what the code reads.
    Example {
        /// The project folder, or one app of a monorepo (default: the current folder).
        path: Option<PathBuf>,
        /// Write nothing; exit 1 if an example is missing or out of date (for CI).
        #[arg(long, conflicts_with = "diff")]
        check: bool,
        /// Print the changes as a unified diff and write nothing (exit 1 if there are any).
        #[arg(long)]
        diff: bool,
        /// Also remove keys no code reads (they are listed either way).
        #[arg(long)]
        prune: bool,
        /// Copy values from the .env next to the example, except anything that could be a secret.
        #[arg(long)]
        values_from_env: bool,
    },
    /// Create .env from the example on a fresh clone (mode 0600) and make sure git ignores it.
    Init {
        /// The project folder, or one app of a monorepo (default: the current folder).
        path: Option<PathBuf>,
        /// When the file exists: append the keys of the example it lacks, each marked to fill in.
        #[arg(long)]
        add_missing: bool,
        /// Print the changes as a unified diff and write nothing (exit 1 if there are any).
        #[arg(long)]
        diff: bool,
        /// The file to create (default: `.env`, or `.env.local` next to a package.json that
        /// uses Next.js, Vite, Nuxt or Create React App, where `.env` holds committed defaults).
        #[arg(long, value_name = "NAME")]
        file: Option<String>,
    },
    /// Print what dotenvy would load from FILE (values included).
    Parse {
        /// The env file.
        file: PathBuf,
        /// Substitute `$VAR` from the file only, not from the process environment.
        #[arg(long)]
        no_env: bool,
    },
    /// List the environment variables the source code reads (Rust, Python, JavaScript, TypeScript).
    Refs {
        /// Files or folders (default: the current folder).
        paths: Vec<PathBuf>,
        /// Also walk node_modules, target, dist, build and virtualenv folders.
        #[arg(long)]
        include_skipped: bool,
    },
    /// List the rules, or explain one.
    Rules {
        /// A rule id.
        rule: Option<String>,
    },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Code frames with the span underlined.
    Human,
    /// One line per finding: `path:line:column: rule: message`.
    Concise,
    /// The versioned JSON of RULES.md.
    Json,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers (`check` only).
    Sarif,
}

/// A failure that ends the command with exit code 2.
struct Fatal(String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let sarif_elsewhere =
        cli.format == Format::Sarif && !matches!(cli.command, Command::Check { .. });
    let result = match &cli.command {
        _ if sarif_elsewhere => Err(Fatal(
            "--format sarif is for `envlint check` (SARIF describes findings)".to_owned(),
        )),
        Command::Check {
            paths,
            baseline,
            write_baseline,
        } => check(&cli, paths, baseline.as_deref(), write_baseline.as_deref()),
        Command::Fix {
            paths,
            diff,
            unsafe_fixes,
        } => fix::fix(&cli, paths, *diff, *unsafe_fixes),
        Command::Example {
            path,
            check,
            diff,
            prune,
            values_from_env,
        } => generate::example(
            &cli,
            path.as_deref(),
            *check,
            *diff,
            envlint_core::example::ExampleOptions {
                prune: *prune,
                values_from_env: *values_from_env,
            },
        ),
        Command::Init {
            path,
            add_missing,
            diff,
            file,
        } => generate::init(&cli, path.as_deref(), *add_missing, *diff, file.as_deref()),
        Command::Parse { file, no_env } => parse(&cli, file, *no_env),
        Command::Refs {
            paths,
            include_skipped,
        } => refs_command(&cli, paths, *include_skipped),
        Command::Rules { rule } => rules(&cli, rule.as_deref()),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Fatal(message)) => {
            eprintln!("envlint: error: {message}");
            ExitCode::from(2)
        }
    }
}

/// Buffered stdout; a closed pipe (`envlint check | head`) ends the process quietly.
struct Stdout(std::io::BufWriter<std::io::StdoutLock<'static>>);

impl Stdout {
    fn new() -> Self {
        Stdout(std::io::BufWriter::with_capacity(
            1 << 16,
            std::io::stdout().lock(),
        ))
    }

    fn write(&mut self, text: &str) {
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
fn emit(text: &str) {
    Stdout::new().write(text);
}

fn color(cli: &Cli) -> bool {
    !cli.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stdout().is_terminal()
}

fn default_paths(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    }
}

struct Setup {
    settings: Settings,
    /// The configured `exclude` globs, for the source walk too.
    excludes: ignore::overrides::Override,
    /// The configured `per-file-ignores`.
    per_file: settings::PerFile,
    files: Vec<PathBuf>,
    walk_errors: Vec<discover::PathError>,
}

fn setup(cli: &Cli, paths: &[PathBuf]) -> Result<Setup, Fatal> {
    let start = paths.first().map_or(Path::new("."), PathBuf::as_path);
    let loaded = settings::load(cli.config.as_deref(), start).map_err(Fatal)?;
    let settings = Settings::resolve(&loaded.config, &cli.select, &cli.ignore).map_err(|e| {
        match &loaded.path {
            Some(p) if cli.select.is_empty() && cli.ignore.is_empty() => {
                Fatal(format!("{}: {e}", p.display()))
            }
            _ => Fatal(e.to_string()),
        }
    })?;
    let excludes = discover::excludes(&loaded.config.exclude, &loaded.root).map_err(Fatal)?;
    let (files, walk_errors) = discover::env_files(paths, &excludes).map_err(Fatal)?;
    let per_file =
        settings::PerFile::new(&loaded.config.per_file_ignores, &loaded.root).map_err(Fatal)?;
    Ok(Setup {
        settings,
        excludes,
        per_file,
        files,
        walk_errors,
    })
}

/// The path as shown: relative to the current folder when below it, `/`-separated.
fn shown_path(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let rel = cwd
        .as_deref()
        .and_then(|c| path.strip_prefix(c).ok())
        .unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}

/// Reads an env file, refusing ones too large to be one (documents use 32-bit offsets).
fn read_env_file(path: &Path) -> Result<Vec<u8>, String> {
    check_env_file_len(path)?;
    std::fs::read(path).map_err(|e| io_failure(path, &e))
}

/// [`read_env_file`] for commands that only read: a large file is mapped, not copied
/// (`mapped` says when and why).
fn read_env_file_shared(path: &Path) -> Result<Source, String> {
    check_env_file_len(path)?;
    mapped::read(path).map_err(|e| io_failure(path, &e))
}

fn io_failure(path: &Path, e: &std::io::Error) -> String {
    format!("{}: {}", shown_path(path), discover::io_reason(e))
}

fn check_env_file_len(path: &Path) -> Result<(), String> {
    let len = std::fs::metadata(path)
        .map_err(|e| io_failure(path, &e))?
        .len();
    if len > Document::MAX_LEN as u64 {
        return Err(format!(
            "{}: {len} bytes is larger than an env file can be here (4 GiB); not checked",
            shown_path(path)
        ));
    }
    Ok(())
}

struct Linted {
    path: PathBuf,
    result: Result<(Document, Vec<Diagnostic>), String>,
}

/// Maps `f` over `items` on all cores, keeping the input order.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(items.len().max(1));
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::with_capacity(items.len()));
    let work = || loop {
        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let Some(item) = items.get(i) else { break };
        let r = f(item);
        if let Ok(mut out) = results.lock() {
            out.push((i, r));
        }
    };
    std::thread::scope(|s| {
        // A thread the system refuses leaves its share to the others and to this one.
        for _ in 1..threads {
            let _ = std::thread::Builder::new().spawn_scoped(s, work);
        }
        work();
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// Lints files in parallel, keeping the input order. `mapped`: large files may be mapped
/// rather than read, which pays only when the output does not copy the text (code frames
/// mask values in a copy of the file; read, its buffer is reused for that).
fn lint_all(files: &[PathBuf], settings: &Settings, mapped: bool) -> Vec<Linted> {
    let read = if mapped {
        read_env_file_shared
    } else {
        |path: &Path| read_env_file(path).map(Source::Owned)
    };
    par_map(files, |path| Linted {
        path: path.clone(),
        result: read(path).map(|bytes| {
            let report = lint_env_file(bytes, settings);
            (report.doc, report.diagnostics)
        }),
    })
}

fn refs_command(cli: &Cli, paths: &[PathBuf], include_skipped: bool) -> Result<u8, Fatal> {
    let paths = default_paths(paths);
    let (files, walk_errors) = refs::source_files(
        &paths,
        include_skipped,
        &ignore::overrides::Override::empty(),
    )
    .map_err(Fatal)?;
    let results = par_map(&files, |(path, language)| refs::scan_file(path, *language));
    let mut stats = refs::Stats {
        files: files.len(),
        errors: walk_errors,
        ..refs::Stats::default()
    };
    let mut out = Stdout::new();
    let (mut json_refs, mut json_dynamic) = (Vec::new(), Vec::new());
    let mut count = 0;
    for ((path, _), result) in files.iter().zip(results) {
        let scanned = match result {
            Ok(Some(s)) => s,
            Ok(None) => {
                stats.prefiltered += 1;
                continue;
            }
            Err((true, _)) => {
                stats.too_large.push(path.clone());
                continue;
            }
            Err((false, e)) => {
                stats.errors.push(e);
                continue;
            }
        };
        let shown = shown_path(&scanned.path);
        if let Some(w) = &scanned.warning {
            eprintln!("envlint: warning: {shown}: {w}");
        }
        for r in &scanned.refs {
            count += 1;
            let name = r.name.as_deref().unwrap_or_default();
            match cli.format {
                Format::Json => json_refs.push(json!({
                    "name": name, "path": shown, "line": r.line, "column": r.column,
                    "kind": r.kind, "form": r.form, "language": scanned.language.as_str(),
                })),
                _ => out.write(&format!(
                    "{shown}:{}:{}: {name} ({}, {})\n",
                    r.line, r.column, r.kind, r.form
                )),
            }
        }
        for d in &scanned.dynamic {
            match cli.format {
                Format::Json => json_dynamic.push(json!({
                    "path": shown, "line": d.line, "column": d.column, "hint": d.hint,
                })),
                _ => out.write(&format!(
                    "{shown}:{}:{}: dynamic read{} ({})\n",
                    d.line,
                    d.column,
                    d.hint
                        .as_ref()
                        .map(|h| format!(" of {h}"))
                        .unwrap_or_default(),
                    d.form
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
            stats.files,
            if stats.files == 1 { "" } else { "s" },
            stats.prefiltered
        ));
    }
    drop(out);
    if let Some(note) = refs::stats_note(&stats) {
        eprintln!("envlint: note: {note}");
    }
    for e in &stats.errors {
        eprintln!("envlint: error: {e}");
    }
    Ok(if stats.errors.is_empty() { 0 } else { 2 })
}

#[derive(Default)]
struct Tally {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    fixable: usize,
}

impl Tally {
    fn add(&mut self, diagnostics: &[Diagnostic]) {
        for d in diagnostics {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
            // Project findings `envlint fix` repairs carry no per-file edit: they are fixed
            // by planning the whole project (see `fix::project_fixes`); their rules say so.
            let project_fix =
                envlint_core::rule(d.rule).is_some_and(|r| r.is_project() && r.fix == "safe");
            if project_fix
                || d.fix
                    .as_ref()
                    .is_some_and(|f| f.applicability == Applicability::Safe)
            {
                self.fixable += 1;
            }
        }
    }

    fn failing(&self) -> bool {
        self.errors + self.warnings > 0
    }

    fn sentence(&self) -> String {
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
enum Shown {
    Env(Document),
    Source(Vec<u8>),
}

/// Renders one file's diagnostics in the chosen format to `out` (JSON objects go to
/// `json`, printed at the end).
fn render_file(
    cli: &Cli,
    (human, others): (&Human, &render::Others),
    out: &mut Stdout,
    file: (&Path, Shown, &[Diagnostic]),
    json: &mut Vec<serde_json::Value>,
) {
    let (path, shown, diagnostics) = file;
    let doc = match shown {
        Shown::Env(doc) => doc,
        Shown::Source(bytes) => {
            render_source(cli, (human, others), out, (path, bytes, diagnostics), json);
            return;
        }
    };
    let index = LineIndex::of_document(&doc);
    let path = shown_path(path);
    let mut sink = |s: &str| out.write(s);
    match cli.format {
        Format::Human => {
            let windows = render::frame_windows(&index, doc.to_bytes().len(), diagnostics);
            let (bytes, lines) = doc.into_parts();
            let display = display_parts(bytes, &lines, cli.show_values, Some(&windows));
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
                _ => json.extend(
                    diagnostics
                        .iter()
                        .map(|d| render::json_diagnostic(&file, d)),
                ),
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
    (human, others): (&Human, &render::Others),
    out: &mut Stdout,
    file: (&Path, Vec<u8>, &[Diagnostic]),
    json: &mut Vec<serde_json::Value>,
) {
    let (path, bytes, diagnostics) = file;
    let index = LineIndex::new(&bytes);
    let path = shown_path(path);
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
        Format::Json | Format::Sarif => json.extend(
            diagnostics
                .iter()
                .map(|d| render::json_diagnostic(&file, d)),
        ),
    }
}

/// Asks git about the env files, when a git rule is on; also returns the repository (for
/// `fix`, which edits its `.gitignore`). `None` (git rules skipped, with a note on stderr)
/// when the first path is not inside a repository.
fn git_facts(
    paths: &[PathBuf],
    settings: &Settings,
    env_files: &[EnvFile],
) -> Option<(GitFacts, git::Repo)> {
    const GIT_RULES: [&str; 3] = ["env-not-ignored", "env-tracked", "example-ignored"];
    if !GIT_RULES.iter().any(|id| settings.is_enabled(id)) {
        return None;
    }
    let start = paths.first().map_or(Path::new("."), PathBuf::as_path);
    let Some(repo) = git::Repo::discover(start) else {
        eprintln!("envlint: note: not in a git repository; git checks skipped");
        return None;
    };
    let mut facts = GitFacts::default();
    for file in env_files {
        let Some(rel) = repo.relative(Path::new(&file.path)) else {
            continue;
        };
        if repo.is_ignored(&rel) {
            facts.ignored.insert(file.path.clone());
        }
        if repo.is_tracked(&rel) {
            facts.tracked.insert(file.path.clone());
        }
    }
    Some((facts, repo))
}

/// Scans the source files under `paths` into a [`Project`] with `env_files`: returns it and
/// how many source files were found. `git` asks git about the env files (see [`git_facts`]);
/// `secrets` scans sources for hardcoded credentials.
fn build_project(
    paths: &[PathBuf],
    setup: &Setup,
    env_files: Vec<EnvFile>,
    git: Option<GitFacts>,
    secrets: bool,
) -> (Project, usize) {
    // Folders with env files and a package.json (framework mode files), and which of them
    // use Vite (any `.env.<mode>` is a mode file there).
    let mut package_json_dirs = std::collections::HashSet::new();
    let mut vite_dirs = std::collections::HashSet::new();
    // Each folder once, with or without a package.json.
    let mut looked = std::collections::HashSet::new();
    for f in &env_files {
        let dir = envlint_core::project::folder(&f.path);
        if !looked.insert(dir) {
            continue;
        }
        let manifest = Path::new(if dir.is_empty() { "." } else { dir }).join("package.json");
        if let Ok(text) = std::fs::read_to_string(&manifest) {
            if text.contains("\"vite\"") {
                vite_dirs.insert(dir.to_owned());
            }
            package_json_dirs.insert(dir.to_owned());
        }
    }
    let mut project = Project::default();
    project.env_files = env_files;
    project.git = git;
    project.extra_platform = setup.settings.platform_keys.clone();
    project.read_severity = setup.settings.read_severity;
    project.package_json_dirs = package_json_dirs;
    project.vite_dirs = vite_dirs;
    let Ok((files, _)) = refs::source_files(paths, false, &setup.excludes) else {
        return (project, 0);
    };
    let scanned = par_map(&files, |(path, language)| {
        refs::scan_project_source(path, *language, secrets)
    });
    project.source_paths = files.iter().map(|(p, _)| shown_path(p)).collect();
    for ((path, _), result) in files.iter().zip(scanned) {
        if let Some(found) = result {
            project.sources.push(SourceFile {
                path: shown_path(path),
                refs: found.scan.refs,
                dynamic: found.scan.dynamic,
                directives: found.directives,
                lines: found.lines,
                secrets: found.secrets,
            });
        }
    }
    (project, files.len())
}

/// Scans the source files under `paths` and runs the project rules over them and the env
/// files. Returns the findings by shown path, and how many source files were found.
fn project_findings(
    paths: &[PathBuf],
    setup: &Setup,
    env_files: Vec<EnvFile>,
) -> (
    Vec<EnvFile>,
    std::collections::BTreeMap<String, Vec<Diagnostic>>,
    usize,
) {
    let settings = &setup.settings;
    let mut by_path: std::collections::BTreeMap<String, Vec<Diagnostic>> = Default::default();
    let on = envlint_core::rules()
        .iter()
        .any(|r| r.is_project() && settings.is_enabled(r.id));
    if !on {
        return (env_files, by_path, 0);
    }
    let git = git_facts(paths, settings, &env_files).map(|(facts, _)| facts);
    let secrets = settings.is_enabled("hardcoded-secret");
    let (project, sources) = build_project(paths, setup, env_files, git, secrets);
    for d in lint_project(&project, settings) {
        by_path.entry(d.path).or_default().push(d.diagnostic);
    }
    (project.env_files, by_path, sources)
}

fn check(
    cli: &Cli,
    paths: &[PathBuf],
    baseline: Option<&Path>,
    write_baseline: Option<&Path>,
) -> Result<u8, Fatal> {
    let paths = default_paths(paths);
    let setup = setup(cli, &paths)?;
    let mut known = match baseline {
        Some(file) => baseline::Baseline::load(file).map_err(Fatal)?,
        None => baseline::Baseline::default(),
    };
    // Findings are recorded only when a baseline is being written.
    let mut recorder = write_baseline.map(|_| baseline::Recorder::default());
    let linted = lint_all(
        &setup.files,
        &setup.settings,
        !matches!(cli.format, Format::Human),
    );
    let human = Human::new(color(cli));
    let others = render::Others::new(cli.show_values);
    let mut out = Stdout::new();
    let mut tally = Tally {
        files: setup.files.len(),
        ..Tally::default()
    };
    let mut io_errors: Vec<String> = setup
        .walk_errors
        .iter()
        .map(|e| format!("{}: {}", e.path.display(), e.message))
        .collect();
    let mut json_diags = Vec::new();
    let mut env_files = Vec::new();
    let mut lint_diags = Vec::new();
    for l in linted {
        match l.result {
            Ok((doc, diagnostics)) => {
                let name = l
                    .path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default();
                env_files.push(EnvFile {
                    path: shown_path(&l.path),
                    role: Role::of(name),
                    doc,
                });
                lint_diags.push((l.path, diagnostics));
            }
            Err(e) => io_errors.push(e),
        }
    }
    let (env_files, mut by_path, sources) = project_findings(&paths, &setup, env_files);
    tally.files += sources;
    for (file, (path, mut diagnostics)) in env_files.into_iter().zip(lint_diags) {
        if let Some(more) = by_path.remove(&file.path) {
            diagnostics.extend(more);
            diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
        }
        setup.per_file.filter(&file.path, &mut diagnostics);
        known.filter(&file.path, &mut diagnostics);
        if let Some(r) = &mut recorder {
            r.add(&file.path, &diagnostics);
        }
        tally.add(&diagnostics);
        if diagnostics.is_empty() || write_baseline.is_some() {
            // Freed by the process exit (see `render_file`).
            std::mem::forget(file);
            continue;
        }
        render_file(
            cli,
            (&human, &others),
            &mut out,
            (&path, Shown::Env(file.doc), &diagnostics),
            &mut json_diags,
        );
    }
    for (path, mut diagnostics) in by_path {
        setup.per_file.filter(&path, &mut diagnostics);
        known.filter(&path, &mut diagnostics);
        if let Some(r) = &mut recorder {
            r.add(&path, &diagnostics);
        }
        tally.add(&diagnostics);
        if diagnostics.is_empty() || write_baseline.is_some() {
            continue;
        }
        match std::fs::read(&path) {
            Ok(bytes) => render_file(
                cli,
                (&human, &others),
                &mut out,
                (Path::new(&path), Shown::Source(bytes), &diagnostics),
                &mut json_diags,
            ),
            Err(e) => io_errors.push(format!("{path}: {}", discover::io_reason(&e))),
        }
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
        Format::Json => out.write(&format!(
            "{}\n",
            json!({
                "version": 1,
                "diagnostics": json_diags,
                "summary": {"files": tally.files, "errors": tally.errors, "warnings": tally.warnings},
            })
        )),
        Format::Sarif => out.write(&format!("{}\n", render::sarif(&json_diags))),
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

fn parse(cli: &Cli, file: &Path, no_env: bool) -> Result<u8, Fatal> {
    let bytes = std::fs::read(file)
        .map_err(|e| Fatal(format!("{}: {}", file.display(), discover::io_reason(&e))))?;
    let options = ParseOptions {
        env: if no_env {
            EnvLookup::None
        } else {
            EnvLookup::Process
        },
    };
    let doc = Document::parse(bytes.clone(), &options);
    let index = LineIndex::new(&bytes);
    let shown = shown_path(file);
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
            let display = display_bytes(doc, true, None);
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

fn rules(cli: &Cli, id: Option<&str>) -> Result<u8, Fatal> {
    let all = envlint_core::rules();
    let chosen: Vec<_> = match id {
        Some(id) => vec![envlint_core::rule(id).ok_or_else(|| {
            Fatal(format!(
                "unknown rule `{id}` (run `envlint rules` for the list)"
            ))
        })?],
        None => all.iter().collect(),
    };
    if cli.format == Format::Json {
        let list: Vec<_> = chosen
            .iter()
            .map(|r| json!({"id": r.id, "summary": r.summary, "severity": r.severity.as_str(), "default_enabled": r.default_enabled, "fix": r.fix, "docs": r.docs}))
            .collect();
        emit(&format!("{}\n", json!({"version": 1, "rules": list})));
        return Ok(0);
    }
    let mut out = String::new();
    if let [r] = chosen.as_slice() {
        if id.is_some() {
            out.push_str(&format!(
                "# {}\n\n{}\nDefault: {}, {}. Fix: {}.\n\n{}",
                r.id,
                r.summary,
                if r.default_enabled { "on" } else { "off" },
                r.severity.as_str(),
                r.fix,
                r.docs
            ));
            emit(&out);
            return Ok(0);
        }
    }
    let width = chosen.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for r in chosen {
        out.push_str(&format!(
            "{:width$}  {:3}  {:7}  fix: {:10}  {}\n",
            r.id,
            if r.default_enabled { "on" } else { "off" },
            r.severity.as_str(),
            r.fix,
            r.summary,
        ));
    }
    emit(&out);
    Ok(0)
}
