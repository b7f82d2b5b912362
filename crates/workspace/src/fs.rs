//! The one seam through which the pipeline reads files and walks folders.
//!
//! Why a trait: the same checks run over a project on disk (the CLI), over a project whose
//! open files are unsaved editor buffers (the language server) and over a project made of
//! strings (tests, library users). [`OsFs`] reads the disk (mapping large env files, see
//! `mapped`); [`MemoryFs`] holds files in memory; [`Overlay`] serves buffers first and
//! falls back to another file system. Every path handed to a [`FileSystem`] is absolute:
//! the workspace resolves its own project-relative paths against its base folder first.

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};

use envlint_dotenv::Source;
use ignore::overrides::Override;
use ignore::Match;

/// What kind of thing a path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A regular file (or anything readable that is not a folder).
    File,
    /// A folder.
    Dir,
}

/// What the pipeline needs to know about a path before reading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Metadata {
    /// File or folder.
    pub kind: Kind,
    /// Length in bytes (0 for folders).
    pub len: u64,
}

/// How a walk filters what it finds.
#[derive(Debug)]
pub struct WalkSpec<'a> {
    /// Honour the repository's ignore rules (`.gitignore` at every level, `.ignore`, git's
    /// excludes) and skip hidden files: right for source code, wrong for env files, which
    /// are hidden and usually git-ignored (the files envlint exists to check).
    pub respect_ignores: bool,
    /// Folder names never entered below the root (dependencies, build output).
    pub skip_dirs: &'a [&'a str],
    /// Configured exclusions (a path an override marks as ignored is skipped).
    pub overrides: &'a Override,
}

/// Reading files and walking folders. Implementations must be usable from several threads:
/// the pipeline reads and scans files in parallel.
pub trait FileSystem: Send + Sync + std::fmt::Debug {
    /// The bytes of a file.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;

    /// The bytes of a file that will only be read, never written back: an implementation
    /// may share them instead of copying (the OS one maps large files).
    fn read_shared(&self, path: &Path) -> io::Result<Source> {
        self.read(path).map(Source::Owned)
    }

    /// File or folder, and length.
    fn metadata(&self, path: &Path) -> io::Result<Metadata>;

    /// The path with symbolic links and `.`/`..` resolved (it must exist).
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf>;

    /// The files under the folder `root`, in any order, as `root` joined with their path
    /// below it; problems met on the way as messages.
    fn walk(&self, root: &Path, spec: &WalkSpec<'_>) -> Vec<Result<PathBuf, String>>;

    /// Whether `path` is a file.
    fn is_file(&self, path: &Path) -> bool {
        self.metadata(path).is_ok_and(|m| m.kind == Kind::File)
    }

    /// Whether `path` is a folder.
    fn is_dir(&self, path: &Path) -> bool {
        self.metadata(path).is_ok_and(|m| m.kind == Kind::Dir)
    }

    /// The text of a file, `None` when it cannot be read or is not UTF-8.
    fn read_to_string(&self, path: &Path) -> Option<String> {
        String::from_utf8(self.read(path).ok()?).ok()
    }

    /// The user's global git excludes file (`core.excludesFile`), parsed; `None` by
    /// default: only the OS file system knows the user's git configuration.
    fn global_gitignore(&self) -> Option<ignore::gitignore::Gitignore> {
        None
    }
}

/// The reason of an I/O error in a few plain words.
pub fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_lowercase(),
                None => s,
            }
        }
    }
}

/// The disk.
#[derive(Clone, Copy, Debug, Default)]
pub struct OsFs;

impl FileSystem for OsFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn read_shared(&self, path: &Path) -> io::Result<Source> {
        crate::mapped::read(path)
    }

    fn metadata(&self, path: &Path) -> io::Result<Metadata> {
        let m = std::fs::metadata(path)?;
        Ok(Metadata {
            kind: if m.is_dir() { Kind::Dir } else { Kind::File },
            len: m.len(),
        })
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }

    fn walk(&self, root: &Path, spec: &WalkSpec<'_>) -> Vec<Result<PathBuf, String>> {
        let respect = spec.respect_ignores;
        let skip: Vec<String> = spec.skip_dirs.iter().map(|s| (*s).to_owned()).collect();
        let walker = ignore::WalkBuilder::new(root)
            .hidden(respect)
            .ignore(respect)
            .git_ignore(respect)
            .git_global(respect)
            .git_exclude(respect)
            .parents(respect)
            .require_git(false)
            .follow_links(false)
            .overrides(spec.overrides.clone())
            .filter_entry(move |e| !is_skipped_dir(e, &skip))
            .build();
        let mut out = Vec::new();
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                    out.push(Ok(e.into_path()));
                }
                Ok(_) => {}
                Err(e) => out.push(Err(e.to_string())),
            }
        }
        out
    }

    fn global_gitignore(&self) -> Option<ignore::gitignore::Gitignore> {
        let (g, _) = ignore::gitignore::Gitignore::global();
        (!g.is_empty()).then_some(g)
    }
}

