//! Finding env files and source files under the paths the user gave.
//!
//! Why the two walks differ: source files follow the repository's ignore rules (.gitignore,
//! .ignore, git's excludes), because ignored code is not the project's. Env files are
//! hidden and usually listed in `.gitignore`, so those same rules would skip exactly the
//! files envlint exists to check: their walk takes hidden files, honours no VCS rules, and
//! instead skips a fixed list of dependency and build folders. Both skip the configured
//! `exclude` globs.
//!
//! Neither walk follows symbolic links (a link to a folder could lead out of the project or
//! round in a loop). What each does with what it meets, and why:
//! - the env-file walk reports links named like env files: a `.env`
//!   linked to a shared file is common, so the workspace reads it when the link points
//!   inside the project and says so when it points elsewhere, rather than skipping it
//!   silently; FIFOs, sockets and devices named like env files are listed like files, so
//!   that reading them fails with a message (`not a regular file (a FIFO); not read`)
//!   instead of the file vanishing from the run;
//! - the source walk takes regular files only: a linked or special `*.ts` is not the
//!   project's code to scan, and is skipped;
//! - a folder is a folder, whatever its name: a folder named `.env` is walked like any
//!   other (and, named on the command line, it is what `check DIR` means), never read.
//!
//! File names are matched on their lossy UTF-8 form (a name that is not UTF-8 is still
//! found), and kept as the `PathBuf`s the walk returned: reading uses those.

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
    // Not `wg_portal.env.example`: real repositories keep other programs' configurations
    // under such names (lldap's `example_configs/`), often not in dotenv syntax at all.
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

/// The env files found under the paths given.
#[derive(Debug, Default)]
pub struct EnvFiles {
    /// Env files (as given), sorted and deduplicated: regular files, links to files inside
    /// the project, paths named on the command line whatever they are, and special files
    /// named like env files (reading those is refused with a message).
    pub files: Vec<PathBuf>,
    /// Problems met while walking.
    pub errors: Vec<PathError>,
    /// Links not followed, and why (`.env -> /etc/x: points outside the project; not
    /// checked`).
    pub notes: Vec<String>,
}

/// What the walk found: the env files, and the symbolic links named like env files (as
/// given), not yet judged (the workspace reads those pointing inside the project).
pub(crate) type Found = (EnvFiles, Vec<PathBuf>);

