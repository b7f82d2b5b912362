//! envlint-workspace: the envlint pipeline over a whole project.
//!
//! Why a crate of its own: `envlint-core` holds the rules as pure functions of data (a parsed
//! env file, a [`Project`](envlint_core::project::Project)) and does no I/O at all. Turning a
//! folder into that data takes decisions that every front end must make the same way:
//! which files are env files and which are code, which configuration applies, what git
//! says, which findings the configuration silences, what `fix`, `example` and `init` would
//! write. Those decisions live here, once, for the CLI, the language server and library
//! users. This crate still performs no I/O of its own choosing: it reads through the
//! [`FileSystem`] it is given ([`OsFs`] for the disk, [`MemoryFs`] for strings, [`Overlay`]
//! for editor buffers over the disk) and asks git through the [`Git`] trait. It never
//! writes: planners return [`FileEdit`]s, and the caller applies them.
//!
//! Paths: a [`Workspace`] has a base folder (absolute). Paths the caller gives are relative
//! to it (or absolute); every path in results is the same path as given, `/`-separated,
//! with the base stripped when a path lies below it. The CLI uses the current folder as
//! the base, so it shows paths relative to where the user stands. A name that is not UTF-8
//! is shown in its lossy form (`\u{FFFD}` for the bytes that are not), and the workspace
//! remembers the real path behind it: [`Workspace::resolve`] and [`Workspace::read`] of a
//! path from the results reach the real file.
//!
//! Symbolic links: an env file that is a link is read only when it points inside the
//! project (below the base folder, or in the git repository that holds the link); one that
//! points elsewhere is not read, and a note (or, for a file named explicitly, an error)
//! says so. Nothing here writes, through links or otherwise.
//!
//! ```no_run
//! use std::sync::Arc;
//! use envlint_workspace::{OpenOptions, OsFs, Workspace};
//!
//! let ws = Workspace::open(Arc::new(OsFs), "/path/to/project".into(), &OpenOptions::default())?;
//! let report = ws.check(&[".".into()], &Default::default())?;
//! for file in &report.files {
//!     for d in &file.diagnostics {
//!         println!("{}: {}: {}", file.path, d.rule, d.message);
//!     }
//! }
//! # Ok::<(), String>(())
//! ```
#![deny(missing_docs)]

mod check;
mod config;
mod discover;
pub mod fs;
pub mod git;
mod mapped;
mod plan;
mod refs;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use envlint_core::Settings;

pub use check::{CheckOptions, CheckReport, CheckedFile, Content, MAX_ENV_BYTES};
pub use discover::{is_env_file_name, EnvFiles, PathError};
pub use fs::{io_reason, FileSystem, MemoryFs, OsFs, Overlay};
pub use git::{FakeGit, Git, Repo};
pub use plan::{list, ExamplePlan, FileEdit, FixPlan, FixedFile, InitOptions, InitPlan, ToFill};
pub use refs::{RefsReport, Row, Scanned};

/// How a workspace finds its configuration and which rules it runs.
#[derive(Clone, Debug, Default)]
pub struct OpenOptions {
    /// Use this configuration file (as given: relative to the base) instead of searching.
    pub config: Option<PathBuf>,
    /// Where the search for a configuration starts (relative to the base; default: the
    /// base). The nearest file at or above it wins.
    pub start: Option<PathBuf>,
    /// Run only these rule ids (`--select`; `ALL` for every rule).
    pub select: Vec<String>,
    /// Do not run these rule ids (`--ignore`).
    pub ignore: Vec<String>,
}

/// Where git facts come from.
#[derive(Clone, Debug)]
enum GitSource {
    /// The repository found above the paths checked, read through the file system.
    Discover,
    /// Facts given by the caller.
    Given(Arc<dyn Git>),
    /// No repository: git rules are skipped.
    None,
}

/// A project opened with its configuration: what to check and what a finding means.
#[derive(Debug)]
pub struct Workspace {
    fs: Arc<dyn FileSystem>,
    base: PathBuf,
    git: GitSource,
    settings: Settings,
    excludes: ignore::overrides::Override,
    per_file: config::PerFile,
    /// Paths whose names are not UTF-8: the lossy form shown in results, and the real path
    /// (absolute) to read and write.
    lossy: Mutex<HashMap<String, PathBuf>>,
    /// Whether `lossy` holds anything (read without the lock: `resolve` runs on every file,
    /// from every thread).
    any_lossy: AtomicBool,
}

