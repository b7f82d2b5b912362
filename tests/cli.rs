//! End-to-end tests of the `envlint` binary over real temporary git repositories.
//!
//! Each test copies a fixture (or writes files) into a fresh temp folder with `git init`,
//! runs the built binary there, and checks exit code, stdout and stderr. Human output is
//! snapshot-tested with insta (no colour: the output is not a terminal and NO_COLOR is set).

#![allow(clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::Command;

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

fn envlint(dir: &Path, args: &[&str]) -> Run {
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

fn git_available() -> bool {
    Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A temp folder holding `files`, made a git repository when git is installed.
fn repo(files: &[(&str, &[u8])]) -> tempfile::TempDir {
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

fn fixture(name: &str) -> tempfile::TempDir {
    let dir = repo(&[]);
    let src: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures", name]
        .iter()
        .collect();
    copy_dir(&src, dir.path());
    dir
}

#[test]
fn messy_folder_reports_every_problem_with_code_frames() {
    let dir = fixture("messy");
    let run = envlint(dir.path(), &["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert!(
        !run.stdout.contains("node_modules"),
        "dependency folders are skipped"
    );
    assert!(!run.stdout.contains("notes.txt"), "only env files are read");
    insta::assert_snapshot!("messy_human", run.stdout);
}

#[test]
fn messy_folder_json_matches_the_contract() {
    let dir = fixture("messy");
    let run = envlint(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert_eq!(v["version"], 1);
    for d in v["diagnostics"].as_array().unwrap() {
        for field in [
            "rule",
            "severity",
            "message",
            "path",
            "line",
            "column",
            "end_line",
            "end_column",
            "key",
            "fix",
        ] {
            assert!(d.get(field).is_some(), "missing {field} in {d}");
        }
        assert!(!d["path"].as_str().unwrap().contains('\\'));
    }
    insta::assert_json_snapshot!("messy_json", v);
}

#[test]
fn github_annotations() {
    let dir = repo(&[(".env", b"a=1\nA=1\nA=2\n")]);
    let run = envlint(dir.path(), &["check", "--format", "github"]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("github", run.stdout);
}

#[test]
fn values_never_reach_the_output() {
    let secret = "sk-live-4f9c2a7e1b8d6f3a0c5e";
    let text = format!("API_KEY = {secret}\nOTHER={secret} x\n# OLD_KEY={secret}\nBARE {secret}\n");
    // A credential written in code is masked in code frames too, in every frame it shows.
    let code = "import os\nAPI_SECRET = \"4f9c2a7eQz8Lm2Xv7Pz4Rt\"\nos.environ['MISSING']\n";
    let dir = repo(&[(".env", text.as_bytes()), ("app.py", code.as_bytes())]);
    for format in ["human", "json", "github", "sarif", "concise"] {
        let run = envlint(dir.path(), &["check", "--format", format]);
        assert_eq!(run.code, 1);
        assert!(
            !run.stdout.contains("4f9c2a7e"),
            "{format} leaked a value:\n{}",
            run.stdout
        );
        assert!(!run.stderr.contains("4f9c2a7e"));
    }
    let human = envlint(dir.path(), &["check"]).stdout;
    assert!(
        human.contains("hardcoded-secret") && human.contains("API_SECRET = \"****"),
        "{human}"
    );
    let shown = envlint(dir.path(), &["check", "--show-values"]);
    assert!(
        shown.stdout.contains("4f9c2a7e"),
        "--show-values shows them"
    );
}

#[test]
fn env_files_are_found_even_when_gitignored_and_hidden() {
    let dir = repo(&[
        (".gitignore", b".env*\n*.env\n"),
        (".env", b"lower=1\n"),
        ("svc/.env.local", b"lower=1\n"),
        ("svc/prod.env", b"lower=1\n"),
        (".envrc", b"export lower=1\n"),
        ("src/env.ts", b"lower=1\n"),
        ("node_modules/x/.env", b"lower=1\n"),
        ("target/.env", b"lower=1\n"),
    ]);
    let run = envlint(dir.path(), &["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut paths: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    paths.sort_unstable();
    assert_eq!(paths, [".env", "svc/.env.local", "svc/prod.env"]);
    // Three env files and one source file (src/env.ts).
    assert_eq!(v["summary"]["files"], 4);
}

#[test]
fn fix_repairs_what_it_safely_can_and_nothing_else() {
    let dir = fixture("messy");
    let before_multiline = std::fs::read(dir.path().join(".env.multiline")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.path().join("windows.env"),
            std::fs::Permissions::from_mode(0o640),
        )
        .unwrap();
    }
    let diff = envlint(dir.path(), &["fix", "--diff"]);
    assert_eq!(diff.code, 1, "changes pending: {}", diff.stderr);
    insta::assert_snapshot!("messy_fix_diff", diff.stdout);
    let unchanged = envlint(dir.path(), &["check", "--format", "json"]);
    let fixed = envlint(dir.path(), &["fix"]);
    assert_eq!(fixed.code, 1, "unfixable problems remain");
    assert!(fixed.stderr.contains("Fixed"), "{}", fixed.stderr);
    // A second run has nothing left to do.
    let again = envlint(dir.path(), &["fix", "--diff"]);
    assert_eq!((again.code, again.stdout.as_str()), (0, ""));
    // Files whose problems have no safe fix are byte-identical.
    assert_eq!(
        std::fs::read(dir.path().join(".env.multiline")).unwrap(),
        before_multiline
    );
    // Line endings and permissions survive.
    let windows = std::fs::read(dir.path().join("windows.env")).unwrap();
    assert!(!windows.starts_with(b"\xef\xbb\xbf"), "BOM removed");
    assert_eq!(
        windows.iter().filter(|&&b| b == b'\n').count(),
        windows.windows(2).filter(|w| w == b"\r\n").count()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("windows.env"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    let after = envlint(dir.path(), &["check", "--format", "json"]);
    let count = |r: &Run| {
        serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()["diagnostics"]
            .as_array()
            .unwrap()
            .len()
    };
    assert!(count(&after) < count(&unchanged));
    assert!(
        !after.stdout.contains("\"applicability\":\"safe\""),
        "no safe fix left: {}",
        after.stdout
    );
}

#[test]
fn exit_codes_and_one_line_errors() {
    let dir = repo(&[(".gitignore", b".env\n"), (".env", b"A=1\n")]);
    let clean = envlint(dir.path(), &["check"]);
    assert_eq!(
        (clean.code, clean.stdout.as_str()),
        (0, "No problems in 1 file.\n")
    );

    let missing = envlint(dir.path(), &["check", "nope.env"]);
    assert_eq!(missing.code, 2);
    assert_eq!(
        missing.stderr,
        "envlint: error: nope.env: no such file or directory\n"
    );

    let bad_flag = envlint(dir.path(), &["check", "--frobnicate"]);
    assert_eq!(bad_flag.code, 2);

    let bad_rule = envlint(dir.path(), &["check", "--select", "lowercase-keys"]);
    assert_eq!(bad_rule.code, 2);
    assert_eq!(bad_rule.stderr.lines().count(), 1);
    assert!(bad_rule.stderr.contains("did you mean `lowercase-key`"));

    std::fs::write(
        dir.path().join("envlint.toml"),
        "ignore = []\nselekt = [\"bom\"]\n",
    )
    .unwrap();
    let bad_config = envlint(dir.path(), &["check"]);
    assert_eq!(bad_config.code, 2);
    assert_eq!(
        bad_config.stderr.lines().count(),
        1,
        "{}",
        bad_config.stderr
    );
    assert!(
        bad_config.stderr.contains("selekt") && bad_config.stderr.contains("line 2"),
        "{}",
        bad_config.stderr
    );

    #[cfg(unix)]
    {
        std::fs::remove_file(dir.path().join("envlint.toml")).unwrap();
        std::os::unix::fs::symlink("gone", dir.path().join("dangling.env")).unwrap();
        let broken = envlint(dir.path(), &["check", "dangling.env"]);
        assert_eq!(broken.code, 2);
        assert_eq!(broken.stderr.lines().count(), 1);
    }
}

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

/// The (rule, line) of each finding of a `--format json` run.
fn rules_and_lines(run: &Run) -> Vec<(String, u64)> {
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
fn parse_prints_what_dotenvy_loads() {
    let dir = repo(&[(
        ".env",
        b"export A = 'x y' # c\nB=\"${A}!\\n\"\nC=$A_B\nbad line\nD=\"multi\nline\"\n",
    )]);
    let run = envlint(
        dir.path(),
        &["parse", ".env", "--no-env", "--format", "json"],
    );
    assert_eq!(run.code, 1, "the bad line is reported");
    insta::assert_json_snapshot!(
        "parse_json",
        serde_json::from_str::<serde_json::Value>(&run.stdout).unwrap()
    );
    let human = envlint(dir.path(), &["parse", ".env", "--no-env"]);
    insta::assert_snapshot!("parse_human", human.stdout);
    assert!(human.stderr.contains("expected `=`"), "{}", human.stderr);
}

#[test]
fn rules_are_listed_and_explained() {
    let dir = repo(&[]);
    let list = envlint(dir.path(), &["rules", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(v["rules"].as_array().unwrap().len(), 29);
    let one = envlint(dir.path(), &["rules", "substitution-key"]);
    assert!(one.stdout.contains("## Why is this bad?"));
    let none = envlint(dir.path(), &["rules", "nope"]);
    assert_eq!(none.code, 2);
}

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
fn sarif_for_code_scanning() {
    let dir = fixture("messy");
    let run = envlint(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(run.code, 1);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run0 = &v["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let listed: serde_json::Value =
        serde_json::from_str(&envlint(dir.path(), &["rules", "--format", "json"]).stdout).unwrap();
    assert_eq!(rules.len(), listed["rules"].as_array().unwrap().len());
    assert!(rules.iter().all(|r| r["help"]["markdown"]
        .as_str()
        .is_some_and(|h| h.contains("## Why is this bad?"))));
    let results = run0["results"].as_array().unwrap();
    let json = envlint(dir.path(), &["check", "--format", "json"]);
    let j: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(results.len(), j["diagnostics"].as_array().unwrap().len());
    for r in results {
        // Each result points into the rules table and at a 1-based region.
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert_eq!(
            r["partialFingerprints"]["envlint/v1"]
                .as_str()
                .unwrap()
                .len(),
            16
        );
    }
    // Fingerprints survive lines moving: prepend a comment and compare.
    let fingerprints = |v: &serde_json::Value| {
        let mut f: Vec<String> = v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["envlint/v1"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        f.sort();
        f
    };
    let before = fingerprints(&v);
    let env = dir.path().join(".env");
    let text = std::fs::read_to_string(&env).unwrap();
    std::fs::write(&env, format!("# moved\n{text}")).unwrap();
    let moved = envlint(dir.path(), &["check", "--format", "sarif"]);
    let after = fingerprints(&serde_json::from_str(&moved.stdout).unwrap());
    assert_eq!(before, after);
    // SARIF describes findings; other commands refuse it.
    let refs = envlint(dir.path(), &["refs", "--format", "sarif"]);
    assert_eq!(refs.code, 2);
    assert!(refs
        .stderr
        .contains("--format sarif is for `envlint check`"));
}

#[test]
fn baseline_hides_known_findings_and_reports_new_ones() {
    let dir = fixture("messy");
    let write = envlint(
        dir.path(),
        &["check", "--write-baseline", "envlint-baseline.json"],
    );
    assert_eq!(write.code, 0, "{}", write.stderr);
    assert!(write.stdout.is_empty(), "{}", write.stdout);
    let text = std::fs::read_to_string(dir.path().join("envlint-baseline.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(!v["findings"].as_array().unwrap().is_empty());
    // Names only: the fixture's values are not in the file.
    let env = std::fs::read_to_string(dir.path().join(".env")).unwrap();
    for line in env.lines() {
        if let Some((_, value)) = line.split_once('=') {
            let value = value.trim().trim_matches('"');
            if value.len() >= 6 {
                assert!(!text.contains(value), "baseline holds a value: {value}");
            }
        }
    }

    let clean = envlint(
        dir.path(),
        &["check", "--baseline", "envlint-baseline.json"],
    );
    assert_eq!(clean.code, 0, "{}", clean.stdout);
    assert!(clean.stdout.starts_with("No problems"), "{}", clean.stdout);
    assert!(clean
        .stderr
        .contains("known findings hidden by the baseline"));

    // Lines moving does not matter; a new finding does.
    std::fs::write(
        dir.path().join(".env"),
        format!("# moved\n{env}new_lower=1\n"),
    )
    .unwrap();
    let new = envlint(
        dir.path(),
        &[
            "check",
            "--baseline",
            "envlint-baseline.json",
            "--format",
            "concise",
        ],
    );
    assert_eq!(new.code, 1);
    let found: Vec<&str> = new.stdout.lines().filter(|l| l.contains(": ")).collect();
    assert!(
        found.iter().all(|l| l.contains("new_lower")),
        "only the new key is reported: {found:?}"
    );
    assert!(!found.is_empty());

    // A file that is not a baseline is a clear error.
    std::fs::write(dir.path().join("bad.json"), "{\"findings\": 3}").unwrap();
    let bad = envlint(dir.path(), &["check", "--baseline", "bad.json"]);
    assert_eq!(bad.code, 2);
    assert_eq!(bad.stderr.lines().count(), 1, "{}", bad.stderr);
    assert!(
        bad.stderr.contains("not an envlint baseline"),
        "{}",
        bad.stderr
    );
    let missing = envlint(dir.path(), &["check", "--baseline", "nope.json"]);
    assert_eq!(missing.code, 2);
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

/// The fixture projects of `tests/fixtures/projects`.
const FIXTURE_PROJECTS: [&str; 6] = [
    "nextjs",
    "django",
    "axum",
    "monorepo",
    "committed-env",
    "example-hidden",
];

/// The fixture projects of `tests/fixtures/projects`, each in a fresh git repository.
/// `gitignore` becomes `.gitignore` (a real one would hide the fixture's files from
/// envlint's own repository); `stage` lists files to `git add` first.
fn project(name: &str) -> Option<tempfile::TempDir> {
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

/// Asserts a file's permission bits (on Unix; elsewhere there are none to check).
fn assert_mode(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let got = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(got, mode, "{}", path.display());
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

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
    assert!(
        prune.stdout.contains("-export LEGACY='x'\r\n"),
        "{}",
        prune.stdout
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
fn fix_completes_examples_and_gitignore_in_fixture_projects() {
    for name in ["nextjs", "example-hidden", "committed-env", "monorepo"] {
        let Some(dir) = project(name) else { continue };
        let root = dir.path();
        let rules = "missing-in-example,env-not-ignored,example-ignored,env-tracked";
        let diff = envlint(root, &["fix", "--select", rules, "--diff"]);
        insta::assert_snapshot!(
            format!("fix_project_{name}"),
            format!("exit {}\n{}{}", diff.code, diff.stdout, diff.stderr)
        );
        let fixed = envlint(root, &["fix", "--select", rules]);
        assert!(fixed.code <= 1, "{name}: {}", fixed.stderr);
        let check = envlint(
            root,
            &[
                "check",
                "--select",
                "missing-in-example,env-not-ignored,example-ignored",
                "--format",
                "concise",
            ],
        );
        assert_eq!(check.code, 0, "{name}: {}{}", check.stdout, check.stderr);
        // git itself agrees with what envlint now says.
        for entry in std::fs::read_dir(root).unwrap() {
            let name_os = entry.unwrap().file_name();
            let file = name_os.to_string_lossy();
            // Framework defaults such as Next.js's `.env.production` are committed by design.
            if !matches!(file.as_ref(), ".env" | ".env.local" | ".env.example") {
                continue;
            }
            let ignored = Command::new("git")
                .args(["check-ignore", "-q", "--no-index", &file])
                .current_dir(root)
                .status()
                .unwrap()
                .success();
            let example = file.contains("example");
            assert_eq!(ignored, !example, "{name}: git check-ignore {file}");
        }
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

/// The official SARIF 2.1.0 schema (rtm.5, as published by Microsoft in the npm package
/// `@microsoft/jest-sarif`) and ajv 6 to check against it, installed with npm into
/// `target/oracles/sarif` on first use. `None`, with the reason printed, without npm/node.
fn sarif_validator() -> Option<PathBuf> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("oracles").join("sarif");
    if !dir.join("node_modules/@microsoft/jest-sarif").exists() {
        std::fs::create_dir_all(&dir).unwrap();
        let ok = Command::new("npm")
            .args([
                "install",
                "--silent",
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
                "--prefix",
            ])
            .arg(&dir)
            .args(["@microsoft/jest-sarif@1.0.0-beta.0", "ajv@6.12.6"])
            .status();
        if !ok.is_ok_and(|s| s.success()) {
            eprintln!("skipped the SARIF schema check: npm could not install the schema and ajv");
            return None;
        }
    }
    Some(dir)
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let Some(validator) = sarif_validator() else {
        return;
    };
    let dir = repo(&[
        (".env.example", b"DATABASE_URL=\nOPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCDEF\nUNUSED=\n"),
        (".env", b"DATABASE_URL = postgres://u:Zq8vLk2pWx7Tr@db/app\nEXTRA=1\n"),
        ("src/app.ts", b"process.env.DATABASE_URL!;\nprocess.env.REDIS_URL ?? 'redis://localhost';\nconst k = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';\nprocess.env[`T_${x}`];\n"),
        ("café dir/.env", b"A=1\n"),
    ]);
    let run = envlint(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let log: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(log["runs"][0]["results"].as_array().unwrap().len() >= 8);
    let file = dir.path().join("out.sarif");
    std::fs::write(&file, &run.stdout).unwrap();
    let script = "const Ajv=require('ajv');\
        const ajv=new Ajv({schemaId:'auto',validateSchema:false,allErrors:true});\
        ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-04.json'));\
        const v=ajv.compile(require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'));\
        const log=JSON.parse(require('fs').readFileSync(process.argv[1],'utf8'));\
        if(!v(log)){console.error(JSON.stringify(v.errors,null,1));process.exit(1)}\
        console.log('valid');";
    let out = Command::new("node")
        .env("NODE_PATH", validator.join("node_modules"))
        .args(["-e", script])
        .arg(&file)
        .output();
    let Ok(out) = out else {
        eprintln!("skipped the SARIF schema check: node is not installed");
        return;
    };
    assert!(
        out.status.success(),
        "SARIF does not match the 2.1.0 schema:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "valid");
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

#[test]
fn large_files_are_checked_like_small_ones() {
    // Over a megabyte, `check` maps the file instead of reading it: the findings must not
    // change, with valid UTF-8 or not.
    let mut text = String::new();
    let mut i = 0;
    while text.len() < 1_500_000 {
        text.push_str(&format!("KEY_{i:06}=value_{i}\n"));
        i += 1;
    }
    let n = i as u64;
    // Mapped (over 1 MiB) and checked on several threads (50,000 lines or more).
    assert!(n >= 60_000, "{n}");
    // A suppressed finding stays suppressed (on a large file the suppressions are found on
    // another thread).
    text.push_str("lower=1\nquiet=2 # envlint: ignore\nKEY_000007=again\n");
    let mut bad = text.clone().into_bytes();
    bad.extend_from_slice(b"BROKEN=\xff\n");
    let dir = repo(&[
        (".gitignore", b"*.env\n"),
        ("big.env", text.as_bytes()),
        ("bad.env", &bad),
    ]);
    let found = |file: &str| {
        let run = envlint(dir.path(), &["check", "--format", "json", file]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        rules_and_lines(&run)
    };
    let expected = vec![
        ("lowercase-key".to_owned(), n + 1),
        ("duplicated-key".to_owned(), n + 3),
    ];
    assert_eq!(found("big.env"), expected);
    let mut with_bad = expected;
    with_bad.push(("invalid-utf8".to_owned(), n + 4));
    assert_eq!(found("bad.env"), with_bad);
}
