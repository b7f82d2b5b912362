//! No value leaves envlint unless asked for (issue 13's leaks): a repository hiding secrets
//! in every corner of its env files and code, run through every command and format, shows
//! none of them on stdout, stderr or in a baseline; `--show-values` shows them (so the
//! test can tell). Secrets are built at run time.

use crate::support::{envlint, repo};

/// Distinct secret pieces, each long enough that finding one in output is a leak.
fn secrets() -> [String; 6] {
    [
        ["gh", "p_", "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"].concat(),
        ["sk", "_live_", "51Hx8dQ2mZ7vPq4LrT9wYb3K"].concat(),
        "w0rdQ9xZ".to_owned(),
        "q8Xv2LmZ9tPw".to_owned(),
        "dGhpcyBpcyBhIHRlc3Q".to_owned(),
        ["AK", "IA", "Z7Q4W2R8T6Y1U3I5"].concat(),
    ]
}

#[test]
fn no_command_or_format_prints_a_value() {
    let [tok, live, pw, dflt, b64, akid] = secrets();
    let env = format!(
        "DB_PASSWORD=Pa${pw}\nURL=${{UNSET:-{dflt}}}\nPORT=3000 # was {live}\n# old token: {tok}\nAWS_SECRET_ACCESS_KEY {b64}==\n{tok}=1\n{live}\nlower=1\nNOTE=\"a\\{pw}\"\n"
    );
    let example = format!("DB_PASSWORD=\nAWS_ACCESS_KEY_ID={akid}\n# copied: {tok}\n");
    let code = format!(
        "import os\nTOKEN = \"{tok}\\u0007\"\nos.environ['DB_PASSWORD']\nos.environ['MISSING_ONE']\n"
    );
    let files: Vec<(&str, &[u8])> = vec![
        (".env", env.as_bytes()),
        (".env.example", example.as_bytes()),
        ("app.py", code.as_bytes()),
    ];
    let dir = repo(&files);
    let root = dir.path();
    let assert_clean = |what: &str, text: &str| {
        for s in secrets() {
            assert!(!text.contains(&s), "{what} shows {s:?}:\n{text}");
        }
    };
    let mut runs: Vec<Vec<&str>> = Vec::new();
    for format in ["human", "concise", "json", "github", "sarif"] {
        runs.push(vec!["check", "--format", format, "--select", "ALL"]);
    }
    runs.extend([
        vec!["check", ".env"],
        vec!["fix", "--diff"],
        vec!["fix", "--diff", "--unsafe-fixes"],
        vec!["fix", "--diff", "--format", "json"],
        vec!["example", "--diff"],
        vec!["example", "--check"],
        vec!["init", "--diff", "--file", ".env.dev"],
        vec!["init", "--add-missing", "--diff"],
        vec!["refs", "--format", "json"],
    ]);
    for args in &runs {
        let run = envlint(root, args);
        assert_clean(&format!("{args:?} stdout"), &run.stdout);
        assert_clean(&format!("{args:?} stderr"), &run.stderr);
    }
    let run = envlint(root, &["check", "--write-baseline", "baseline.json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let baseline = std::fs::read_to_string(root.join("baseline.json")).unwrap();
    assert_clean("the baseline", &baseline);
    // The baseline still matches what it recorded (masked keys are stable).
    let again = envlint(root, &["check", "--baseline", "baseline.json"]);
    assert_eq!(again.code, 0, "{}{}", again.stdout, again.stderr);
    // Asked for, values are shown: the checks above can fail.
    let shown = envlint(root, &["check", "--show-values", "--format", "concise"]);
    assert!(
        shown.stdout.contains(&pw) || shown.stdout.contains(&tok),
        "{}",
        shown.stdout
    );
    let diff = envlint(root, &["fix", "--diff", "--show-values"]);
    assert!(diff.stdout.contains(&tok), "{}", diff.stdout);
}
