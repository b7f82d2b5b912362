//! The project model: env files, example files and the variables the code reads, joined.
//!
//! Why: the mission's checks compare three things that live in different files: what the
//! code reads, what `.env.example` documents, what a developer's `.env` holds. This module
//! holds them as data (the CLI does the reading and scanning) and answers the questions the
//! project rules ask: which example governs this file (the nearest one at or above its
//! folder: monorepos have many), which keys it documents, which names a platform provides.

use std::collections::{HashMap, HashSet};

use envlint_dotenv::{Document, LineKind};
use envlint_scan::{DynamicRead, Reference};

use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::rule::rules;
use crate::suppress::Suppressions;

/// What an env file is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// `.env.example` and its kin: committed documentation of the variables.
    Example,
    /// `.env`, `.env.local`, `.env.<mode>`: a developer's or a deployment's values.
    Local,
}

/// The names of example files, in the order `init` prefers them.
pub const EXAMPLE_NAMES: [&str; 8] = [
    ".env.example",
    ".env.sample",
    ".env.template",
    ".env.dist",
    ".env.defaults",
    "example.env",
    ".env.local.example",
    ".env.example.local",
];

impl Role {
    /// The role a file name gives, if it is an env file at all.
    pub fn of(file_name: &str) -> Role {
        // The names above, and any env file name with one of their markers as a
        // dot-separated part: `.env.dev.example`, `.env.production.sample`,
        // `api.env.template`, `.env.example.local` are templates by any other name.
        let marked = file_name.split('.').any(|part| {
            matches!(
                part,
                "example" | "sample" | "template" | "tmpl" | "tpl" | "dist" | "defaults"
            )
        });
        if EXAMPLE_NAMES.contains(&file_name) || marked {
            Role::Example
        } else {
            Role::Local
        }
    }
}

/// An env file of the project.
#[derive(Debug)]
pub struct EnvFile {
    /// Path relative to the project root, `/`-separated.
    pub path: String,
    /// Its role.
    pub role: Role,
    /// The parsed file.
    pub doc: Document,
}

impl EnvFile {
    /// A JavaScript framework's committed defaults: `.env.development`, `.env.production`,
    /// `.env.test` next to a `package.json` (Next.js, Vite, Create React App and Nuxt load
    /// them by mode and tell users to commit them; only `.env*.local` is private), and in a
    /// Vite project any `.env.<mode>` (`vite --mode staging` loads `.env.staging`). `.env`
    /// itself is not one (it is the classic leak), nor is a Django or Rust project's
    /// `.env.production`.
    pub fn is_mode_defaults(&self, project: &Project) -> bool {
        let name = self.path.rsplit('/').next().unwrap_or(&self.path);
        let dir = folder(&self.path);
        let Some(package) = project.packages.get(dir) else {
            return false;
        };
        if self.role != Role::Local {
            return false;
        }
        if matches!(name, ".env.development" | ".env.production" | ".env.test") {
            return true;
        }
        let mode = name.strip_prefix(".env.").unwrap_or("");
        package.vite
            && !mode.is_empty()
            && mode != "local"
            && !mode.ends_with(".local")
            && !mode.contains('.')
    }

    /// Whether the file documents its keys for a fresh clone: a framework's committed
    /// defaults that git tracks (or, outside a repository or before the first commit,
    /// that git does not ignore) and that hold no secret.
    pub fn documents_keys(&self, project: &Project) -> bool {
        if !self.is_mode_defaults(project) {
            return false;
        }
        let committed = match &project.git {
            Some(g) => g.tracked.contains(&self.path) || !g.ignored.contains(&self.path),
            None => true,
        };
        committed && !self.holds_secrets()
    }

    /// Whether any value looks like a credential, or a secret-named key has a value.
    pub fn holds_secrets(&self) -> bool {
        self.doc
            .entries()
            .any(|e| crate::secret::could_be_secret(e.key(&self.doc), e.value(&self.doc)))
    }

    /// Whether git publishing this file is a problem: it holds values, and it is not a
    /// framework's defaults file free of secrets.
    pub fn must_stay_private(&self, project: &Project) -> bool {
        let has_values = self.doc.entries().any(|e| !e.value(&self.doc).is_empty());
        has_values && (!self.is_mode_defaults(project) || self.holds_secrets())
    }
}

/// What envlint learns from a folder's `package.json`: the one definition of the JavaScript
/// framework facts that `check` (which files are committed defaults) and `init` (which file
/// holds a developer's private values) both use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PackageJson {
    /// Vite is a dependency: it loads any `.env.<mode>` file.
    pub vite: bool,
    /// A framework that loads `.env`, `.env.<mode>` and `.env*.local` itself and documents
    /// `.env*.local` as the git-ignored one: Next.js, Vite, Nuxt, Create React App.
    pub loads_local_env: bool,
}

