//! `docs/rules.md` is generated from the rule list; this test fails when it is stale.
//! Regenerate with `UPDATE_DOCS=1 cargo test -p envlint-core --test docs`.

use std::fmt::Write as _;
use std::path::PathBuf;

fn render() -> String {
    let mut out = String::from(
        "# Rules\n\n<!-- Generated from crates/core/src/rules/*.rs by `UPDATE_DOCS=1 cargo test -p envlint-core --test docs`. Do not edit. -->\n\n",
    );
    out.push_str("| id | default | severity | fix | summary |\n| --- | --- | --- | --- | --- |\n");
    for r in envlint_core::rules() {
        let _ = writeln!(
            out,
            "| [`{}`](#{}) | {} | {} | {} | {} |",
            r.id,
            r.id,
            if r.default_enabled { "on" } else { "off" },
            r.severity.as_str(),
            r.fix,
            r.summary.replace('|', "\\|"),
        );
    }
    for r in envlint_core::rules() {
        let docs = r.docs.replace("\n## ", "\n### ");
        let docs = docs
            .strip_prefix("## ")
            .map_or(docs.clone(), |d| format!("### {d}"));
        let _ = write!(out, "\n## {}\n\n{}\n\n{}", r.id, r.summary, docs);
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

#[test]
fn rules_md_is_up_to_date() {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "..", "docs", "rules.md"]
        .iter()
        .collect();
    let want = render();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).expect("write docs/rules.md");
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/rules.md is stale: run `UPDATE_DOCS=1 cargo test -p envlint-core --test docs`"
    );
}
