//! `envlint fix`: safe repairs only (bytes, line endings and permissions kept), and the
//! project fixes (example keys, `.gitignore` lines) that git itself then agrees with.

use std::process::Command;

use crate::support::{envlint, fixture, project, read, repo, Run};

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
fn a_fix_that_would_change_what_dotenvy_reads_is_noted_and_not_applied() {
    // Form feeds are blanks to dotenvy's line reader, not to its value parser: quoting
    // this value would make the line one dotenvy rejects. The other line is fixed.
    let ff = '\u{c}';
    let line = format!("A=a{ff}\\{ff}{ff}# c\n");
    let dir = repo(&[
        (".gitignore", b".env\n"),
        (".env", format!("{line}B = 1\n").as_bytes()),
    ]);
    let run = envlint(dir.path(), &["fix"]);
    assert!(
        run.stderr.contains(
            "envlint: note: .env:1: value-without-quotes fix not applied (Put the value in quotes): dotenvy would read the line differently from what the fix promises"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("Fixed 1 problem in 1 file."),
        "{}",
        run.stderr
    );
    assert_eq!(read(dir.path(), ".env"), format!("{line}B=1\n"));
    // Nothing more to do, and the same note again.
    let again = envlint(dir.path(), &["fix", "--diff"]);
    assert_eq!((again.code, again.stdout.as_str()), (0, ""));
    assert!(again.stderr.contains("fix not applied"), "{}", again.stderr);
}
