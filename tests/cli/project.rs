//! `envlint check`'s project rules: code reads against `.env.example` and `.env` (with
//! both sides of each finding), the git rules (ignore files and the index), and the
//! fixture projects of `tests/fixtures/projects` as a fresh clone sees them.

use std::process::Command;

use crate::support::{envlint, git_available, project, repo, FIXTURE_PROJECTS};

#[test]
fn project_rules_compare_code_examples_and_env_files() {
    let dir = repo(&[
        (".env.example", b"DATABASE_URL=\nNEXT_PUBLIC_API_URL=\nSTALE_KEY=\n"),
        (".env", b"DATABASE_URL=postgres://localhost/dev\nLOCAL_ONLY=1\n"),
        (
            "src/app/page.tsx",
            b"export default function Page() { return <p>{process.env.NEXT_PUBLIC_API_URL}</p>; }\n",
        ),
        (
            "src/lib/db.ts",
            b"export const url = process.env.DATABASE_URL!;\nexport const redis = process.env.REDIS_URL ?? 'redis://localhost';\nexport const env = process.env.NODE_ENV;\n",
        ),
        ("apps/api/.env.example", b"API_SECRET=\n"),
        (
            "apps/api/settings.py",
            b"import os\nSECRET = os.environ['API_SECRET']\nDB = os.environ['DATABASE_URL']\nKEY = os.getenv(f'TENANT_{t}')\n",
        ),
        ("tools/gen.rs", b"fn main() { let _ = std::env::var(\"GEN_OUT\").unwrap(); }\n"),
    ]);
    let run = envlint(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let found: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}:{} {} {}",
                d["rule"].as_str().unwrap(),
                d["path"].as_str().unwrap(),
                d["line"],
                d["severity"].as_str().unwrap(),
                d["key"].as_str().unwrap_or("-")
            )
        })
        .collect();
    insta::assert_snapshot!("project_rules", found.join("\n"));
}

#[test]
fn git_rules_follow_ignore_files_and_the_index() {
    if !git_available() {
        eprintln!("skipped: git is not installed, so no file can be staged");
        return;
    }
    let dir = repo(&[
        // `.env*` also hides the example: example-ignored.
        (".gitignore", b".env*\n"),
        (".env", b"A=1\n"),
        (".env.example", b"A=\n"),
        // A deeper file re-includes what the root ignores.
        ("svc/.gitignore", b"!.env.local\n"),
        ("svc/.env.local", b"A=1\n"),
        // Not ignored but empty: nothing to publish.
        ("svc/blank.env", b"A=\n"),
        // Ignored folder: everything under it is ignored.
        ("old/.gitignore", b"*\n"),
        ("old/prod.env", b"A=1\n"),
        // Staged despite being ignored.
        ("deploy/.env.production", b"A=1\n"),
        ("src/main.py", b"import os\nos.environ['A']\n"),
    ]);
    let add = Command::new("git")
        .args(["add", "-f", "deploy/.env.production"])
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(add.success());
    let run = envlint(
        dir.path(),
        &[
            "check",
            "--select",
            "env-not-ignored,env-tracked,example-ignored",
            "--format",
            "concise",
        ],
    );
    assert_eq!(
        run.stdout.lines().collect::<Vec<_>>(),
        [
            ".env.example:1:1: example-ignored: git ignores .env.example: teammates will never receive it",
            "deploy/.env.production:1:1: env-tracked: deploy/.env.production is in the git index: its values are committed or about to be",
            "svc/.env.local:1:1: env-not-ignored: git does not ignore svc/.env.local, which holds values: `git add` would publish them",
            "Found 3 errors and 0 warnings in 7 files (2 fixable with `envlint fix`).",
        ],
        "{}",
        run.stdout
    );

    // Outside any repository the git rules say why they are silent.
    let plain = tempfile::tempdir().unwrap();
    std::fs::write(plain.path().join(".env"), "A=1\n").unwrap();
    let run = envlint(plain.path(), &["check", "--select", "env-not-ignored"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stderr.contains("not in a git repository"),
        "{}",
        run.stderr
    );
}

#[test]
fn fixture_projects_report_what_a_fresh_clone_needs() {
    for name in FIXTURE_PROJECTS {
        let Some(dir) = project(name) else { continue };
        let run = envlint(dir.path(), &["check", "--format", "concise"]);
        insta::assert_snapshot!(
            format!("project_{name}"),
            format!("exit {}\n{}{}", run.code, run.stdout, run.stderr)
        );
    }
}

#[test]
fn project_findings_show_both_sides() {
    let dir = repo(&[
        (".gitignore", b".env\n"),
        (".env.example", b"# Database\nDATABASE_URL=postgres://localhost/dev\nSTRIPE_SECRET_KEY=\n"),
        (".env", b"DATABASE_URL=postgres://admin:Zq8vLk2pWx7Tr@db.internal/app\n"),
        (
            "src/pay.ts",
            b"const key = process.env.STRIPE_SECRET_KEY!;\nconst pool = process.env.DATABASE_POOL;\nconst again = process.env.DATABASE_POOL!;\n",
        ),
    ]);
    let root = dir.path();
    let human = envlint(
        root,
        &["check", "--select", "missing-in-example,missing-in-env"],
    );
    insta::assert_snapshot!("two_sided_human", human.stdout);
    assert!(!human.stdout.contains("Zq8vLk2pWx7Tr") && !human.stdout.contains("localhost/dev"));
    let json = envlint(
        root,
        &[
            "check",
            "--select",
            "missing-in-example,missing-in-env",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let diags = v["diagnostics"].as_array().unwrap();
    let missing = diags
        .iter()
        .find(|d| d["rule"] == "missing-in-example")
        .unwrap();
    // The error comes from the required read (line 3), the optional one is a label.
    assert_eq!(
        (missing["line"].as_u64(), missing["severity"].as_str()),
        (Some(3), Some("error"))
    );
    assert_eq!(missing["related"][0]["path"], ".env.example");
    assert_eq!(missing["related"][0]["line"], 2);
    let env = diags
        .iter()
        .find(|d| d["rule"] == "missing-in-env")
        .unwrap();
    assert_eq!(env["related"][0]["path"], "src/pay.ts");
    assert_eq!(env["related"][0]["line"], 1);
    let sarif = envlint(
        root,
        &[
            "check",
            "--select",
            "missing-in-example,missing-in-env",
            "--format",
            "sarif",
        ],
    );
    let s: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let related = &s["runs"][0]["results"][0]["relatedLocations"][0];
    assert!(
        related["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .is_some(),
        "{related}"
    );
}
