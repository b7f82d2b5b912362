//! `envlint parse`: what dotenvy would load from an env file, in JSON and for people.

use crate::support::{envlint, repo};

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
