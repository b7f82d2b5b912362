//! Git facts without running git: is a path ignored, is it in the index?
//!
//! The pipeline asks through the [`Git`] trait, so tests and library users can state the
//! facts ([`FakeGit`]) instead of building a repository. [`Repo`] answers from the files,
//! read through the workspace's [`FileSystem`].
//!
//! Why not shell out: envlint runs in editors, hooks and CI images where `git` may be absent
//! or a different version, and spawning it per file is slow. Ignore status follows git's
//! rules through the `ignore` crate's gitignore matchers (every `.gitignore` from the
//! repository root down to the file, deeper files winning, negations, ignored parent
//! folders, `.git/info/exclude`, `core.excludesFile`); tracked status comes from reading
//! the index file (versions 2, 3 and 4, SHA-1 and SHA-256). Worktrees (`.git` as a file)
//! are followed.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;

use crate::fs::FileSystem;

/// What the pipeline asks git: where the repository is, and whether a file is ignored or
/// tracked.
pub trait Git: Send + Sync + std::fmt::Debug {
    /// The working tree's root (absolute).
    fn root(&self) -> &Path;

    /// `path` (absolute) relative to the root, `/`-separated; `None` outside the
    /// repository. The file need not exist yet (one about to be created).
    fn relative(&self, path: &Path) -> Option<String>;

    /// Whether the index holds `rel` (committed or staged).
    fn is_tracked(&self, rel: &str) -> bool;

    /// Whether git's ignore rules cover `rel` (a file).
    fn is_ignored(&self, rel: &str) -> bool {
        self.is_ignored_with(rel, None)
    }

    /// As [`Git::is_ignored`], as if the `.gitignore` of folder `edited.0` (relative to the
    /// root, `""` for the root) held `edited.1`: to check an edit before making it.
    fn is_ignored_with(&self, rel: &str, edited: Option<(&str, &str)>) -> bool;
}

/// Facts stated instead of read: for tests and for library users whose files are not in a
/// repository on disk. Paths are relative to `root`. An edited root `.gitignore` (see
/// [`Git::is_ignored_with`]) is matched with git's rules before the stated facts.
#[derive(Clone, Debug, Default)]
pub struct FakeGit {
    /// The working tree's root.
    pub root: PathBuf,
    /// Files git ignores.
    pub ignored: HashSet<String>,
    /// Files in the index.
    pub tracked: HashSet<String>,
}

impl Git for FakeGit {
    fn root(&self) -> &Path {
        &self.root
    }

    fn relative(&self, path: &Path) -> Option<String> {
        let rel = crate::fs::normalize(path);
        let rel = rel.strip_prefix(&self.root).ok()?;
        Some(rel.to_string_lossy().replace('\\', "/"))
    }

    fn is_tracked(&self, rel: &str) -> bool {
        self.tracked.contains(rel)
    }

    fn is_ignored_with(&self, rel: &str, edited: Option<(&str, &str)>) -> bool {
        if let Some(("", text)) = edited {
            let mut b = GitignoreBuilder::new(&self.root);
            for line in text.lines() {
                let _ = b.add_line(None, line);
            }
            if let Ok(m) = b.build() {
                match m.matched_path_or_any_parents(self.root.join(rel), false) {
                    Match::Ignore(_) => return true,
                    Match::Whitelist(_) => return false,
                    Match::None => {}
                }
            }
        }
        self.ignored.contains(rel)
    }
}

/// A repository found above a path, read from its files.
#[derive(Debug)]
pub struct Repo {
    fs: Arc<dyn FileSystem>,
    /// The working tree root.
    root: PathBuf,
    /// Paths in the index, relative to the root, `/`-separated.
    tracked: HashSet<String>,
    info_exclude: Option<Gitignore>,
    global: Option<Gitignore>,
    /// Each folder's `.gitignore`, read once (`None`: absent or empty).
    folders: Mutex<HashMap<PathBuf, Option<Arc<Gitignore>>>>,
}

impl Repo {
    /// The repository containing `start` (absolute), if any.
    pub fn discover(fs: Arc<dyn FileSystem>, start: &Path) -> Option<Repo> {
        // The folder holding a file, not its link's target's: a `.env` linked to a file
        // elsewhere is still in this repository.
        let start = if fs.is_dir(start) {
            fs.canonicalize(start).ok()?
        } else {
            let parent = match start.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            fs.canonicalize(parent).ok()?
        };
        let mut dir = Some(start.as_path());
        while let Some(d) = dir {
            let dot_git = d.join(".git");
            if let Some(git_dir) = git_dir(fs.as_ref(), &dot_git) {
                let tracked = fs
                    .read(&git_dir.join("index"))
                    .ok()
                    .and_then(|b| read_index(&b, is_sha256(fs.as_ref(), &git_dir)))
                    .unwrap_or_default();
                let common = common_dir(fs.as_ref(), &git_dir);
                let info_exclude = matcher(fs.as_ref(), d, &common.join("info").join("exclude"));
                let global = fs.global_gitignore();
                return Some(Repo {
                    root: d.to_path_buf(),
                    tracked: tracked.into_iter().collect(),
                    info_exclude,
                    global,
                    folders: Mutex::default(),
                    fs,
                });
            }
            dir = d.parent();
        }
        None
    }
}

