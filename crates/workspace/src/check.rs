//! `check`: every env file linted on its own, then the project rules over code, examples,
//! env files and git, merged into one list of findings per file.
//!
//! Why here and not in a front end: what a finding means (which files are env files, which
//! code counts, which git facts apply, which findings the configuration's per-file ignores
//! silence) must be the same in the terminal, in CI and in the editor. The front end only
//! decides how to show the [`CheckReport`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use envlint_core::project::{
    lint_project, EnvFile, GitFacts, Manifest, PackageJson, Project, Role, SourceFile,
    MAX_SOURCE_BYTES,
};
use envlint_core::{lint_env_file, Diagnostic, Settings};
use envlint_dotenv::{Document, Source};
use envlint_scan::Language;

use crate::fs::{io_reason, not_regular, Kind};
use crate::Workspace;

/// How `check` reads.
#[derive(Clone, Copy, Debug, Default)]
pub struct CheckOptions {
    /// Large env files may be shared with the file system (mapped) rather than copied: pays
    /// only when the caller does not copy the text again (code frames mask values in a copy;
    /// read into a buffer, that buffer is reused).
    pub share_large_files: bool,
}

/// What a checked file is.
#[derive(Debug)]
pub enum Content {
    /// An env file, parsed (renderers mask its values).
    Env(Document),
    /// A source file (its text is read again only to show findings).
    Source,
}

/// One file's findings, after suppressions and per-file ignores.
#[derive(Debug)]
pub struct CheckedFile {
    /// The project path (as given, `/`-separated).
    pub path: String,
    /// Env file or source file.
    pub content: Content,
    /// Findings, by position.
    pub diagnostics: Vec<Diagnostic>,
}

/// Everything `check` found. Files come in a stable order: every env file (sorted by path,
/// with or without findings), then the other files with findings (sorted by path).
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Files and their findings.
    pub files: Vec<CheckedFile>,
    /// How many files were looked at: env files and source files.
    pub file_count: usize,
    /// Files that could not be read or walked, as messages (`path: reason`).
    pub errors: Vec<String>,
    /// Things the user should know about the run itself (git checks skipped, …).
    pub notes: Vec<String>,
}

/// Maps `f` over `items` on all cores, keeping the input order.
pub(crate) fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
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

/// `package.json` texts by project folder (`None`: the folder has none), each read once per
/// run: the framework facts of env folders and the workspace manifests both need them.
type PackageJsons = std::collections::HashMap<String, Option<String>>;

/// The git rules: without one of them on, git is not asked.
const GIT_RULES: [&str; 3] = ["env-not-ignored", "env-tracked", "example-ignored"];

/// Env files larger than this are not read, by any command: `check` skips them with a note,
/// the commands that edit or print a file refuse them. An env file is hand-written
/// configuration: tens of kilobytes is large, and a file of 64 MiB is a dump or an
/// attack. Below the limit, every output format keeps to the budget of
/// `scripts/bench-hostile.sh` (a 50 MB file with 470,000 findings: under 5 s and 500 MB);
/// above it, memory grows with the file (the line table and the findings), so a 2 GiB
/// file is refused before a byte of it is read. See docs/performance.md.
pub const MAX_ENV_BYTES: u64 = 64 << 20;

/// Why an env file was not read (the message is one line, ready to show).
#[derive(Debug)]
pub(crate) enum NotRead {
    /// Larger than [`MAX_ENV_BYTES`]: skipped (`check`) or refused (the other commands).
    TooLarge(String),
    /// Not a regular file, a link pointing outside the project, an I/O error.
    Failed(String),
}

impl From<NotRead> for String {
    fn from(why: NotRead) -> String {
        match why {
            NotRead::TooLarge(message) | NotRead::Failed(message) => message,
        }
    }
}

/// `n` bytes in whole MiB, rounded up (so that a file over a limit never reads as the limit).
fn mib(n: u64) -> u64 {
    n.div_ceil(1 << 20)
}