impl Workspace {
    /// Opens the project at `base` (an absolute folder): finds and loads its configuration
    /// and resolves the rules to run. Errors are one line, ready to show.
    pub fn open(
        fs: Arc<dyn FileSystem>,
        base: PathBuf,
        options: &OpenOptions,
    ) -> Result<Workspace, String> {
        let start = base.join(options.start.as_deref().unwrap_or(Path::new(".")));
        let loaded = config::load(fs.as_ref(), &base, options.config.as_deref(), &start)?;
        let settings = Settings::resolve(&loaded.config, &options.select, &options.ignore)
            .map_err(|e| match &loaded.path {
                Some(p) if options.select.is_empty() && options.ignore.is_empty() => {
                    format!("{}: {e}", p.display())
                }
                _ => e.to_string(),
            })?;
        let excludes = discover::excludes(&loaded.config.exclude, &loaded.root)?;
        let per_file = config::PerFile::new(&loaded.config.per_file_ignores, &loaded.root, &base)?;
        Ok(Workspace {
            fs,
            base,
            git: GitSource::Discover,
            settings,
            excludes,
            per_file,
            lossy: Mutex::default(),
            any_lossy: AtomicBool::new(false),
        })
    }

    /// A workspace at `base` with the default rules, without looking for a configuration
    /// (`refs` and `parse` list what is there, whatever the configuration says).
    pub fn unconfigured(fs: Arc<dyn FileSystem>, base: PathBuf) -> Workspace {
        let settings = Settings::resolve(&envlint_core::Config::default(), &[], &[])
            .unwrap_or_else(|_| unreachable!("the default configuration resolves"));
        let per_file = config::PerFile::new(&Default::default(), &base, &base)
            .unwrap_or_else(|_| unreachable!("no per-file ignores to compile"));
        Workspace {
            fs,
            base,
            git: GitSource::Discover,
            settings,
            excludes: ignore::overrides::Override::empty(),
            per_file,
            lossy: Mutex::default(),
            any_lossy: AtomicBool::new(false),
        }
    }

    /// Uses these git facts instead of reading a repository.
    pub fn with_git(mut self, git: Arc<dyn Git>) -> Self {
        self.git = GitSource::Given(git);
        self
    }

    /// Checks as if no repository were there (git rules skipped).
    pub fn without_git(mut self) -> Self {
        self.git = GitSource::None;
        self
    }

    /// The rules to run and how, as configured.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The file system the workspace reads through (renderers read related files with it).
    pub fn fs(&self) -> &dyn FileSystem {
        self.fs.as_ref()
    }

    /// The base folder project paths are relative to.
    pub fn base(&self) -> &Path {
        &self.base
    }

    /// Where a project path (or a path as given) is on the file system. A path shown in
    /// results for a name that is not UTF-8 resolves to the real file.
    pub fn resolve(&self, path: impl AsRef<Path>) -> PathBuf {
        let path = path.as_ref();
        if !self.any_lossy.load(Ordering::Acquire) {
            return self.base.join(path);
        }
        if let Some(shown) = path.to_str() {
            let lossy = self.lossy.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(real) = lossy.get(shown) {
                return real.clone();
            }
        }
        self.base.join(path)
    }

    /// A path as results show it: relative to the base when below it, `/`-separated; a name
    /// that is not UTF-8 in its lossy form (remembered: [`Workspace::resolve`] of the
    /// result is the real path).
    pub fn display(&self, path: &Path) -> String {
        let rel = path.strip_prefix(&self.base).unwrap_or(path);
        let s = match rel.to_str() {
            Some(s) => s.replace('\\', "/"),
            None => rel.to_string_lossy().replace('\\', "/"),
        };
        let s = s.strip_prefix("./").map(str::to_owned).unwrap_or(s);
        if rel.to_str().is_none() {
            self.lossy
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(s.clone(), self.base.join(path));
            self.any_lossy.store(true, Ordering::Release);
        }
        s
    }

