//! `envlint rules`: the rule list and each rule's explanation.

use crate::support::{envlint, repo};

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
