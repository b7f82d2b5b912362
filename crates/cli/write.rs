//! Writing a user's file safely.
//!
//! Why: a fixer that truncates a `.env` on a full disk, drops its permissions (a 0600 file
//! holding secrets becoming world-readable), replaces a symlink with a copy, or overwrites
//! an edit made while it ran, destroys trust in one stroke. We write a temporary file in the
//! same folder, copy the permissions, sync, and rename it over the target (atomic on POSIX),
//! after checking that the file still holds the bytes we read.

use std::io::Write;
use std::path::Path;

use envlint_workspace::FileEdit;

/// Replaces the contents of `path` (which held `expected` when read) with `contents`;
/// messages name it `shown`.
pub(crate) fn write_atomically(
    path: &Path,
    shown: &str,
    expected: &[u8],
    contents: &[u8],
) -> Result<(), String> {
    let target = std::fs::canonicalize(path)
        .map_err(|e| format!("{}: {}", shown, envlint_workspace::io_reason(&e)))?;
    let now = std::fs::read(&target)
        .map_err(|e| format!("{}: {}", shown, envlint_workspace::io_reason(&e)))?;
    if now != expected {
        return Err(format!(
            "{}: the file changed on disk since envlint read it; not writing (run again)",
            shown
        ));
    }
    let perms = std::fs::metadata(&target)
        .map_err(|e| format!("{}: {}", shown, envlint_workspace::io_reason(&e)))?
        .permissions();
    let dir = target.parent().unwrap_or(Path::new("."));
    let fail = |e: std::io::Error| {
        format!(
            "{}: cannot write: {}",
            shown,
            envlint_workspace::io_reason(&e)
        )
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".envlint-")
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(contents).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    std::fs::set_permissions(tmp.path(), perms).map_err(fail)?;
    tmp.persist(&target).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Creates `path` (named `shown` in messages) with `contents` and permission bits `mode` (on Unix), atomically, failing
/// when the file exists (it is never overwritten, even if it appears while we write).
pub(crate) fn create_new(
    path: &Path,
    shown: &str,
    contents: &[u8],
    mode: u32,
) -> Result<(), String> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let fail = |e: std::io::Error| {
        format!(
            "{}: cannot write: {}",
            shown,
            envlint_workspace::io_reason(&e)
        )
    };
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
    tmp.persist_noclobber(path).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            format!("{}: exists now; not overwriting it", shown)
        } else {
            fail(e.error)
        }
    })?;
    Ok(())
}

/// Writes a planned file edit (atomically; refusing a file that changed or appeared since
/// it was read).
pub(crate) fn apply(ws: &envlint_workspace::Workspace, edit: &FileEdit) -> Result<(), String> {
    let target = ws.resolve(&edit.path);
    match &edit.original {
        Some(o) => write_atomically(&target, &edit.path, o, &edit.output),
        None => create_new(&target, &edit.path, &edit.output, edit.mode),
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
            bytes.to_vec()
        }
    };
    let old = shown(edit.original.as_deref().unwrap_or_default());
    let new = shown(&edit.output);
    let old = String::from_utf8_lossy(&old);
    let new = String::from_utf8_lossy(&new);
    let from = if edit.original.is_some() {
        format!("a/{}", edit.path)
    } else {
        "/dev/null".to_owned()
    };
    // A deadline keeps huge rewrites (pruning 200,000 keys) from taking minutes: past it
    // the diff is still correct, only less minimal.
    similar::TextDiff::configure()
        .timeout(std::time::Duration::from_millis(500))
        .diff_lines(old.as_ref(), new.as_ref())
        .unified_diff()
        .header(&from, &format!("b/{}", edit.path))
        .to_string()
}

/// With `--diff`, prints the change (not in JSON output, which reports it instead);
/// otherwise writes the file.
pub(crate) fn show_or_apply(
    ws: &envlint_workspace::Workspace,
    edit: &FileEdit,
    diff_only: bool,
    cli: &crate::Cli,
) -> Result<(), String> {
    if !diff_only {
        return apply(ws, edit);
    }
    if cli.format != crate::Format::Json {
        crate::output::emit(&diff(edit, cli.show_values));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
