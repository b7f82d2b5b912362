//! Shared helpers of the end-to-end tests: running the built `envlint` binary, temp
//! folders made git repositories, the fixtures of `tests/fixtures` copied into them, and
//! small readers and assertions used by several commands' tests.

use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) struct Run {
    pub(crate) stdout: String,
    pub(crate) stderr: String,
    pub(crate) code: i32,
}

pub(crate) fn envlint(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_envlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run envlint");
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

pub(crate) fn git_available() -> bool {
    Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A temp folder holding `files`, made a git repository when git is installed.
pub(crate) fn repo(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, data) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, data).unwrap();
    }
    if git_available() {
        let ok = Command::new("git")
            .args(["init", "-q"])
            .current_dir(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "git init failed");
    } else {
        // What `git init` leaves that envlint looks at: a `.git` folder (no index yet).
        eprintln!("note: git is not installed; writing a bare `.git` folder instead");
        std::fs::create_dir_all(dir.path().join(".git/info")).unwrap();
        std::fs::write(dir.path().join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

pub(crate) fn fixture(name: &str) -> tempfile::TempDir {
    let dir = repo(&[]);
    let src: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", name]
        .iter()
        .collect();
    copy_dir(&src, dir.path());
    dir
}

/// The (rule, line) of each finding of a `--format json` run.
pub(crate) fn rules_and_lines(run: &Run) -> Vec<(String, u64)> {
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The fixture projects of `tests/fixtures/projects`.
pub(crate) const FIXTURE_PROJECTS: [&str; 9] = [
    "nextjs",
    "django",
    "axum",
    "monorepo",
    "committed-env",
    "example-hidden",
    "helpers",
    "compose-linked",
    "workspace-packages",
];

/// The fixture projects of `tests/fixtures/projects`, each in a fresh git repository.
/// `gitignore` becomes `.gitignore` (a real one would hide the fixture's files from
/// envlint's own repository); `stage` lists files to `git add` first.
pub(crate) fn project(name: &str) -> Option<tempfile::TempDir> {
    if !git_available() {
        eprintln!("skipped {name}: git is not installed, so no file can be staged");
        return None;
    }
    let dir = fixture(&format!("projects/{name}"));
    let root = dir.path();
    if root.join("gitignore").exists() {
        std::fs::rename(root.join("gitignore"), root.join(".gitignore")).unwrap();
    }
    if let Ok(stage) = std::fs::read_to_string(root.join("stage")) {
        std::fs::remove_file(root.join("stage")).unwrap();
        for path in stage.lines() {
            let ok = Command::new("git")
                .args(["add", "-f", path])
                .current_dir(root)
                .status()
                .unwrap();
            assert!(ok.success());
        }
    }
    Some(dir)
}

/// Asserts a file's permission bits (on Unix; elsewhere there are none to check).
pub(crate) fn assert_mode(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let got = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(got, mode, "{}", path.display());
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

pub(crate) fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}