impl Workspace {
    /// Reads an env file (as given), refusing what is not one: a FIFO, socket, device or
    /// folder (never opened in a way that could block), a link pointing outside the project
    /// ([`Workspace::link_refusal`]), a file over [`MAX_ENV_BYTES`] (not opened either);
    /// `shared`: see [`CheckOptions::share_large_files`].
    pub(crate) fn read_env_file(&self, path: &Path, shared: bool) -> Result<Source, String> {
        self.read_env_source(path, shared).map_err(String::from)
    }

    /// [`Workspace::read_env_file`], telling a file too large from one that cannot be read.
    pub(crate) fn read_env_source(&self, path: &Path, shared: bool) -> Result<Source, NotRead> {
        let at = self.resolve(path);
        let failure = |e: &std::io::Error| {
            NotRead::Failed(format!("{}: {}", self.display(path), io_reason(e)))
        };
        let link = self.fs.symlink_metadata(&at).map_err(|e| failure(&e))?;
        if link.kind == Kind::Symlink {
            if let Some(why) = self.link_refusal(path) {
                return Err(NotRead::Failed(why));
            }
        }
        let meta = self.fs.metadata(&at).map_err(|e| failure(&e))?;
        if meta.kind != Kind::File {
            return Err(failure(&not_regular(meta.kind)));
        }
        let len = meta.len;
        if len > MAX_ENV_BYTES {
            return Err(NotRead::TooLarge(format!(
                "{}: {} MiB is larger than the {} MiB envlint checks; not checked",
                self.display(path),
                mib(len),
                MAX_ENV_BYTES >> 20
            )));
        }
        // Documents use 32-bit offsets (unreachable below the limit above).
        debug_assert!(MAX_ENV_BYTES <= Document::MAX_LEN as u64);
        if shared {
            self.fs.read_shared(&at).map_err(|e| failure(&e))
        } else {
            self.fs
                .read(&at)
                .map(Source::Owned)
                .map_err(|e| failure(&e))
        }
    }

    /// Reads and parses env files (values isolated from the process); unreadable ones as
    /// messages.
    pub(crate) fn load_env_files(&self, files: &[PathBuf]) -> (Vec<EnvFile>, Vec<String>) {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for path in files {
            match self.read_env_file(path, false) {
                Ok(bytes) => out.push(self.env_file(path, Document::parse(bytes, &isolated()))),
                Err(e) => errors.push(e),
            }
        }
        (out, errors)
    }

    /// An env file of the project, its role from its name.
    pub(crate) fn env_file(&self, path: &Path, doc: Document) -> EnvFile {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        EnvFile {
            path: self.display(path),
            role: Role::of(&name),
            doc,
        }
    }

