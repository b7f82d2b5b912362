//! Checks a project built in memory from strings, with git facts stated rather than read:
//! what an editor does with unsaved buffers, and what a test does without a disk.
//!
//! ```sh
//! cargo run -p envlint-workspace --example check_memory
//! ```

#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::sync::Arc;

use envlint_workspace::{CheckOptions, FakeGit, MemoryFs, OpenOptions, Workspace};

fn main() -> Result<(), String> {
    let fs = MemoryFs::new()
        .with("/app/.env.example", "DATABASE_URL=\n")
        .with("/app/.env", "DATABASE_URL=postgres://localhost/app\n")
        .with(
            "/app/src/server.ts",
            "const db = process.env.DATABASE_URL!;\nconst port = process.env.PORT ?? \"3000\";\n",
        );
    // The repository's answers: nothing ignored, nothing tracked yet.
    let git = FakeGit {
        root: PathBuf::from("/app"),
        ..FakeGit::default()
    };
    let ws = Workspace::open(Arc::new(fs), PathBuf::from("/app"), &OpenOptions::default())?
        .with_git(Arc::new(git));
    let report = ws.check(&[PathBuf::from(".")], &CheckOptions::default())?;
    for file in &report.files {
        for d in &file.diagnostics {
            println!("{}: {}: {}", file.path, d.rule, d.message);
        }
    }
    Ok(())
}
