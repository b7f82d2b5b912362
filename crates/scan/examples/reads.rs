//! Lists the environment variables one piece of source code reads, with how it reads them:
//! the scanner alone, on a string.
//!
//! ```sh
//! cargo run -p envlint-scan --example reads
//! ```

#![allow(clippy::print_stdout)]

use std::path::Path;

fn main() {
    let source = r#"
import os
from decouple import config

DATABASE_URL = os.environ["DATABASE_URL"]
PORT = int(os.getenv("PORT", "8000"))
DEBUG = config("DEBUG", default=False, cast=bool)
FEATURE = os.environ.get(f"FEATURE_{name}")
"#;
    // The language comes from the file name's extension.
    let Some(scan) = envlint_scan::scan(Path::new("settings.py"), source) else {
        return;
    };
    for r in &scan.refs {
        let default = r.default.as_deref().map(|d| format!(", default {d:?}"));
        println!(
            "{} ({}, {}{})",
            r.name,
            r.kind.as_str(),
            r.form,
            default.unwrap_or_default()
        );
    }
    for d in &scan.dynamic {
        println!("dynamic read ({}), hint: {:?}", d.form, d.hint);
    }
}