impl PackageJson {
    /// The facts of a manifest's text. A text search for the quoted package names, not a
    /// JSON parse: a manifest that does not parse still names its dependencies, and a
    /// name appears quoted only as a key or value.
    pub fn from_text(text: &str) -> PackageJson {
        PackageJson {
            vite: text.contains("\"vite\""),
            loads_local_env: ["\"next\"", "\"vite\"", "\"nuxt\"", "\"react-scripts\""]
                .iter()
                .any(|dep| text.contains(dep)),
        }
    }

    /// The file a developer's private values go in: `.env.local` where the framework
    /// treats `.env` as committed defaults, else `.env`.
    pub fn private_env_name(package: Option<&PackageJson>) -> &'static str {
        if package.is_some_and(|p| p.loads_local_env) {
            ".env.local"
        } else {
            ".env"
        }
    }
}

/// Source files larger than this are not parsed (generated or minified), only counted.
pub const MAX_SOURCE_BYTES: u64 = 4 << 20;

/// A line this long means minified or generated code (bundles): not parsed for reads.
pub const MAX_LINE_BYTES: usize = 32 << 10;

/// Whether `bytes` holds a line longer than [`MAX_LINE_BYTES`] (minified code).
pub fn is_minified(bytes: &[u8]) -> bool {
    bytes.len() > MAX_LINE_BYTES && longest_line(bytes) > MAX_LINE_BYTES
}

fn longest_line(bytes: &[u8]) -> usize {
    let mut longest = 0;
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len())) {
        longest = longest.max(nl - start);
        start = nl + 1;
    }
    longest
}

/// A source file of the project.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the project root, `/`-separated.
    pub path: String,
    /// Reads with a literal name.
    pub refs: Vec<Reference>,
    /// Reads with a computed name.
    pub dynamic: Vec<DynamicRead>,
    /// `envlint: ignore` directives in the file.
    pub directives: Vec<crate::suppress::SourceDirective>,
    /// Where its lines start (for directives and `path:line` in messages).
    pub lines: crate::LineIndex,
    /// Credentials written in the file (see [`crate::secret::scan_text`]).
    pub secrets: Vec<crate::secret::Hit>,
    /// Why the scan of the file's reads is partial, when a scanner limit made it so (see
    /// `envlint_scan::Scan::limited`): `check` says it, since missing reads change findings.
    pub limited: Option<String>,
    /// The file's language.
    pub language: envlint_scan::Language,
    /// Whether the file was parsed for reads (it had a marker); a file that was not may
    /// still call one of the project's helpers (see [`Project::resolve_helpers`]).
    pub parsed: bool,
    /// Functions defined here that read the variable a parameter names.
    pub helpers: Vec<envlint_scan::Helper>,
    /// Calls with variable-name literals, until [`Project::resolve_helpers`] turns the
    /// ones calling a helper into reads.
    pub calls: Vec<envlint_scan::Call>,
    /// For a compose file, its services (env files and build contexts: see
    /// [`Project::links`]).
    pub services: Vec<envlint_scan::compose::Service>,
}

impl SourceFile {
    /// Scans one source file's bytes for what the project rules need: its reads and, when
    /// `secrets` is on, the credentials written in it. `None` when it has neither, or is not
    /// UTF-8. Minified files (very long lines) are not parsed for reads, but a credential in
    /// one is still found: the text scan is linear.
    pub fn scan(
        path: &str,
        language: envlint_scan::Language,
        bytes: &[u8],
        secrets: bool,
    ) -> Option<SourceFile> {
        let reads = envlint_scan::might_read_env(language, bytes) && !is_minified(bytes);
        if !reads && !secrets {
            return None;
        }
        let text = std::str::from_utf8(bytes).ok()?;
        let hits = if secrets {
            crate::secret::scan_text(text)
        } else {
            Vec::new()
        };
        let scan = if reads {
            envlint_scan::scan(std::path::Path::new(path), text).unwrap_or_default()
        } else {
            envlint_scan::Scan::default()
        };
        let limited = scan
            .limited
            .then(|| scan.warning.clone().unwrap_or_default());
        if scan.refs.is_empty()
            && scan.dynamic.is_empty()
            && hits.is_empty()
            && limited.is_none()
            && scan.helpers.is_empty()
            && scan.calls.is_empty()
            && language != envlint_scan::Language::Compose
        {
            return None;
        }
        Some(SourceFile {
            path: path.to_owned(),
            refs: scan.refs,
            dynamic: scan.dynamic,
            directives: crate::suppress::source_directives(text),
            lines: crate::LineIndex::new(bytes),
            secrets: hits,
            limited,
            language,
            parsed: reads,
            helpers: scan.helpers,
            calls: scan.calls,
            services: if language == envlint_scan::Language::Compose {
                envlint_scan::compose::services(text)
            } else {
                Vec::new()
            },
        })
    }

