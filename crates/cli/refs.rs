//! `envlint refs`: list the environment-variable reads in source code.
//!
//! Why the walk differs from `check`'s: source files follow the repository's ignore rules
//! (.gitignore, .ignore, git's excludes), because ignored code is not the project's; build
//! output and dependency folders are skipped unless asked. Every file goes through a cheap
//! byte prefilter before it is parsed; files too large to be hand-written code are counted
//! and reported, never silently dropped.

use std::path::PathBuf;

use envlint_core::LineIndex;
use envlint_scan::{Language, Scan};
use ignore::WalkBuilder;

/// Folders of generated code or other people's code.
const SKIPPED_DIRS: &[&str] = &[
    "node_modules",
    "target",
    "dist",
    "build",
    ".git",
    ".venv",
    "venv",
];

/// Files larger than this are not parsed (generated or minified), only counted.
const MAX_SOURCE_BYTES: u64 = 4 << 20;

/// A line this long means minified or generated code (bundles): not parsed, only counted.
const MAX_LINE_BYTES: usize = 32 << 10;

/// A read, with its position resolved (the file's text is not kept).
pub(crate) struct Row {
    pub(crate) name: Option<String>,
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) kind: &'static str,
    pub(crate) form: &'static str,
    pub(crate) hint: Option<String>,
}

/// A scanned file, reduced to what is printed.
pub(crate) struct Scanned {
    pub(crate) path: PathBuf,
    pub(crate) language: Language,
    pub(crate) refs: Vec<Row>,
    pub(crate) dynamic: Vec<Row>,
    pub(crate) warning: Option<String>,
}

/// What the walk saw besides scanned files.
#[derive(Default)]
pub(crate) struct Stats {
    pub(crate) files: usize,
    pub(crate) prefiltered: usize,
    pub(crate) too_large: Vec<PathBuf>,
    pub(crate) errors: Vec<String>,
}

/// Source files to scan, and problems met while walking.
type Walked = (Vec<(PathBuf, Language)>, Vec<String>);

pub(crate) fn source_files(
    paths: &[PathBuf],
    include_skipped: bool,
    excludes: &ignore::overrides::Override,
) -> Result<Walked, String> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(format!("{}: no such file or directory", path.display()));
        }
        if path.is_file() {
            match Language::of(path) {
                Some(l) => files.push((path.clone(), l)),
                None => errors.push(format!(
                    "{}: not a source file envlint reads",
                    path.display()
                )),
            }
            continue;
        }
        let walker = WalkBuilder::new(path)
            .hidden(true)
            .ignore(true)
            .git_ignore(true)
            .git_global(true)
            .git_exclude(true)
            .parents(true)
            .require_git(false)
            .follow_links(false)
            .overrides(excludes.clone())
            .filter_entry(move |e| {
                include_skipped || !crate::discover::is_skipped_dir(e, SKIPPED_DIRS)
            })
            .build();
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                    if let Some(l) = Language::of(e.path()) {
                        files.push((e.into_path(), l));
                    }
                }
                Ok(_) => {}
                Err(e) => errors.push(e.to_string()),
            }
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    Ok((files, errors))
}

/// Reads, prefilters and scans one file. `Ok(None)`: nothing to scan.
pub(crate) fn scan_file(
    path: &PathBuf,
    language: Language,
) -> Result<Option<Scanned>, (bool, String)> {
    let meta = std::fs::metadata(path).map_err(|e| (false, format!("{}: {e}", path.display())))?;
    if meta.len() > MAX_SOURCE_BYTES {
        return Err((true, String::new()));
    }
    let bytes = std::fs::read(path).map_err(|e| (false, format!("{}: {e}", path.display())))?;
    if !envlint_scan::might_read_env(language, &bytes) {
        return Ok(None);
    }
    if bytes.len() > MAX_LINE_BYTES && longest_line(&bytes) > MAX_LINE_BYTES {
        return Err((true, String::new()));
    }
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return Err((
            false,
            format!("{}: not valid UTF-8; not scanned", path.display()),
        ));
    };
    let Some(scan) = envlint_scan::scan(path, text) else {
        return Ok(None);
    };
    Ok(Some(reduce(path, language, &bytes, scan)))
}

/// Resolves positions and drops the text: results of thousands of files stay small.
fn reduce(path: &std::path::Path, language: Language, bytes: &[u8], scan: Scan) -> Scanned {
    let index = LineIndex::new(bytes);
    let row = |start: usize,
               name: Option<String>,
               kind: &'static str,
               form: &'static str,
               hint: Option<String>| {
        let (line, column) = index.line_col(bytes, start);
        Row {
            name,
            line,
            column,
            kind,
            form,
            hint,
        }
    };
    let refs = scan
        .refs
        .into_iter()
        .map(|r| row(r.span.start, Some(r.name), r.kind.as_str(), r.form, None))
        .collect();
    let dynamic = scan
        .dynamic
        .into_iter()
        .map(|d| row(d.span.start, None, "dynamic", d.form, d.hint))
        .collect();
    Scanned {
        path: path.to_path_buf(),
        language,
        refs,
        dynamic,
        warning: scan.warning,
    }
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

pub(crate) fn stats_note(stats: &Stats) -> Option<String> {
    if stats.too_large.is_empty() {
        return None;
    }
    Some(format!(
        "skipped {} file{} larger than {} MiB or with lines over {} KiB (generated or minified code): {}",
        stats.too_large.len(),
        if stats.too_large.len() == 1 { "" } else { "s" },
        MAX_SOURCE_BYTES >> 20,
        MAX_LINE_BYTES >> 10,
        stats
            .too_large
            .iter()
            .take(5)
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// What `check` needs from one source file: its reads and, when `secrets` is on, the
/// credentials written in it. `None` when it has neither (or cannot be read as UTF-8).
pub(crate) struct ProjectScan {
    pub(crate) scan: Scan,
    pub(crate) directives: Vec<envlint_scan::Directive>,
    pub(crate) lines: LineIndex,
    pub(crate) secrets: Vec<envlint_core::secret::Hit>,
}

/// Reads a source file once for both the reference scan and the secret scan. Minified
/// files (very long lines) are not parsed for reads, but a credential in one is still
/// reported: the text scan is linear.
pub(crate) fn scan_project_source(
    path: &PathBuf,
    language: Language,
    secrets: bool,
) -> Option<ProjectScan> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.len() > MAX_SOURCE_BYTES {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    let reads = envlint_scan::might_read_env(language, &bytes)
        && !(bytes.len() > MAX_LINE_BYTES && longest_line(&bytes) > MAX_LINE_BYTES);
    if !reads && !secrets {
        return None;
    }
    let text = std::str::from_utf8(&bytes).ok()?;
    let hits = if secrets {
        envlint_core::secret::scan_text(text)
    } else {
        Vec::new()
    };
    let scan = if reads {
        envlint_scan::scan(path, text).unwrap_or_default()
    } else {
        Scan::default()
    };
    if scan.refs.is_empty() && scan.dynamic.is_empty() && hits.is_empty() {
        return None;
    }
    Some(ProjectScan {
        scan,
        directives: envlint_scan::directives(text),
        lines: LineIndex::new(&bytes),
        secrets: hits,
    })
}