    /// Reads a project file as shown in results (a related location's file, a source file
    /// with findings).
    pub fn read(&self, path: &str) -> std::io::Result<Vec<u8>> {
        self.fs.read(&self.resolve(path))
    }

    /// The env files under `paths` (`.env`, `.env.*`, `*.env`; named files whatever their
    /// name), sorted; the problems met while walking; the links not followed, as notes.
    ///
    /// A walk lists the symbolic links named like env files: one that points at a file
    /// inside the project (see [`Workspace::link_refusal`]) is an env file, shown by the
    /// link's path; one that points elsewhere, or nowhere, is left out with a note.
    pub fn env_files(&self, paths: &[PathBuf]) -> Result<EnvFiles, String> {
        let (mut found, links) =
            discover::env_files(self.fs.as_ref(), &self.base, paths, &self.excludes)?;
        if links.is_empty() {
            return Ok(found);
        }
        for link in links {
            match self.link_refusal(&link) {
                Some(note) => found.notes.push(note),
                // A link to a folder is not followed, as walks follow none.
                None if self.fs.is_dir(&self.resolve(&link)) => {}
                None => found.files.push(link),
            }
        }
        found.files.sort();
        found.files.dedup();
        Ok(found)
    }

    /// Why the symbolic link at `path` (as given) is not read, if it is not: its target
    /// must exist and lie inside the project, that is below the base folder or inside the
    /// git repository that holds the link. Reading a link that points elsewhere (`.env ->
    /// /etc/…`, `-> ~/.aws/credentials`) would make a repository's findings, and `parse`'s
    /// values, come from files the repository does not hold.
    pub fn link_refusal(&self, path: &Path) -> Option<String> {
        let at = fs::normalize(&self.resolve(path));
        let shown = self.display(path);
        let target = self
            .fs
            .read_link(&at)
            .map_or_else(|_| "?".to_owned(), |t| t.to_string_lossy().into_owned());
        let Ok(real) = self.fs.canonicalize(&at) else {
            return Some(format!(
                "{shown} -> {target}: the link's target does not exist; not checked"
            ));
        };
        let repo = at
            .parent()
            .and_then(|dir| git::worktree_root(self.fs.as_ref(), dir));
        let given = match &self.git {
            GitSource::Given(git) => Some(git.root().to_path_buf()),
            _ => None,
        };
        let inside = [self.fs.canonicalize(&self.base).ok(), repo, given]
            .into_iter()
            .flatten()
            .any(|root| real.starts_with(root));
        (!inside).then(|| format!("{shown} -> {target}: points outside the project; not checked"))
    }

    /// Reads an env file (as given) as every command does: a regular file (a FIFO, socket,
    /// device or folder is refused, never opened in a way that could block), through a link
    /// only when it points inside the project, not larger than an env file can be. Errors
    /// are one line, ready to show (`.env: not a regular file (a FIFO); not read`).
    pub fn read_env(&self, path: &Path) -> Result<Vec<u8>, String> {
        self.read_env_file(path, false).map(check::into_vec)
    }

    /// The repository above `start` (as given), as configured.
    pub(crate) fn repo(&self, start: &Path) -> Option<Arc<dyn Git>> {
        match &self.git {
            GitSource::Discover => {
                let repo = Repo::discover(self.fs.clone(), &self.resolve(start))?;
                Some(Arc::new(repo))
            }
            GitSource::Given(git) => Some(git.clone()),
            GitSource::None => None,
        }
    }

    /// The folder a command works on (`example`, `init`), as given (relative to `base`):
    /// it must exist and be a folder. Asked before opening the workspace there.
    pub fn folder_arg(
        fs: &dyn FileSystem,
        base: &Path,
        path: Option<&Path>,
        command: &str,
    ) -> Result<PathBuf, String> {
        let dir = path.map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        match fs.metadata(&base.join(&dir)) {
            Ok(m) if m.kind == fs::Kind::Dir => Ok(dir),
            Ok(_) => Err(format!(
                "{}: `envlint {command}` takes a folder (the project or one app of a monorepo)",
                dir.display()
            )),
            Err(e) => Err(format!("{}: {}", dir.display(), io_reason(&e))),
        }
    }
}