/// Whether a walk should not enter `e`: a folder below the root named in `names`.
fn is_skipped_dir(e: &ignore::DirEntry, names: &[String]) -> bool {
    e.depth() > 0
        && e.file_type().is_some_and(|t| t.is_dir())
        && e.file_name()
            .to_str()
            .is_some_and(|n| names.iter().any(|s| s == n))
}

/// `path` with `.` and `..` resolved lexically (no file system is asked).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// A project held in memory: files by absolute path; folders exist where files are below
/// them. For tests and library users who build a project from strings.
///
/// Its walk follows [`OsFs`]'s filters over the files it holds: skipped folders, overrides
/// and, when asked to respect ignore rules, hidden names and the `.gitignore` / `.ignore`
/// files it holds at or above each file (not the user's global git configuration).
#[derive(Clone, Debug, Default)]
pub struct MemoryFs {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl MemoryFs {
    /// An empty file system.
    pub fn new() -> Self {
        MemoryFs::default()
    }

    /// Adds (or replaces) a file; `path` must be absolute.
    pub fn insert(&mut self, path: impl AsRef<Path>, contents: impl Into<Vec<u8>>) {
        self.files.insert(normalize(path.as_ref()), contents.into());
    }

    /// Builder form of [`MemoryFs::insert`].
    pub fn with(mut self, path: impl AsRef<Path>, contents: impl Into<Vec<u8>>) -> Self {
        self.insert(path, contents);
        self
    }

    /// Removes a file; returns whether it was there.
    pub fn remove(&mut self, path: &Path) -> bool {
        self.files.remove(&normalize(path)).is_some()
    }

    /// The files held, by absolute path.
    pub fn files(&self) -> impl Iterator<Item = (&Path, &[u8])> {
        self.files.iter().map(|(p, b)| (p.as_path(), b.as_slice()))
    }

    fn not_found(path: &Path) -> io::Error {
        io::Error::new(
            io::ErrorKind::NotFound,
            format!("{}: not in memory", path.display()),
        )
    }

    fn has_dir(&self, dir: &Path) -> bool {
        self.files
            .range(dir.to_path_buf()..)
            .next()
            .is_some_and(|(p, _)| p != dir && p.starts_with(dir))
    }
}

impl FileSystem for MemoryFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.files
            .get(&normalize(path))
            .cloned()
            .ok_or_else(|| MemoryFs::not_found(path))
    }

    fn metadata(&self, path: &Path) -> io::Result<Metadata> {
        let path = normalize(path);
        if let Some(bytes) = self.files.get(&path) {
            return Ok(Metadata {
                kind: Kind::File,
                len: bytes.len() as u64,
            });
        }
        if path.parent().is_none() || self.has_dir(&path) {
            return Ok(Metadata {
                kind: Kind::Dir,
                len: 0,
            });
        }
        Err(MemoryFs::not_found(&path))
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        let normal = normalize(path);
        self.metadata(&normal)?;
        Ok(normal)
    }

    fn walk(&self, root: &Path, spec: &WalkSpec<'_>) -> Vec<Result<PathBuf, String>> {
        let base = normalize(root);
        let ignores = |dir: &Path| -> Vec<ignore::gitignore::Gitignore> {
            [".gitignore", ".ignore"]
                .iter()
                .filter_map(|name| {
                    let text = self.files.get(&dir.join(name))?;
                    let mut b = ignore::gitignore::GitignoreBuilder::new(dir);
                    for line in String::from_utf8_lossy(text).lines() {
                        let _ = b.add_line(None, line);
                    }
                    b.build().ok()
                })
                .collect()
        };
        let mut out = Vec::new();
        'files: for path in self.files.keys() {
            let Ok(below) = path.strip_prefix(&base) else {
                continue;
            };
            if below.as_os_str().is_empty() {
                continue;
            }
            let names: Vec<&str> = below
                .components()
                .filter_map(|c| c.as_os_str().to_str())
                .collect();
            let mut at = base.clone();
            for (i, name) in names.iter().enumerate() {
                let is_dir = i + 1 < names.len();
                at.push(name);
                if is_dir && spec.skip_dirs.contains(name) {
                    continue 'files;
                }
                if spec.respect_ignores && name.starts_with('.') {
                    continue 'files;
                }
                if spec.overrides.matched(&at, is_dir).is_ignore() {
                    continue 'files;
                }
            }
            if spec.respect_ignores {
                // Deeper ignore files decide first, as git's do.
                let mut decided = false;
                for dir in path.ancestors().skip(1) {
                    for m in ignores(dir) {
                        match m.matched_path_or_any_parents(path, false) {
                            Match::Ignore(_) => continue 'files,
                            Match::Whitelist(_) => decided = true,
                            Match::None => {}
                        }
                    }
                    if decided {
                        break;
                    }
                }
            }
            out.push(Ok(root.join(below)));
        }
        out
    }
}

