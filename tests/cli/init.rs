//! `envlint init`: creating a private `.env` (or a framework's `.env.local`) from the
//! example, ignoring it in git, `--add-missing`, and refusing when it cannot do it safely.

use std::process::Command;

use crate::support::{assert_mode, envlint, git_available, read, repo};

#[test]
fn init_creates_a_private_env_and_ignores_it() {
    let dir = repo(&[
        (".env.example", b"# Database\nDATABASE_URL=\nPORT=3000\n"),
        (".gitignore", b"node_modules\n"),
        (
            "src/db.ts",
            b"// the pool\nexport const url = process.env.DATABASE_URL!;\n",
        ),
    ]);
    let root = dir.path();
    let dry = envlint(root, &["init", "--diff"]);
    assert_eq!(dry.code, 1);
    assert!(!root.join(".env").exists());
    insta::assert_snapshot!("init_diff", dry.stdout);
    let run = envlint(root, &["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("Created .env (mode 0600) from .env.example with 2 keys"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("Added to .gitignore: .env"),
        "{}",
        run.stderr
    );
    // What the newcomer must fill in, with where the code needs it.
    assert!(
        run.stderr
            .contains("Fill in before running: DATABASE_URL (required by src/db.ts:2)"),
        "{}",
        run.stderr
    );
    assert!(read(root, ".env").ends_with("# Database\nDATABASE_URL=\nPORT=3000\n"));
    assert_eq!(read(root, ".gitignore"), "node_modules\n\n# Local env files hold secrets: git must not publish them (added by envlint).\n.env\n");
    assert_mode(&root.join(".env"), 0o600);
    if git_available() {
        let ignored = Command::new("git")
            .args(["check-ignore", "-q", ".env"])
            .current_dir(root)
            .status()
            .unwrap();
        assert!(ignored.success(), "git itself must ignore .env now");
    } else {
        eprintln!("skipped the `git check-ignore` cross-check: git is not installed");
    }
    // Twice: nothing changes.
    std::fs::write(
        root.join(".env"),
        "DATABASE_URL=postgres://me@localhost/app\n",
    )
    .unwrap();
    let twice = envlint(root, &["init"]);
    assert_eq!(twice.code, 0);
    assert!(twice.stderr.contains(".env exists; left as is. It lacks 1 key of .env.example: PORT (add them with --add-missing)"), "{}", twice.stderr);
    assert_eq!(
        read(root, ".env"),
        "DATABASE_URL=postgres://me@localhost/app\n"
    );
    assert_eq!(
        read(root, ".gitignore")
            .lines()
            .filter(|l| *l == ".env")
            .count(),
        1,
        "no second line"
    );
    // --add-missing appends only what is missing, marked, keeping the rest and the mode.
    let add = envlint(root, &["init", "--add-missing"]);
    assert_eq!(add.code, 0, "{}", add.stderr);
    assert_eq!(
        read(root, ".env"),
        "DATABASE_URL=postgres://me@localhost/app\n\n# TODO: fill in PORT (added from .env.example by `envlint init`)\nPORT=3000\n"
    );
    let none = envlint(root, &["init", "--add-missing", "--diff"]);
    assert_eq!((none.code, none.stdout.as_str()), (0, ""));
}

#[test]
fn init_refuses_without_an_example_and_warns_about_a_tracked_env() {
    let empty = repo(&[("a.js", b"process.env.X;\n")]);
    let run = envlint(empty.path(), &["init"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no example file (.env.example, .env.sample, …) in .; `envlint example` writes one from the code"), "{}", run.stderr);
    if !git_available() {
        eprintln!("skipped the tracked-.env half: git is not installed");
        return;
    }
    let mono = repo(&[
        ("apps/web/.env.example", b"A=\n"),
        ("apps/api/.env.sample", b"B=\n"),
    ]);
    let run = envlint(mono.path(), &["init"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "run it in a folder that has one: `envlint init apps/api`, `envlint init apps/web`"
        ),
        "{}",
        run.stderr
    );
    let dir = repo(&[(".env.example", b"A=\n"), (".env", b"A=1\n")]);
    let ok = Command::new("git")
        .args(["add", ".env"])
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(ok.success());
    let run = envlint(dir.path(), &["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("note: git tracks .env: run `git rm --cached .env`"),
        "{}",
        run.stderr
    );
    // A deeper rule that un-ignores .env cannot be beaten from the root: refuse, say so.
    let sub = repo(&[
        ("app/.env.example", b"A=\n"),
        ("app/.gitignore", b"!.env\n"),
        (".gitignore", b".env\n"),
    ]);
    let run = envlint(sub.path(), &["init", "app"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("app/.env: a line in the root .gitignore cannot make git ignore it"),
        "{}",
        run.stderr
    );
    assert!(
        sub.path().join("app/.env").exists(),
        "the .env itself is still created"
    );
}

#[test]
fn init_writes_env_local_in_a_framework_project() {
    let dir = repo(&[
        (
            "package.json",
            b"{\"dependencies\": {\"next\": \"15.0.0\"}}\n",
        ),
        (".env.example", b"DATABASE_URL=\n"),
    ]);
    let root = dir.path();
    let run = envlint(root, &["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("Created .env.local (mode 0600)"),
        "{}",
        run.stderr
    );
    assert!(!root.join(".env").exists());
    assert_mode(&root.join(".env.local"), 0o600);
    assert!(read(root, ".gitignore").lines().any(|l| l == ".env.local"));
    let other = envlint(root, &["init", "--file", ".env"]);
    assert_eq!(other.code, 0, "{}", other.stderr);
    assert!(root.join(".env").exists());
    let bad = envlint(root, &["init", "--file", "sub/.env"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("give a file name in the folder"),
        "{}",
        bad.stderr
    );
}
