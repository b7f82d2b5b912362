//! Repositories that try to hang, mislead or hijack envlint: a FIFO named `.env`, symbolic
//! links inside and outside the project, a folder named `.env`, file names holding a
//! newline or a GitHub Actions workflow command (`::error::`), names that are not UTF-8.
//!
//! Why every run here has a deadline: a regression that opens a FIFO the blocking way waits
//! for a writer forever, and must fail this test rather than hang CI. [`run`] kills the
//! process after [`DEADLINE`].

use std::io::Read as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{repo, Run};

/// How long one envlint run may take here (each takes milliseconds).
const DEADLINE: Duration = Duration::from_secs(10);

/// Runs envlint in `dir`, killing it and failing the test if it outlives [`DEADLINE`].
fn run(dir: &Path, args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_envlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run envlint");
    // Drained on threads, so a full pipe never stalls the child.
    let drain = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "`envlint {}` still running after {DEADLINE:?}: it hangs",
                args.join(" ")
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
        code: status.code().unwrap_or(-1),
    }
}

/// The lines of `text` that a GitHub Actions runner would take for a workflow command.
fn command_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| {
            let l = l.trim_start();
            l.starts_with("::") || l.starts_with("##[")
        })
        .collect()
}

/// Asserts that neither stdout nor stderr of `r` has a line a runner would obey.
#[track_caller]
fn no_command_lines(what: &str, r: &Run) {
    assert_eq!(
        command_lines(&r.stdout),
        Vec::<&str>::new(),
        "{what} stdout:\n{}",
        r.stdout
    );
    assert_eq!(
        command_lines(&r.stderr),
        Vec::<&str>::new(),
        "{what} stderr:\n{}",
        r.stderr
    );
}

#[cfg(unix)]
#[test]
#[allow(clippy::print_stderr)] // a skipped test says why
fn a_fifo_named_env_is_refused_by_every_command_without_hanging() {
    let dir = repo(&[(".env.example", b"A=\n")]);
    let root = dir.path();
    let made = Command::new("mkfifo")
        .arg(root.join(".env"))
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped: `mkfifo` is not available to make a FIFO");
        return;
    }
    let refused = ".env: not a regular file (a FIFO); not read";
    for args in [
        &["check", ".env"][..],
        &["check"],
        &["check", "--format", "json"],
        &["parse", ".env"],
        &["init"],
        &["init", "--add-missing"],
        &["fix"],
    ] {
        let r = run(root, args);
        assert_eq!(r.code, 2, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains(refused), "{args:?}: {}", r.stderr);
        assert!(!r.stdout.contains("in 0 files"), "{args:?}: {}", r.stdout);
    }
    // Still a FIFO: nothing replaced it.
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::symlink_metadata(root.join(".env"))
        .unwrap()
        .file_type()
        .is_fifo());
}