/// Buffers over another file system: a read of a path with a buffer returns the buffer (an
/// editor's unsaved text); everything else goes to the file system below. A walk lists the
/// files below plus buffers for files that do not exist there yet.
#[derive(Debug)]
pub struct Overlay<F> {
    below: F,
    buffers: MemoryFs,
}

impl<F: FileSystem> Overlay<F> {
    /// No buffers yet over `below`.
    pub fn new(below: F) -> Self {
        Overlay {
            below,
            buffers: MemoryFs::new(),
        }
    }

    /// Serves `contents` for `path` (absolute) from now on.
    pub fn set(&mut self, path: impl AsRef<Path>, contents: impl Into<Vec<u8>>) {
        self.buffers.insert(path, contents);
    }

    /// Stops serving a buffer for `path` (the editor closed it): the file below shows again.
    pub fn clear(&mut self, path: &Path) -> bool {
        self.buffers.remove(path)
    }
}

impl<F: FileSystem> FileSystem for Overlay<F> {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.buffers.read(path).or_else(|_| self.below.read(path))
    }

    fn read_shared(&self, path: &Path) -> io::Result<Source> {
        match self.buffers.read(path) {
            Ok(bytes) => Ok(Source::Owned(bytes)),
            Err(_) => self.below.read_shared(path),
        }
    }

    fn metadata(&self, path: &Path) -> io::Result<Metadata> {
        match self.buffers.files.get(&normalize(path)) {
            Some(b) => Ok(Metadata {
                kind: Kind::File,
                len: b.len() as u64,
            }),
            None => self.below.metadata(path),
        }
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        self.below
            .canonicalize(path)
            .or_else(|_| self.buffers.canonicalize(path))
    }

    fn walk(&self, root: &Path, spec: &WalkSpec<'_>) -> Vec<Result<PathBuf, String>> {
        let mut out = self.below.walk(root, spec);
        for found in self.buffers.walk(root, spec).into_iter().flatten() {
            if self.below.metadata(&found).is_err() {
                out.push(Ok(found));
            }
        }
        out
    }

    fn global_gitignore(&self) -> Option<ignore::gitignore::Gitignore> {
        self.below.global_gitignore()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(respect: bool, overrides: &Override) -> WalkSpec<'_> {
        WalkSpec {
            respect_ignores: respect,
            skip_dirs: &["node_modules"],
            overrides,
        }
    }

    #[test]
    fn memory_walk_follows_the_filters() {
        let fs = MemoryFs::new()
            .with("/p/.env", "A=1\n")
            .with("/p/.gitignore", "dist/\n*.log\n")
            .with("/p/src/a.ts", "")
            .with("/p/dist/b.ts", "")
            .with("/p/x.log", "")
            .with("/p/node_modules/m/.env", "")
            .with("/other/c.ts", "");
        let none = Override::empty();
        let mut all: Vec<PathBuf> = fs
            .walk(Path::new("/p"), &spec(false, &none))
            .into_iter()
            .flatten()
            .collect();
        all.sort();
        let names = |v: &[PathBuf]| {
            v.iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(&all),
            [
                "/p/.env",
                "/p/.gitignore",
                "/p/dist/b.ts",
                "/p/src/a.ts",
                "/p/x.log"
            ]
        );
        let mut code: Vec<PathBuf> = fs
            .walk(Path::new("/p"), &spec(true, &none))
            .into_iter()
            .flatten()
            .collect();
        code.sort();
        assert_eq!(names(&code), ["/p/src/a.ts"]);
        let mut b = ignore::overrides::OverrideBuilder::new("/p");
        b.add("!src/**").unwrap();
        let ex = b.build().unwrap();
        assert!(fs
            .walk(Path::new("/p"), &spec(true, &ex))
            .into_iter()
            .flatten()
            .next()
            .is_none());
    }

    #[test]
    fn memory_metadata_and_overlay() {
        let fs = MemoryFs::new().with("/p/a/b.env", "A=1\n");
        assert_eq!(fs.metadata(Path::new("/p/a")).unwrap().kind, Kind::Dir);
        assert_eq!(fs.metadata(Path::new("/p/./a/b.env")).unwrap().len, 4);
        assert!(fs.metadata(Path::new("/p/b")).is_err());
        assert_eq!(
            fs.canonicalize(Path::new("/p/a/../a/b.env")).unwrap(),
            Path::new("/p/a/b.env")
        );
        let mut over = Overlay::new(fs);
        over.set("/p/a/b.env", "A=2\n");
        over.set("/p/new.env", "B=1\n");
        assert_eq!(over.read(Path::new("/p/a/b.env")).unwrap(), b"A=2\n");
        let none = Override::empty();
        let walked: Vec<PathBuf> = over
            .walk(Path::new("/p"), &spec(false, &none))
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(walked.len(), 2, "{walked:?}");
        assert!(over.clear(Path::new("/p/a/b.env")));
        assert_eq!(over.read(Path::new("/p/a/b.env")).unwrap(), b"A=1\n");
    }
}
