//! Writing a user's files safely, all of them or none.
//!
//! Why: a fixer that truncates a `.env` on a full disk, drops its permissions (a 0600 file
//! holding secrets becoming world-readable), replaces a symlink with a copy, or overwrites
//! an edit made while it ran, destroys trust in one stroke. So does one that fixes half a
//! project: `.env.example` completed for keys whose `.env` fix was refused. A plan's edits
//! are written as one [`Transaction`]: every new content goes to a temporary file in its
//! target's folder first (permissions copied, synced); only when all are written is each
//! target checked to still hold the bytes envlint read (again just before its own rename)
//! and the temporary files renamed over the targets (atomic on POSIX). A failure before the
//! first rename leaves every file as it was and removes the temporary files; the caller is
//! told exactly which files were written.

use std::io::Write;
use std::path::{Path, PathBuf};

use envlint_workspace::FileEdit;

/// Why `path` must not be written: it is a symbolic link. Renaming over the link's path
/// would replace the link with a file; writing its target writes wherever the link points
/// (outside the tree, perhaps). The user decides which they meant.
fn symlink_refusal(path: &Path, shown: &str) -> Option<String> {
    if !std::fs::symlink_metadata(path)
        .ok()?
        .file_type()
        .is_symlink()
    {
        return None;
    }
    let target = std::fs::read_link(path)
        .map_or_else(|_| "?".to_owned(), |t| t.to_string_lossy().into_owned());
    Some(format!(
        "{shown}: a symbolic link to {target}; not writing through it (run envlint on the file it points to, or replace the link with a copy of that file)"
    ))
}

/// What a [`Transaction`] (or a failed [`Transaction::prepare`]) did.
#[derive(Debug, Default)]
pub(crate) struct Written {
    /// The edits written, as indices into those given to [`Transaction::prepare`], in order.
    pub(crate) written: Vec<usize>,
    /// Why the others were not: one message per file, the file that failed first.
    pub(crate) errors: Vec<String>,
    /// Whether some file changed on disk since envlint read it (a run to repeat).
    pub(crate) changed_on_disk: bool,
}

impl Written {
    /// Nothing written: `failed` says why for one file, the others are named as not
    /// written.
    fn nothing(failed: String, others: impl Iterator<Item = String>) -> Written {
        let mut errors = vec![failed];
        errors.extend(
            others.map(|shown| {
                format!("{shown}: not written (envlint writes all the files or none)")
            }),
        );
        Written {
            written: Vec::new(),
            changed_on_disk: errors[0].contains(CHANGED),
            errors,
        }
    }
}

/// The words of the message for a file that changed since it was read.
const CHANGED: &str = "changed on disk since envlint read it; not written";

/// One file of a [`Transaction`], its new bytes written to a temporary file beside it.
#[derive(Debug)]
struct Staged {
    index: usize,
    shown: String,
    /// Where the temporary file goes: the file itself (links refused, folders resolved).
    target: PathBuf,
    /// The bytes the target must still hold; `None`: it must not exist.
    expected: Option<Vec<u8>>,
    tmp: tempfile::NamedTempFile,
}

/// Edits written all or nothing: [`Transaction::prepare`] writes every new content to a
/// temporary file, [`Transaction::commit`] checks and renames them. Dropping a
/// transaction that was not committed removes its temporary files.
#[derive(Debug)]
pub(crate) struct Transaction {
    staged: Vec<Staged>,
}

impl Transaction {
    /// Writes the new bytes of `edits` (each with the path it resolves to) to temporary
    /// files, each in its target's folder, with the target's permissions (or the edit's
    /// mode for a new file), synced to disk. Refuses (writing nothing, leaving no
    /// temporary file) when a target is a link, is not writable, no longer holds the bytes
    /// read (or, for a new file, exists), or a temporary file cannot be written in full.
    pub(crate) fn prepare(edits: &[(PathBuf, &FileEdit)]) -> Result<Transaction, Written> {
        let mut staged = Vec::with_capacity(edits.len());
        for (index, (path, edit)) in edits.iter().enumerate() {
            let stage = match &edit.original {
                Some(original) => stage_existing(path, &edit.path, original, &edit.output),
                None => stage_new(path, &edit.path, &edit.output, edit.mode),
            };
            match stage {
                Ok((target, tmp)) => staged.push(Staged {
                    index,
                    shown: edit.path.clone(),
                    target,
                    expected: edit.original.clone(),
                    tmp,
                }),
                Err(why) => {
                    let others = edits
                        .iter()
                        .enumerate()
                        .filter(|&(i, _)| i != index)
                        .map(|(_, (_, e))| e.path.clone());
                    // `staged` is dropped here: its temporary files are removed.
                    return Err(Written::nothing(why, others));
                }
            }
        }
        Ok(Transaction { staged })
    }