    /// A file that was not parsed for reads (no marker) but calls one of the project's
    /// helpers by name (see `envlint_scan::literal_callees`), parsed now, once, for its
    /// calls: `None` when it has none (or is minified, or not UTF-8).
    pub fn calls_only(
        path: &str,
        language: envlint_scan::Language,
        bytes: &[u8],
    ) -> Option<SourceFile> {
        if is_minified(bytes) {
            return None;
        }
        let text = std::str::from_utf8(bytes).ok()?;
        let calls = envlint_scan::scan(std::path::Path::new(path), text)?.calls;
        (!calls.is_empty()).then(|| SourceFile {
            path: path.to_owned(),
            refs: Vec::new(),
            dynamic: Vec::new(),
            directives: crate::suppress::source_directives(text),
            lines: crate::LineIndex::new(bytes),
            secrets: Vec::new(),
            limited: None,
            language,
            parsed: true,
            helpers: Vec::new(),
            calls,
            services: Vec::new(),
        })
    }

    /// The 1-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.lines.line(offset) + 1
    }

    /// Whether a directive suppresses `rule` at byte `offset`.
    pub fn suppressed(&self, offset: usize, rule: &str) -> bool {
        if self.directives.is_empty() {
            return false;
        }
        crate::suppress::source_suppresses(&self.directives, self.lines.line(offset), rule)
    }
}

/// A finding in one file of the project.
#[derive(Debug)]
pub struct FileDiagnostic {
    /// The file, relative to the project root.
    pub path: String,
    /// The finding (spans are byte offsets in that file).
    pub diagnostic: Diagnostic,
}

impl FileDiagnostic {
    /// A finding about a file as a whole (git facts), anchored at its start.
    pub(crate) fn whole_file(
        path: &str,
        rule: &'static str,
        message: String,
        help: String,
    ) -> FileDiagnostic {
        FileDiagnostic {
            path: path.to_owned(),
            diagnostic: Diagnostic::new(rule, crate::diagnostic::Severity::Error, 0..0, message)
                .help(help),
        }
    }

    /// Attaches the project edit that resolves the finding (see [`Diagnostic::project_fix`]).
    pub(crate) fn with_edit(
        mut self,
        edit: crate::diagnostic::ProjectEdit,
        resolves: bool,
    ) -> Self {
        self.diagnostic = self.diagnostic.project_fix(edit, resolves);
        self
    }
}

/// Everything the project rules look at.
#[derive(Debug, Default)]
pub struct Project {
    /// Env and example files.
    pub env_files: Vec<EnvFile>,
    /// Source files that read variables (or might: everything the scanner parsed).
    pub sources: Vec<SourceFile>,
    /// Every source file found, read or not (to know whether a folder has code at all).
    pub source_paths: Vec<String>,
    /// Extra names the platform provides (from configuration).
    pub extra_platform: Vec<String>,
    /// How severe a missing variable is by read kind (from configuration).
    pub read_severity: crate::config::ReadSeverity,
    /// The `package.json` of folders (as in [`EnvFile::path`]) that hold env files: where
    /// framework mode files are committed defaults (see [`EnvFile::is_mode_defaults`]).
    pub packages: HashMap<String, PackageJson>,
    /// What git says about the env files; `None` outside a repository (git rules skipped).
    pub git: Option<GitFacts>,
    /// Example files by folder (indices into `env_files`), built on first use: the rules ask
    /// for every source file, and a monorepo has thousands of both. A project is built
    /// first and then only read; `env_files` must not change after the first question.
    examples_by_folder: std::sync::OnceLock<HashMap<String, Vec<usize>>>,
    /// The `package.json` manifests of the folders that hold source files (npm, pnpm and
    /// yarn workspaces), by folder: which package each is and what it depends on.
    pub manifests: HashMap<String, Manifest>,
    /// Links from compose files and workspace dependencies, built on first use (see
    /// [`Project::links`]).
    links: std::sync::OnceLock<Vec<Link>>,
}

/// What a `package.json` says about the package: its name and the packages it depends on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    /// `name`.
    pub name: Option<String>,
    /// The keys of `dependencies`, `devDependencies`, `peerDependencies` and
    /// `optionalDependencies`.
    pub dependencies: Vec<String>,
}

impl Manifest {
    /// The manifest in `text`; `None` when it is not a JSON object.
    pub fn from_text(text: &str) -> Option<Manifest> {
        let value: serde_json::Value = serde_json::from_str(text).ok()?;
        let object = value.as_object()?;
        let mut dependencies: Vec<String> = [
            "dependencies",
            "devDependencies",
            "peerDependencies",
            "optionalDependencies",
        ]
        .iter()
        .filter_map(|k| object.get(*k).and_then(|d| d.as_object()))
        .flat_map(|d| d.keys().cloned())
        .collect();
        dependencies.sort();
        dependencies.dedup();
        Some(Manifest {
            name: object
                .get("name")
                .and_then(|n| n.as_str())
                .map(str::to_owned),
            dependencies,
        })
    }
}