#[cfg(unix)]
#[test]
fn links_inside_the_project_are_checked_and_links_outside_are_not_read() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.env");
    std::fs::write(&secret, "LEAKED_TOKEN=1 \n").unwrap();
    let dir = repo(&[("config/base.env", b"lower=1 \n")]);
    let root = dir.path();
    std::os::unix::fs::symlink("config/base.env", root.join(".env")).unwrap();
    std::os::unix::fs::symlink(&secret, root.join(".env.local")).unwrap();
    let rules = ["--select", "lowercase-key,trailing-whitespace"];
    let note = format!(
        ".env.local -> {}: points outside the project; not checked",
        secret.display()
    );

    // The walk: the link inside is linted under its own path, the one outside is a note.
    let check = run(root, &[&["check", "--format", "json"][..], &rules].concat());
    assert_eq!(check.code, 1, "{}", check.stderr);
    let json: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    let mut paths: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    paths.dedup();
    assert_eq!(paths, [".env", "config/base.env"]);
    assert!(
        check.stderr.contains(&format!("note: {note}")),
        "{}",
        check.stderr
    );
    assert!(!check.stdout.contains("LEAKED"));

    // Named explicitly, the link outside is an error: it was asked for and not checked.
    let named = run(root, &["check", ".env.local"]);
    assert_eq!(named.code, 2);
    assert!(
        named.stderr.contains(&format!("error: {note}")),
        "{}",
        named.stderr
    );
    let parse = run(root, &["parse", ".env.local"]);
    assert_eq!(parse.code, 2);
    assert!(!parse.stdout.contains("LEAKED"), "{}", parse.stdout);

    // No write through a link: not to the target outside, not over the link inside.
    let fix_outside = run(root, &["fix", ".env.local"]);
    assert_eq!(fix_outside.code, 2);
    assert_eq!(
        std::fs::read_to_string(&secret).unwrap(),
        "LEAKED_TOKEN=1 \n"
    );
    let fix_link = run(root, &[&["fix", ".env"][..], &rules].concat());
    assert_eq!(fix_link.code, 2, "{}", fix_link.stderr);
    assert!(
        fix_link.stderr.contains(
            ".env: a symbolic link to config/base.env; not writing through it (run envlint on the file it points to"
        ),
        "{}",
        fix_link.stderr
    );
    assert!(std::fs::symlink_metadata(root.join(".env"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        std::fs::read_to_string(root.join("config/base.env")).unwrap(),
        "lower=1 \n"
    );
    // The file itself, by its own path, is fixed; the link stays a link.
    let fix_file = run(root, &[&["fix", "config/base.env"][..], &rules].concat());
    assert_eq!(
        fix_file.code, 1,
        "lowercase-key remains: {}",
        fix_file.stderr
    );
    assert_eq!(
        std::fs::read_to_string(root.join("config/base.env")).unwrap(),
        "lower=1\n"
    );
    assert!(std::fs::symlink_metadata(root.join(".env"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        std::fs::read_to_string(&secret).unwrap(),
        "LEAKED_TOKEN=1 \n"
    );
}

#[test]
fn a_folder_named_env_is_a_folder() {
    let dir = repo(&[
        (".env/production.env", b"lower=1\n"),
        (".env.example", b"A=\n"),
    ]);
    let root = dir.path();
    let expected = ".env/production.env:1:1: lowercase-key: the key `lower` should be upper case\n";
    for args in [&["check"][..], &["check", ".env"]] {
        let args = [
            args,
            &["--select", "lowercase-key", "--format", "concise", "-q"],
        ]
        .concat();
        let r = run(root, &args);
        assert_eq!(
            (r.code, r.stdout.as_str()),
            (1, expected),
            "{args:?}: {}",
            r.stderr
        );
    }
    for args in [
        &["parse", ".env"][..],
        &["init"],
        &["init", "--add-missing"],
    ] {
        let r = run(root, args);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(
            r.stderr.contains(".env: a folder, not a file"),
            "{args:?}: {}",
            r.stderr
        );
    }
}

#[test]
fn names_holding_a_newline_or_a_workflow_command_cannot_start_a_line() {
    let dir = repo(&[
        (".gitignore", b".env*\n*.env\n!.env.example\n"),
        ("x\n::error title=forged::hi.env", b"lower=1 \n"),
        ("::warning::y.env", b"lower=1\n"),
        (
            "src/x\n::error::z.ts",
            b"export const n = process.env.NEEDED!;\n",
        ),
    ]);
    let root = dir.path();

    for format in ["human", "concise"] {
        let r = run(root, &["check", "--format", format]);
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        no_command_lines(format, &r);
        assert!(
            r.stdout.contains("x\\n::error title=forged::hi.env"),
            "{}",
            r.stdout
        );
        assert!(r.stdout.contains("::warning::y.env"), "{}", r.stdout);
        assert!(r.stdout.contains("src/x\\n::error::z.ts"), "{}", r.stdout);
    }
    // A line that would begin with a name gets `./` first: the same path, not a command.
    let concise = run(root, &["check", "--format", "concise"]);
    assert!(
        concise
            .stdout
            .lines()
            .any(|l| l.starts_with("./::warning::y.env:1:1: lowercase-key")),
        "{}",
        concise.stdout
    );
    // GitHub's format escapes with its own encoding: one annotation per line, no more.
    let github = run(root, &["check", "--format", "github"]);
    let json = run(root, &["check", "--format", "json"]);
    let parsed: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let count = parsed["diagnostics"].as_array().unwrap().len();
    assert_eq!(github.stdout.lines().count(), count, "{}", github.stdout);
    assert!(github
        .stdout
        .lines()
        .all(|l| l.starts_with("::error file=") || l.starts_with("::warning file=")));
    assert!(github
        .stdout
        .contains("file=x%0A%3A%3Aerror title=forged%3A%3Ahi.env,"));
    // JSON keeps the names as they are (serde escapes them).
    let paths: Vec<&str> = parsed["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"x\n::error title=forged::hi.env"),
        "{paths:?}"
    );

    // `fix` repairs the file with the newline in its name, under that name.
    let fix = run(root, &["fix", "--diff"]);
    no_command_lines("fix --diff", &fix);
    let fixed = run(root, &["fix"]);
    assert_eq!(fixed.code, 1, "lowercase-key remains: {}", fixed.stderr);
    no_command_lines("fix", &fixed);
    assert_eq!(
        std::fs::read(root.join("x\n::error title=forged::hi.env")).unwrap(),
        b"lower=1\n"
    );

    // `example` documents the read under the escaped name, in a comment that stays one line.
    let example = run(root, &["example"]);
    assert_eq!(example.code, 0, "{}", example.stderr);
    no_command_lines("example", &example);
    let text = std::fs::read_to_string(root.join(".env.example")).unwrap();
    assert!(
        text.contains("# Required. Read in src/x\\n::error::z.ts.\nNEEDED=\n"),
        "{text}"
    );
    assert_eq!(run(root, &["example", "--check"]).code, 0);

    // `init` names where the code needs the value, escaped.
    let init = run(root, &["init"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    no_command_lines("init", &init);
    assert!(
        init.stderr
            .contains("NEEDED (required by src/x\\n::error::z.ts:1)"),
        "{}",
        init.stderr
    );

    let refs = run(root, &["refs"]);
    assert_eq!(refs.code, 0, "{}", refs.stderr);
    no_command_lines("refs", &refs);
    assert!(
        refs.stdout.starts_with("src/x\\n::error::z.ts:1:"),
        "{}",
        refs.stdout
    );
}

#[cfg(target_os = "linux")]
#[test]
#[allow(clippy::print_stderr)] // a skipped test says why
fn names_that_are_not_utf8_are_shown_lossy_and_read_for_real() {
    use std::os::unix::ffi::OsStrExt;
    let dir = repo(&[(".env.example", b"A=\n")]);
    let root = dir.path();
    let env = root.join(std::ffi::OsStr::from_bytes(b"\xff.env"));
    if std::fs::write(&env, "A=1 \n").is_err() {
        eprintln!("skipped: this file system refuses names that are not UTF-8");
        return;
    }
    std::fs::create_dir(root.join("src")).unwrap();
    let code = root
        .join("src")
        .join(std::ffi::OsStr::from_bytes(b"\xffy.ts"));
    std::fs::write(&code, "export const n = process.env.NEEDED!;\n").unwrap();

    // The source file's frame is read from the real path: no "no such file".
    for format in ["human", "concise", "json", "github"] {
        let r = run(root, &["check", "--format", format]);
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        assert!(!r.stderr.contains("no such file"), "{format}: {}", r.stderr);
    }
    let human = run(root, &["check"]);
    assert!(human.stdout.contains("\u{fffd}.env"), "{}", human.stdout);
    assert!(
        human.stdout.contains("process.env.NEEDED"),
        "{}",
        human.stdout
    );

    // `fix` writes the real file, and creates none named after the lossy form.
    let fixed = run(root, &["fix", "--select", "trailing-whitespace"]);
    assert_eq!(fixed.code, 0, "{}", fixed.stderr);
    assert_eq!(std::fs::read(&env).unwrap(), b"A=1\n");
    assert!(!root.join("\u{fffd}.env").exists());

    let refs = run(root, &["refs"]);
    assert!(
        refs.stdout.contains("src/\u{fffd}y.ts:1:"),
        "{}",
        refs.stdout
    );
}

/// Source files that hit a scanner limit (nesting deeper than syn may recurse, error
/// recovery the parser takes seconds over) are read by a simpler search, and `check` says
/// so, per file: the reads they hold may be fewer than the code has.
#[test]
fn sources_read_only_in_part_are_named_in_a_note() {
    let deep = format!(
        "fn main() {{ let _ = {}std::env::var(\"DEEP\"){}; }}\n",
        "(".repeat(7_000),
        ")".repeat(7_000)
    );
    let slow = format!("import os\nos.environ[\"SLOW\"]\n{}\n", "-:".repeat(3_000));
    let dir = repo(&[
        (".env.example", b"DEEP=\nSLOW=\n"),
        ("main.rs", deep.as_bytes()),
        ("app.py", slow.as_bytes()),
    ]);
    let r = run(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "No problems in 3 files.\n"),
        "{}",
        r.stderr
    );
    for note in [
        "note: main.rs: file too deeply nested",
        "note: app.py: parsing these",
    ] {
        assert!(r.stderr.contains(note), "{note:?} in {}", r.stderr);
    }
}
