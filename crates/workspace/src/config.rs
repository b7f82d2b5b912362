//! Finding and loading the configuration file: nearest wins.
//!
//! Why in the workspace: the CLI and the language server must find exactly the same
//! configuration for the same file. The search starts at the first path given and goes up
//! to the file system's root; in each folder `envlint.toml`, `.envlint.toml`, then a
//! `pyproject.toml` with `[tool.envlint]`, then a `Cargo.toml` with envlint metadata. A
//! pyproject.toml or Cargo.toml without an envlint table does not stop the search.

use std::path::{Path, PathBuf};

use envlint_core::config::ConfigFileKind;
use envlint_core::Config;

use crate::fs::{io_reason, FileSystem};

/// A loaded configuration and the folder it applies from.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    pub(crate) config: Config,
    /// The file, as given or as found (`None`: defaults).
    pub(crate) path: Option<PathBuf>,
    /// The folder its globs are relative to (absolute).
    pub(crate) root: PathBuf,
}

fn read(
    fs: &dyn FileSystem,
    at: &Path,
    shown: &Path,
    kind: ConfigFileKind,
) -> Result<Option<Config>, String> {
    let bytes = fs
        .read(at)
        .map_err(|e| format!("{}: {}", shown.display(), io_reason(&e)))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("{}: stream did not contain valid UTF-8", shown.display()))?;
    Config::from_file_text(kind, &text).map_err(|e| format!("{}: {e}", shown.display()))
}

/// Loads `explicit` (as given; `base` resolves it), or the nearest configuration above
/// `start` (absolute).
pub(crate) fn load(
    fs: &dyn FileSystem,
    base: &Path,
    explicit: Option<&Path>,
    start: &Path,
) -> Result<Loaded, String> {
    if let Some(path) = explicit {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let kind = ConfigFileKind::of(name).unwrap_or(ConfigFileKind::Envlint);
        let at = base.join(path);
        let config = read(fs, &at, path, kind)?
            .ok_or_else(|| format!("{}: has no envlint table", path.display()))?;
        let root = at
            .parent()
            .map_or_else(|| base.to_path_buf(), Path::to_path_buf);
        return Ok(Loaded {
            config,
            path: Some(path.to_path_buf()),
            root,
        });
    }
    let start = fs
        .canonicalize(start)
        .unwrap_or_else(|_| start.to_path_buf());
    let mut dir = if fs.is_file(&start) {
        start.parent().map(Path::to_path_buf)
    } else {
        Some(start.clone())
    };
    while let Some(d) = dir {
        for name in [
            "envlint.toml",
            ".envlint.toml",
            "pyproject.toml",
            "Cargo.toml",
        ] {
            let candidate = d.join(name);
            if !fs.is_file(&candidate) {
                continue;
            }
            let kind = ConfigFileKind::of(name).unwrap_or(ConfigFileKind::Envlint);
            if let Some(config) = read(fs, &candidate, &candidate, kind)? {
                return Ok(Loaded {
                    config,
                    path: Some(candidate),
                    root: d,
                });
            }
        }
        dir = d.parent().map(Path::to_path_buf);
    }
    Ok(Loaded {
        config: Config::default(),
        path: None,
        root: start,
    })
}

/// `per-file-ignores`: which rules each path glob silences.
#[derive(Debug)]
pub(crate) struct PerFile {
    /// What project paths are relative to (absolute).
    base: PathBuf,
    root: PathBuf,
    entries: Vec<(ignore::gitignore::Gitignore, Vec<String>)>,
}

impl PerFile {
    /// Compiles the globs (relative to the configuration's folder `root`, absolute), for
    /// project paths relative to `base` (absolute).
    pub(crate) fn new(
        map: &std::collections::BTreeMap<String, Vec<String>>,
        root: &Path,
        base: &Path,
    ) -> Result<PerFile, String> {
        let root = std::path::absolute(root).map_err(|e| e.to_string())?;
        let mut entries = Vec::new();
        for (glob, rules) in map {
            let mut b = ignore::gitignore::GitignoreBuilder::new(&root);
            b.add_line(None, glob)
                .map_err(|e| format!("invalid per-file-ignores pattern `{glob}`: {e}"))?;
            let m = b.build().map_err(|e| e.to_string())?;
            entries.push((m, rules.clone()));
        }
        Ok(PerFile {
            base: base.to_path_buf(),
            root,
            entries,
        })
    }

    /// The rules a matching glob silences for the project path `path`; `"ALL"` stands for
    /// every rule.
    fn silenced(&self, path: &str) -> Vec<&String> {
        if self.entries.is_empty() {
            return Vec::new();
        }
        // `base` is absolute, so this only tidies the path (no current folder is asked).
        let Ok(abs) = std::path::absolute(self.base.join(path)) else {
            return Vec::new();
        };
        if !abs.starts_with(&self.root) {
            return Vec::new();
        }
        self.entries
            .iter()
            .filter(|(m, _)| m.matched_path_or_any_parents(&abs, false).is_ignore())
            .flat_map(|(_, rules)| rules)
            .collect()
    }

    /// Whether a glob silences `rule` for `path`.
    pub(crate) fn silences(&self, path: &str, rule: &str) -> bool {
        self.silenced(path)
            .iter()
            .any(|r| r.eq_ignore_ascii_case("ALL") || r.as_str() == rule)
    }

    /// Drops the diagnostics of the project path `path` whose rule
    /// a matching glob silences.
    pub(crate) fn filter(&self, path: &str, diagnostics: &mut Vec<envlint_core::Diagnostic>) {
        let silenced = self.silenced(path);
        if silenced.is_empty() {
            return;
        }
        diagnostics.retain(|d| {
            !silenced
                .iter()
                .any(|r| r.eq_ignore_ascii_case("ALL") || r.as_str() == d.rule)
        });
    }
}
