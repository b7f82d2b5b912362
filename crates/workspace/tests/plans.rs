//! The planners over projects built from strings: what `fix`, `example` and `init` would
//! write, as data, with no disk and no repository.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use envlint_core::example::ExampleOptions;
use envlint_core::Applicability;
use envlint_workspace::{FakeGit, FileEdit, InitOptions, MemoryFs, OpenOptions, Workspace};

const ROOT: &str = "/p";

fn workspace(files: &[(&str, &str)], ignored: &[&str], tracked: &[&str]) -> Workspace {
    let mut fs = MemoryFs::new();
    for (name, text) in files {
        fs.insert(Path::new(ROOT).join(name), text.as_bytes().to_vec());
    }
    let git = FakeGit {
        root: PathBuf::from(ROOT),
        ignored: ignored.iter().map(|s| (*s).to_owned()).collect(),
        tracked: tracked.iter().map(|s| (*s).to_owned()).collect(),
    };
    Workspace::open(Arc::new(fs), PathBuf::from(ROOT), &OpenOptions::default())
        .expect("open")
        .with_git(Arc::new(git))
}

fn text(edit: &FileEdit) -> &str {
    std::str::from_utf8(&edit.output).unwrap()
}

#[test]
fn fix_plans_env_fixes_missing_keys_and_gitignore_lines_once_per_file() {
    let ws = workspace(
        &[
            (".gitignore", "node_modules/\n"),
            (".env.example", "PORT =3000\n"),
            (".env", "PORT=1\nDATABASE_URL=postgres://localhost/db\n"),
            (
                "app.py",
                "import os\nos.environ['DATABASE_URL']\nos.environ['PORT']\n",
            ),
        ],
        &[],
        &[],
    );
    let plan = ws
        .plan_fix(&[PathBuf::from(".")], Applicability::Safe)
        .unwrap();
    assert!(plan.errors.is_empty(), "{:?}", plan.errors);
    let example = plan
        .edits
        .iter()
        .find(|e| e.path == ".env.example")
        .unwrap();
    // Its own fix (the space before `=`) and the missing key, in one edit.
    assert!(
        text(example).starts_with("PORT=3000\n"),
        "{}",
        text(example)
    );
    assert!(text(example).contains("DATABASE_URL="), "{}", text(example));
    assert_eq!(plan.added[".env.example"], ["DATABASE_URL"]);
    let gitignore = plan.edits.iter().find(|e| e.path == ".gitignore").unwrap();
    assert!(text(gitignore).ends_with("\n.env\n"), "{}", text(gitignore));
    assert_eq!(plan.ignore_lines, [".env"]);
    assert_eq!(
        plan.edits
            .iter()
            .filter(|e| e.path == ".env.example")
            .count(),
        1
    );
}

#[test]
fn example_plan_creates_the_example_from_the_reads() {
    let ws = workspace(
        &[(
            "src/main.rs",
            "fn main() { let _ = std::env::var(\"API_URL\"); let _ = std::env::var(\"PORT\").unwrap_or(\"8080\".into()); }\n",
        )],
        &[],
        &[],
    );
    let plan = ws
        .plan_example(Path::new("."), ExampleOptions::default())
        .unwrap();
    let [u] = plan.updates.as_slice() else {
        panic!("{:?}", plan.updates)
    };
    assert_eq!(u.path, ".env.example");
    assert!(u.original.is_none());
    assert_eq!(u.added, ["API_URL", "PORT"]);
    let out = String::from_utf8(u.output.clone()).unwrap();
    assert!(
        out.contains("\nAPI_URL=\n") && out.contains("\nPORT=8080\n"),
        "{out}"
    );
}

#[test]
fn init_plans_a_private_env_and_the_ignore_line() {
    let files = [
        (".env.example", "API_URL=\nDEBUG=0\n"),
        ("package.json", "{\"dependencies\": {\"next\": \"15\"}}"),
        ("app.ts", "process.env.API_URL!;\n"),
    ];
    let plan = workspace(&files, &[], &[])
        .plan_init(Path::new("."), &InitOptions::default())
        .unwrap();
    // Next.js treats `.env` as committed defaults: the private file is `.env.local`.
    assert_eq!(plan.env_file, ".env.local");
    assert!(plan.created);
    assert_eq!(plan.edits[0].mode, 0o600);
    assert!(plan.edits[0].original.is_none());
    assert_eq!(plan.ignore_lines, [".env.local"]);
    assert_eq!(plan.to_fill.len(), 1);
    assert_eq!(plan.to_fill[0].key, "API_URL");
    assert_eq!(plan.to_fill[0].required_by, "app.ts:1");
    // Already ignored: no .gitignore edit; an existing env file is never overwritten.
    let mut existing = files.to_vec();
    existing.push((".env.local", "API_URL=x\n"));
    let plan = workspace(&existing, &[".env.local"], &[])
        .plan_init(Path::new("."), &InitOptions::default())
        .unwrap();
    assert!(!plan.created && plan.edits.is_empty());
    assert_eq!(plan.missing, ["DEBUG"]);
}

#[test]
fn refusals_name_the_file_and_what_to_do() {
    let ws = workspace(&[("apps/web/.env.example", "A=\n")], &[], &[]);
    let err = ws
        .plan_init(Path::new("."), &InitOptions::default())
        .unwrap_err();
    assert!(err.contains("`envlint init apps/web`"), "{err}");
    let err = Workspace::folder_arg(
        &MemoryFs::new().with("/p/a.env", "A=1\n"),
        Path::new(ROOT),
        Some(Path::new("a.env")),
        "init",
    )
    .unwrap_err();
    assert!(err.contains("takes a folder"), "{err}");
}
