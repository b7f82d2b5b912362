//! The one seam through which the pipeline reads files and walks folders.
//!
//! Why a trait: the same checks run over a project on disk (the CLI), over a project whose
//! open files are unsaved editor buffers (the language server) and over a project made of
//! strings (tests, library users). [`OsFs`] reads the disk (mapping large env files, see
//! `mapped`); [`MemoryFs`] holds files in memory; [`Overlay`] serves buffers first and
//! falls back to another file system. Every path handed to a [`FileSystem`] is absolute:
//! the workspace resolves its own project-relative paths against its base folder first.
//!
//! Why [`Kind`] tells more than file or folder: a repository can hold a FIFO, a socket or a
//! device under any name, and opening a FIFO for reading waits for a writer forever. Reads
//! take regular files only ([`OsFs`] opens without blocking and checks the opened handle
//! before reading a byte, see [`open_regular`]), so a special file is refused with a
//! message instead of hanging a CI job. Symbolic links are told apart too
//! ([`FileSystem::symlink_metadata`]): walks never follow them but report them, and the
//! workspace decides which links it reads (those pointing inside the project); nothing
//! here writes.

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};

use envlint_dotenv::Source;
use ignore::overrides::Override;
use ignore::Match;

/// What kind of thing a path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A regular file.
    File,
    /// A folder.
    Dir,
    /// A symbolic link ([`FileSystem::symlink_metadata`] and walks only:
    /// [`FileSystem::metadata`] follows links).
    Symlink,
    /// A FIFO, socket or device: never read.
    Special(Special),
}

/// A file that is neither a regular file, a folder nor a link: reading it could block (a
/// FIFO with no writer), fail (a socket) or never end (`/dev/zero`), so it is never read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Special {
    /// A named pipe.
    Fifo,
    /// A Unix domain socket.
    Socket,
    /// A character device.
    CharDevice,
    /// A block device.
    BlockDevice,
    /// Anything else the system reports.
    Other,
}

impl Special {
    /// What it is, in words: `a FIFO`, `a socket`, …
    pub fn describe(self) -> &'static str {
        match self {
            Special::Fifo => "a FIFO",
            Special::Socket => "a socket",
            Special::CharDevice => "a character device",
            Special::BlockDevice => "a block device",
            Special::Other => "an unknown kind of file",
        }
    }
}

impl Kind {
    /// The kind of a file type the system reports.
    pub fn of(t: std::fs::FileType) -> Kind {
        if t.is_file() {
            return Kind::File;
        }
        if t.is_dir() {
            return Kind::Dir;
        }
        if t.is_symlink() {
            return Kind::Symlink;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if t.is_fifo() {
                return Kind::Special(Special::Fifo);
            }
            if t.is_socket() {
                return Kind::Special(Special::Socket);
            }
            if t.is_char_device() {
                return Kind::Special(Special::CharDevice);
            }
            if t.is_block_device() {
                return Kind::Special(Special::BlockDevice);
            }
        }
        Kind::Special(Special::Other)
    }
}

/// The error of a read refused because `kind` is not a regular file (its message is what
/// [`io_reason`] shows: `not a regular file (a FIFO); not read`).
pub fn not_regular(kind: Kind) -> io::Error {
    match kind {
        Kind::Dir => io::Error::new(io::ErrorKind::InvalidInput, "a folder, not a file"),
        Kind::Special(s) => io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("not a regular file ({}); not read", s.describe()),
        ),
        Kind::File | Kind::Symlink => {
            io::Error::new(io::ErrorKind::InvalidInput, "not a regular file; not read")
        }
    }
}

/// What the pipeline needs to know about a path before reading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Metadata {
    /// File, folder, link or special file.
    pub kind: Kind,
    /// Length in bytes (0 for folders).
    pub len: u64,
}

