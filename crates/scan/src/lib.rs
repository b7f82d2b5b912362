//! envlint-scan: which environment variables does this source code read?
//!
//! Why a crate of its own: the project checks (code against `.env.example`) need, for every
//! source file, the exact list of variable names it reads, how (required, defaulted,
//! optional, …) and where. Getting that right means parsing the language: a grep cannot
//! tell `env::var("X")` in code from the same text in a comment, a write from a read, or a
//! name held in a constant. This crate takes source text and returns data; it does no I/O.
//!
//! Languages: Rust (syn); Python, JavaScript and TypeScript (tree-sitter; the TSX grammar
//! for `.tsx`); and Docker Compose files, whose `${X}` interpolation reads variables too
//! (`compose`).
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

pub mod compose;
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
    /// `compose.yaml`, `docker-compose.yml` and their variants: interpolation only.
    Compose,
}

impl Language {
    /// The language of a file, from its extension.
    pub fn of(path: &Path) -> Option<Language> {
        if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(compose::is_compose_file)
        {
            return Some(Language::Compose);
        }
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
            Language::Compose => "compose",
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
    /// Functions defined here that read the variable a parameter names (the project's own
    /// `env("X")`, `envbool("X")`, `get_env("X")`): their call sites elsewhere are reads.
    pub helpers: Vec<Helper>,
    /// Calls passing a string literal shaped like a variable name (`f("DB_URL")`), the
    /// candidates for reads through a helper, resolved against the project's helpers by
    /// [`HelperIndex::resolve`].
    pub calls: Vec<Call>,
}

/// A function that reads the environment variable named by one of its parameters, such as
/// `def envbool(name, default): return os.getenv(name, default) == "True"` or
/// `const env = (key: string) => process.env[key]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Helper {
    /// The function's name (a method's own name: `get` for `Config.get`).
    pub name: String,
    /// For a method, the class (or Rust type) it belongs to.
    pub owner: Option<String>,
    /// Where the name is written in the definition.
    pub span: Range<usize>,
    /// Which argument of a call holds the variable's name (0-based; `self` not counted).
    pub param: usize,
    /// Which argument holds the fallback value, when the read inside falls back to a
    /// parameter (`os.getenv(name, default)`).
    pub default_param: Option<usize>,
    /// How the read inside reads (a call site that passes a fallback is `Defaulted`).
    pub kind: Kind,
    /// The API of the read inside.
    pub form: &'static str,
}

/// A call with at least one argument that is a string literal shaped like a variable name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    /// The called function's own name (`envbool`; `get` for `config.get(…)`).
    pub callee: String,
    /// For a call through a receiver (`config.get(…)`, `self.env(…)`, `utils.env(…)`),
    /// the receiver's last name (`config`, `self`, `utils`); `""` when it is an expression.
    pub receiver: Option<String>,
    /// The positional arguments: each a literal's value and span (the span of the name
    /// literal, quotes included, for the variable-shaped ones), or `None`.
    pub args: Vec<Option<(String, Range<usize>)>>,
    /// The call's result falls back to another value (`env("X") ?? "3000"`,
    /// `env("X") or "3000"`): `Some(Some(literal))` when that value is a plain literal,
    /// `Some(None)` when it is an expression.
    pub fallback: Option<Option<String>>,
}

/// Where `src` has a string literal holding a variable name as an argument of a call, by a
/// look at the bytes: `(` or `,` (blanks between), a quote, [`is_variable_name`], the same
/// quote. Each item is the literal's span, quotes included. The scanners look for calls
/// there (marker-driven, as for reads); a project with helpers looks for them in the files
/// without markers.
pub fn variable_literals(src: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    memchr::memchr3_iter(b'"', b'\'', b'`', src).filter_map(move |at| {
        let quote = src[at];
        let len = src[at + 1..]
            .iter()
            .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || **b == b'_')
            .count();
        let end = at + 1 + len;
        if src.get(end) != Some(&quote)
            || !is_variable_name(std::str::from_utf8(&src[at + 1..end]).ok()?)
        {
            return None;
        }
        let before = src[..at]
            .iter()
            .rev()
            .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))?;
        matches!(before, b'(' | b',').then_some(at..end + 1)
    })
}

