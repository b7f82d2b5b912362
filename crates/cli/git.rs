//! Git facts without running git: is a path ignored, is it in the index?
//!
//! Why not shell out: envlint runs in editors, hooks and CI images where `git` may be absent
//! or a different version, and spawning it per file is slow. Ignore status follows git's
//! rules through the `ignore` crate's gitignore matchers (every `.gitignore` from the
//! repository root down to the file, deeper files winning, negations, ignored parent
//! folders, `.git/info/exclude`, `core.excludesFile`); tracked status comes from reading
//! the index file (versions 2, 3 and 4, SHA-1 and SHA-256). Worktrees (`.git` as a file)
//! are followed.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;

/// A repository found above a path.
pub(crate) struct Repo {
    /// The working tree root.
    pub(crate) root: PathBuf,
    /// Paths in the index, relative to the root, `/`-separated.
    tracked: HashSet<String>,
    info_exclude: Option<Gitignore>,
    global: Option<Gitignore>,
    /// Each folder's `.gitignore`, read once (`None`: absent or empty).
    folders: RefCell<HashMap<PathBuf, Option<Rc<Gitignore>>>>,
}

impl Repo {
    /// The repository containing `start`, if any.
    pub(crate) fn discover(start: &Path) -> Option<Repo> {
        let start = std::fs::canonicalize(start).ok()?;
        let mut dir = if start.is_dir() {
            Some(start.as_path())
        } else {
            start.parent()
        };
        while let Some(d) = dir {
            let dot_git = d.join(".git");
            if let Some(git_dir) = git_dir(&dot_git) {
                let tracked = std::fs::read(git_dir.join("index"))
                    .ok()
                    .and_then(|b| read_index(&b, is_sha256(&git_dir)))
                    .unwrap_or_default();
                let common = common_dir(&git_dir);
                let info_exclude = matcher(d, &common.join("info").join("exclude"));
                let global = {
                    let (g, _) = Gitignore::global();
                    (!g.is_empty()).then_some(g)
                };
                return Some(Repo {
                    root: d.to_path_buf(),
                    tracked: tracked.into_iter().collect(),
                    info_exclude,
                    global,
                    folders: RefCell::default(),
                });
            }
            dir = d.parent();
        }
        None
    }

    /// The path relative to the root, `/`-separated (`None` outside the repository). The
    /// file need not exist yet (one about to be created): then its folder is resolved.
    pub(crate) fn relative(&self, path: &Path) -> Option<String> {
        let abs = match std::fs::canonicalize(path) {
            Ok(abs) => abs,
            Err(_) => {
                let parent = match path.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p,
                    _ => Path::new("."),
                };
                std::fs::canonicalize(parent).ok()?.join(path.file_name()?)
            }
        };
        let rel = abs.strip_prefix(&self.root).ok()?;
        Some(rel.to_string_lossy().replace('\\', "/"))
    }

    /// Whether the index holds `rel` (committed or staged).
    pub(crate) fn is_tracked(&self, rel: &str) -> bool {
        self.tracked.contains(rel)
    }

    /// Whether git's ignore rules cover `rel` (a file).
    pub(crate) fn is_ignored(&self, rel: &str) -> bool {
        self.is_ignored_with(rel, None)
    }

    /// As [`Repo::is_ignored`], as if the `.gitignore` of folder `edited.0` (relative to
    /// the root, `""` for the root) held `edited.1`: to check an edit before making it.
    pub(crate) fn is_ignored_with(&self, rel: &str, edited: Option<(&str, &str)>) -> bool {
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
                    b.build().ok().filter(|g| !g.is_empty()).map(Rc::new)
                }
                _ => {
                    let cached = self.folders.borrow().get(&dir).cloned();
                    cached.unwrap_or_else(|| {
                        let m = matcher(&dir, &dir.join(".gitignore")).map(Rc::new);
                        self.folders.borrow_mut().insert(dir.clone(), m.clone());
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

fn matcher(root: &Path, file: &Path) -> Option<Gitignore> {
    if !file.is_file() {
        return None;
    }
    let mut b = GitignoreBuilder::new(root);
    b.add(file);
    b.build().ok().filter(|g| !g.is_empty())
}

/// `.git` as a folder, or a file `gitdir: …` (worktrees, submodules).
fn git_dir(dot_git: &Path) -> Option<PathBuf> {
    if dot_git.is_dir() {
        return Some(dot_git.to_path_buf());
    }
    let text = std::fs::read_to_string(dot_git).ok()?;
    let target = text.strip_prefix("gitdir:")?.trim();
    let path = Path::new(target);
    Some(if path.is_absolute() {
        path.to_path_buf()
    } else {
        dot_git.parent()?.join(path)
    })
}

/// A worktree's git dir points at the common dir (for `info/exclude`).
fn common_dir(git_dir: &Path) -> PathBuf {
    std::fs::read_to_string(git_dir.join("commondir"))
        .ok()
        .map(|c| git_dir.join(c.trim()))
        .unwrap_or_else(|| git_dir.to_path_buf())
}

fn is_sha256(git_dir: &Path) -> bool {
    let config = common_dir(git_dir).join("config");
    std::fs::read_to_string(config)
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
            let repo = Repo::discover(d).expect("repository");
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