/// What a walk found: a path below its root and what it is (never a folder: folders are
/// entered, not listed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The root joined with the path below it.
    pub path: PathBuf,
    /// [`Kind::File`], [`Kind::Symlink`] (not followed) or [`Kind::Special`].
    pub kind: Kind,
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
    /// The bytes of a regular file (through links). Anything else is an error, and asking
    /// never blocks: a FIFO, socket or device is refused with [`not_regular`], unread.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;

    /// The bytes of a file that will only be read, never written back: an implementation
    /// may share them instead of copying (the OS one maps large files). Regular files
    /// only, as [`FileSystem::read`].
    fn read_shared(&self, path: &Path) -> io::Result<Source> {
        self.read(path).map(Source::Owned)
    }

    /// What `path` is and its length, following symbolic links (the kind is never
    /// [`Kind::Symlink`]).
    fn metadata(&self, path: &Path) -> io::Result<Metadata>;

    /// As [`FileSystem::metadata`], but a symbolic link at `path` is not followed: it is
    /// [`Kind::Symlink`] (links in the folders above are followed). A file system without
    /// links answers as `metadata` does.
    fn symlink_metadata(&self, path: &Path) -> io::Result<Metadata> {
        self.metadata(path)
    }

    /// Where the symbolic link at `path` points, as written in the link (maybe relative to
    /// its folder). An error when `path` is not a link.
    fn read_link(&self, path: &Path) -> io::Result<PathBuf> {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{}: not a symbolic link", path.display()),
        ))
    }

    /// The path with symbolic links and `.`/`..` resolved (it must exist).
    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf>;

    /// What is under the folder `root`, in any order: files, symbolic links (reported, not
    /// followed) and special files, each as `root` joined with its path below it; problems
    /// met on the way as messages.
    fn walk(&self, root: &Path, spec: &WalkSpec<'_>) -> Vec<Result<Entry, String>>;

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

/// Opens the regular file at `path` (through links) for reading, with its metadata, or
/// refuses anything else ([`not_regular`]) without blocking and without reading a byte.
///
/// A FIFO opened for reading waits for a writer, forever in a CI job; a device may have
/// side effects when opened (a tape rewinds). So the path's kind is asked first and only a
/// regular file is opened; on Unix it is opened with `O_NONBLOCK` (no effect on a regular
/// file), and the opened handle's kind is checked again, so a file swapped for a FIFO in
/// between is refused too instead of blocking.
pub fn open_regular(path: &Path) -> io::Result<(std::fs::File, std::fs::Metadata)> {
    let kind = Kind::of(std::fs::metadata(path)?.file_type());
    if kind != Kind::File {
        return Err(not_regular(kind));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    let kind = Kind::of(meta.file_type());
    if kind != Kind::File {
        return Err(not_regular(kind));
    }
    Ok((file, meta))
}

/// The disk.
#[derive(Clone, Copy, Debug, Default)]
pub struct OsFs;

impl FileSystem for OsFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        use std::io::Read as _;
        let (mut file, meta) = open_regular(path)?;
        let mut bytes =
            Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0).saturating_add(1));
        file.read_to_end(&mut bytes)?;
        Ok(bytes)
    }

    fn read_shared(&self, path: &Path) -> io::Result<Source> {
        crate::mapped::read(path)
    }

    fn metadata(&self, path: &Path) -> io::Result<Metadata> {
        let m = std::fs::metadata(path)?;
        Ok(Metadata {
            kind: Kind::of(m.file_type()),
            len: m.len(),
        })
    }

    fn symlink_metadata(&self, path: &Path) -> io::Result<Metadata> {
        let m = std::fs::symlink_metadata(path)?;
        Ok(Metadata {
            kind: Kind::of(m.file_type()),
            len: m.len(),
        })
    }

    fn read_link(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::read_link(path)
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }

    fn walk(&self, root: &Path, spec: &WalkSpec<'_>) -> Vec<Result<Entry, String>> {
        let respect = spec.respect_ignores;
        // The `ignore` crate opens ignore files itself, the blocking way: one that is a FIFO
        // would hang the walk. The root's and its parents' are read before the first entry
        // (so such a root is not walked); a folder whose are is skipped, with a message.
        if respect {
            let start = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
            if let Some(why) = start.ancestors().find_map(special_ignore_file) {
                return vec![Err(why)];
            }
        }
        let refused = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let refused_in_walk = refused.clone();
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
            .filter_entry(move |e| {
                if is_skipped_dir(e, &skip) {
                    return false;
                }
                let special = respect
                    && e.file_type().is_some_and(|t| t.is_dir())
                    && special_ignore_file(e.path()).is_some_and(|why| {
                        if let Ok(mut v) = refused_in_walk.lock() {
                            v.push(why);
                        }
                        true
                    });
                !special
            })
            .build();
        let mut out = Vec::new();
        for entry in walker {
            match entry {
                Ok(e) => match e.file_type().map(Kind::of) {
                    None | Some(Kind::Dir) => {}
                    Some(kind) => out.push(Ok(Entry {
                        path: e.into_path(),
                        kind,
                    })),
                },
                Err(e) => out.push(Err(e.to_string())),
            }
        }
        if let Ok(mut v) = refused.lock() {
            out.extend(v.drain(..).map(Err));
        }
        out
    }

    fn global_gitignore(&self) -> Option<ignore::gitignore::Gitignore> {
        let (g, _) = ignore::gitignore::Gitignore::global();
        (!g.is_empty()).then_some(g)
    }
}

