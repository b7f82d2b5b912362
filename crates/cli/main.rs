//! The `envlint` command line: arguments, then one command module each.
//!
//! Why this is thin: what to check and what a finding means live in the library
//! (`envlint-workspace` over `envlint-core`), shared with the language server and library
//! users. This binary owns what a library must not: the arguments, the output formats,
//! colour, writing the files a plan changes, and exit codes (0 clean, 1 findings, 2 usage,
//! configuration or I/O error). One unreadable file never stops a run: it is reported and
//! the exit code says so.
#![allow(clippy::print_stdout, clippy::print_stderr)]

/// Every message on stderr is one line, whatever names it holds: this crate's `eprintln!`
/// shadows std's (it is defined before the modules, so they all use it) and passes the
/// message through [`escape::line`], so a file name with a newline or `::error::` cannot
/// start a line of a CI log (see `escape.rs`). Multi-line text (code frames) goes through
/// `eprint!`, escaped where it is rendered.
macro_rules! eprintln {
    () => {
        ::std::eprintln!()
    };
    ($($arg:tt)*) => {
        ::std::eprintln!("{}", $crate::escape::line(&::std::format!($($arg)*)))
    };
}

mod baseline;
mod commands;
mod escape;
mod output;
mod render;
mod write;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};
use envlint_workspace::{OpenOptions, OsFs, Workspace};

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
    /// The versioned JSON of docs/output-contract.md.
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
        } => commands::check::run(&cli, paths, baseline.as_deref(), write_baseline.as_deref()),
        Command::Fix {
            paths,
            diff,
            unsafe_fixes,
        } => commands::fix::run(&cli, paths, *diff, *unsafe_fixes),
        Command::Example {
            path,
            check,
            diff,
            prune,
            values_from_env,
        } => commands::example::run(
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
        } => commands::init::run(&cli, path.as_deref(), *add_missing, *diff, file.as_deref()),
        Command::Parse { file, no_env } => commands::parse::run(&cli, file, *no_env),
        Command::Refs {
            paths,
            include_skipped,
        } => commands::refs::run(&cli, paths, *include_skipped),
        Command::Rules { rule } => commands::rules::run(&cli, rule.as_deref()),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Fatal(message)) => {
            eprintln!("envlint: error: {message}");
            ExitCode::from(2)
        }
    }
}

/// The paths a command was given, or the current folder.
fn default_paths(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    }
}

/// The folder paths are shown relative to: where the user stands.
fn base() -> Result<PathBuf, Fatal> {
    std::env::current_dir().map_err(|e| {
        Fatal(format!(
            "the current folder: {}",
            envlint_workspace::io_reason(&e)
        ))
    })
}

/// The file system every command reads through.
fn fs() -> Arc<dyn envlint_workspace::FileSystem> {
    Arc::new(OsFs)
}

/// The project around `start` (the first path given), with the configuration found from
/// there and the rules chosen on the command line.
fn workspace(cli: &Cli, start: Option<&Path>) -> Result<Workspace, Fatal> {
    let options = OpenOptions {
        config: cli.config.clone(),
        start: start.map(Path::to_path_buf),
        select: cli.select.clone(),
        ignore: cli.ignore.clone(),
    };
    Workspace::open(fs(), base()?, &options).map_err(Fatal)
}