impl Git for Repo {
    fn root(&self) -> &Path {
        &self.root
    }

    fn relative(&self, path: &Path) -> Option<String> {
        let abs = match self.fs.canonicalize(path) {
            Ok(abs) => abs,
            Err(_) => {
                let parent = match path.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p,
                    _ => Path::new("."),
                };
                self.fs.canonicalize(parent).ok()?.join(path.file_name()?)
            }
        };
        let rel = abs.strip_prefix(&self.root).ok()?;
        Some(rel.to_string_lossy().replace('\\', "/"))
    }

    fn is_tracked(&self, rel: &str) -> bool {
        self.tracked.contains(rel)
    }

    fn is_ignored_with(&self, rel: &str, edited: Option<(&str, &str)>) -> bool {
        // Deeper .gitignore files take precedence: check from the file's folder upwards.
        let parts: Vec<&str> = rel.split('/').collect();
        for depth in (0..parts.len()).rev() {
            let folder = parts[..depth].join("/");
            let dir = self.root.join(&folder);
            let m = match edited {
                Some((f, text)) if f == folder => {
                    let mut b = GitignoreBuilder::new(&dir);
                    for line in text.lines() {
                        // A bad pattern is skipped, as git skips it.
                        let _ = b.add_line(None, line);
                    }
                    b.build().ok().filter(|g| !g.is_empty()).map(Arc::new)
                }
                _ => {
                    let folders = || self.folders.lock().unwrap_or_else(PoisonError::into_inner);
                    let cached = folders().get(&dir).cloned();
                    cached.unwrap_or_else(|| {
                        let m =
                            matcher(self.fs.as_ref(), &dir, &dir.join(".gitignore")).map(Arc::new);
                        folders().insert(dir.clone(), m.clone());
                        m
                    })
                }
            };
            let Some(m) = m else { continue };
            match m.matched_path_or_any_parents(self.root.join(rel), false) {
                Match::Ignore(_) => return true,
                Match::Whitelist(_) => return false,
                Match::None => {}
            }
        }
        for m in [&self.info_exclude, &self.global].into_iter().flatten() {
            match m.matched_path_or_any_parents(self.root.join(rel), false) {
                Match::Ignore(_) => return true,
                Match::Whitelist(_) => return false,
                Match::None => {}
            }
        }
        false
    }
}

/// The rules of an ignore file, read through the file system (git skips a bad pattern,
/// and so do we; a BOM before the first pattern is not part of it).
fn matcher(fs: &dyn FileSystem, root: &Path, file: &Path) -> Option<Gitignore> {
    let bytes = fs.read(file).ok()?;
    let mut b = GitignoreBuilder::new(root);
    let body = bytes.strip_suffix(b"\n").unwrap_or(&bytes);
    for (i, line) in body.split(|&c| c == b'\n').enumerate() {
        // A line that is not UTF-8 is skipped, as the `ignore` crate skips it.
        let Ok(line) = std::str::from_utf8(line) else {
            continue;
        };
        let line = line.strip_suffix('\r').unwrap_or(line);
        let line = if i == 0 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        let _ = b.add_line(Some(file.to_path_buf()), line);
    }
    b.build().ok().filter(|g| !g.is_empty())
}

/// The working tree root of the repository holding the folder `start` (absolute), found
/// by its `.git` alone (the index is not read), canonical.
pub(crate) fn worktree_root(fs: &dyn FileSystem, start: &Path) -> Option<PathBuf> {
    let start = fs.canonicalize(start).ok()?;
    start
        .ancestors()
        .find(|d| git_dir(fs, &d.join(".git")).is_some())
        .map(Path::to_path_buf)
}

/// `.git` as a folder, or a file `gitdir: …` (worktrees, submodules).
fn git_dir(fs: &dyn FileSystem, dot_git: &Path) -> Option<PathBuf> {
    if fs.is_dir(dot_git) {
        return Some(dot_git.to_path_buf());
    }
    let text = fs.read_to_string(dot_git)?;
    let target = text.strip_prefix("gitdir:")?.trim();
    let path = Path::new(target);
    Some(if path.is_absolute() {
        path.to_path_buf()
    } else {
        dot_git.parent()?.join(path)
    })
}

/// A worktree's git dir points at the common dir (for `info/exclude`).
fn common_dir(fs: &dyn FileSystem, git_dir: &Path) -> PathBuf {
    fs.read_to_string(&git_dir.join("commondir"))
        .map(|c| git_dir.join(c.trim()))
        .unwrap_or_else(|| git_dir.to_path_buf())
}

