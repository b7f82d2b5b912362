//! Finding and loading the configuration file: nearest wins.
//!
//! Why in the CLI: it is file-system I/O. The search starts at the first path argument and
//! goes up to the root; in each folder `envlint.toml`, `.envlint.toml`, then a
//! `pyproject.toml` with `[tool.envlint]`, then a `Cargo.toml` with envlint metadata. A
//! pyproject.toml or Cargo.toml without an envlint table does not stop the search.

use std::path::{Path, PathBuf};

use envlint_core::config::ConfigFileKind;
use envlint_core::Config;

/// A loaded configuration and the folder it applies from.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    pub(crate) config: Config,
    pub(crate) path: Option<PathBuf>,
    pub(crate) root: PathBuf,
}

fn read(path: &Path, kind: ConfigFileKind) -> Result<Option<Config>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: {}", path.display(), crate::discover::io_reason(&e)))?;
    Config::from_file_text(kind, &text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Loads `explicit`, or the nearest configuration above `start`.
pub(crate) fn load(explicit: Option<&Path>, start: &Path) -> Result<Loaded, String> {
    if let Some(path) = explicit {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let kind = ConfigFileKind::of(name).unwrap_or(ConfigFileKind::Envlint);
        let config =
            read(path, kind)?.ok_or_else(|| format!("{}: has no envlint table", path.display()))?;
        let root = path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        return Ok(Loaded {
            config,
            path: Some(path.to_path_buf()),
            root,
        });
    }
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    let mut dir = if start.is_file() {
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
            if !candidate.is_file() {
                continue;
            }
            let kind = ConfigFileKind::of(name).unwrap_or(ConfigFileKind::Envlint);
            if let Some(config) = read(&candidate, kind)? {
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
pub(crate) struct PerFile {
    root: PathBuf,
    entries: Vec<(ignore::gitignore::Gitignore, Vec<String>)>,
}

impl PerFile {
    /// Compiles the globs (relative to the configuration's folder `root`).
    pub(crate) fn new(
        map: &std::collections::BTreeMap<String, Vec<String>>,
        root: &Path,
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
        Ok(PerFile { root, entries })
    }

    /// The rules a matching glob silences for `path` (as shown, relative to the current
    /// folder); `"ALL"` stands for every rule.
    fn silenced(&self, path: &str) -> Vec<&String> {
        if self.entries.is_empty() {
            return Vec::new();
        }
        let Ok(abs) = std::path::absolute(path) else {
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

    /// Drops the diagnostics of `path` (as shown, relative to the current folder) whose rule
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
