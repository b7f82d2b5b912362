//! Every file in tests/fixtures is scanned and its findings snapshot-tested: one file per
//! language for the forms, one for the traps a grep would fall into. Add a case by adding a
//! file; review the new snapshot with `cargo insta review` (or `INSTA_UPDATE=always`).

use std::fmt::Write as _;
use std::path::PathBuf;

#[test]
fn fixtures() {
    let dir: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "fixtures"]
        .iter()
        .collect();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    assert!(paths.len() >= 6);
    for path in paths {
        let src = std::fs::read_to_string(&path).expect("utf-8 fixture");
        let scan = envlint_scan::scan(&path, &src).expect("a language envlint reads");
        let line_of = |at: usize| src[..at].matches('\n').count() + 1;
        let mut out = String::new();
        for r in &scan.refs {
            let _ = write!(
                out,
                "{:>3}  {:<28} {:<10} {}",
                line_of(r.span.start),
                r.name,
                r.kind.as_str(),
                r.form
            );
            match &r.default {
                Some(d) => {
                    let _ = writeln!(out, "  default={d:?}");
                }
                None => out.push('\n'),
            }
        }
        for d in &scan.dynamic {
            let _ = writeln!(
                out,
                "{:>3}  <dynamic {}> {}",
                line_of(d.span.start),
                d.hint.as_deref().unwrap_or("?"),
                d.form
            );
        }
        if let Some(w) = &scan.warning {
            let _ = writeln!(out, "warning: {w}");
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("fixture")
            .replace('.', "_");
        insta::assert_snapshot!(name, out);
    }
}
