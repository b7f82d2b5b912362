//! `envlint example`: writing and updating `.env.example` from the code (`--diff`,
//! `--check`, `--prune`, `--values-from-env`), keeping what people wrote, refusing what it
//! cannot edit safely, and agreeing with `check` afterwards.

use crate::support::{assert_mode, envlint, project, read, repo, FIXTURE_PROJECTS};

#[test]
fn example_then_check_leaves_nothing_missing_in_every_fixture() {
    for name in FIXTURE_PROJECTS {
        let Some(dir) = project(name) else { continue };
        let root = dir.path();
        let diff = envlint(root, &["example", "--diff"]);
        insta::assert_snapshot!(
            format!("example_diff_{name}"),
            format!("exit {}\n{}{}", diff.code, diff.stdout, diff.stderr)
        );
        let write = envlint(root, &["example"]);
        assert_eq!(write.code, 0, "{name}: {}", write.stderr);
        let check = envlint(
            root,
            &[
                "check",
                "--select",
                "missing-in-example",
                "--format",
                "concise",
            ],
        );
        assert_eq!(check.code, 0, "{name}: {}{}", check.stdout, check.stderr);
        assert!(!check.stdout.contains("missing-in-example"), "{name}");
        // In CI: up to date now, and a second run changes nothing.
        let ci = envlint(root, &["example", "--check"]);
        assert_eq!(ci.code, 0, "{name}: {}", ci.stderr);
        let before = std::fs::read_dir(root).unwrap().count();
        let again = envlint(root, &["example", "--diff"]);
        assert_eq!((again.code, again.stdout.as_str()), (0, ""), "{name}");
        assert_eq!(std::fs::read_dir(root).unwrap().count(), before);
    }
}