/// The env files under `paths` (as given; `base` resolves them), sorted and deduplicated.
/// Explicit files are always included, whatever their name; `overrides` holds the
/// configured exclusions. A path that does not exist is an error.
pub(crate) fn env_files(
    fs: &dyn FileSystem,
    base: &Path,
    paths: &[PathBuf],
    overrides: &Override,
) -> Result<Found, String> {
    let mut found = EnvFiles::default();
    let mut links = Vec::new();
    for path in paths {
        // Tidied (`/base/./x` is `/base/x`): globs match against what the walk yields.
        let abs = crate::fs::normalize(&base.join(path));
        let meta = match fs.metadata(&abs) {
            Ok(meta) => meta,
            // A broken link named by the user: reading it says so.
            Err(_) if fs.symlink_metadata(&abs).is_ok() => {
                found.files.push(path.clone());
                continue;
            }
            Err(e) => return Err(format!("{}: {}", path.display(), io_reason(&e))),
        };
        if meta.kind != Kind::Dir {
            // Named by the user: read (or refused when read) whatever it is.
            found.files.push(path.clone());
            continue;
        }
        let spec = WalkSpec {
            respect_ignores: false,
            skip_dirs: SKIPPED_ENV_DIRS,
            overrides,
        };
        for entry in fs.walk(&abs, &spec) {
            match entry {
                Ok(entry) => {
                    let named = entry
                        .path
                        .file_name()
                        .is_some_and(|n| is_env_file_name(&n.to_string_lossy()));
                    if !named {
                        continue;
                    }
                    let given = as_given(path, &abs, entry.path);
                    match entry.kind {
                        Kind::Symlink => links.push(given),
                        _ => found.files.push(given),
                    }
                }
                Err(message) => found.errors.push(PathError {
                    path: path.clone(),
                    message,
                }),
            }
        }
    }
    found.files.sort();
    found.files.dedup();
    links.sort();
    links.dedup();
    Ok((found, links))
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
        match meta.kind {
            Kind::File => {
                match Language::of(path) {
                    Some(l) => files.push((path.clone(), l)),
                    None => errors.push(format!(
                        "{}: not a source file envlint reads",
                        path.display()
                    )),
                }
                continue;
            }
            Kind::Special(_) | Kind::Symlink => {
                errors.push(format!(
                    "{}: {}",
                    path.display(),
                    io_reason(&crate::fs::not_regular(meta.kind))
                ));
                continue;
            }
            Kind::Dir => {}
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
                // Links and special files are not the project's code (see the module docs).
                Ok(found) if found.kind == Kind::File => {
                    if let Some(l) = Language::of(&found.path) {
                        files.push((as_given(path, &abs, found.path), l));
                    }
                }
                Ok(_) => {}
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
            ".env.dev.example",
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
            "wg_portal.env.example",
        ] {
            assert!(!is_env_file_name(no), "{no}");
        }
    }

    use std::sync::Arc;

    use crate::fs::{MemoryFs, Special};
    use crate::Workspace;

    fn shown(ws: &Workspace, files: &[PathBuf]) -> Vec<String> {
        files.iter().map(|f| ws.display(f)).collect()
    }

    #[test]
    fn links_inside_the_project_are_env_files_and_the_others_are_noted() {
        let mut fs = MemoryFs::new()
            .with("/p/shared/base.env", "A=1\n")
            .with("/etc/x", "SECRET=1\n");
        fs.insert_link("/p/app/.env", "../shared/base.env");
        fs.insert_link("/p/.env.outside", "/etc/x");
        fs.insert_link("/p/.env.broken", "gone.env");
        fs.insert_link("/p/.env.d", "shared");
        fs.insert_special("/p/.env.fifo", Special::Fifo);
        let ws = Workspace::unconfigured(Arc::new(fs), "/p".into()).without_git();
        let found = ws.env_files(&[".".into()]).unwrap();
        // The link inside is an env file, shown by its own path; a link to a folder is not
        // followed; the FIFO is listed, to be refused when read.
        assert_eq!(
            shown(&ws, &found.files),
            [".env.fifo", "app/.env", "shared/base.env"]
        );
        assert_eq!(
            found.notes,
            [
                ".env.broken -> gone.env: the link's target does not exist; not checked",
                ".env.outside -> /etc/x: points outside the project; not checked",
            ]
        );
        assert_eq!(ws.read_env(Path::new("app/.env")).unwrap(), b"A=1\n");
        assert_eq!(
            ws.read_env(Path::new(".env.fifo")).unwrap_err(),
            ".env.fifo: not a regular file (a FIFO); not read"
        );
        // Named explicitly, a link outside is refused when read, with the same words.
        let named = ws.env_files(&[".env.outside".into()]).unwrap();
        assert_eq!(shown(&ws, &named.files), [".env.outside"]);
        assert_eq!(
            ws.read_env(Path::new(".env.outside")).unwrap_err(),
            ".env.outside -> /etc/x: points outside the project; not checked"
        );
        assert_eq!(
            ws.read_env(Path::new("shared")).unwrap_err(),
            "shared: a folder, not a file"
        );
        let broken = ws.env_files(&[".env.broken".into()]).unwrap();
        assert_eq!(shown(&ws, &broken.files), [".env.broken"]);
        assert_eq!(
            ws.read_env(Path::new(".env.broken")).unwrap_err(),
            ".env.broken -> gone.env: the link's target does not exist; not checked"
        );
        // `check` reports the FIFO as a file it could not read, and the notes.
        let report = ws.check(&[".".into()], &Default::default()).unwrap();
        assert_eq!(
            report.errors,
            [".env.fifo: not a regular file (a FIFO); not read"]
        );
        assert_eq!(report.notes[..2], found.notes[..], "{:?}", report.notes);
    }

    #[test]
    fn a_folder_named_like_an_env_file_is_a_folder() {
        let fs = MemoryFs::new().with("/p/.env/production.env", "A=1\n");
        let ws = Workspace::unconfigured(Arc::new(fs), "/p".into()).without_git();
        for given in [".", ".env"] {
            let found = ws.env_files(&[given.into()]).unwrap();
            assert_eq!(shown(&ws, &found.files), [".env/production.env"], "{given}");
        }
    }

    #[test]
    fn the_repository_holding_a_link_is_inside_the_project() {
        let mut fs = MemoryFs::new()
            .with("/r/.git/HEAD", "ref: refs/heads/main\n")
            .with("/r/.env.shared", "A=1\n");
        fs.insert_link("/r/apps/web/.env", "../../.env.shared");
        let ws = Workspace::unconfigured(Arc::new(fs), "/r/apps/web".into());
        let found = ws.env_files(&[".".into()]).unwrap();
        assert_eq!(shown(&ws, &found.files), [".env"]);
        assert!(found.notes.is_empty(), "{:?}", found.notes);
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_are_found_shown_lossy_and_read_for_real() {
        use std::os::unix::ffi::OsStrExt;
        let real = Path::new("/p").join(std::ffi::OsStr::from_bytes(b".env.\xff"));
        let fs = MemoryFs::new().with(&real, "A=1\n");
        let ws = Workspace::unconfigured(Arc::new(fs), "/p".into()).without_git();
        let found = ws.env_files(&[".".into()]).unwrap();
        assert_eq!(shown(&ws, &found.files), [".env.\u{fffd}"]);
        assert_eq!(ws.resolve(".env.\u{fffd}"), real);
        assert_eq!(ws.read(".env.\u{fffd}").unwrap(), b"A=1\n");
        let report = ws.check(&[".".into()], &Default::default()).unwrap();
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert_eq!(report.files[0].path, ".env.\u{fffd}");
    }
}