/// The examples of the folder `env` document the variables the code under `code` reads,
/// though `code` is not below `env`: a compose service builds `code` and runs it with an
/// env file of `env`, or the app in `env` depends on the workspace package in `code`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The folder of the examples (project path, `""` for the root).
    pub env: String,
    /// The folder of the code.
    pub code: String,
    /// Why, for messages: `docker/docker-compose.yml builds it`, `a dependency`.
    pub via: String,
}

/// `rel` (as a compose file writes a path) from the folder `base`, as a project path;
/// `None` when it leaves the project or is absolute.
fn join_relative(base: &str, rel: &str) -> Option<String> {
    if rel.starts_with('/') || rel.contains('$') {
        return None;
    }
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Git's view of the project's env files (paths as in [`EnvFile::path`]).
#[derive(Debug, Default)]
pub struct GitFacts {
    /// Env files git's ignore rules cover.
    pub ignored: HashSet<String>,
    /// Env files in the index (committed or staged).
    pub tracked: HashSet<String>,
}

/// The folder of a `/`-separated relative path (`""` for the root).
pub(crate) fn folder(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Whether `path` lies at or below `dir`. Without an allocation: project rules ask it for
/// every pair of an example and a source file (50,000 files: 4 s of `format!` alone).
pub(crate) fn is_under(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || path
            .strip_prefix(dir)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Names platforms, shells and toolchains set: never "missing from the example".
pub fn platform_provided(name: &str) -> bool {
    const EXACT: &[&str] = &[
        "CI",
        "NODE_ENV",
        "NODE_OPTIONS",
        "NODE_DEBUG",
        "HOME",
        "PATH",
        "USER",
        "USERNAME",
        "PWD",
        "SHELL",
        "TERM",
        "LANG",
        "LANGUAGE",
        "TZ",
        "TMPDIR",
        "TEMP",
        "TMP",
        "HOSTNAME",
        "EDITOR",
        "VISUAL",
        "PAGER",
        "COLORTERM",
        "TERM_PROGRAM",
        "TERM_PROGRAM_VERSION",
        "NO_COLOR",
        "FORCE_COLOR",
        "RUST_LOG",
        "RUST_BACKTRACE",
        "RUST_LIB_BACKTRACE",
        "PYTHONPATH",
        "PYTHONHASHSEED",
        "PYTHONUNBUFFERED",
        "VIRTUAL_ENV",
        "JAVA_HOME",
        "GOPATH",
        "OUT_DIR",
        "TARGET",
        "HOST",
        "PROFILE",
        "OPT_LEVEL",
        "NUM_JOBS",
        "RUSTC",
        "RUSTDOC",
        "RUSTFLAGS",
        "INIT_CWD",
        "XDG_CONFIG_HOME",
        "XDG_CACHE_HOME",
        "XDG_DATA_HOME",
        "XDG_RUNTIME_DIR",
        "APPDATA",
        "LOCALAPPDATA",
        "USERPROFILE",
        "SYSTEMROOT",
        "COMSPEC",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "NO_PROXY",
        "http_proxy",
        "https_proxy",
        "no_proxy",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "DEBUG",
        "LOGNAME",
    ];
    const PREFIXES: &[&str] = &[
        "GITHUB_",
        "RUNNER_",
        "ACTIONS_",
        "VERCEL",
        "NEXT_PUBLIC_VERCEL_",
        "NETLIFY",
        "CF_PAGES",
        "CARGO_",
        "DEP_",
        "LC_",
        "npm_",
        "NPM_CONFIG_",
        "KUBERNETES_",
        "AWS_LAMBDA_",
        "CONDA_",
        "GITLAB_",
        "CIRCLE",
        "TRAVIS",
        "BUILDKITE",
        "RENDER_",
        "RAILWAY_",
        "FLY_",
        "HEROKU_",
        "__NEXT_",
        "NEXT_RUNTIME",
        "TURBOPACK",
    ];
    EXACT.contains(&name) || PREFIXES.iter().any(|p| name.starts_with(p))
}

impl EnvFile {
    /// The folder the file is in, as a project path (`""` for the root).
    pub fn folder(&self) -> &str {
        folder(&self.path)
    }

    /// Keys an example documents in a comment, `# SENTRY_DSN=` or `# export DEBUG=1`: the
    /// usual way to list an optional variable without setting it.
    pub fn commented_keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.doc.lines().iter().filter_map(|l| {
            let LineKind::Comment(span) = &l.kind else {
                return None;
            };
            let text = std::str::from_utf8(&self.doc.to_bytes()[span.range()]).ok()?;
            let body = text.strip_prefix('#')?.trim_start();
            let body = body.strip_prefix("export ").map_or(body, str::trim_start);
            let (key, _) = body.split_once('=')?;
            let ok =
                key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') && is_definable(key);
            ok.then_some(key)
        })
    }

    /// Where missing keys belong in this (example) file: after the last entry sharing their
    /// prefix (where `envlint example` puts them), else after the last entry; computed in
    /// one pass over the entries.
    pub fn anchors(&self) -> Anchors {
        Anchors::of(&self.doc, &|_| false)
    }
}

/// Where missing keys belong in an example: after the last entry of their prefix family,
/// else after the last entry. One definition for the labels the rules show and the lines
/// `envlint example` inserts, so the two never disagree.
#[derive(Debug, Default)]
pub struct Anchors {
    /// Family → (key span, end of line) of its last entry.
    by_prefix: HashMap<String, (std::ops::Range<usize>, usize)>,
    /// The key span of the last entry.
    last: std::ops::Range<usize>,
}

impl Anchors {
    /// The anchors of `doc`, leaving out the entries whose key `skip` names (keys about to
    /// be removed).
    pub fn of(doc: &Document, skip: &dyn Fn(&str) -> bool) -> Anchors {
        let mut anchors = Anchors::default();
        for line in doc.lines() {
            let LineKind::Entry(e) = &line.kind else {
                continue;
            };
            let key = e.key(doc);
            if skip(key) {
                continue;
            }
            let span = e.key.range();
            if let Some(p) = key_prefix(key) {
                anchors
                    .by_prefix
                    .insert(p.to_owned(), (span.clone(), line.span.end as usize));
            }
            anchors.last = span;
        }
        anchors
    }

    /// The key span of the entry after which `key` belongs.
    pub fn for_key(&self, key: &str) -> std::ops::Range<usize> {
        key_prefix(key)
            .and_then(|p| self.by_prefix.get(p))
            .map_or(&self.last, |(span, _)| span)
            .clone()
    }

    /// Where a line for `key` goes to join its family: the end of the family's last
    /// entry's line. `None` when no entry shares its prefix.
    pub fn family_end(&self, key: &str) -> Option<usize> {
        key_prefix(key)
            .and_then(|p| self.by_prefix.get(p))
            .map(|&(_, end)| end)
    }
}

/// The family a key belongs to: `DATABASE` of `DATABASE_URL` (two characters at least).
pub(crate) fn key_prefix(key: &str) -> Option<&str> {
    key.split_once('_').map(|(p, _)| p).filter(|p| p.len() >= 2)
}

impl Project {
    /// The names of the helpers the project's sources define (see
    /// [`envlint_scan::Helper`]), to match against `envlint_scan::literal_callees`.
    pub fn helper_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .sources
            .iter()
            .flat_map(|s| s.helpers.iter().map(|h| h.name.as_str()))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// Turns every call of one of the project's helpers into a read of the variable it
    /// names (form [`envlint_scan::HELPER`]), in the calling file, and drops the calls.
    /// Helpers match calls by name in the same language, across files: a helper is
    /// usually defined in one module and imported everywhere. A call at the place of a
    /// read already found (`os.getenv("X")` where the project also defines `getenv`) adds
    /// nothing.
    pub fn resolve_helpers(&mut self) {
        // Copied out: the index borrows them while the sources change.
        let helpers: Vec<(envlint_scan::Language, envlint_scan::Helper)> = self
            .sources
            .iter()
            .flat_map(|s| s.helpers.iter().map(move |h| (s.language, h.clone())))
            .collect();
        let index = envlint_scan::HelperIndex::new(helpers.iter().map(|(l, h)| (*l, h)));
        if index.is_empty() {
            return;
        }
        for source in &mut self.sources {
            let calls = std::mem::take(&mut source.calls);
            let found = index.resolve(source.language, &calls);
            if found.is_empty() {
                continue;
            }
            let known: HashSet<(usize, usize)> = source
                .refs
                .iter()
                .map(|r| (r.span.start, r.span.end))
                .collect();
            source.refs.extend(
                found
                    .into_iter()
                    .map(|read| read.reference)
                    .filter(|r| !known.contains(&(r.span.start, r.span.end))),
            );
            source.refs.sort_by_key(|r| (r.span.start, r.span.end));
        }
    }

    /// What the compose files of the project say about which env files the code runs with:
    /// for each service that builds an image from a folder of the project and loads an
    /// env file of the project, a [`Link`].
    pub fn links(&self) -> &[Link] {
        self.links.get_or_init(|| {
            let mut links = Vec::new();
            for source in &self.sources {
                let dir = folder(&source.path);
                for service in &source.services {
                    let Some(code) = service
                        .context
                        .as_deref()
                        .and_then(|c| join_relative(dir, c))
                    else {
                        continue;
                    };
                    for file in &service.env_files {
                        let Some(env) = join_relative(dir, file) else {
                            continue;
                        };
                        let link = Link {
                            env: folder(&env).to_owned(),
                            code: code.clone(),
                            via: format!("which {} runs with this folder's env file", source.path),
                        };
                        if !links.contains(&link) {
                            links.push(link);
                        }
                    }
                }
            }
            self.workspace_links(&mut links);
            links
        })
    }

    /// Workspace links: for each folder whose manifest depends (directly or through other
    /// workspace packages) on a package of the workspace, the package's folder is code
    /// the examples governing the dependent folder document.
    fn workspace_links(&self, links: &mut Vec<Link>) {
        let by_name: HashMap<&str, &str> = self
            .manifests
            .iter()
            .filter_map(|(dir, m)| m.name.as_deref().map(|n| (n, dir.as_str())))
            .collect();
        if by_name.is_empty() {
            return;
        }
        // In folder order, so that the first dependent (the one a missing key is reported
        // against, when several apps use the package) is the same on every run.
        let mut manifests: Vec<(&String, &Manifest)> = self.manifests.iter().collect();
        manifests.sort_by(|a, b| a.0.cmp(b.0));
        for (dir, manifest) in manifests {
            let Some(env) = self
                .examples_by_folder_of(&format!("{dir}/package.json"))
                .first()
                .map(|e| folder(&e.path).to_owned())
            else {
                continue;
            };
            // Workspace packages reached from this one, breadth first.
            let mut seen: HashSet<&str> = HashSet::new();
            let mut queue: Vec<&str> = manifest.dependencies.iter().map(String::as_str).collect();
            while let Some(name) = queue.pop() {
                let Some(&code) = by_name.get(name) else {
                    continue;
                };
                if !seen.insert(code) || code == dir || is_under(code, &env) {
                    continue;
                }
                let link = Link {
                    env: env.clone(),
                    code: code.to_owned(),
                    via: format!("the workspace package {name}, a dependency"),
                };
                if !links.contains(&link) {
                    links.push(link);
                }
                if let Some(m) = self.manifests.get(code) {
                    queue.extend(m.dependencies.iter().map(String::as_str));
                }
            }
        }
    }

    /// The links whose code folder holds `path`, the deepest first.
    fn links_for(&self, path: &str) -> Vec<&Link> {
        let mut found: Vec<&Link> = self
            .links()
            .iter()
            .filter(|l| is_under(path, &l.code))
            .collect();
        found.sort_by_key(|l| std::cmp::Reverse(l.code.len()));
        found
    }

    /// The example files governing `path`: those in the nearest folder at or above it that
    /// has any; failing that, those of the env folder a compose service that builds the
    /// code loads (`env_file: .env` with `build: ..` in `docker/`: `docker/.env.example`).
    pub fn governing_examples(&self, path: &str) -> Vec<&EnvFile> {
        let found = self.examples_by_folder_of(path);
        if !found.is_empty() {
            return found;
        }
        for link in self.links_for(path) {
            let linked = self.examples_in(&link.env);
            if !linked.is_empty() {
                return linked;
            }
        }
        Vec::new()
    }

    /// The example files directly in the folder `dir`.
    fn examples_in(&self, dir: &str) -> Vec<&EnvFile> {
        self.env_files
            .iter()
            .filter(|f| f.role == Role::Example && folder(&f.path) == dir)
            .collect()
    }

    /// The sources whose reads an example in the folder `dir` documents: those under `dir`,
    /// and those under the code folder of a compose link from `dir`.
    pub fn sources_for_examples_in<'a>(
        &'a self,
        dir: &'a str,
    ) -> impl Iterator<Item = &'a SourceFile> + 'a {
        let codes: Vec<&str> = self
            .links()
            .iter()
            .filter(|l| l.env == dir)
            .map(|l| l.code.as_str())
            .collect();
        self.sources
            .iter()
            .filter(move |s| is_under(&s.path, dir) || codes.iter().any(|c| is_under(&s.path, c)))
    }

    /// The links from the examples of `dir` to code elsewhere.
    pub fn links_from(&self, dir: &str) -> Vec<&Link> {
        self.links()
            .iter()
            .filter(|l| l.env == dir && !is_under(&l.code, dir))
            .collect()
    }

    fn examples_by_folder_of(&self, path: &str) -> Vec<&EnvFile> {
        let index = self.examples_by_folder.get_or_init(|| {
            let mut map: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, f) in self.env_files.iter().enumerate() {
                if f.role == Role::Example {
                    map.entry(folder(&f.path).to_owned()).or_default().push(i);
                }
            }
            map
        });
        let mut dir = folder(path);
        loop {
            if let Some(here) = index.get(dir) {
                return here.iter().map(|&i| &self.env_files[i]).collect();
            }
            if dir.is_empty() {
                return Vec::new();
            }
            dir = folder(dir);
        }
    }

    /// The keys documented for `path`: by its governing example and by every example above
    /// it (in a monorepo, a key documented at the root counts for every app), entries and
    /// commented-out entries (`# SENTRY_DSN=`) alike, and by the
    /// committed framework defaults (`.env.development` next to `package.json`) at or
    /// above it, which a fresh clone gets too.
    pub fn documented_for(&self, path: &str) -> HashSet<&str> {
        let mut keys: HashSet<&str> = HashSet::new();
        let linked: Vec<&str> = self
            .links_for(path)
            .iter()
            .map(|l| l.env.as_str())
            .collect();
        for f in self.env_files.iter().filter(|f| {
            is_under(path, folder(&f.path))
                || (f.role == Role::Example && linked.contains(&folder(&f.path)))
        }) {
            if f.role == Role::Example {
                keys.extend(f.doc.entries().map(|e| e.key(&f.doc)));
                keys.extend(f.commented_keys());
            } else if f.documents_keys(self) {
                keys.extend(f.doc.entries().map(|e| e.key(&f.doc)));
            }
        }
        keys
    }

    /// [`Project::documented_for`] for every source file's folder, each computed once, with
    /// the upper-cased names pydantic-settings matches against.
    pub(crate) fn documented_by_folder(&self) -> HashMap<&str, (HashSet<&str>, HashSet<String>)> {
        let mut out: HashMap<&str, (HashSet<&str>, HashSet<String>)> = HashMap::new();
        for src in &self.sources {
            let dir = folder(&src.path);
            if src.refs.is_empty() || out.contains_key(dir) {
                continue;
            }
            let documented = self.documented_for(&src.path);
            let upper = documented.iter().map(|k| k.to_ascii_uppercase()).collect();
            out.insert(dir, (documented, upper));
        }
        out
    }

    /// Whether the platform or the configuration provides `name`.
    pub fn provided(&self, name: &str) -> bool {
        platform_provided(name) || self.extra_platform.iter().any(|p| matches_pattern(p, name))
    }
}