#[test]
fn example_is_written_from_nothing_and_checked_in_ci() {
    let dir = repo(&[
        (
            "src/app.ts",
            b"const db = process.env.DATABASE_URL!;\nconst pool = Number(process.env.DATABASE_POOL_SIZE ?? 10);\nconst key = process.env.STRIPE_SECRET_KEY ?? 'sk_live_51HabcdefghijklmnopqrstuvwxYZ0123456789';\n",
        ),
        (
            "worker/jobs.py",
            b"import os\nQUEUE = os.environ['QUEUE_URL']\nDEBUG = os.getenv('WORKER_DEBUG', 'false')\n",
        ),
    ]);
    let root = dir.path();
    let ci = envlint(root, &["example", "--check"]);
    assert_eq!(ci.code, 1);
    assert!(ci.stderr.contains(".env.example: out of date: does not exist; lacks DATABASE_POOL_SIZE, DATABASE_URL, STRIPE_SECRET_KEY, QUEUE_URL, WORKER_DEBUG"), "{}", ci.stderr);
    assert!(
        !root.join(".env.example").exists(),
        "--check writes nothing"
    );
    let run = envlint(root, &["example"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("Created .env.example: added 5 keys"),
        "{}",
        run.stderr
    );
    let text = read(root, ".env.example");
    // The hardcoded live key is never copied as a default.
    assert!(!text.contains("sk_live"), "{text}");
    insta::assert_snapshot!("example_from_nothing", text);
    assert_mode(&root.join(".env.example"), 0o644);
    assert_eq!(envlint(root, &["example", "--check"]).code, 0);
    let json = envlint(root, &["example", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["summary"]["changed_files"], 0);
}

#[test]
fn example_update_keeps_what_people_wrote() {
    // CRLF, a BOM, a multiline value, comments everywhere, odd quoting, no final newline.
    let example: &[u8] = b"\xef\xbb\xbf# Project settings\r\n\r\n# -- database --\r\nDATABASE_URL=\"postgres://localhost/dev\" # local default\r\nCERT=\"-----BEGIN-----\r\nnot a secret\r\n-----END-----\"\r\n  # indented note\r\nexport LEGACY='x'\r\nAPP_NAME=demo";
    let dir = repo(&[
        (".env.example", example),
        (
            "src/main.rs",
            b"fn main() {\n    let _ = std::env::var(\"DATABASE_URL\").unwrap();\n    let _ = std::env::var(\"DATABASE_REPLICA_URL\").ok();\n    let _ = std::env::var(\"APP_NAME\").unwrap();\n    let _ = std::env::var(\"APP_MODE\").unwrap_or_else(|_| \"dev\".to_string());\n    let _ = std::env::var(\"CERT\").unwrap();\n    let _ = std::env::var(\"SENTRY_DSN\").ok();\n}\n",
        ),
    ]);
    let root = dir.path();
    let run = envlint(root, &["example"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("note: .env.example lists 1 key no code reads: LEGACY (remove with --prune)"),
        "{}",
        run.stderr
    );
    let after = std::fs::read(root.join(".env.example")).unwrap();
    // Every byte that was there is still there, in order; only lines were inserted.
    let mut it = after.iter();
    assert!(example.iter().all(|b| it.any(|a| a == b)));
    insta::assert_snapshot!(
        "example_update_crlf_bom",
        String::from_utf8_lossy(&after).replace('\r', "\\r")
    );
    let again = envlint(root, &["example"]);
    assert_eq!(
        std::fs::read(root.join(".env.example")).unwrap(),
        after,
        "{}",
        again.stderr
    );
    // --prune shows and removes the unread key, and only that line.
    let prune = envlint(root, &["example", "--prune", "--diff"]);
    assert_eq!(prune.code, 1);
    // Values are masked in diffs, as in frames, unless asked for.
    assert!(
        prune.stdout.contains("-export LEGACY='*'\r\n"),
        "{}",
        prune.stdout
    );
    let shown = envlint(root, &["example", "--prune", "--diff", "--show-values"]);
    assert!(
        shown.stdout.contains("-export LEGACY='x'\r\n"),
        "{}",
        shown.stdout
    );
    assert_eq!(
        prune
            .stdout
            .lines()
            .filter(|l| l.starts_with('-') && !l.starts_with("---"))
            .count(),
        1
    );
    envlint(root, &["example", "--prune"]);
    let pruned = std::fs::read(root.join(".env.example")).unwrap();
    assert_eq!(pruned.len(), after.len() - "export LEGACY='x'\r\n".len());
}

#[test]
fn example_refuses_files_it_cannot_edit_safely() {
    let dir = repo(&[
        (".env.example", b"A=1\nB=\"unclosed\nC=3\n"),
        ("a.js", b"process.env.D;\n"),
    ]);
    let run = envlint(dir.path(), &["example"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("envlint: error: .env.example: line 2 does not parse"),
        "{}",
        run.stderr
    );
    assert_eq!(read(dir.path(), ".env.example"), "A=1\nB=\"unclosed\nC=3\n");
    let file = envlint(dir.path(), &["example", "a.js"]);
    assert_eq!(file.code, 2);
    assert!(file.stderr.contains("takes a folder"), "{}", file.stderr);
}

#[test]
fn example_copies_values_from_env_only_when_asked_and_never_secrets() {
    let dir = repo(&[
        (".gitignore", b".env\n"),
        (".env", b"LOG_LEVEL=debug\nOPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD\nDB_PASSWORD=hunter2hunter2\n"),
        ("app.py", b"import os\nos.environ['LOG_LEVEL']\nos.environ['OPENAI_API_KEY']\nos.environ['DB_PASSWORD']\n"),
    ]);
    let root = dir.path();
    let run = envlint(root, &["example", "--values-from-env"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = read(root, ".env.example");
    assert!(text.contains("LOG_LEVEL=debug\n"), "{text}");
    assert!(
        text.contains("OPENAI_API_KEY=\n") && text.contains("DB_PASSWORD=\n"),
        "{text}"
    );
    assert!(
        !text.contains("sk-proj") && !text.contains("hunter2"),
        "{text}"
    );
}

#[test]
fn example_says_when_git_would_hide_it() {
    let dir = repo(&[
        (".gitignore", b".env*\n"),
        ("app.py", b"import os\nos.environ['SECRET_KEY']\n"),
    ]);
    let run = envlint(dir.path(), &["example"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("note: git ignores .env.example, so a fresh clone will not get it; `envlint fix` adds `!.env.example` to .gitignore"),
        "{}",
        run.stderr
    );
    let fix = envlint(dir.path(), &["fix"]);
    assert!(
        fix.stderr.contains("Added to .gitignore: !.env.example"),
        "{}",
        fix.stderr
    );
    let check = envlint(dir.path(), &["check", "--select", "example-ignored"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
}

#[test]
fn example_and_check_agree_on_per_file_ignores() {
    let dir = repo(&[
        (
            "envlint.toml",
            b"[per-file-ignores]\n\"tests/**\" = [\"missing-in-example\"]\n",
        ),
        ("src/app.py", b"import os\nos.environ['APP_URL']\n"),
        (
            "tests/test_app.py",
            b"import os\nos.environ['TEST_TOKEN']\n",
        ),
    ]);
    let run = envlint(dir.path(), &["example"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = read(dir.path(), ".env.example");
    assert!(
        text.contains("APP_URL=") && !text.contains("TEST_TOKEN"),
        "{text}"
    );
    let check = envlint(dir.path(), &["check", "--select", "missing-in-example"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
}