    /// What git says about the env files, when a git rule is on; also the repository (the
    /// planners edit its `.gitignore`). `None` when the first path is not inside a
    /// repository (then a note says git checks were skipped).
    pub(crate) fn git_facts(
        &self,
        paths: &[PathBuf],
        env_files: &[EnvFile],
        notes: &mut Vec<String>,
    ) -> Option<(GitFacts, std::sync::Arc<dyn crate::Git>)> {
        if !GIT_RULES.iter().any(|id| self.settings.is_enabled(id)) {
            return None;
        }
        let start = paths.first().map_or(Path::new("."), PathBuf::as_path);
        let Some(repo) = self.repo(start) else {
            notes.push("not in a git repository; git checks skipped".to_owned());
            return None;
        };
        let mut facts = GitFacts::default();
        for file in env_files {
            let Some(rel) = repo.relative(&self.resolve(&file.path)) else {
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

    /// The `package.json` facts of every folder holding env files.
    fn packages(
        &self,
        env_files: &[EnvFile],
        read: &mut PackageJsons,
    ) -> std::collections::HashMap<String, PackageJson> {
        let mut packages = std::collections::HashMap::new();
        for f in env_files {
            let dir = f.folder();
            if packages.contains_key(dir) {
                continue;
            }
            if let Some(text) = self.package_json_in(read, dir) {
                packages.insert(dir.to_owned(), PackageJson::from_text(text));
            }
        }
        packages
    }

    /// The text of the `package.json` in the project folder `dir` (`""`: the root), read
    /// at most once per run through `read`.
    fn package_json_in<'r>(&self, read: &'r mut PackageJsons, dir: &str) -> Option<&'r str> {
        read.entry(dir.to_owned())
            .or_insert_with(|| self.package_json(Path::new(if dir.is_empty() { "." } else { dir })))
            .as_deref()
    }

    /// The `package.json` manifests of the packages that hold the project's source files
    /// and example files (the nearest manifest at or above each), by project folder: what
    /// workspace packages depend on what (see `Project::links`).
    fn manifests(
        &self,
        project: &Project,
        read: &mut PackageJsons,
    ) -> std::collections::HashMap<String, Manifest> {
        let mut manifests = std::collections::HashMap::new();
        // Folder → whether the walk up from it was done (each folder is looked at once).
        let mut looked: std::collections::HashSet<String> = std::collections::HashSet::new();
        let folders = project
            .source_paths
            .iter()
            .map(String::as_str)
            .chain(project.env_files.iter().map(|f| f.path.as_str()))
            .map(|p| p.rsplit_once('/').map_or("", |(d, _)| d));
        for start in folders {
            let mut dir = start;
            loop {
                if !looked.insert(dir.to_owned()) {
                    break;
                }
                if let Some(m) = self
                    .package_json_in(read, dir)
                    .and_then(Manifest::from_text)
                {
                    manifests.insert(dir.to_owned(), m);
                    break;
                }
                if dir.is_empty() {
                    break;
                }
                dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
            }
        }
        manifests
    }

    /// The text of the `package.json` in `dir` (as given), if there is one.
    pub(crate) fn package_json(&self, dir: &Path) -> Option<String> {
        self.fs
            .read_to_string(&self.resolve(dir).join("package.json"))
    }

    /// The project the rules see: `env_files`, the `git` facts, and the source files under
    /// `paths` (scanned for credentials too when `secrets`). Also returns how many source
    /// files were found, and which were too large to read.
    pub(crate) fn build_project(
        &self,
        paths: &[PathBuf],
        env_files: Vec<EnvFile>,
        git: Option<GitFacts>,
        secrets: bool,
    ) -> (Project, SourceCount) {
        let mut project = Project::default();
        let mut package_jsons = PackageJsons::new();
        project.packages = self.packages(&env_files, &mut package_jsons);
        project.env_files = env_files;
        project.git = git;
        project.extra_platform = self.settings.platform_keys.clone();
        project.read_severity = self.settings.read_severity;
        let Ok((files, _)) = crate::discover::source_files(
            self.fs.as_ref(),
            &self.base,
            paths,
            false,
            &self.excludes,
        ) else {
            return (project, SourceCount::default());
        };
        let scanned = par_map(&files, |(path, language)| {
            self.scan_project_source(path, *language, secrets)
        });
        project.source_paths = files.iter().map(|(p, _)| self.display(p)).collect();
        let mut count = SourceCount {
            found: files.len(),
            ..SourceCount::default()
        };
        let mut unparsed = Vec::new();
        for ((path, language), scanned) in files.iter().zip(scanned) {
            match scanned {
                Ok((Some(source), callees)) => {
                    if let Some(why) = &source.limited {
                        count.limited.push(format!("{}: {why}", source.path));
                    }
                    if !callees.is_empty() {
                        let at = Some(project.sources.len());
                        unparsed.push((path.clone(), *language, at, callees));
                    }
                    project.sources.push(source);
                }
                Ok((None, callees)) => {
                    if !callees.is_empty() {
                        unparsed.push((path.clone(), *language, None, callees));
                    }
                }
                Err(TooLarge) => count.too_large.push(self.display(path)),
            }
        }
        self.scan_helper_calls(&mut project, &unparsed);
        project.resolve_helpers();
        project.manifests = self.manifests(&project, &mut package_jsons);
        (project, count)
    }

    /// The second look the project's helpers need: the files that were not parsed (no
    /// marker of a read) but call a helper by name with a variable-name literal are parsed
    /// now for their calls (each file is still parsed once). `unparsed` holds each such
    /// file with its index in `project.sources` when it is there (for its secrets).
    fn scan_helper_calls(
        &self,
        project: &mut Project,
        unparsed: &[(PathBuf, Language, Option<usize>, Vec<String>)],
    ) {
        let names: Vec<String> = project
            .helper_names()
            .into_iter()
            .map(str::to_owned)
            .collect();
        if names.is_empty() || unparsed.is_empty() {
            return;
        }
        // Only the files that call a helper by name are read again (and parsed, once).
        let wanted: Vec<&(PathBuf, Language, Option<usize>, Vec<String>)> = unparsed
            .iter()
            .filter(|(.., callees)| callees.iter().any(|c| names.contains(c)))
            .collect();
        let found = par_map(&wanted, |(path, language, _, _)| {
            let bytes = self.fs.read(&self.resolve(path)).ok()?;
            SourceFile::calls_only(&self.display(path), *language, &bytes)
        });
        for ((_, _, index, _), found) in wanted.into_iter().zip(found) {
            match (found, index) {
                (None, _) => {}
                // Already a source (for its secrets): it gains its calls.
                (Some(file), Some(i)) => project.sources[*i].calls = file.calls,
                (Some(file), None) => project.sources.push(file),
            }
        }
    }

    /// Reads and scans one source file for the project rules (see [`SourceFile::scan`]);
    /// files over [`MAX_SOURCE_BYTES`] (generated code, not hand-written) are not read.
    fn scan_project_source(
        &self,
        path: &Path,
        language: Language,
        secrets: bool,
    ) -> Result<(Option<SourceFile>, Vec<String>), TooLarge> {
        let at = self.resolve(path);
        let Ok(meta) = self.fs.metadata(&at) else {
            return Ok((None, Vec::new()));
        };
        if meta.len > MAX_SOURCE_BYTES {
            return Err(TooLarge);
        }
        let Ok(bytes) = self.fs.read(&at) else {
            return Ok((None, Vec::new()));
        };
        let source = SourceFile::scan(&self.display(path), language, &bytes, secrets);
        // A file not parsed keeps the names it calls with variable literals, for the
        // project's helpers (see `scan_helper_calls`).
        let callees = match &source {
            Some(s) if s.parsed => Vec::new(),
            _ => envlint_scan::literal_callees(&bytes),
        };
        Ok((source, callees))
    }

    /// Runs the project rules over the sources under `paths` and `env_files`: returns the
    /// env files back, the findings by path, and the source files found.
    fn project_findings(
        &self,
        paths: &[PathBuf],
        env_files: Vec<EnvFile>,
        notes: &mut Vec<String>,
    ) -> (Vec<EnvFile>, BTreeMap<String, Vec<Diagnostic>>, SourceCount) {
        let mut by_path: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
        let on = envlint_core::rules()
            .iter()
            .any(|r| r.is_project() && self.settings.is_enabled(r.id));
        if !on {
            return (env_files, by_path, SourceCount::default());
        }
        let git = self
            .git_facts(paths, &env_files, notes)
            .map(|(facts, _)| facts);
        let secrets = self.settings.is_enabled("hardcoded-secret");
        let (project, sources) = self.build_project(paths, env_files, git, secrets);
        for d in lint_project(&project, &self.settings) {
            by_path.entry(d.path).or_default().push(d.diagnostic);
        }
        (project.env_files, by_path, sources)
    }

    /// Checks the env files and the project under `paths` (as given).
    pub fn check(&self, paths: &[PathBuf], options: &CheckOptions) -> Result<CheckReport, String> {
        let found = self.env_files(paths)?;
        let files = found.files;
        let mut report = CheckReport {
            file_count: files.len(),
            errors: found
                .errors
                .iter()
                .map(|e| format!("{}: {}", e.path.display(), e.message))
                .collect(),
            notes: found.notes,
            ..CheckReport::default()
        };
        let settings: &Settings = &self.settings;
        let linted = par_map(&files, |path| {
            self.read_env_source(path, options.share_large_files)
                .map(|bytes| {
                    let r = lint_env_file(bytes, settings);
                    (r.doc, r.diagnostics)
                })
        });
        let mut env_files = Vec::new();
        let mut lint_diags = Vec::new();
        let mut skipped = Vec::new();
        for (path, result) in files.iter().zip(linted) {
            match result {
                Ok((doc, diagnostics)) => {
                    env_files.push(self.env_file(path, doc));
                    lint_diags.push(diagnostics);
                }
                Err(NotRead::TooLarge(note)) => skipped.push(note),
                Err(NotRead::Failed(e)) => report.errors.push(e),
            }
        }
        let (env_files, mut by_path, sources) =
            self.project_findings(paths, env_files, &mut report.notes);
        // Files skipped for their size were not looked at.
        report.file_count += sources.found;
        report.file_count -= skipped.len() + sources.too_large.len();
        report.notes.extend(sources.limited.iter().cloned());
        if let Some(summary) = skipped_summary(skipped.len(), &sources.too_large) {
            report.notes.extend(skipped);
            report.notes.push(summary);
        }
        for (file, mut diagnostics) in env_files.into_iter().zip(lint_diags) {
            if let Some(more) = by_path.remove(&file.path) {
                diagnostics.extend(more);
                diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
            }
            self.per_file.filter(&file.path, &mut diagnostics);
            report.files.push(CheckedFile {
                path: file.path,
                content: Content::Env(file.doc),
                diagnostics,
            });
        }
        for (path, mut diagnostics) in by_path {
            self.per_file.filter(&path, &mut diagnostics);
            report.files.push(CheckedFile {
                path,
                content: Content::Source,
                diagnostics,
            });
        }
        Ok(report)
    }

    /// Whether the configuration's per-file ignores silence `rule` for the project path
    /// `path`.
    pub fn silences(&self, path: &str, rule: &str) -> bool {
        self.per_file.silences(path, rule)
    }
}

/// How many source files a project has, and which of them (as shown) were not read for
/// their size.
#[derive(Debug, Default)]
pub(crate) struct SourceCount {
    pub(crate) found: usize,
    pub(crate) too_large: Vec<String>,
    /// Notes on the source files a scanner limit read only in part (`path: why`).
    pub(crate) limited: Vec<String>,
}

/// A source file over [`MAX_SOURCE_BYTES`].
#[derive(Debug)]
pub(crate) struct TooLarge;

/// The note that sums up what a run did not check for its size (`None`: nothing), after the
/// notes of the env files themselves.
fn skipped_summary(env_files: usize, sources: &[String]) -> Option<String> {
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let env = (env_files > 0).then(|| {
        format!(
            "{} larger than {} MiB (see above)",
            plural(env_files, "env file"),
            MAX_ENV_BYTES >> 20
        )
    });
    let code = (!sources.is_empty()).then(|| {
        let mut names = sources
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if sources.len() > 5 {
            names.push_str(", …");
        }
        format!(
            "{} larger than {} MiB (generated code): {names}",
            plural(sources.len(), "source file"),
            MAX_SOURCE_BYTES >> 20
        )
    });
    let what = match (env, code) {
        (None, None) => return None,
        (Some(one), None) | (None, Some(one)) => one,
        (Some(env), Some(code)) => format!("{env}, and {code}"),
    };
    Some(format!("not checked: {what}"))
}

/// Parse options for env files whose values must not depend on the process environment.
pub(crate) fn isolated() -> envlint_dotenv::ParseOptions {
    envlint_dotenv::ParseOptions::isolated()
}

/// The bytes of a source, without a copy when they are owned.
pub(crate) fn into_vec(source: Source) -> Vec<u8> {
    match source {
        Source::Owned(v) => v,
        shared => shared.as_bytes().to_vec(),
    }
}
