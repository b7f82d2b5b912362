//! envlint-scan: which environment variables does this source code read?
//!
//! Why a crate of its own: the project checks (code against `.env.example`) need, for every
//! source file, the exact list of variable names it reads, how (required, defaulted,
//! optional, …) and where. Getting that right means parsing the language: a grep cannot
//! tell `env::var("X")` in code from the same text in a comment, a write from a read, or a
//! name held in a constant. This crate takes source text and returns data; it does no I/O.
//!
//! Languages: Rust (syn); Python, JavaScript and TypeScript (tree-sitter; the TSX grammar
//! for `.tsx`).
//!
//! Any input, however deep or long, gives a result in time linear in its size, and never
//! exhausts the stack (which would abort the whole process, not fail one file): syn's
//! recursion is bounded by a measure taken before parsing (`nesting`), tree-sitter does not
//! recurse and neither do the walks over its trees, whose ancestors come from one cursor
//! (`tree`) instead of climbs from the root. Where a scanner leaves part of a file out, its
//! `Scan::warning` says so. A read always has a non-empty name.
#![deny(missing_docs)]

use std::ops::Range;
use std::path::Path;

pub mod js;
mod nesting;
pub mod python;
pub mod rust;
mod tree;

/// A source language envlint reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Language {
    /// `.rs`
    Rust,
    /// `.py .pyi`
    Python,
    /// `.js .jsx .mjs .cjs`
    JavaScript,
    /// `.ts .tsx .mts .cts`
    TypeScript,
}

impl Language {
    /// The language of a file, from its extension.
    pub fn of(path: &Path) -> Option<Language> {
        match path.extension()?.to_str()? {
            "rs" => Some(Language::Rust),
            "py" | "pyi" => Some(Language::Python),
            "js" | "jsx" | "mjs" | "cjs" => Some(Language::JavaScript),
            "ts" | "tsx" | "mts" | "cts" => Some(Language::TypeScript),
            _ => None,
        }
    }

    /// The lowercase name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Rust => "rust",
            Language::Python => "python",
            Language::JavaScript => "javascript",
            Language::TypeScript => "typescript",
        }
    }
}

/// How code reads a variable (see `docs/read-patterns.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// The program fails or misbehaves when the variable is unset.
    Required,
    /// A fallback value is in the code.
    Defaulted,
    /// Read, and absence is handled.
    Optional,
    /// Only whether it is set matters.
    Presence,
    /// Read at compile time (`env!`, `option_env!`).
    BuildTime,
    /// Named in a type or schema only.
    Declared,
}

impl Kind {
    /// The lowercase name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Required => "required",
            Kind::Defaulted => "defaulted",
            Kind::Optional => "optional",
            Kind::Presence => "presence",
            Kind::BuildTime => "build_time",
            Kind::Declared => "declared",
        }
    }
}

/// One read of a variable whose name is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The variable's name.
    pub name: String,
    /// Where the name is written (the literal, the constant, or the field for derives).
    pub span: Range<usize>,
    /// How it is read.
    pub kind: Kind,
    /// Which API reads it, e.g. `std::env::var`, `env!`, `clap.derive`.
    pub form: &'static str,
    /// The source language.
    pub language: Language,
    /// The value the code falls back to when the variable is unset, when the code spells it
    /// as a plain string or number literal (`?? "3000"`, `getenv("PORT", "3000")`,
    /// `unwrap_or("3000")`). `envlint example` writes it; nothing prints it elsewhere, since
    /// a default can be a hardcoded secret.
    pub default: Option<String>,
}

/// The form of reads that pydantic-settings makes from a settings class's fields.
pub const PYDANTIC_SETTINGS: &str = "pydantic.BaseSettings";

impl Reference {
    /// Whether the variable is matched without regard to case: pydantic-settings reads the
    /// field `database_url` from `DATABASE_URL`, `Database_Url`, … (its default). The one
    /// place that knows it; the rules and `envlint example` ask here.
    pub fn case_insensitive(&self) -> bool {
        self.form == PYDANTIC_SETTINGS
    }
}

/// Gives the reference pushed since `refs` had `before` entries (if one was, and it is
/// defaulted) the literal default `value`.
pub(crate) fn set_default(refs: &mut [Reference], before: usize, value: Option<String>) {
    if refs.len() > before {
        if let Some(r) = refs.last_mut().filter(|r| r.kind == Kind::Defaulted) {
            r.default = value;
        }
    }
}

/// A read whose name is computed at run time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DynamicRead {
    /// Where the name expression is.
    pub span: Range<usize>,
    /// What the names look like when the code shows it (`APP_*`).
    pub hint: Option<String>,
    /// Which API reads it.
    pub form: &'static str,
}

/// Everything found in one source file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scan {
    /// Reads with a known name, in source order.
    pub refs: Vec<Reference>,
    /// Reads with a computed name, in source order.
    pub dynamic: Vec<DynamicRead>,
    /// Set when the file could not be parsed fully; the results are then partial.
    pub warning: Option<String>,
    /// The file hit one of the scanner's limits (nesting depth, indentation, parse time)
    /// and was read by a simpler search, which finds fewer reads; `warning` says which.
    /// (A syntax error sets `warning` only: the parser recovers and reads the rest.)
    pub limited: bool,
}

/// Scans `src`, the text of the file at `path`, in the file's language.
pub fn scan(path: &Path, src: &str) -> Option<Scan> {
    let ext = path.extension()?.to_str()?;
    Some(match Language::of(path)? {
        Language::Rust => rust::scan(src),
        Language::Python => python::scan(src),
        Language::JavaScript => js::scan(js::Dialect::JavaScript, src),
        Language::TypeScript if ext == "tsx" => js::scan(js::Dialect::Tsx, src),
        Language::TypeScript => js::scan(js::Dialect::TypeScript, src),
    })
}

/// A cheap test run before parsing: a file without any of its language's markers reads no
/// variable (every form the scanners know starts from one of them).
pub fn might_read_env(language: Language, src: &[u8]) -> bool {
    let has = |needle: &[u8]| memchr::memmem::find(src, needle).is_some();
    match language {
        // `env` as a word covers `std::env`, `env::var`, `env!`, clap's `env`; plus the rest.
        Language::Rust => has(b"var_os") || has(b"dotenv") || has(b"envy") || has_word(src, b"env"),
        Language::Python => {
            has(b"environ") || has(b"getenv") || has(b"decouple") || has(b"BaseSettings")
        }
        Language::JavaScript | Language::TypeScript => js::MARKERS
            .iter()
            .chain(js::PROCESS_MODULE)
            .any(|m| has(m.as_bytes())),
    }
}

/// `word` with no identifier character on either side (`option_env` counts: `_` before).
fn has_word(src: &[u8], word: &[u8]) -> bool {
    memchr::memmem::find_iter(src, word).any(|at| {
        let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let before = at.checked_sub(1).map(|i| src[i]);
        let after = src.get(at + word.len()).copied();
        let starts = before.is_none_or(|b| !ident(b)) || src[..at].ends_with(b"option_");
        starts && after.is_none_or(|b| !ident(b))
    })
}