/// The ignore files the `ignore` crate opens in each folder of a walk that respects them.
const IGNORE_FILES: [&str; 3] = [".gitignore", ".ignore", ".git/info/exclude"];

/// The first ignore file of `dir` that is a FIFO, socket or device, as a message.
fn special_ignore_file(dir: &Path) -> Option<String> {
    IGNORE_FILES.iter().find_map(|name| {
        let path = dir.join(name);
        let kind = Kind::of(std::fs::metadata(&path).ok()?.file_type());
        matches!(kind, Kind::Special(_)).then(|| {
            format!(
                "{}: {}; the folder is not walked",
                path.display(),
                io_reason(&not_regular(kind))
            )
        })
    })
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
/// It can also hold symbolic links ([`MemoryFs::insert_link`]) and special files
/// ([`MemoryFs::insert_special`]), to test what the pipeline does with them without a
/// disk. Paths are tidied lexically first (`a/link/..` is `a`), then links are followed.
///
/// Its walk follows [`OsFs`]'s filters over the entries it holds: skipped folders, overrides
/// and, when asked to respect ignore rules, hidden names and the `.gitignore` / `.ignore`
/// files it holds at or above each file (not the user's global git configuration).
#[derive(Clone, Debug, Default)]
pub struct MemoryFs {
    files: BTreeMap<PathBuf, Vec<u8>>,
    /// Symbolic links, and where each points (as written: absolute, or relative to the
    /// link's folder).
    links: BTreeMap<PathBuf, PathBuf>,
    /// FIFOs, sockets and devices.
    special: BTreeMap<PathBuf, Special>,
}

/// How many links a path may go through before resolving it fails (Linux's limit).
const MAX_LINK_HOPS: usize = 40;

impl MemoryFs {
    /// An empty file system.
    pub fn new() -> Self {
        MemoryFs::default()
    }

    /// Adds (or replaces) a file; `path` must be absolute.
    pub fn insert(&mut self, path: impl AsRef<Path>, contents: impl Into<Vec<u8>>) {
        let path = normalize(path.as_ref());
        self.links.remove(&path);
        self.special.remove(&path);
        self.files.insert(path, contents.into());
    }

    /// Builder form of [`MemoryFs::insert`].
    pub fn with(mut self, path: impl AsRef<Path>, contents: impl Into<Vec<u8>>) -> Self {
        self.insert(path, contents);
        self
    }

    /// Adds (or replaces) a symbolic link at `path` (absolute) pointing at `target`
    /// (absolute, or relative to the link's folder; it need not exist).
    pub fn insert_link(&mut self, path: impl AsRef<Path>, target: impl Into<PathBuf>) {
        let path = normalize(path.as_ref());
        self.files.remove(&path);
        self.special.remove(&path);
        self.links.insert(path, target.into());
    }

    /// Adds (or replaces) a special file (a FIFO, socket or device) at `path` (absolute).
    pub fn insert_special(&mut self, path: impl AsRef<Path>, kind: Special) {
        let path = normalize(path.as_ref());
        self.files.remove(&path);
        self.links.remove(&path);
        self.special.insert(path, kind);
    }

    /// Removes a file, link or special file; returns whether it was there.
    pub fn remove(&mut self, path: &Path) -> bool {
        let path = normalize(path);
        let file = self.files.remove(&path).is_some();
        let link = self.links.remove(&path).is_some();
        let special = self.special.remove(&path).is_some();
        file || link || special
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
        fn below<V>(map: &BTreeMap<PathBuf, V>, dir: &Path) -> bool {
            map.range(dir.to_path_buf()..)
                .next()
                .is_some_and(|(p, _)| p != dir && p.starts_with(dir))
        }
        below(&self.files, dir) || below(&self.links, dir) || below(&self.special, dir)
    }

    /// `path` tidied, with the links on the way followed (the last one too when
    /// `follow_last`).
    fn resolve(&self, path: &Path, follow_last: bool) -> io::Result<PathBuf> {
        let parts = |p: &Path| -> Vec<std::ffi::OsString> {
            normalize(p)
                .components()
                .rev()
                .map(|c| c.as_os_str().to_owned())
                .collect()
        };
        let mut rest = parts(path);
        let mut out = PathBuf::new();
        let mut hops = 0;
        while let Some(part) = rest.pop() {
            out.push(&part);
            let Some(target) = self.links.get(&out) else {
                continue;
            };
            if rest.is_empty() && !follow_last {
                break;
            }
            hops += 1;
            if hops > MAX_LINK_HOPS {
                return Err(io::Error::other(format!(
                    "{}: too many levels of symbolic links",
                    path.display()
                )));
            }
            let next = match out.parent() {
                Some(dir) => dir.join(target),
                None => target.clone(),
            };
            rest.extend(parts(&next));
            out = PathBuf::new();
        }
        Ok(out)
    }

    /// What a resolved path (no link on it) holds.
    fn kind_at(&self, path: &Path) -> Option<Metadata> {
        if let Some(bytes) = self.files.get(path) {
            return Some(Metadata {
                kind: Kind::File,
                len: bytes.len() as u64,
            });
        }
        if let Some(s) = self.special.get(path) {
            return Some(Metadata {
                kind: Kind::Special(*s),
                len: 0,
            });
        }
        if path.parent().is_none() || self.has_dir(path) {
            return Some(Metadata {
                kind: Kind::Dir,
                len: 0,
            });
        }
        None
    }

    /// Every entry held, with its kind.
    fn entries(&self) -> Vec<(&Path, Kind)> {
        let mut all: Vec<(&Path, Kind)> = self
            .files
            .keys()
            .map(|p| (p.as_path(), Kind::File))
            .chain(self.links.keys().map(|p| (p.as_path(), Kind::Symlink)))
            .chain(
                self.special
                    .iter()
                    .map(|(p, s)| (p.as_path(), Kind::Special(*s))),
            )
            .collect();
        all.sort_by(|a, b| a.0.cmp(b.0));
        all
    }
}

impl FileSystem for MemoryFs {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let at = self.resolve(path, true)?;
        if let Some(bytes) = self.files.get(&at) {
            return Ok(bytes.clone());
        }
        match self.kind_at(&at) {
            Some(m) => Err(not_regular(m.kind)),
            None => Err(MemoryFs::not_found(path)),
        }
    }

    fn metadata(&self, path: &Path) -> io::Result<Metadata> {
        let at = self.resolve(path, true)?;
        self.kind_at(&at).ok_or_else(|| MemoryFs::not_found(&at))
    }

    fn symlink_metadata(&self, path: &Path) -> io::Result<Metadata> {
        let at = self.resolve(path, false)?;
        if let Some(target) = self.links.get(&at) {
            return Ok(Metadata {
                kind: Kind::Symlink,
                len: target.as_os_str().len() as u64,
            });
        }
        self.kind_at(&at).ok_or_else(|| MemoryFs::not_found(&at))
    }

    fn read_link(&self, path: &Path) -> io::Result<PathBuf> {
        let at = self.resolve(path, false)?;
        match self.links.get(&at) {
            Some(target) => Ok(target.clone()),
            None if self.kind_at(&at).is_some() => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{}: not a symbolic link", path.display()),
            )),
            None => Err(MemoryFs::not_found(path)),
        }
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        let at = self.resolve(path, true)?;
        self.kind_at(&at).ok_or_else(|| MemoryFs::not_found(path))?;
        Ok(at)
    }

    fn walk(&self, root: &Path, spec: &WalkSpec<'_>) -> Vec<Result<Entry, String>> {
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
        'entries: for (path, kind) in self.entries() {
            let Ok(below) = path.strip_prefix(&base) else {
                continue;
            };
            if below.as_os_str().is_empty() {
                continue;
            }
            let parts: Vec<&std::ffi::OsStr> = below.components().map(|c| c.as_os_str()).collect();
            let mut at = base.clone();
            for (i, part) in parts.iter().enumerate() {
                let name = part.to_string_lossy();
                let is_dir = i + 1 < parts.len();
                at.push(part);
                if is_dir && spec.skip_dirs.contains(&name.as_ref()) {
                    continue 'entries;
                }
                if spec.respect_ignores && name.starts_with('.') {
                    continue 'entries;
                }
                if spec.overrides.matched(&at, is_dir).is_ignore() {
                    continue 'entries;
                }
            }
            if spec.respect_ignores {
                // Deeper ignore files decide first, as git's do.
                let mut decided = false;
                for dir in path.ancestors().skip(1) {
                    for m in ignores(dir) {
                        match m.matched_path_or_any_parents(path, false) {
                            Match::Ignore(_) => continue 'entries,
                            Match::Whitelist(_) => decided = true,
                            Match::None => {}
                        }
                    }
                    if decided {
                        break;
                    }
                }
            }
            out.push(Ok(Entry {
                path: root.join(below),
                kind,
            }));
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

    /// The buffer's metadata, if `path` has one.
    fn buffered(&self, path: &Path) -> Option<Metadata> {
        self.buffers.files.get(&normalize(path)).map(|b| Metadata {
            kind: Kind::File,
            len: b.len() as u64,
        })
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
        match self.buffered(path) {
            Some(m) => Ok(m),
            None => self.below.metadata(path),
        }
    }

    fn symlink_metadata(&self, path: &Path) -> io::Result<Metadata> {
        match self.buffered(path) {
            Some(m) => Ok(m),
            None => self.below.symlink_metadata(path),
        }
    }

    fn read_link(&self, path: &Path) -> io::Result<PathBuf> {
        match self.buffered(path) {
            Some(_) => self.buffers.read_link(path),
            None => self.below.read_link(path),
        }
    }

    fn canonicalize(&self, path: &Path) -> io::Result<PathBuf> {
        self.below
            .canonicalize(path)
            .or_else(|_| self.buffers.canonicalize(path))
    }

    fn walk(&self, root: &Path, spec: &WalkSpec<'_>) -> Vec<Result<Entry, String>> {
        let mut out = self.below.walk(root, spec);
        for found in self.buffers.walk(root, spec).into_iter().flatten() {
            if self.below.symlink_metadata(&found.path).is_err() {
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
            .map(|e| e.path)
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
            .map(|e| e.path)
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
            .map(|e| e.path)
            .collect();
        assert_eq!(walked.len(), 2, "{walked:?}");
        assert!(over.clear(Path::new("/p/a/b.env")));
        assert_eq!(over.read(Path::new("/p/a/b.env")).unwrap(), b"A=1\n");
    }

    fn walked(fs: &dyn FileSystem, root: &str) -> Vec<(String, Kind)> {
        let none = Override::empty();
        let mut v: Vec<(String, Kind)> = fs
            .walk(Path::new(root), &spec(false, &none))
            .into_iter()
            .flatten()
            .map(|e| (e.path.to_string_lossy().into_owned(), e.kind))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    #[test]
    fn memory_links_and_special_files() {
        let mut fs = MemoryFs::new()
            .with("/p/shared/base.env", "A=1\n")
            .with("/etc/x", "SECRET=1\n");
        fs.insert_link("/p/.env", "shared/base.env");
        fs.insert_link("/p/.env.outside", "/etc/x");
        fs.insert_link("/p/.env.broken", "nowhere.env");
        fs.insert_link("/p/conf", "shared");
        fs.insert_link("/p/loop", "loop");
        fs.insert_special("/p/.env.fifo", Special::Fifo);

        // `metadata` follows links; `symlink_metadata` does not.
        let m = fs.metadata(Path::new("/p/.env")).unwrap();
        assert_eq!((m.kind, m.len), (Kind::File, 4));
        assert_eq!(
            fs.symlink_metadata(Path::new("/p/.env")).unwrap().kind,
            Kind::Symlink
        );
        assert_eq!(fs.metadata(Path::new("/p/conf")).unwrap().kind, Kind::Dir);
        assert_eq!(
            fs.read_link(Path::new("/p/.env")).unwrap(),
            Path::new("shared/base.env")
        );
        assert!(fs.read_link(Path::new("/p/shared/base.env")).is_err());
        assert_eq!(fs.read(Path::new("/p/conf/base.env")).unwrap(), b"A=1\n");
        assert_eq!(
            fs.canonicalize(Path::new("/p/conf/../.env.outside"))
                .unwrap(),
            Path::new("/etc/x")
        );
        // A broken link is there, but leads nowhere.
        assert_eq!(
            fs.symlink_metadata(Path::new("/p/.env.broken"))
                .unwrap()
                .kind,
            Kind::Symlink
        );
        assert_eq!(
            fs.metadata(Path::new("/p/.env.broken")).unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
        assert!(fs.canonicalize(Path::new("/p/loop")).is_err());

        // Special files and folders are refused by reads, with the reason.
        let fifo = fs.metadata(Path::new("/p/.env.fifo")).unwrap();
        assert_eq!(fifo.kind, Kind::Special(Special::Fifo));
        let e = fs.read(Path::new("/p/.env.fifo")).unwrap_err();
        assert_eq!(io_reason(&e), "not a regular file (a FIFO); not read");
        let e = fs.read(Path::new("/p/shared")).unwrap_err();
        assert_eq!(io_reason(&e), "a folder, not a file");

        // A walk lists links (not followed: nothing below `conf`) and special files.
        assert_eq!(
            walked(&fs, "/p"),
            [
                ("/p/.env".to_owned(), Kind::Symlink),
                ("/p/.env.broken".to_owned(), Kind::Symlink),
                ("/p/.env.fifo".to_owned(), Kind::Special(Special::Fifo)),
                ("/p/.env.outside".to_owned(), Kind::Symlink),
                ("/p/conf".to_owned(), Kind::Symlink),
                ("/p/loop".to_owned(), Kind::Symlink),
                ("/p/shared/base.env".to_owned(), Kind::File),
            ]
        );

        // A file replaces a link at the same path, and `remove` takes either.
        fs.insert("/p/.env", "B=2\n");
        assert_eq!(
            fs.symlink_metadata(Path::new("/p/.env")).unwrap().kind,
            Kind::File
        );
        assert!(fs.remove(Path::new("/p/.env.fifo")));
        assert!(fs.metadata(Path::new("/p/.env.fifo")).is_err());
    }

    #[test]
    fn overlay_buffers_shadow_links_and_pass_the_rest_through() {
        let mut below = MemoryFs::new().with("/p/real.env", "A=1\n");
        below.insert_link("/p/.env", "real.env");
        below.insert_special("/p/.env.pipe", Special::Fifo);
        let mut over = Overlay::new(below);
        assert_eq!(
            over.symlink_metadata(Path::new("/p/.env")).unwrap().kind,
            Kind::Symlink
        );
        assert_eq!(
            over.read_link(Path::new("/p/.env")).unwrap(),
            Path::new("real.env")
        );
        assert!(over.read(Path::new("/p/.env.pipe")).is_err());
        // An editor's buffer for the link's path is a file.
        over.set("/p/.env", "A=2\n");
        assert_eq!(
            over.symlink_metadata(Path::new("/p/.env")).unwrap().kind,
            Kind::File
        );
        assert!(over.read_link(Path::new("/p/.env")).is_err());
        assert_eq!(over.read(Path::new("/p/.env")).unwrap(), b"A=2\n");
        // Listed once, as below.
        assert_eq!(
            walked(&over, "/p"),
            [
                ("/p/.env".to_owned(), Kind::Symlink),
                ("/p/.env.pipe".to_owned(), Kind::Special(Special::Fifo)),
                ("/p/real.env".to_owned(), Kind::File),
            ]
        );
    }

    /// Runs `f` on another thread and fails the test if it takes more than 10 s: a read
    /// that blocks must fail the test, not hang it.
    #[cfg(unix)]
    fn within_10s<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(std::time::Duration::from_secs(10))
            .expect("blocked for 10 s")
    }

    #[cfg(unix)]
    #[test]
    #[allow(clippy::print_stderr)] // a skipped case says why
    fn os_special_files_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        // A socket needs no tool to make.
        let sock = root.join(".env.sock");
        let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        assert_eq!(
            OsFs.metadata(&sock).unwrap().kind,
            Kind::Special(Special::Socket)
        );
        let e = OsFs.read(&sock).unwrap_err();
        assert_eq!(io_reason(&e), "not a regular file (a socket); not read");
        // A FIFO with no writer: opening it the usual way would block forever.
        let fifo = root.join(".env");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        if made {
            let at = fifo.clone();
            let (read, shared) = within_10s(move || {
                (
                    OsFs.read(&at).map_err(|e| io_reason(&e)),
                    OsFs.read_shared(&at).map(|_| ()).map_err(|e| io_reason(&e)),
                )
            });
            let refused = "not a regular file (a FIFO); not read".to_owned();
            assert_eq!(read.unwrap_err(), refused);
            assert_eq!(shared.unwrap_err(), refused);
            assert_eq!(
                OsFs.metadata(&fifo).unwrap().kind,
                Kind::Special(Special::Fifo)
            );
        } else {
            eprintln!("skipped the FIFO case: `mkfifo` is not available");
        }
        // A folder is refused by reads, and is a folder to `metadata`.
        std::fs::create_dir(root.join("dir.env")).unwrap();
        let e = OsFs.read(&root.join("dir.env")).unwrap_err();
        assert_eq!(io_reason(&e), "a folder, not a file");
        // The walk lists the special files with their kind.
        let kinds: Vec<Kind> = walked(&OsFs, root.to_str().unwrap())
            .into_iter()
            .map(|(_, k)| k)
            .collect();
        assert!(kinds.contains(&Kind::Special(Special::Socket)), "{kinds:?}");
        assert_eq!(kinds.contains(&Kind::Special(Special::Fifo)), made);
    }

    #[cfg(unix)]
    #[test]
    #[allow(clippy::print_stderr)] // a skipped case says why
    fn os_walks_skip_folders_whose_ignore_files_are_fifos() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        std::fs::create_dir_all(root.join("app")).unwrap();
        std::fs::write(root.join("a.ts"), "").unwrap();
        std::fs::write(root.join("app/b.ts"), "").unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(root.join("app/.gitignore"))
            .status()
            .is_ok_and(|s| s.success());
        if !made {
            eprintln!("skipped: `mkfifo` is not available");
            return;
        }
        let none = Override::empty();
        let walk_root = root.clone();
        let found = within_10s(move || OsFs.walk(&walk_root, &spec(true, &none)));
        let files: Vec<&Path> = found.iter().flatten().map(|e| e.path.as_path()).collect();
        assert_eq!(files, [root.join("a.ts")]);
        let errors: Vec<&String> = found.iter().filter_map(|e| e.as_ref().err()).collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].ends_with(
                "app/.gitignore: not a regular file (a FIFO); not read; the folder is not walked"
            ),
            "{errors:?}"
        );
        // Walked from that folder, nothing is read.
        let app = root.join("app");
        let none = Override::empty();
        let found = within_10s(move || OsFs.walk(&app, &spec(true, &none)));
        assert_eq!(found.len(), 1);
        assert!(found[0].is_err());
    }

    #[cfg(unix)]
    #[test]
    fn os_links_are_reported_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("shared")).unwrap();
        std::fs::write(root.join("shared/base.env"), "A=1\n").unwrap();
        std::os::unix::fs::symlink("shared/base.env", root.join(".env")).unwrap();
        std::os::unix::fs::symlink("shared", root.join("conf")).unwrap();
        let link = root.join(".env");
        assert_eq!(OsFs.symlink_metadata(&link).unwrap().kind, Kind::Symlink);
        assert_eq!(OsFs.metadata(&link).unwrap().kind, Kind::File);
        assert_eq!(OsFs.read_link(&link).unwrap(), Path::new("shared/base.env"));
        assert_eq!(OsFs.read(&link).unwrap(), b"A=1\n");
        let found = walked(&OsFs, root.to_str().unwrap());
        let rel: Vec<(String, Kind)> = found
            .into_iter()
            .map(|(p, k)| (p[root.to_str().unwrap().len()..].to_owned(), k))
            .collect();
        assert_eq!(
            rel,
            [
                ("/.env".to_owned(), Kind::Symlink),
                ("/conf".to_owned(), Kind::Symlink),
                ("/shared/base.env".to_owned(), Kind::File),
            ]
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    #[allow(clippy::print_stderr)] // a skipped case says why
    fn os_names_that_are_not_utf8_are_walked_and_read() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let name = std::ffi::OsStr::from_bytes(b".env.\xff");
        let path = dir.path().join(name);
        if std::fs::write(&path, "A=1\n").is_err() {
            eprintln!("skipped: this file system refuses names that are not UTF-8");
            return;
        }
        let found: Vec<Entry> = OsFs
            .walk(dir.path(), &spec(false, &Override::empty()))
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].path, path);
        assert_eq!(OsFs.read(&found[0].path).unwrap(), b"A=1\n");
    }
}
