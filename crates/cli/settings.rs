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