/// The names of the functions `src` calls with a variable-name literal as the first
/// argument (`envbool` of `envbool("DEBUG", "False")`, `get` of `config.get("X")`), sorted,
/// once each: taken from the bytes of a file with no read marker, it tells, once the
/// project's helpers are known, whether the file is worth parsing for its calls (without
/// reading it again).
pub fn literal_callees(src: &[u8]) -> Vec<String> {
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let mut names: Vec<String> = variable_literals(src)
        .filter_map(|lit| {
            let mut at = lit.start;
            while at > 0 && src[at - 1].is_ascii_whitespace() {
                at -= 1;
            }
            if at == 0 || src[at - 1] != b'(' {
                return None;
            }
            let end = at - 1;
            let start = src[..end]
                .iter()
                .rposition(|&b| !ident(b))
                .map_or(0, |p| p + 1);
            (start < end).then(|| String::from_utf8_lossy(&src[start..end]).into_owned())
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// Whether `call` can be a call of `helper` by its receiver: a method only through a
/// receiver, and one named like its class (`config.get` for `Config.get`, or `self`) when
/// the method's name is as common as `get`: `headers.get("X")` is not `Config.get`.
fn receiver_fits(helper: &Helper, call: &Call) -> bool {
    let common = helper.name.len() <= 4
        || matches!(
            helper.name.as_str(),
            "fetch" | "value" | "lookup" | "require" | "string" | "__getitem__"
        );
    let Some(owner) = &helper.owner else {
        // A function: called by its name, or through its module unless the name is as
        // common as a method's (`env.get("X")` is no call of a function `get`).
        return call.receiver.is_none() || !common;
    };
    let Some(receiver) = &call.receiver else {
        return false;
    };
    if !common || receiver == "self" || receiver == "this" || receiver == "Self" {
        return true;
    }
    // `config` for `Config`, `app_config` for `Config`, `env` for `Env`; not `ar` for `Arg`
    // (a `Command` whose `env("K", v)` sets a child's variable).
    let (owner, receiver) = (owner.to_ascii_lowercase(), receiver.to_ascii_lowercase());
    let receiver = receiver.trim_start_matches('_');
    receiver.contains(&owner) || (receiver.len() >= 4 && owner.contains(receiver))
}

/// The helpers a tree-sitter scanner found, settled once the whole file is seen. Each was
/// found at a read of a parameter, recorded meanwhile as a dynamic read (its index in
/// `dynamic`), and belongs to a function (its node id). A function that also writes the
/// variable (`setters`) is no helper and keeps its dynamic read; a helper's own read is no
/// dynamic read: its calls are the reads.
pub(crate) fn settle_helpers(
    found: Vec<(usize, Helper, usize)>,
    setters: &std::collections::HashSet<usize>,
    dynamic: &mut Vec<DynamicRead>,
) -> Vec<Helper> {
    let mut drop = vec![false; dynamic.len()];
    let mut helpers = Vec::new();
    for (function, helper, read) in found {
        if !setters.contains(&function) {
            drop[read] = true;
            helpers.push(helper);
        }
    }
    let mut i = 0;
    dynamic.retain(|_| {
        i += 1;
        !drop[i - 1]
    });
    helpers
}

/// The form of reads made through one of the project's helpers.
pub const HELPER: &str = "helper";

/// Whether `name` looks like an environment variable's name: upper-case letters, digits
/// and `_`, starting with a letter, at least two characters. What a call must pass for the
/// call to be a read through a helper.
pub fn is_variable_name(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() >= 2
        && b.len() <= 128
        && b[0].is_ascii_uppercase()
        && b.iter()
            .all(|&c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
}

/// A read through a helper: which call of the file made it, through which helper (indices
/// into the calls given to [`HelperIndex::resolve`] and the helpers given to
/// [`HelperIndex::new`]), and the reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelperRead {
    /// Index of the call.
    pub call: usize,
    /// Index of the helper.
    pub helper: usize,
    /// The read, at the span of the name literal in the call.
    pub reference: Reference,
}

/// The project's helpers by name, built once and asked for each file's calls.
#[derive(Debug, Default)]
pub struct HelperIndex<'h> {
    /// Name → (position in the list given to [`HelperIndex::new`], language, helper).
    by_name: std::collections::HashMap<&'h str, Vec<(usize, Language, &'h Helper)>>,
}

impl<'h> HelperIndex<'h> {
    /// The index of `helpers`; [`HelperRead::helper`] is a position in this sequence.
    pub fn new(helpers: impl IntoIterator<Item = (Language, &'h Helper)>) -> Self {
        let mut by_name: std::collections::HashMap<&str, Vec<_>> = Default::default();
        for (i, (language, helper)) in helpers.into_iter().enumerate() {
            by_name
                .entry(helper.name.as_str())
                .or_default()
                .push((i, language, helper));
        }
        HelperIndex { by_name }
    }

    /// Whether there is no helper at all.
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// The reads that `calls` (of one file, in `language`) make through the helpers: for
    /// each call of a helper passing a variable name where the helper takes it, a
    /// reference with the form [`HELPER`], the helper's kind (`Defaulted` with the literal
    /// when the call passes a fallback; `Optional` when the helper's fallback is a
    /// parameter the call leaves out) and the call's language. One helper per call: the
    /// first of that name that fits.
    pub fn resolve(&self, language: Language, calls: &[Call]) -> Vec<HelperRead> {
        let mut out = Vec::new();
        for (c, call) in calls.iter().enumerate() {
            let Some(candidates) = self.by_name.get(call.callee.as_str()) else {
                continue;
            };
            let found = candidates.iter().find_map(|&(i, lang, helper)| {
                if lang != language || !receiver_fits(helper, call) {
                    return None;
                }
                match call.args.get(helper.param) {
                    Some(Some((name, span))) if is_variable_name(name) => {
                        Some((i, helper, name, span))
                    }
                    _ => None,
                }
            });
            let Some((i, helper, name, span)) = found else {
                continue;
            };
            // A fallback passed makes the read defaulted; a helper whose fallback is a
            // parameter the call leaves out reads without one; a fallback at the call
            // (`env("X") ?? "3000"`) makes it defaulted too.
            let mut default = helper
                .default_param
                .and_then(|d| call.args.get(d))
                .and_then(|a| a.as_ref().map(|(v, _)| v.clone()));
            let mut kind = match helper.default_param.map(|d| call.args.len() > d) {
                Some(true) => Kind::Defaulted,
                Some(false) if helper.kind == Kind::Defaulted => Kind::Optional,
                _ => helper.kind,
            };
            if let (Some(outside), None) = (&call.fallback, &default) {
                kind = Kind::Defaulted;
                default = outside.clone();
            }
            out.push(HelperRead {
                call: c,
                helper: i,
                reference: Reference {
                    name: name.clone(),
                    span: span.clone(),
                    kind,
                    form: HELPER,
                    language,
                    default,
                },
            });
        }
        out
    }
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
        Language::Compose => compose::scan(src),
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
        // Interpolation, and `env_file` / `build` (see `compose::services`): always read.
        Language::Compose => true,
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