/// Whether a `.env` line can define `name`: dotenvy reads keys of ASCII letters, digits,
/// `_` and `.` only. Names such as `CFLAGS_x86_64-unknown-linux-gnu` come from the process
/// environment; no example can list them, so no rule asks it to.
pub fn is_definable(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
}

/// `APP_*`, `*_URL` or an exact name.
pub fn matches_pattern(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        Some((pre, suf)) => {
            name.len() >= pre.len() + suf.len() && name.starts_with(pre) && name.ends_with(suf)
        }
        None => pattern == name,
    }
}

/// Runs the enabled project rules.
pub fn lint_project(project: &Project, settings: &Settings) -> Vec<FileDiagnostic> {
    let mut out = Vec::new();
    for rule in rules() {
        if let Some(check) = rule.project {
            if settings.is_enabled(rule.id) {
                check(project, &mut out);
            }
        }
    }
    remove_suppressed(project, &mut out);
    if !settings.ignore_keys.is_empty() {
        out.retain(|d| {
            d.diagnostic.key.as_ref().is_none_or(|k| {
                let k = k.revealed();
                !settings.ignore_keys.iter().any(|p| matches_pattern(p, &k))
            })
        });
    }
    for d in &mut out {
        if let Some(sev) = settings.severity_override(d.diagnostic.rule) {
            d.diagnostic.severity = sev;
        }
    }
    out.sort_by(|a, b| (&a.path, a.diagnostic.span.start).cmp(&(&b.path, b.diagnostic.span.start)));
    out
}

