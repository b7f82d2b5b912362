//! Finding env files and source files under the paths the user gave.
//!
//! Why the two walks differ: source files follow the repository's ignore rules (.gitignore,
//! .ignore, git's excludes), because ignored code is not the project's. Env files are
//! hidden and usually listed in `.gitignore`, so those same rules would skip exactly the
//! files envlint exists to check: their walk takes hidden files, honours no VCS rules, and
//! instead skips a fixed list of dependency and build folders. Both skip the configured
//! `exclude` globs.

use std::path::{Path, PathBuf};

use envlint_scan::Language;
use ignore::overrides::{Override, OverrideBuilder};

use crate::fs::{io_reason, FileSystem, Kind, WalkSpec};

/// Folders that hold other people's files or generated output, never the project's own env
/// files.
const SKIPPED_ENV_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    "target",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".mypy_cache",
    ".pytest_cache",
    ".next",
    ".nuxt",
    ".svelte-kit",
    ".turbo",
    ".cache",
];

/// Folders of generated code or other people's code, not walked for sources unless asked.
const SKIPPED_SOURCE_DIRS: &[&str] = &[
    "node_modules",
    "target",
    "dist",
    "build",
    ".git",
    ".venv",
    "venv",
];

/// Extensions that mark a file as code or data about env files, not an env file
/// (`.env.ts`, `env.d.ts`, `.env.example.json`, editor swap files).
const NOT_ENV_EXTENSIONS: &[&str] = &[
    "js", "mjs", "cjs", "ts", "mts", "cts", "jsx", "tsx", "py", "rs", "go", "rb", "php", "json",
    "yaml", "yml", "toml", "md", "sh", "bash", "zsh", "fish", "ps1", "swp", "swo", "lock", "vault",
    "gpg", "age", "enc", "asc",
];

/// Whether a file name is an env file: `.env`, `.env.*` or `*.env` (not `.envrc`, which is a
/// shell script, nor code files named after env files).
pub fn is_env_file_name(name: &str) -> bool {
    let candidate = name == ".env" || name.starts_with(".env.") || name.ends_with(".env");
    if !candidate || name == ".envrc" {
        return false;
    }
    match name.rsplit_once('.') {
        Some((_, ext)) => !NOT_ENV_EXTENSIONS.contains(&ext),
        None => true,
    }
}

/// A problem met while walking a folder the user named.
#[derive(Debug)]
pub struct PathError {
    /// The folder, as given.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

/// The configured `exclude` globs (relative to `root`, absolute) as a walker override: the
/// env-file walk and the source walk both skip what they match.
pub(crate) fn excludes(exclude: &[String], root: &Path) -> Result<Override, String> {
    let mut b = OverrideBuilder::new(root);
    for glob in exclude {
        b.add(&format!("!{glob}"))
            .map_err(|e| format!("invalid exclude pattern `{glob}`: {e}"))?;
    }
    b.build().map_err(|e| e.to_string())
}

/// Where the walk found `found` (absolute, below `abs`), as a path below `given` (the form
/// the user gave, which is how paths are shown).
fn as_given(given: &Path, abs: &Path, found: PathBuf) -> PathBuf {
    match found.strip_prefix(abs) {
        Ok(below) => given.join(below),
        Err(_) => found,
    }
}

/// The env files under `paths` (as given; `base` resolves them), sorted and deduplicated.
/// Explicit files are always included, whatever their name; `overrides` holds the
/// configured exclusions. A path that does not exist is an error.
pub(crate) fn env_files(
    fs: &dyn FileSystem,
    base: &Path,
    paths: &[PathBuf],
    overrides: &Override,
) -> Result<(Vec<PathBuf>, Vec<PathError>), String> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        // Tidied (`/base/./x` is `/base/x`): globs match against what the walk yields.
        let abs = crate::fs::normalize(&base.join(path));
        let meta = fs
            .metadata(&abs)
            .map_err(|e| format!("{}: {}", path.display(), io_reason(&e)))?;
        if meta.kind == Kind::File {
            files.push(path.clone());
            continue;
        }
        let spec = WalkSpec {
            respect_ignores: false,
            skip_dirs: SKIPPED_ENV_DIRS,
            overrides,
        };
        for entry in fs.walk(&abs, &spec) {
            match entry {
                Ok(found) => {
                    if found
                        .file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(is_env_file_name)
                    {
                        files.push(as_given(path, &abs, found));
                    }
                }
                Err(message) => errors.push(PathError {
                    path: path.clone(),
                    message,
                }),
            }
        }
    }
    files.sort();
    files.dedup();
    Ok((files, errors))
}

/// Source files to scan (as given), and problems met while walking.
pub(crate) type Walked = (Vec<(PathBuf, Language)>, Vec<String>);

/// The source files under `paths`: the repository's ignore rules apply (ignored code is not
/// the project's), and dependency and build folders are skipped unless `include_skipped`.
pub(crate) fn source_files(
    fs: &dyn FileSystem,
    base: &Path,
    paths: &[PathBuf],
    include_skipped: bool,
    excludes: &Override,
) -> Result<Walked, String> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        // Tidied (`/base/./x` is `/base/x`): globs match against what the walk yields.
        let abs = crate::fs::normalize(&base.join(path));
        let Ok(meta) = fs.metadata(&abs) else {
            return Err(format!("{}: no such file or directory", path.display()));
        };
        if meta.kind == Kind::File {
            match Language::of(path) {
                Some(l) => files.push((path.clone(), l)),
                None => errors.push(format!(
                    "{}: not a source file envlint reads",
                    path.display()
                )),
            }
            continue;
        }
        let spec = WalkSpec {
            respect_ignores: true,
            skip_dirs: if include_skipped {
                &[]
            } else {
                SKIPPED_SOURCE_DIRS
            },
            overrides: excludes,
        };
        for entry in fs.walk(&abs, &spec) {
            match entry {
                Ok(found) => {
                    if let Some(l) = Language::of(&found) {
                        files.push((as_given(path, &abs, found), l));
                    }
                }
                Err(e) => errors.push(e),
            }
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    Ok((files, errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_file_names() {
        for yes in [
            ".env",
            ".env.local",
            ".env.example",
            "test.env",
            ".env.production.local",
            ".env.bak",
        ] {
            assert!(is_env_file_name(yes), "{yes}");
        }
        for no in [
            ".envrc",
            "env.ts",
            ".env.ts",
            "environment",
            "settings.py",
            ".env.example.json",
            "dotenv",
        ] {
            assert!(!is_env_file_name(no), "{no}");
        }
    }
}
