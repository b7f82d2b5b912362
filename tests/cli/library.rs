//! The library workspace and the CLI are one pipeline: a project built entirely in memory
//! (files as strings, git facts stated) gets exactly the findings the CLI reports for the
//! same files written to disk in a real repository.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use envlint_core::LineIndex;
use envlint_workspace::{CheckOptions, Content, FakeGit, MemoryFs, OpenOptions, Workspace};

use crate::support::{envlint, git_available, repo};

/// (path, line, column, rule, message) of every finding, sorted.
type Found = Vec<(String, u64, u64, String, String)>;

fn git_lines(dir: &Path, args: &[&str]) -> Vec<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_project_in_memory_gets_the_same_findings_as_on_disk() {
    if !git_available() {
        eprintln!("skipped: git is not installed (needed to state the same git facts as disk)");
        return;
    }
    let secret = ["sk_", "live_", "51Hx8dQ2mZ7vPq4LrT9wYb3KcN6fJ0aE"].concat();
    let app_ts = format!(
        "const url = process.env.DATABASE_URL!;\nconst port = process.env.PORT ?? \"3000\";\nconst key = process.env[name];\nconst stripe = \"{secret}\";\n"
    );
    let files: Vec<(&str, &[u8])> = vec![
        (".gitignore", b".env\nnode_modules/\n"),
        (".env.example", b"PORT=\nUNUSED_KEY=\n"),
        (".env", b"DATABASE_URL=postgres://localhost/dev\nlower=1\n"),
        (".env.local", b"PORT=4000\n"),
        (".env.development", b"VITE_API_URL=http://localhost:8080\n"),
        ("package.json", b"{\"devDependencies\": {\"vite\": \"6\"}}"),
        ("src/app.ts", app_ts.as_bytes()),
        (
            "api/main.py",
            b"import os\nos.environ['API_TOKEN']\nos.getenv('DEBUG_SQL', '0')\n",
        ),
        ("api/.env", b"API_TOKEN=\n"),
        ("tracked.env", b"SECRET=x\n"),
    ];
    let dir = repo(&files);
    assert!(Command::new("git")
        .args([
            "add",
            ".gitignore",
            ".env.example",
            ".env.development",
            "tracked.env"
        ])
        .current_dir(dir.path())
        .status()
        .is_ok_and(|s| s.success()));

    // The CLI on disk.
    let run = envlint(dir.path(), &["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let mut on_disk: Found = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["rule"].as_str().unwrap().to_owned(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    on_disk.sort();

    // The library in memory, with the git facts git itself states.
    let root = Path::new("/project");
    let mut fs = MemoryFs::new();
    for (name, bytes) in &files {
        fs.insert(root.join(name), bytes.to_vec());
    }
    let env_names: Vec<String> = files
        .iter()
        .map(|(n, _)| (*n).to_owned())
        .filter(|n| envlint_workspace::is_env_file_name(n.rsplit('/').next().unwrap()))
        .collect();
    let mut ask = vec!["check-ignore".to_owned()];
    ask.extend(env_names.iter().cloned());
    let ask: Vec<&str> = ask.iter().map(String::as_str).collect();
    let git = FakeGit {
        root: root.to_path_buf(),
        ignored: git_lines(dir.path(), &ask).into_iter().collect(),
        tracked: git_lines(dir.path(), &["ls-files"]).into_iter().collect(),
    };
    let ws = Workspace::open(Arc::new(fs), root.to_path_buf(), &OpenOptions::default())
        .expect("open")
        .with_git(Arc::new(git));
    let report = ws
        .check(&[PathBuf::from(".")], &CheckOptions::default())
        .expect("check");
    let mut in_memory: Found = Vec::new();
    for file in &report.files {
        let bytes = match &file.content {
            Content::Env(doc) => doc.to_bytes().to_vec(),
            Content::Source => ws.read(&file.path).expect("read"),
        };
        let index = LineIndex::new(&bytes);
        for d in &file.diagnostics {
            let (line, column) = index.line_col(&bytes, d.span.start);
            in_memory.push((
                file.path.clone(),
                line as u64,
                column as u64,
                d.rule.to_owned(),
                d.message.to_string(),
            ));
        }
    }
    in_memory.sort();

    assert!(
        on_disk.len() >= 8,
        "too few findings to compare: {on_disk:?}"
    );
    for rule in [
        "missing-in-example",
        "unused-in-example",
        "env-not-ignored",
        "env-tracked",
        "hardcoded-secret",
        "lowercase-key",
        "dynamic-read",
    ] {
        assert!(
            on_disk.iter().any(|f| f.3 == rule),
            "{rule} missing from {on_disk:?}"
        );
    }
    assert_eq!(in_memory, on_disk);
    assert_eq!(
        report.file_count as u64,
        json["summary"]["files"].as_u64().unwrap()
    );
}