fn is_sha256(fs: &dyn FileSystem, git_dir: &Path) -> bool {
    let config = common_dir(fs, git_dir).join("config");
    fs.read_to_string(&config)
        .map(|c| {
            c.to_ascii_lowercase()
                .replace(' ', "")
                .contains("objectformat=sha256")
        })
        .unwrap_or(false)
}

/// The paths of a git index file (`DIRC`, versions 2 to 4).
pub(crate) fn read_index(bytes: &[u8], sha256: bool) -> Option<Vec<String>> {
    if bytes.get(..4)? != b"DIRC" {
        return None;
    }
    let be32 = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
    };
    let version = be32(4)?;
    let count = be32(8)? as usize;
    if !(2..=4).contains(&version) {
        return None;
    }
    let hash = if sha256 { 32 } else { 20 };
    let mut paths = Vec::with_capacity(count);
    let mut at = 12;
    let mut previous: Vec<u8> = Vec::new();
    for _ in 0..count {
        let start = at;
        // ctime, mtime, dev, ino, mode, uid, gid, size: 40 bytes; then the hash and flags.
        at += 40 + hash;
        let flags = u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?);
        at += 2;
        if version >= 3 && flags & 0x4000 != 0 {
            at += 2; // extended flags
        }
        let path = if version == 4 {
            // Prefix compression: strip N bytes from the previous path, append the rest.
            // git's varint: 7 bits a byte, most significant first, +1 per continuation.
            let mut b = *bytes.get(at)?;
            at += 1;
            let mut strip = usize::from(b & 0x7f);
            while b & 0x80 != 0 {
                b = *bytes.get(at)?;
                at += 1;
                strip = ((strip + 1) << 7) | usize::from(b & 0x7f);
            }
            let end = at + memchr::memchr(0, bytes.get(at..)?)?;
            let keep = previous.len().checked_sub(strip)?;
            let mut p = previous[..keep].to_vec();
            p.extend_from_slice(&bytes[at..end]);
            at = end + 1;
            p
        } else {
            let end = at + memchr::memchr(0, bytes.get(at..)?)?;
            let p = bytes[at..end].to_vec();
            // Entries are padded with NULs to a multiple of 8 bytes.
            let len = end - start;
            at = start + (len + 8) / 8 * 8;
            p
        };
        paths.push(String::from_utf8_lossy(&path).into_owned());
        previous = path;
    }
    Some(paths)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) -> bool {
        Command::new("git")
            .args(args)
            .current_dir(dir)
            .status()
            .is_ok_and(|s| s.success())
    }

    #[test]
    #[allow(clippy::print_stderr)] // says why it is skipped
    fn tracked_and_ignored_like_git() {
        let dir = tempfile::tempdir().expect("tempdir");
        let d = dir.path();
        if !git(d, &["init", "-q"]) {
            eprintln!("skipped: git is not installed (needed only to build the test repository)");
            return;
        }
        std::fs::create_dir_all(d.join("app/config")).unwrap();
        std::fs::write(d.join(".gitignore"), ".env*\n!.env.example\n").unwrap();
        std::fs::write(d.join("app/.gitignore"), "!.env.local\n").unwrap();
        std::fs::write(d.join("app/config/.env"), "A=1\n").unwrap();
        std::fs::write(d.join("app/.env.local"), "A=1\n").unwrap();
        std::fs::write(d.join(".env.example"), "A=\n").unwrap();
        std::fs::write(d.join("committed.env"), "A=1\n").unwrap();
        std::fs::create_dir_all(d.join(".git/info")).unwrap();
        std::fs::write(d.join(".git/info/exclude"), "excluded.env\n").unwrap();
        std::fs::write(d.join("excluded.env"), "A=1\n").unwrap();
        assert!(git(
            d,
            &[
                "add",
                ".env.example",
                "committed.env",
                "app/.gitignore",
                ".gitignore"
            ]
        ));
        for version in ["2", "4"] {
            assert!(git(d, &["update-index", "--index-version", version]));
            let repo = Repo::discover(Arc::new(crate::fs::OsFs), d).expect("repository");
            assert!(
                repo.is_tracked("committed.env") && repo.is_tracked(".env.example"),
                "v{version}"
            );
            assert!(!repo.is_tracked("app/config/.env"));
            assert!(repo.is_ignored("app/config/.env"));
            assert!(
                !repo.is_ignored("app/.env.local"),
                "negated in a deeper .gitignore"
            );
            assert!(!repo.is_ignored(".env.example"), "negated");
            assert!(repo.is_ignored("excluded.env"), ".git/info/exclude");
            assert!(!repo.is_ignored("committed.env"));
        }
        // Compare with git itself.
        let out = Command::new("git")
            .args([
                "check-ignore",
                "app/config/.env",
                "app/.env.local",
                ".env.example",
                "excluded.env",
            ])
            .current_dir(d)
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "app/config/.env\nexcluded.env\n"
        );
    }
}
