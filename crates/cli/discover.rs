//! Finding env files under the paths the user gave.
//!
//! Why every walker filter is set by hand: `.env` files are hidden files and are usually
//! listed in `.gitignore`, so the `ignore` crate's defaults (skip hidden, honour
//! .gitignore) would skip exactly the files envlint exists to check. We walk hidden files,
//! ignore no VCS rules, and instead skip a fixed list of dependency and build folders plus
//! the configured `exclude` globs.

use std::path::{Path, PathBuf};

use ignore::overrides::{Override, OverrideBuilder};
use ignore::WalkBuilder;

/// Folders that hold other people's files or generated output, never the project's own env
/// files.
const SKIPPED_DIRS: &[&str] = &[
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

/// Extensions that mark a file as code or data about env files, not an env file
/// (`.env.ts`, `env.d.ts`, `.env.example.json`, editor swap files).
const NOT_ENV_EXTENSIONS: &[&str] = &[
    "js", "mjs", "cjs", "ts", "mts", "cts", "jsx", "tsx", "py", "rs", "go", "rb", "php", "json",
    "yaml", "yml", "toml", "md", "sh", "bash", "zsh", "fish", "ps1", "swp", "swo", "lock", "vault",
    "gpg", "age", "enc", "asc",
];

/// Whether a file name is an env file: `.env`, `.env.*` or `*.env` (not `.envrc`, which is a
/// shell script, nor code files named after env files).
pub(crate) fn is_env_file_name(name: &str) -> bool {
    let candidate = name == ".env" || name.starts_with(".env.") || name.ends_with(".env");
    if !candidate || name == ".envrc" {
        return false;
    }
    match name.rsplit_once('.') {
        Some((_, ext)) => !NOT_ENV_EXTENSIONS.contains(&ext),
        None => true,
    }
}

/// A problem with a path the user named.
#[derive(Debug)]
pub(crate) struct PathError {
    pub(crate) path: PathBuf,
    pub(crate) message: String,
}

/// The configured `exclude` globs (relative to `root`) as a walker override: the env-file
/// walk and the source walk of `check` both skip what they match.
pub(crate) fn excludes(exclude: &[String], root: &Path) -> Result<Override, String> {
    let mut b = OverrideBuilder::new(root);
    for glob in exclude {
        b.add(&format!("!{glob}"))
            .map_err(|e| format!("invalid exclude pattern `{glob}`: {e}"))?;
    }
    b.build().map_err(|e| e.to_string())
}

/// The env files under `paths`, sorted and deduplicated. Explicit files are always
/// included, whatever their name; `overrides` holds the configured exclusions.
pub(crate) fn env_files(
    paths: &[PathBuf],
    overrides: &Override,
) -> Result<(Vec<PathBuf>, Vec<PathError>), String> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                return Err(format!("{}: {}", path.display(), io_reason(&e)));
            }
        };
        if meta.is_file() {
            files.push(path.clone());
            continue;
        }
        let walker = WalkBuilder::new(path)
            .hidden(false)
            .ignore(false)
            .git_ignore(false)
            .git_global(false)
            .git_exclude(false)
            .parents(false)
            .require_git(false)
            .follow_links(false)
            .overrides(overrides.clone())
            .filter_entry(|e| !is_skipped_dir(e, SKIPPED_DIRS))
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    if e.file_type().is_some_and(|t| t.is_file())
                        && e.file_name().to_str().is_some_and(is_env_file_name)
                    {
                        files.push(e.into_path());
                    }
                }
                Err(e) => errors.push(PathError {
                    path: path.clone(),
                    message: e.to_string(),
                }),
            }
        }
    }
    files.sort();
    files.dedup();
    Ok((files, errors))
}

/// Whether a walk should not enter `e`: a folder below the root named in `names`.
pub(crate) fn is_skipped_dir(e: &ignore::DirEntry, names: &[&str]) -> bool {
    e.depth() > 0
        && e.file_type().is_some_and(|t| t.is_dir())
        && e.file_name().to_str().is_some_and(|n| names.contains(&n))
}

/// The reason of an I/O error in a few plain words.
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_lowercase(),
                None => s,
            }
        }
    }
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