    /// Checks that every target still holds the bytes read (a new file: still does not
    /// exist), then renames the temporary files over the targets, checking each target
    /// once more just before its rename. A failure before the first rename writes
    /// nothing; one after it (a file changed in that instant, a rename refused) stops
    /// there, and [`Written`] says which files were written.
    pub(crate) fn commit(self) -> Written {
        let all: Vec<String> = self.staged.iter().map(|s| s.shown.clone()).collect();
        if let Some((k, why)) = self
            .staged
            .iter()
            .enumerate()
            .find_map(|(k, s)| s.still_as_read().err().map(|why| (k, why)))
        {
            let others = all.into_iter().enumerate().filter(|&(i, _)| i != k);
            return Written::nothing(why, others.map(|(_, shown)| shown));
        }
        let mut done = Written::default();
        let mut folders: Vec<PathBuf> = Vec::new();
        let mut rest = self.staged.into_iter();
        for s in rest.by_ref() {
            let index = s.index;
            match s.still_as_read().and_then(|()| s.rename()) {
                Ok(target) => {
                    done.written.push(index);
                    if let Some(dir) = target.parent() {
                        if !folders.iter().any(|f| f == dir) {
                            folders.push(dir.to_path_buf());
                        }
                    }
                }
                Err(why) => {
                    done.changed_on_disk |= why.contains(CHANGED);
                    done.errors.push(why);
                    break;
                }
            }
        }
        // The rest stay as they were (their temporary files are removed with them).
        for s in rest {
            done.errors.push(format!(
                "{}: not written (an earlier file could not be written)",
                s.shown
            ));
        }
        // The renames themselves reach the disk with their folders.
        for dir in folders {
            sync_folder(&dir);
        }
        done
    }
}

impl Staged {
    /// Renames the temporary file over the target (a new file: only if none appeared).
    fn rename(self) -> Result<PathBuf, String> {
        let Staged {
            shown,
            target,
            expected,
            tmp,
            ..
        } = self;
        let persisted = match expected {
            Some(_) => tmp.persist(&target).map(drop),
            None => tmp.persist_noclobber(&target).map(drop),
        };
        persisted.map_err(|e| match e.error.kind() {
            std::io::ErrorKind::AlreadyExists => format!("{shown}: exists now; not overwriting it"),
            _ => cannot_write(&shown, &e.error),
        })?;
        Ok(target)
    }

    /// Whether the target is still as envlint read it (or, for a new file, still absent).
    fn still_as_read(&self) -> Result<(), String> {
        let shown = &self.shown;
        match &self.expected {
            Some(expected) => {
                if let Some(why) = symlink_refusal(&self.target, shown) {
                    return Err(why);
                }
                match std::fs::read(&self.target) {
                    Ok(now) if now == *expected => Ok(()),
                    Ok(_) => Err(format!("{shown}: {CHANGED}")),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        Err(format!("{shown}: {CHANGED}"))
                    }
                    Err(e) => Err(format!("{shown}: {}", envlint_workspace::io_reason(&e))),
                }
            }
            None => match std::fs::symlink_metadata(&self.target) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                _ => Err(format!("{shown}: exists now; not overwriting it")),
            },
        }
    }
}

fn cannot_write(shown: &str, e: &std::io::Error) -> String {
    format!("{shown}: cannot write: {}", envlint_workspace::io_reason(e))
}

