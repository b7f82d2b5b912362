//! Writing a plan's files all or nothing (`fix`, `example`, `init`): when one file cannot be
//! written, none is, the exit code is 2, and the summary says what was written, never
//! "Fixed N problems" for files left as they were.
//!
//! A file that changes between envlint's read and its rename is covered where the window
//! can be hit on purpose, by the unit tests of the transaction in `crates/cli/write.rs`
//! (prepare, change the file, commit). Here the failures are permissions: a read-only
//! folder or file. Root writes regardless of them, so each test first tries to write
//! where it should not be able to, and says it is skipped when that works.

use std::path::Path;

use crate::support::{envlint, read, repo};

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Whether `probe` can be written although permissions say no (root): then the test
/// proves nothing, says so and stops.
fn permissions_are_meaningless(probe: &Path, test: &str) -> bool {
    let writable = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(probe)
        .is_ok();
    if writable {
        let _ = std::fs::remove_file(probe);
        eprintln!("skipped {test}: this process writes despite read-only permissions (root?)");
    }
    writable
}

/// envlint's temporary files left in `dir`.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".envlint-"))
        .collect()
}

#[cfg(unix)]
#[test]
fn fix_writes_nothing_when_one_folder_is_read_only() {
    let dir = repo(&[
        (".gitignore", b".env\n"),
        (".env", b"A = 1\n"),
        ("locked/.env", b"B = 2\n"),
    ]);
    let root = dir.path();
    let locked = root.join("locked");
    set_mode(&locked, 0o555);
    if permissions_are_meaningless(
        &locked.join("probe"),
        "fix_writes_nothing_when_one_folder_is_read_only",
    ) {
        set_mode(&locked, 0o755);
        return;
    }
    let run = envlint(root, &["fix"]);
    let json = envlint(root, &["fix", "--format", "json"]);
    set_mode(&locked, 0o755);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("envlint: error: locked/.env: cannot write: permission denied"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("envlint: error: .env: not written (envlint writes all the files or none)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("Nothing written: 2 files with fixes left as they were (see above)."),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("Fixed"), "{}", run.stderr);
    assert_eq!(read(root, ".env"), "A = 1\n");
    assert_eq!(read(root, "locked/.env"), "B = 2\n");
    assert!(leftovers(root).is_empty() && leftovers(&locked).is_empty());
    // JSON says the same.
    assert_eq!(json.code, 2);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["summary"]["changed_files"], 2);
    assert_eq!(v["summary"]["written_files"], 0);
    assert!(v["files"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["written"] == false));
    // Once the folder can be written, both files are.
    let run = envlint(root, &["fix"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("Fixed 2 problems in 2 files."),
        "{}",
        run.stderr
    );
    assert_eq!(
        (read(root, ".env"), read(root, "locked/.env")),
        ("A=1\n".into(), "B=2\n".into())
    );
}

#[cfg(unix)]
#[test]
fn fix_writes_nothing_when_one_file_is_read_only() {
    let dir = repo(&[
        (".gitignore", b".env*\n"),
        (".env", b"A = 1\n"),
        (".env.local", b"B = 2\n"),
    ]);
    let root = dir.path();
    set_mode(&root.join(".env.local"), 0o444);
    if permissions_are_meaningless(
        &root.join(".env.local"),
        "fix_writes_nothing_when_one_file_is_read_only",
    ) {
        return;
    }
    let run = envlint(root, &["fix"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("envlint: error: .env.local: cannot write: permission denied"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("Fixed"), "{}", run.stderr);
    assert_eq!(read(root, ".env"), "A = 1\n");
    assert_eq!(read(root, ".env.local"), "B = 2\n");
    assert!(leftovers(root).is_empty());
}

#[cfg(unix)]
#[test]
fn init_creates_no_env_file_when_gitignore_cannot_be_written() {
    // The new `.env` and the `.gitignore` line that keeps it out of git go together: a
    // secrets file git would publish is worse than none.
    let dir = repo(&[
        (".env.example", b"PORT=3000\n"),
        (".gitignore", b"node_modules\n"),
    ]);
    let root = dir.path();
    set_mode(&root.join(".gitignore"), 0o444);
    if permissions_are_meaningless(
        &root.join(".gitignore"),
        "init_creates_no_env_file_when_gitignore_cannot_be_written",
    ) {
        return;
    }
    let run = envlint(root, &["init"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("envlint: error: .gitignore: cannot write: permission denied"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("Created"), "{}", run.stderr);
    assert!(!root.join(".env").exists());
    assert_eq!(read(root, ".gitignore"), "node_modules\n");
    assert!(leftovers(root).is_empty());
}

#[cfg(unix)]
#[test]
fn example_writes_nothing_when_one_example_cannot_be_written() {
    let dir = repo(&[
        ("web/.env.example", b"A=\n"),
        ("web/app.js", b"process.env.A; process.env.B;\n"),
        ("api/.env.example", b"C=\n"),
        ("api/app.js", b"process.env.C; process.env.D;\n"),
    ]);
    let root = dir.path();
    set_mode(&root.join("web/.env.example"), 0o444);
    if permissions_are_meaningless(
        &root.join("web/.env.example"),
        "example_writes_nothing_when_one_example_cannot_be_written",
    ) {
        return;
    }
    let check = envlint(root, &["example", "--check"]);
    assert_eq!(check.code, 1, "both examples lack a key: {}", check.stderr);
    let run = envlint(root, &["example"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("web/.env.example: cannot write: permission denied"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("Updated"), "{}", run.stderr);
    assert_eq!(read(root, "api/.env.example"), "C=\n");
    assert_eq!(read(root, "web/.env.example"), "A=\n");
}
