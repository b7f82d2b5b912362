//! `envlint check` on env files: every output format (human code frames, JSON, GitHub
//! annotations, SARIF and its official schema), which files are found, exit codes and
//! one-line errors, values kept out of every output, large (mapped) files, and baselines.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{envlint, fixture, repo, rules_and_lines};

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