/// A temporary file beside the existing file `path` holding `contents`, with the file's
/// permissions; and where it will be renamed to.
fn stage_existing(
    path: &Path,
    shown: &str,
    expected: &[u8],
    contents: &[u8],
) -> Result<(PathBuf, tempfile::NamedTempFile), String> {
    if let Some(why) = symlink_refusal(path, shown) {
        return Err(why);
    }
    let reason = |e: std::io::Error| format!("{shown}: {}", envlint_workspace::io_reason(&e));
    let target = std::fs::canonicalize(path).map_err(reason)?;
    let now = std::fs::read(&target).map_err(reason)?;
    if now != expected {
        return Err(format!("{shown}: {CHANGED}"));
    }
    // A file its owner made read-only is not replaced behind their back (renaming over it
    // would need only the folder to be writable). Opened to append, it is not changed.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&target)
        .map_err(|e| cannot_write(shown, &e))?;
    let perms = std::fs::metadata(&target).map_err(reason)?.permissions();
    let dir = target.parent().unwrap_or(Path::new("."));
    let fail = |e: std::io::Error| cannot_write(shown, &e);
    let mut tmp = tempfile::Builder::new()
        .prefix(".envlint-")
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(contents).map_err(fail)?;
    std::fs::set_permissions(tmp.path(), perms).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    Ok((target, tmp))
}

/// A temporary file in the folder of the new file `path` holding `contents`, with
/// permission bits `mode` (on Unix); and where it will be renamed to.
fn stage_new(
    path: &Path,
    shown: &str,
    contents: &[u8],
    mode: u32,
) -> Result<(PathBuf, tempfile::NamedTempFile), String> {
    // A link, even a broken one, is "something there": never replaced.
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(format!("{shown}: exists now; not overwriting it"));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let fail = |e: std::io::Error| cannot_write(shown, &e);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".envlint-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut tmp = builder.tempfile_in(dir).map_err(fail)?;
    tmp.write_all(contents).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    Ok((path.to_path_buf(), tmp))
}