/// Drops the findings a suppression comment covers, in env files (`# envlint: ignore…`) and
/// in source files (`envlint: ignore` directives), the way `lint_env_file` does for the
/// file rules. Each file's directives are gathered once, and only for files with findings.
pub(crate) fn remove_suppressed(project: &Project, out: &mut Vec<FileDiagnostic>) {
    if out.is_empty() {
        return;
    }
    let env: HashMap<&str, &EnvFile> = project
        .env_files
        .iter()
        .map(|f| (f.path.as_str(), f))
        .collect();
    let sources: HashMap<&str, &SourceFile> = project
        .sources
        .iter()
        .map(|s| (s.path.as_str(), s))
        .collect();
    let mut directives: HashMap<&str, Suppressions> = HashMap::new();
    out.retain(|d| {
        if let Some(f) = env.get(d.path.as_str()) {
            let s = directives
                .entry(f.path.as_str())
                .or_insert_with(|| Suppressions::from_document(&f.doc));
            return !s.suppresses(&d.diagnostic);
        }
        sources
            .get(d.path.as_str())
            .is_none_or(|s| !s.suppressed(d.diagnostic.span.start, d.diagnostic.rule))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_by_any_name_are_examples() {
        for example in [
            ".env.example",
            ".env.dev.example",
            ".env.prod.example",
            ".env.production.sample",
            ".env.example.local",
            "api.env.template",
            "example.env",
            ".env.defaults",
        ] {
            assert_eq!(Role::of(example), Role::Example, "{example}");
        }
        for local in [
            ".env",
            ".env.local",
            ".env.production",
            "exampleapp.env",
            ".env.samples",
        ] {
            assert_eq!(Role::of(local), Role::Local, "{local}");
        }
    }

    #[test]
    fn compose_paths_join_inside_the_project_only() {
        assert_eq!(join_relative("docker", "..").as_deref(), Some(""));
        assert_eq!(
            join_relative("docker", "./.env").as_deref(),
            Some("docker/.env")
        );
        assert_eq!(
            join_relative("", "apps/web/.env").as_deref(),
            Some("apps/web/.env")
        );
        assert_eq!(join_relative("", ".."), None);
        assert_eq!(join_relative("docker", "/etc/app.env"), None);
        assert_eq!(join_relative("docker", "${ENV_FILE}"), None);
    }

    #[test]
    fn governing_example_is_the_nearest_at_or_above() {
        let ex = |p: &str| EnvFile {
            path: p.to_owned(),
            role: Role::Example,
            doc: Document::parse(Vec::new(), &envlint_dotenv::ParseOptions::isolated()),
        };
        let project = Project {
            env_files: vec![ex(".env.example"), ex("apps/web/.env.example")],
            ..Project::default()
        };
        assert_eq!(
            project.governing_examples("apps/web/src/a.ts")[0].path,
            "apps/web/.env.example"
        );
        assert_eq!(
            project.governing_examples("apps/api/main.py")[0].path,
            ".env.example"
        );
        assert_eq!(
            project.governing_examples("main.rs")[0].path,
            ".env.example"
        );
        assert!(matches_pattern("APP_*", "APP_PORT") && matches_pattern("*_URL", "DB_URL"));
        assert!(is_under("apps/web/src/a.ts", "") && is_under("apps/web/a.ts", "apps/web"));
        assert!(!is_under("apps/webapp/a.ts", "apps/web"));
        assert!(platform_provided("GITHUB_SHA") && !platform_provided("DATABASE_URL"));
        assert!(is_definable("A.B_1") && !is_definable("CFLAGS_x86_64-unknown-linux-gnu"));
        for name in ["A.B_1", "x", "CFLAGS_x86_64-unknown-linux-gnu", "A B", "É"] {
            let doc = Document::parse(
                format!("{name}=1\n"),
                &envlint_dotenv::ParseOptions::isolated(),
            );
            let defined = doc.entries().any(|e| e.key(&doc) == name);
            assert_eq!(is_definable(name), defined, "{name}");
        }
    }

    #[test]
    fn committed_framework_defaults_document_their_keys() {
        use crate::rules::test_support::{project_check_git, project_of};
        let next = [
            ("package.json", "{\"dependencies\": {\"next\": \"15\"}}"),
            (".env.example", "DATABASE_URL=\n"),
            (".env.development", "NEXT_PUBLIC_API_URL=http://localhost:4000\n"),
            (".env.local", "DATABASE_URL=postgres://localhost/dev\n"),
            ("app/page.ts", "process.env.NEXT_PUBLIC_API_URL!;\nprocess.env.DATABASE_URL!;\nprocess.env.NEXT_PUBLIC_STAGING_URL!;\n"),
            (".env.staging", "NEXT_PUBLIC_STAGING_URL=https://staging.test\n"),
        ];
        let project = project_of(&next);
        let docs = project.documented_for("app/page.ts");
        assert!(docs.contains("NEXT_PUBLIC_API_URL") && docs.contains("DATABASE_URL"));
        // Next.js has no `staging` mode: that file is a developer's, not documentation.
        assert!(!docs.contains("NEXT_PUBLIC_STAGING_URL"));
        let found = project_check_git(
            "missing-in-example",
            &next,
            &[".env.local"],
            &[".env.development"],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].1.contains("NEXT_PUBLIC_STAGING_URL"));
        // Vite loads any mode.
        let mut vite = next;
        vite[0] = ("package.json", "{\"devDependencies\": {\"vite\": \"6\"}}");
        let project = project_of(&vite);
        assert!(project
            .documented_for("app/page.ts")
            .contains("NEXT_PUBLIC_STAGING_URL"));
        // Ignored by git, or holding a secret: not documentation.
        let ignored = project_check_git("missing-in-example", &next, &[".env.development"], &[]);
        assert_eq!(ignored.len(), 2, "{ignored:?}");
        let mut secret = next;
        secret[2] = (
            ".env.development",
            "NEXT_PUBLIC_API_URL=x\nSTRIPE_SECRET_KEY=sk_live_51HabcdefghijklmnopqrstuvwxYZ0123\n",
        );
        assert!(!project_of(&secret)
            .documented_for("app/page.ts")
            .contains("NEXT_PUBLIC_API_URL"));
        // Without a package.json (a Django app's .env.production) nothing changes.
        let django = [
            (".env.example", ""),
            (".env.production", "A=1\n"),
            ("app.py", "import os\nos.environ['A']\n"),
        ];
        assert!(project_of(&django).documented_for("app.py").is_empty());
    }
}
