//! `envlint refs`: the variable reads found in the code, respecting `.gitignore` and
//! skipping build output, dependencies and oversized files.

use crate::support::{envlint, project, repo};

#[test]
fn refs_lists_reads_respecting_gitignore_and_skipping_build_output() {
    let big = format!(
        "fn f() {{ std::env::var(\"IN_HUGE\").ok(); }}\n// {}\n",
        "x".repeat(5 << 20)
    );
    let dir = repo(&[
        (".gitignore", b"ignored.rs\n"),
        (
            "src/main.rs",
            b"use std::env;\nfn main() {\n    let url = env::var(\"DATABASE_URL\").expect(\"set it\");\n    let port = env::var(\"PORT\").unwrap_or_else(|_| \"8080\".into());\n    let _ = env::var(format!(\"APP_{}\", 1));\n}\n",
        ),
        ("src/broken.rs", b"fn f() { let x = ; std::env::var(\"STILL_SEEN\").unwrap(); }\n"),
        ("src/plain.rs", b"fn nothing_here() {}\n"),
        (
            "web/app.ts",
            b"const url = process.env.NEXT_PUBLIC_API!;\n// process.env.IN_COMMENT\nprocess.env.WRITTEN = '1';\nconst { REGION = 'us' } = process.env;\n",
        ),
        ("web/page.tsx", b"export const P = () => <p>{process.env.NEXT_PUBLIC_TITLE}</p>;\n"),
        (
            "app/settings.py",
            b"import os\nSECRET_KEY = os.environ[\"DJANGO_SECRET_KEY\"]\nDEBUG = os.getenv(\"DEBUG\", \"0\") == \"1\"\nos.environ[\"WRITTEN\"] = \"x\"\n",
        ),
        ("ignored.rs", b"fn f() { std::env::var(\"IGNORED\").unwrap(); }\n"),
        ("target/debug/build.rs", b"fn f() { std::env::var(\"IN_TARGET\").unwrap(); }\n"),
        ("node_modules/x/lib.rs", b"fn f() { std::env::var(\"IN_DEPS\").unwrap(); }\n"),
        ("gen/huge.rs", big.as_bytes()),
    ]);
    let run = envlint(dir.path(), &["refs", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("src/broken.rs") && run.stderr.contains("token scan"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("skipped 1 file larger than 4 MiB"),
        "{}",
        run.stderr
    );
    insta::assert_json_snapshot!(
        "refs_json",
        serde_json::from_str::<serde_json::Value>(&run.stdout).unwrap()
    );
    let all = envlint(dir.path(), &["refs", "--include-skipped"]);
    assert!(
        all.stdout.contains("IN_TARGET")
            && all.stdout.contains("IN_DEPS")
            && !all.stdout.contains("IGNORED")
    );
}

/// Reads through the project's own helpers, in files with no read of their own too: each
/// names the helper and where it is defined (`tests/fixtures/projects/helpers`).
#[test]
fn refs_lists_reads_through_helpers_with_the_helper() {
    let Some(dir) = project("helpers") else {
        return;
    };
    let text = envlint(dir.path(), &["refs"]);
    let json = envlint(dir.path(), &["refs", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let via: Vec<&str> = v["refs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["via"].as_str())
        .collect();
    assert_eq!(via.len(), 5, "{}", json.stdout);
    insta::assert_snapshot!(
        "refs_helpers",
        format!("exit {}\n{}{}", text.code, text.stdout, text.stderr)
    );
}