/// Syncs a folder, so that a rename in it survives a crash (best effort: not every
/// system lets a folder be opened and synced).
fn sync_folder(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Writes the planned edits that change a file, as one [`Transaction`].
pub(crate) fn apply_all(ws: &envlint_workspace::Workspace, edits: &[&FileEdit]) -> Written {
    let resolved: Vec<(PathBuf, &FileEdit)> =
        edits.iter().map(|e| (ws.resolve(&e.path), *e)).collect();
    match Transaction::prepare(&resolved) {
        Ok(t) => t.commit(),
        Err(written) => written,
    }
}

/// One file replaced as a transaction of its own (the single-file case, for tests).
#[cfg(test)]
fn write_atomically(
    path: &Path,
    shown: &str,
    expected: &[u8],
    contents: &[u8],
) -> Result<(), String> {
    one(
        &FileEdit {
            path: shown.to_owned(),
            original: Some(expected.to_vec()),
            output: contents.to_vec(),
            mode: 0o644,
        },
        path,
    )
}

/// One file created as a transaction of its own (the single-file case, for tests).
#[cfg(test)]
fn create_new(path: &Path, shown: &str, contents: &[u8], mode: u32) -> Result<(), String> {
    one(
        &FileEdit {
            path: shown.to_owned(),
            original: None,
            output: contents.to_vec(),
            mode,
        },
        path,
    )
}

#[cfg(test)]
fn one(edit: &FileEdit, path: &Path) -> Result<(), String> {
    let written = match Transaction::prepare(&[(path.to_path_buf(), edit)]) {
        Ok(t) => t.commit(),
        Err(w) => w,
    };
    match written.errors.into_iter().next() {
        Some(why) => Err(why),
        None => Ok(()),
    }
}

/// The change as a unified diff (from `/dev/null` for a new file). An env file's values and
/// comments are masked on both sides unless `show_values`, exactly as in code frames: a
/// diff of `.env` is a frame of every changed line.
pub(crate) fn diff(edit: &FileEdit, show_values: bool) -> String {
    let name = edit.path.rsplit('/').next().unwrap_or(&edit.path);
    let shown = |bytes: &[u8]| -> Vec<u8> {
        if envlint_workspace::is_env_file_name(name) {
            let doc = envlint_dotenv::Document::parse(
                bytes.to_vec(),
                &envlint_dotenv::ParseOptions::isolated(),
            );
            envlint_core::mask::display_bytes(
                doc,
                envlint_core::mask::Masking::for_file(&edit.path, show_values),
                None,
            )
        } else {
            // `.gitignore` and the like: control characters escaped, credentials masked,
            // as in a source file's frame.
            envlint_core::mask::display_source(bytes.to_vec(), show_values)
        }
    };
    let old = shown(edit.original.as_deref().unwrap_or_default());
    let new = shown(&edit.output);
    let old = String::from_utf8_lossy(&old);
    let new = String::from_utf8_lossy(&new);
    let from = if edit.original.is_some() {
        format!("a/{}", crate::escape::text(&edit.path))
    } else {
        "/dev/null".to_owned()
    };
    // A deadline keeps huge rewrites (pruning 200,000 keys) from taking minutes: past it
    // the diff is still correct, only less minimal.
    similar::TextDiff::configure()
        .timeout(std::time::Duration::from_millis(500))
        .diff_lines(old.as_ref(), new.as_ref())
        .unified_diff()
        .header(&from, &format!("b/{}", crate::escape::text(&edit.path)))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The temporary files envlint left in `dir`.
    fn leftovers(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".envlint-"))
            .collect()
    }

    fn edit(path: &str, original: Option<&[u8]>, output: &[u8], mode: u32) -> FileEdit {
        FileEdit {
            path: path.to_owned(),
            original: original.map(<[u8]>::to_vec),
            output: output.to_vec(),
            mode,
        }
    }

    /// Whether this process may write where permissions say it may not (root may): then
    /// a read-only file or folder proves nothing, and the test says so and stops.
    fn permissions_are_meaningless(probe: &Path) -> bool {
        let writable = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(probe)
            .is_ok();
        if writable {
            let _ = std::fs::remove_file(probe);
            eprintln!("skipped: this process writes despite read-only permissions (root?)");
        }
        writable
    }

    #[test]
    fn a_transaction_writes_every_file_and_says_which() {
        let dir = tempfile::tempdir().unwrap();
        let env = dir.path().join(".env");
        std::fs::write(&env, b"A = 1\r\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        let example = dir.path().join(".env.example");
        let edits = [
            edit(".env", Some(b"A = 1\r\n"), b"A=1\r\n", 0o644),
            edit(".env.example", None, b"A=\n", 0o600),
        ];
        let staged = [(env.clone(), &edits[0]), (example.clone(), &edits[1])];
        let t = Transaction::prepare(&staged).unwrap();
        // Prepared: temporary files written, nothing renamed yet.
        assert_eq!(leftovers(dir.path()).len(), 2);
        assert_eq!(std::fs::read(&env).unwrap(), b"A = 1\r\n");
        assert!(!example.exists());
        let done = t.commit();
        assert_eq!(
            (done.written, done.errors),
            (vec![0, 1], Vec::<String>::new())
        );
        assert_eq!(std::fs::read(&env).unwrap(), b"A=1\r\n");
        assert_eq!(std::fs::read(&example).unwrap(), b"A=\n");
        assert!(leftovers(dir.path()).is_empty());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!((mode(&env), mode(&example)), (0o640, 0o600));
        }
    }

    #[test]
    fn a_file_changed_after_prepare_means_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.env"), dir.path().join("b.env"));
        std::fs::write(&a, b"A = 1\n").unwrap();
        std::fs::write(&b, b"B = 2\n").unwrap();
        let edits = [
            edit("a.env", Some(b"A = 1\n"), b"A=1\n", 0o644),
            edit("b.env", Some(b"B = 2\n"), b"B=2\n", 0o644),
        ];
        let t = Transaction::prepare(&[(a.clone(), &edits[0]), (b.clone(), &edits[1])]).unwrap();
        // Someone saves b.env between envlint's read and its rename.
        std::fs::write(&b, b"B = 2\nC=3\n").unwrap();
        let done = t.commit();
        assert!(done.written.is_empty());
        assert!(done.changed_on_disk);
        assert_eq!(
            done.errors,
            [
                "b.env: changed on disk since envlint read it; not written",
                "a.env: not written (envlint writes all the files or none)",
            ]
        );
        assert_eq!(std::fs::read(&a).unwrap(), b"A = 1\n");
        assert_eq!(std::fs::read(&b).unwrap(), b"B = 2\nC=3\n");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_file_created_after_prepare_is_not_overwritten_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let (env, example) = (dir.path().join(".env"), dir.path().join(".env.example"));
        std::fs::write(&example, b"A=\n").unwrap();
        let edits = [
            edit(".env.example", Some(b"A=\n"), b"A=\nB=\n", 0o644),
            edit(".env", None, b"A=\n", 0o600),
        ];
        let t = Transaction::prepare(&[(example.clone(), &edits[0]), (env.clone(), &edits[1])])
            .unwrap();
        std::fs::write(&env, b"MINE=1\n").unwrap();
        let done = t.commit();
        assert!(done.written.is_empty());
        assert_eq!(done.errors[0], ".env: exists now; not overwriting it");
        assert_eq!(std::fs::read(&env).unwrap(), b"MINE=1\n");
        assert_eq!(std::fs::read(&example).unwrap(), b"A=\n");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_that_cannot_be_written_means_nothing_is_written() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let locked = dir.path().join("locked");
        std::fs::create_dir(&locked).unwrap();
        let (a, b) = (dir.path().join(".env"), locked.join(".env"));
        std::fs::write(&a, b"A = 1\n").unwrap();
        std::fs::write(&b, b"B = 2\n").unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
        let unlock =
            || std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
        if permissions_are_meaningless(&locked.join("probe")) {
            unlock();
            return;
        }
        let edits = [
            edit(".env", Some(b"A = 1\n"), b"A=1\n", 0o644),
            edit("locked/.env", Some(b"B = 2\n"), b"B=2\n", 0o644),
        ];
        let prepared = Transaction::prepare(&[(a.clone(), &edits[0]), (b, &edits[1])]);
        unlock();
        let done = prepared.unwrap_err();
        assert!(done.written.is_empty());
        assert_eq!(
            done.errors,
            [
                "locked/.env: cannot write: permission denied",
                ".env: not written (envlint writes all the files or none)",
            ]
        );
        assert_eq!(std::fs::read(&a).unwrap(), b"A = 1\n");
        assert!(leftovers(dir.path()).is_empty());
        assert!(leftovers(&locked).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_file_is_not_replaced() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let env = dir.path().join(".env");
        std::fs::write(&env, b"A = 1\n").unwrap();
        std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o444)).unwrap();
        if permissions_are_meaningless(&env) {
            return;
        }
        let err = write_atomically(&env, ".env", b"A = 1\n", b"A=1\n").unwrap_err();
        assert_eq!(err, ".env: cannot write: permission denied");
        assert_eq!(std::fs::read(&env).unwrap(), b"A = 1\n");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn refuses_when_the_file_changed_and_keeps_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(&path, b"A=1\n").unwrap();
        let err = write_atomically(&path, ".env", b"A=0\n", b"A=2\n").unwrap_err();
        assert!(err.contains("changed on disk"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"A=1\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            write_atomically(&path, ".env", b"A=1\n", b"A=2\n").unwrap();
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert_eq!(std::fs::read(&path).unwrap(), b"A=2\n");
    }

    #[cfg(unix)]
    #[test]
    fn refuses_to_write_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.env");
        std::fs::write(&real, b"A=1\n").unwrap();
        let link = dir.path().join(".env");
        std::os::unix::fs::symlink("real.env", &link).unwrap();
        let err = write_atomically(&link, ".env", b"A=1\n", b"A=2\n").unwrap_err();
        assert!(
            err.starts_with(".env: a symbolic link to real.env; not writing through it"),
            "{err}"
        );
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"A=1\n");
    }

    #[test]
    fn create_new_never_overwrites_and_sets_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        create_new(&path, ".env", b"A=1\n", 0o600).unwrap();
        let err = create_new(&path, ".env", b"B=2\n", 0o600).unwrap_err();
        assert!(err.contains("not overwriting"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"A=1\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }
}
