//! What tunes `envlint check`: configuration files (`envlint.toml`, `pyproject.toml`,
//! `Cargo.toml`) found nearest first, severities and exclusions, suppression comments,
//! `ignore-keys` / `platform-keys`, and `per-file-ignores`.

use crate::support::{envlint, repo, rules_and_lines};

#[test]
fn configuration_is_found_nearest_first_in_every_form() {
    let dir = repo(&[
        (
            "pyproject.toml",
            b"[project]\nname='x'\n[tool.envlint]\nignore = [\"lowercase-key\"]\n",
        ),
        (".gitignore", b".env\n"),
        (".env", b"lower=1\n\n\nA=1\n"),
        (
            "svc/Cargo.toml",
            b"[package]\nname='svc'\n[package.metadata.envlint]\nselect = [\"extra-blank-line\"]\n",
        ),
        ("svc/.env", b"lower=1\n\n\nA=1\n"),
        ("docs/pyproject.toml", b"[tool.black]\n"),
        ("docs/.env", b"lower=1\n"),
    ]);
    let root = envlint(dir.path(), &["check", "--format", "json"]);
    assert!(!root.stdout.contains("lowercase-key"), "{}", root.stdout);
    assert!(root.stdout.contains("extra-blank-line"));
    let svc = envlint(&dir.path().join("svc"), &["check", "--format", "json"]);
    assert!(svc.stdout.contains("extra-blank-line") && !svc.stdout.contains("lowercase-key"));
    // docs/pyproject.toml has no envlint table: the search goes on to the root's.
    let docs = envlint(&dir.path().join("docs"), &["check"]);
    assert_eq!(docs.code, 0, "{}", docs.stdout);
    // The command line wins over the file.
    let cli = envlint(
        dir.path(),
        &["check", "--select", "lowercase-key", "--format", "json"],
    );
    assert!(cli.stdout.contains("lowercase-key"));
    // Severity overrides and exclusions.
    std::fs::write(
        dir.path().join("envlint.toml"),
        "exclude = [\"svc\"]\n[severity]\nlowercase-key = \"info\"\n",
    )
    .unwrap();
    let sev = envlint(
        dir.path(),
        &["check", "--select", "lowercase-key", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&sev.stdout).unwrap();
    let diags = v["diagnostics"].as_array().unwrap();
    assert!(
        diags
            .iter()
            .all(|d| d["severity"] == "info" && d["path"] != "svc/.env"),
        "{diags:?}"
    );
    assert_eq!(sev.code, 0, "info does not fail the run");
}

#[test]
fn suppression_comments() {
    let dir = repo(&[
        (".gitignore", b".env\n"),
        (
        ".env",
        b"# envlint: ignore[lowercase-key]\nlower=1\nother=2 # envlint: ignore\nthird=3\n# envlint: ignore-file[extra-blank-line]\n\n\n",
    ),
    ]);
    let run = envlint(dir.path(), &["check", "--format", "json"]);
    assert_eq!(rules_and_lines(&run), [("lowercase-key".to_owned(), 4)]);
}

#[test]
fn ignore_keys_and_platform_keys_from_the_configuration() {
    let dir = repo(&[
        (".gitignore", b".env\n"),
        (".env.example", b"LEGACY_HOST=\nUSED=\n"),
        (".env", b"USED=1\nLEGACY_PORT=2\n"),
        (
            "app.py",
            b"import os\nos.environ['USED']\nos.environ['ACME_DEPLOY_ID']\nos.environ['LEGACY_MODE']\n",
        ),
        // `exclude` keeps test data out of the source walk too.
        ("fixtures/creds.py", b"API_SECRET = 'q8Xv2LmZ9tPw4RkN7bYc'\n"),
    ]);
    let before = envlint(dir.path(), &["check", "--format", "concise"]);
    for name in [
        "LEGACY_HOST",
        "LEGACY_PORT",
        "LEGACY_MODE",
        "ACME_DEPLOY_ID",
        "hardcoded-secret",
    ] {
        assert!(before.stdout.contains(name), "{name}: {}", before.stdout);
    }
    std::fs::write(
        dir.path().join("envlint.toml"),
        "exclude = [\"fixtures/**\"]\nignore-keys = [\"LEGACY_*\"]\nplatform-keys = [\"ACME_*\"]\n",
    )
    .unwrap();
    let after = envlint(dir.path(), &["check"]);
    assert_eq!(
        (after.code, after.stdout.as_str()),
        (0, "No problems in 3 files.\n")
    );
    std::fs::write(
        dir.path().join("envlint.toml"),
        "ignore-keys = [\"A*B*\"]\n",
    )
    .unwrap();
    let bad = envlint(dir.path(), &["check"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("bad pattern `A*B*` in ignore-keys"),
        "{}",
        bad.stderr
    );
}

#[test]
fn per_file_ignores_silence_rules_by_path() {
    let dir = repo(&[
        (".gitignore", b".env\n"),
        (
            "envlint.toml",
            b"[per-file-ignores]\n\"tests/**\" = [\"hardcoded-secret\"]\n\"legacy/.env\" = [\"ALL\"]\n",
        ),
        ("tests/test_api.py", b"API_SECRET = 'q8Xv2LmZ9tPw4RkN7bYc'\n"),
        ("src/api.py", b"API_SECRET = 'q8Xv2LmZ9tPw4RkN7bYc'\n"),
        ("legacy/.env", b"lower=1\n"),
        (".env", b"lower=1\n"),
    ]);
    let run = envlint(dir.path(), &["check", "--format", "concise"]);
    let found: Vec<&str> = run.stdout.lines().filter(|l| l.contains(": ")).collect();
    assert_eq!(
        found,
        [
            ".env:1:1: lowercase-key: the key `lower` should be upper case",
            "src/api.py:1:15: hardcoded-secret: this looks like a generated secret (a long random value under a secret name)",
        ],
        "{}",
        run.stdout
    );
    // From a subfolder the globs still mean the configuration's folder.
    let sub = envlint(&dir.path().join("tests"), &["check", "--format", "concise"]);
    assert!(!sub.stdout.contains("hardcoded-secret"), "{}", sub.stdout);
    std::fs::write(
        dir.path().join("envlint.toml"),
        "[per-file-ignores]\n\"tests/**\" = [\"hardcoded-secrets\"]\n",
    )
    .unwrap();
    let bad = envlint(dir.path(), &["check"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr
            .contains("unknown rule `hardcoded-secrets` in per-file-ignores"),
        "{}",
        bad.stderr
    );
}

/// Regression: `exclude` globs are relative to the configuration's folder, also when envlint
/// runs from inside an excluded folder with no path (they were matched against paths
/// relative to the current folder, so `cd fixtures && envlint check` checked them).
#[test]
fn exclude_applies_from_inside_the_excluded_folder() {
    let dir = repo(&[
        ("envlint.toml", b"exclude = [\"fixtures/**\"]\n"),
        ("fixtures/bad/.env", b"lower=1\n"),
        (
            "fixtures/bad/creds.py",
            b"API_SECRET = 'q8Xv2LmZ9tPw4RkN7bYc'\n",
        ),
        (".env.example", b"A=\n"),
    ]);
    for (cwd, path) in [("", "fixtures"), ("fixtures", "."), ("fixtures/bad", ".")] {
        let run = envlint(&dir.path().join(cwd), &["check", path]);
        assert_eq!(
            (run.code, run.stdout.as_str()),
            (0, "No problems in 0 files.\n"),
            "from {cwd:?}: {}",
            run.stderr
        );
    }
}
