//! Writing and updating `.env.example` from what the code reads.
//!
//! Why it is built this way: the example is a file people edit by hand, with comments,
//! sections and a quote style of their own. An update therefore only ever *inserts* lines
//! (new keys next to keys that share their prefix, the rest in a block at the end) and, with
//! `prune`, deletes the lines of keys no code reads; every other byte stays where it was,
//! so running it twice changes nothing the second time. Values are placeholders: empty, or
//! the literal default the code falls back to (an empty value would defeat `??` and
//! `getenv(name, default)`), or with `values_from_env` a value from the developer's `.env`;
//! never anything that looks like a secret. This module does no I/O: the CLI reads and
//! writes the files.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use envlint_dotenv::{encode_value, Document, LineKind, TextEdit};
use envlint_scan::Kind;

use crate::config::Settings;
use crate::project::{
    folder, is_under, key_prefix, matches_pattern, EnvFile, FileDiagnostic, Project, Role,
};

/// What `envlint example` may do besides adding keys.
#[derive(Clone, Copy, Debug, Default)]
pub struct ExampleOptions {
    /// Remove keys no code reads (the `unused-in-example` findings).
    pub prune: bool,
    /// Copy values from the `.env` next to the example when they cannot be secrets.
    pub values_from_env: bool,
}

/// The change planned for one example file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExampleUpdate {
    /// The example's path, as in [`EnvFile::path`].
    pub path: String,
    /// Its bytes as read; `None` when the file is to be created.
    pub original: Option<Vec<u8>>,
    /// Its new bytes (equal to `original` when nothing changes).
    pub output: Vec<u8>,
    /// Keys added, in file order of the additions.
    pub added: Vec<String>,
    /// Keys removed (`prune`).
    pub removed: Vec<String>,
    /// Keys no code reads that were kept (no `prune`).
    pub unused: Vec<String>,
}

impl ExampleUpdate {
    /// Whether the file changes.
    pub fn changed(&self) -> bool {
        self.original.as_deref() != Some(self.output.as_slice())
    }
}

/// An example file left alone because editing it could lose or corrupt something.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// The example's path.
    pub path: String,
    /// Why, as a sentence.
    pub reason: String,
}

/// The longest default (in characters) written as a value.
const MAX_DEFAULT: usize = 120;

/// The file name a new example gets.
pub const DEFAULT_EXAMPLE: &str = ".env.example";

/// A variable the code reads that an example lacks.
#[derive(Debug)]
struct Needed {
    /// Source files reading it (relative to the example's folder), sorted.
    files: BTreeSet<String>,
    /// The strongest kind of read: required beats build time beats defaulted beats optional.
    kind: Kind,
    /// The first literal default the code gives.
    default: Option<String>,
}

fn strength(kind: Kind) -> u8 {
    match kind {
        Kind::Required => 3,
        Kind::BuildTime => 2,
        Kind::Defaulted => 1,
        _ => 0,
    }
}

/// Joins a folder and a file name (`""` is the root).
fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

/// `path` relative to `dir` (which it lies under).
fn relative<'a>(path: &'a str, dir: &str) -> &'a str {
    if dir.is_empty() {
        path
    } else {
        path.strip_prefix(dir)
            .and_then(|p| p.strip_prefix('/'))
            .unwrap_or(path)
    }
}

/// The example a source file's missing keys go to: its governing example (`.env.example`
/// preferred when a folder has several), or a new `.env.example` in the nearest folder at
/// or above it (and at or below `root`) that holds a developer's env file, else in `root`.
fn target_for(project: &Project, root: &str, src: &str) -> String {
    let governing = project.governing_examples(src);
    if let Some(best) = governing
        .iter()
        .find(|f| f.path.rsplit('/').next() == Some(DEFAULT_EXAMPLE))
        .or(governing.first())
    {
        return best.path.clone();
    }
    let mut dir = folder(src);
    loop {
        if !is_under(dir, root) {
            break;
        }
        let has_local = project
            .env_files
            .iter()
            .any(|f| f.role == Role::Local && folder(&f.path) == dir);
        if has_local {
            return join(dir, DEFAULT_EXAMPLE);
        }
        if dir.is_empty() || dir == root {
            break;
        }
        dir = folder(dir);
    }
    join(root, DEFAULT_EXAMPLE)
}

/// Plans the update of every example the code under `root` needs (root: a folder as in
/// [`EnvFile::path`], `""` for the current one). Examples that need nothing are included
/// when they have unused keys to report. Reads in files for which `silenced` says yes (the
/// configuration's per-file ignores of `missing-in-example`) add nothing, but still count
/// as reads, so their keys are not "unused".
pub fn plan_examples(
    project: &Project,
    settings: &Settings,
    root: &str,
    options: ExampleOptions,
    silenced: &dyn Fn(&str) -> bool,
) -> (Vec<ExampleUpdate>, Vec<Refusal>) {
    let mut needed: BTreeMap<String, BTreeMap<String, Needed>> = BTreeMap::new();
    let by_folder = project.documented_by_folder();
    for src in &project.sources {
        if !is_under(&src.path, root) || silenced(&src.path) {
            continue;
        }
        let Some((documented, upper)) = by_folder.get(folder(&src.path)) else {
            continue; // no reads
        };
        let mut target: Option<String> = None;
        for r in &src.refs {
            if matches!(r.kind, Kind::Presence | Kind::Declared)
                || !crate::project::is_definable(&r.name)
                || project.provided(&r.name)
                || settings
                    .ignore_keys
                    .iter()
                    .any(|p| matches_pattern(p, &r.name))
                || documented.contains(r.name.as_str())
                || (r.case_insensitive() && upper.contains(&r.name.to_ascii_uppercase()))
                || src.suppressed(r.span.start, "missing-in-example")
            {
                continue;
            }
            let target = target.get_or_insert_with(|| target_for(project, root, &src.path));
            let entry = needed
                .entry(target.clone())
                .or_default()
                .entry(r.name.clone())
                .or_insert_with(|| Needed {
                    files: BTreeSet::new(),
                    kind: r.kind,
                    default: None,
                });
            entry
                .files
                .insert(relative(&src.path, folder(target)).to_owned());
            if strength(r.kind) > strength(entry.kind) {
                entry.kind = r.kind;
            }
            if entry.default.is_none() {
                // A default is a placeholder only while it is short and one line: a JSON
                // blob or a certificate in the code is not something to copy around.
                entry.default = r.default.clone().filter(|d| {
                    d.chars().count() <= MAX_DEFAULT
                        && !d.contains(['\n', '\r'])
                        && !crate::secret::could_be_secret(&r.name, d)
                });
            }
        }
    }
    let unused = unused_keys(project);
    let mut paths: BTreeSet<String> = needed.keys().cloned().collect();
    paths.extend(unused.keys().filter(|p| is_under(p, root)).cloned());
    let (mut updates, mut refusals) = (Vec::new(), Vec::new());
    for path in paths {
        let keys = needed.remove(&path).unwrap_or_default();
        let stale = unused.get(&path).cloned().unwrap_or_default();
        let existing = project
            .env_files
            .iter()
            .find(|f| f.path == path && f.role == Role::Example);
        let values = |key: &str| -> Option<String> {
            if !options.values_from_env {
                return None;
            }
            local_value(project, folder(&path), key)
        };
        match existing {
            Some(file) => match update(file, &keys, &stale, options.prune, &values) {
                Ok(u) => updates.push(u),
                Err(reason) => refusals.push(Refusal {
                    path: path.clone(),
                    reason,
                }),
            },
            None => {
                let eol = "\n";
                let mut text = String::new();
                text.push_str(
                    "# The environment variables this project reads. Copy this file to .env",
                );
                text.push_str(eol);
                text.push_str("# and fill in the values there; never commit .env. Written by");
                text.push_str(eol);
                text.push_str(
                    "# `envlint example`, which keeps your edits when it adds keys later.",
                );
                text.push_str(eol);
                let fill = Fill {
                    values: &values,
                    export: false,
                    quote: None,
                };
                let keys: Keys<'_> = keys.iter().map(|(k, n)| (k.as_str(), n)).collect();
                let (block, added) = block(&keys, eol, &fill);
                text.push_str(eol);
                text.push_str(&block);
                if let Some(reason) = reads_back(text.as_bytes(), &added) {
                    refusals.push(Refusal { path, reason });
                    continue;
                }
                updates.push(ExampleUpdate {
                    path,
                    original: None,
                    output: text.into_bytes(),
                    added,
                    removed: Vec::new(),
                    unused: Vec::new(),
                });
            }
        }
    }
    (updates, refusals)
}

/// Why `output` is not safe to write: it must parse without errors and define every added
/// key. `None` when it is.
fn reads_back(output: &[u8], added: &[String]) -> Option<String> {
    let check = Document::parse(output.to_vec(), &envlint_dotenv::ParseOptions::isolated());
    if let Some(e) = check.errors().next() {
        return Some(format!(
            "the new text would not parse ({}); not writing it (please report this)",
            e.kind
        ));
    }
    let defined: HashSet<&str> = check.entries().map(|e| e.key(&check)).collect();
    let missing: Vec<&str> = added
        .iter()
        .filter(|k| !defined.contains(k.as_str()))
        .map(String::as_str)
        .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "the new text would not define {}; not writing it (please report this)",
            missing.join(", ")
        )
    })
}

/// The value of `key` in a developer's env file in `dir` (`.env` first), unless it could be
/// a secret.
fn local_value(project: &Project, dir: &str, key: &str) -> Option<String> {
    let mut locals: Vec<&EnvFile> = project
        .env_files
        .iter()
        .filter(|f| f.role == Role::Local && folder(&f.path) == dir)
        .collect();
    locals.sort_by_key(|f| {
        (
            !f.path.ends_with("/.env") && f.path != ".env",
            f.path.clone(),
        )
    });
    locals
        .iter()
        .find_map(|f| f.doc.value_of(key))
        .filter(|v| !crate::secret::could_be_secret(key, v))
        .map(str::to_owned)
}

/// Keys of each example that no code reads (the `unused-in-example` rule, suppression
/// comments honoured).
fn unused_keys(project: &Project) -> BTreeMap<String, Vec<String>> {
    let mut found: Vec<FileDiagnostic> = Vec::new();
    crate::rules::unused_in_example::check(project, &mut found);
    crate::project::remove_suppressed(project, &mut found);
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // A key defined twice is reported twice; it is one key to remove.
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for d in found {
        if let Some(key) = d.diagnostic.key {
            let key = key.revealed().into_owned();
            if seen.insert((d.path.clone(), key.clone())) {
                out.entry(d.path).or_default().push(key);
            }
        }
    }
    out
}

/// Keys to add, by name (borrowed from the plan).
type Keys<'a> = BTreeMap<&'a str, &'a Needed>;

/// The comment line above an added key.
fn comment(need: &Needed) -> String {
    let what = match (need.kind, &need.default) {
        (Kind::Required, _) => "Required.".to_owned(),
        (Kind::BuildTime, _) => "Required at build time.".to_owned(),
        (Kind::Defaulted, Some(d)) if d.is_empty() => {
            "Optional: the code defaults to an empty value.".to_owned()
        }
        (Kind::Defaulted, Some(d)) if d.contains(char::is_whitespace) => {
            format!("Optional: the code defaults to {d:?}.")
        }
        (Kind::Defaulted, Some(d)) => format!("Optional: the code defaults to {d}."),
        (Kind::Defaulted, None) => "Optional: the code has a default.".to_owned(),
        _ => "Optional.".to_owned(),
    };
    // A file name may hold a line break (`x\ny.js`): escaped, it cannot end the comment
    // and start a line the example would read as an entry.
    let files: Vec<String> = need.files.iter().map(|f| one_line(f)).collect();
    // Compose files use a key rather than read it in code: "Used by docker-compose.yml."
    let compose = need
        .files
        .iter()
        .all(|f| envlint_scan::compose::is_compose_file(f.rsplit('/').next().unwrap_or(f)));
    let verb = if compose { "Used by" } else { "Read in" };
    let place = match files.as_slice() {
        [] => String::new(),
        [a] => format!(" {verb} {a}."),
        [a, b] => format!(" {verb} {a} and {b}."),
        [a, b, rest @ ..] => format!(" {verb} {a}, {b} and {} more.", rest.len()),
    };
    format!("# {what}{place}")
}

/// `s` with its control characters (and Unicode line and paragraph separators) escaped as
/// Rust escapes them (`\n`, `\u{1b}`): text for a comment line, which must stay one line.
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// `KEY=value` for an added key: the value from `.env` when asked and safe, else the code's
/// default, else empty; a value no spelling round-trips stays empty.
fn entry_line(key: &str, need: &Needed, fill: &Fill<'_>) -> String {
    let values = fill.values;
    let value = values(key)
        .or_else(|| need.default.clone())
        .filter(|v| !v.is_empty())
        .and_then(|v| encode_value(&v, fill.quote))
        .unwrap_or_default();
    let export = if fill.export { "export " } else { "" };
    format!("{export}{key}={value}")
}

/// How added entries are written: where values come from, and whether the file's entries
/// all start with `export` (then new ones do too).
struct Fill<'a> {
    values: &'a dyn Fn(&str) -> Option<String>,
    export: bool,
    /// The quotes every non-empty value of the file uses, if they all use the same.
    quote: Option<envlint_dotenv::QuoteKind>,
}

/// Keys under their comments; a run of keys with the same comment shares one, as a person
/// would write it.
fn entries_text(members: &[&str], keys: &Keys<'_>, eol: &str, fill: &Fill<'_>) -> String {
    let mut text = String::new();
    let mut previous: Option<String> = None;
    for k in members {
        let need = keys[k];
        let c = comment(need);
        if previous.as_ref() != Some(&c) {
            text.push_str(&c);
            text.push_str(eol);
        }
        text.push_str(&entry_line(k, need, fill));
        text.push_str(eol);
        previous = Some(c);
    }
    text
}

/// The keys as a block of groups (a prefix shared by two or more keys, else the folder of
/// the first file reading it), groups separated by a blank line, each key under its comment.
fn block(keys: &Keys<'_>, eol: &str, fill: &Fill<'_>) -> (String, Vec<String>) {
    let mut prefix_count: BTreeMap<&str, usize> = BTreeMap::new();
    for k in keys.keys() {
        if let Some(p) = key_prefix(k) {
            *prefix_count.entry(p).or_default() += 1;
        }
    }
    // Group id → (first file, keys).
    let mut groups: BTreeMap<String, (String, Vec<&str>)> = BTreeMap::new();
    for (&k, need) in keys {
        let first = need.files.iter().next().cloned().unwrap_or_default();
        let id = match key_prefix(k) {
            Some(p) if prefix_count.get(p).copied().unwrap_or(0) >= 2 => format!("p:{p}"),
            _ => format!("d:{}", folder(&first)),
        };
        let g = groups
            .entry(id)
            .or_insert_with(|| (first.clone(), Vec::new()));
        if first < g.0 {
            g.0 = first;
        }
        g.1.push(k);
    }
    let mut ordered: Vec<(String, Vec<&str>)> = groups.into_values().collect();
    ordered.sort();
    let mut text = String::new();
    let mut added = Vec::new();
    for (i, (_, members)) in ordered.iter().enumerate() {
        if i > 0 {
            text.push_str(eol);
        }
        text.push_str(&entries_text(members, keys, eol, fill));
        added.extend(members.iter().map(|k| (*k).to_owned()));
    }
    (text, added)
}

/// Plans the edits to an existing example.
fn update(
    file: &EnvFile,
    keys: &BTreeMap<String, Needed>,
    stale: &[String],
    prune: bool,
    values: &dyn Fn(&str) -> Option<String>,
) -> Result<ExampleUpdate, String> {
    let doc = &file.doc;
    if let Some(e) = doc.errors().next() {
        let line = doc.line_number(e.at.start as usize);
        return Err(format!(
            "line {line} does not parse ({}); fix it first (envlint check shows it), not editing",
            e.kind
        ));
    }
    if std::str::from_utf8(doc.to_bytes()).is_err() {
        return Err("the file is not valid UTF-8; not editing".to_owned());
    }
    let eol = doc.line_ending();
    let len = doc.to_bytes().len();
    let valued: Vec<_> = doc.entries().filter(|e| !e.raw_value.is_empty()).collect();
    let quote = valued
        .first()
        .and_then(|e| e.fully_quoted())
        .filter(|q| valued.iter().all(|e| e.fully_quoted() == Some(*q)));
    let fill = Fill {
        values,
        export: doc.entries().next().is_some() && doc.entries().all(|e| e.export),
        quote,
    };
    let mut edits = Vec::new();
    let mut removed = Vec::new();
    let removing: HashSet<&str> = if prune {
        stale.iter().map(String::as_str).collect()
    } else {
        HashSet::new()
    };
    // The lines of pruned keys go; new keys join their family after its last kept entry.
    for l in doc.lines() {
        if matches!(&l.kind, LineKind::Entry(e) if removing.contains(e.key(doc))) {
            edits.push(TextEdit::delete(doc.line_range(l)));
        }
    }
    let families = crate::project::Anchors::of(doc, &|k| removing.contains(k));
    if prune {
        removed = stale.to_vec();
    }
    let all: Keys<'_> = keys.iter().map(|(k, n)| (k.as_str(), n)).collect();
    let mut anchors: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    let mut rest: Keys<'_> = BTreeMap::new();
    for (&k, &need) in &all {
        match families.family_end(k) {
            Some(end) => anchors.entry(end).or_default().push(k),
            None => {
                rest.insert(k, need);
            }
        }
    }
    let mut added = Vec::new();
    let mut tail = String::new();
    if (!anchors.is_empty() || !rest.is_empty()) && !doc.ends_with_newline() {
        tail.push_str(eol);
    }
    let mut anchored_at_end = false;
    for (at, members) in &anchors {
        let text = entries_text(members, &all, eol, &fill);
        added.extend(members.iter().map(|k| (*k).to_owned()));
        if *at == len {
            anchored_at_end = true;
            tail.push_str(&text);
        } else {
            edits.push(TextEdit::insert(*at, text));
        }
    }
    if !rest.is_empty() {
        let last_blank = doc
            .lines()
            .last()
            .is_none_or(|l| matches!(l.kind, LineKind::Blank) && !l.eol(doc.to_bytes()).is_empty());
        if anchored_at_end || !last_blank {
            tail.push_str(eol);
        }
        let (text, more) = block(&rest, eol, &fill);
        tail.push_str(&text);
        added.extend(more);
    }
    if !tail.is_empty() {
        edits.push(TextEdit::insert(len, tail));
    }
    let output = envlint_dotenv::apply_edits(doc.to_bytes(), &edits).map_err(|e| e.to_string())?;
    if let Some(reason) = reads_back(&output, &added) {
        return Err(reason);
    }
    Ok(ExampleUpdate {
        path: file.path.clone(),
        original: Some(doc.to_bytes().to_vec()),
        output,
        added,
        removed,
        unused: if prune { Vec::new() } else { stale.to_vec() },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::project_of;

    fn run(files: &[(&str, &str)], options: ExampleOptions) -> Vec<(String, String)> {
        let project = project_of(files);
        let (updates, refusals) =
            plan_examples(&project, &Settings::default(), "", options, &|_| false);
        assert!(refusals.is_empty(), "{refusals:?}");
        updates
            .into_iter()
            .map(|u| (u.path, String::from_utf8(u.output).unwrap()))
            .collect()
    }

    const APP: &str = "const db = process.env.DATABASE_URL!;\nconst pool = process.env.DATABASE_POOL ?? '5';\nconst port = process.env.PORT || 3000;\nconst key = process.env.STRIPE_SECRET_KEY;\nconst home = process.env.HOME;\nif ('FLAG' in process.env) {}\n";

    #[test]
    fn creates_an_example_from_nothing() {
        let out = run(&[("src/app.ts", APP)], ExampleOptions::default());
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].0, ".env.example");
        let text = &out[0].1;
        assert!(text.starts_with("# The environment variables this project reads."));
        assert!(text.contains(
            "# Optional: the code defaults to 5. Read in src/app.ts.\nDATABASE_POOL=5\n# Required. Read in src/app.ts.\nDATABASE_URL=\n\n"
        ), "{text}");
        assert!(
            text.contains("PORT=3000\n") && text.contains("STRIPE_SECRET_KEY=\n"),
            "{text}"
        );
        assert!(!text.contains("HOME") && !text.contains("FLAG"), "{text}");
        let doc = Document::parse(
            text.as_bytes().to_vec(),
            &envlint_dotenv::ParseOptions::isolated(),
        );
        assert_eq!(doc.entries().count(), 4);
    }

    #[test]
    fn a_file_name_with_a_line_break_stays_in_its_comment() {
        let out = run(&[("src/x\ny.ts", APP)], ExampleOptions::default());
        assert_eq!(out.len(), 1, "{out:?}");
        let text = &out[0].1;
        assert!(
            text.contains("# Required. Read in src/x\\ny.ts.\n"),
            "{text}"
        );
    }

    #[test]
    fn update_keeps_every_byte_and_places_keys_by_family() {
        let example = "# Database\r\nDATABASE_URL=\"postgres://localhost/dev\"\r\n\r\n# Legacy, read by cron\r\nOLD_THING='x' # kept\r\n";
        let files = [(".env.example", example), ("src/app.ts", APP)];
        let out = run(&files, ExampleOptions::default());
        let text = &out[0].1;
        assert_eq!(
            text,
            "# Database\r\nDATABASE_URL=\"postgres://localhost/dev\"\r\n# Optional: the code defaults to 5. Read in src/app.ts.\r\nDATABASE_POOL=5\r\n\r\n# Legacy, read by cron\r\nOLD_THING='x' # kept\r\n\r\n# Optional: the code defaults to 3000. Read in src/app.ts.\r\nPORT=3000\r\n# Optional. Read in src/app.ts.\r\nSTRIPE_SECRET_KEY=\r\n"
        );
        // Twice changes nothing.
        let files2 = [(".env.example", text.as_str()), ("src/app.ts", APP)];
        let project = project_of(&files2);
        let (updates, _) = plan_examples(
            &project,
            &Settings::default(),
            "",
            ExampleOptions::default(),
            &|_| false,
        );
        assert!(updates.iter().all(|u| !u.changed() && u.added.is_empty()));
        assert_eq!(updates[0].unused, ["OLD_THING"]);
    }

    #[test]
    fn prune_removes_unread_keys_only() {
        let example =
            "DATABASE_URL=\nOLD=1\n# envlint: ignore[unused-in-example]\nCOMPOSE_ONLY=1\n";
        let files = [
            (".env.example", example),
            ("src/app.ts", "process.env.DATABASE_URL!;\n"),
        ];
        let out = run(
            &files,
            ExampleOptions {
                prune: true,
                ..ExampleOptions::default()
            },
        );
        assert_eq!(
            out[0].1,
            "DATABASE_URL=\n# envlint: ignore[unused-in-example]\nCOMPOSE_ONLY=1\n"
        );
    }

    #[test]
    fn values_from_env_never_copies_secrets() {
        let files = [
            (".env", "PORT=8080\nSTRIPE_SECRET_KEY=sk_live_51Habc123def456ghi789jkl012mno345\nLOG_LEVEL=debug\n"),
            (".env.example", "PORT=3000"),
            ("src/app.ts", "process.env.STRIPE_SECRET_KEY!;\nprocess.env.LOG_LEVEL;\nprocess.env.PORT;\nprocess.env.API_TOKEN!;\n"),
        ];
        let plain = run(&files, ExampleOptions::default());
        assert_eq!(
            plain[0].1,
            "PORT=3000\n\n# Required. Read in src/app.ts.\nAPI_TOKEN=\n# Optional. Read in src/app.ts.\nLOG_LEVEL=\n# Required. Read in src/app.ts.\nSTRIPE_SECRET_KEY=\n"
        );
        let copied = run(
            &files,
            ExampleOptions {
                values_from_env: true,
                ..ExampleOptions::default()
            },
        );
        assert!(copied[0].1.contains("LOG_LEVEL=debug\n"), "{}", copied[0].1);
        assert!(
            copied[0].1.contains("STRIPE_SECRET_KEY=\n"),
            "{}",
            copied[0].1
        );
        assert!(!copied[0].1.contains("sk_live"), "{}", copied[0].1);
    }

    #[test]
    fn monorepo_examples_by_governing_folder() {
        let files = [
            (".env.example", "SHARED_URL=\n"),
            ("apps/web/.env.example", "NEXT_PUBLIC_SITE=\n"),
            (
                "apps/web/src/a.ts",
                "process.env.SHARED_URL!;\nprocess.env.WEB_ONLY!;\n",
            ),
            ("apps/api/.env", "X=1\n"),
            (
                "apps/api/main.py",
                "import os\nos.environ['API_ONLY']\nos.environ['SHARED_URL']\n",
            ),
            ("apps/cli/.env", "Y=1\n"),
            ("tools/x.py", "import os\nos.environ['TOOL_KEY']\n"),
        ];
        let out = run(&files, ExampleOptions::default());
        let paths: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
        // apps/api has no example of its own: the root one governs it (as for
        // missing-in-example); apps/web keeps its own.
        assert_eq!(paths, [".env.example", "apps/web/.env.example"]);
        assert!(
            out[0]
                .1
                .contains("# Required. Read in apps/api/main.py.\nAPI_ONLY=\n"),
            "{}",
            out[0].1
        );
        assert!(
            out[0]
                .1
                .contains("# Required. Read in tools/x.py.\nTOOL_KEY=\n"),
            "{}",
            out[0].1
        );
        assert!(!out[0].1.contains("WEB_ONLY"));
        assert!(
            out[1]
                .1
                .ends_with("NEXT_PUBLIC_SITE=\n\n# Required. Read in src/a.ts.\nWEB_ONLY=\n"),
            "{}",
            out[1].1
        );
    }

    #[test]
    fn long_or_multiline_defaults_are_not_copied() {
        let long = "x".repeat(200);
        let src = format!("process.env.A ?? '{long}';\nprocess.env.B ?? `one\ntwo`;\n");
        let out = run(
            &[(".env.example", ""), ("a.ts", &src)],
            ExampleOptions::default(),
        );
        assert_eq!(
            out[0].1,
            "# Optional: the code has a default. Read in a.ts.\nA=\nB=\n"
        );
    }

    #[test]
    fn a_quoted_file_gets_quoted_values() {
        let files = [
            (".env.example", "A=\"x\"\nB=\n"),
            ("a.ts", "process.env.PORT ?? '3000';\nprocess.env.C!;\n"),
        ];
        let out = run(&files, ExampleOptions::default());
        assert!(
            out[0].1.ends_with(
                "C=\n# Optional: the code defaults to 3000. Read in a.ts.\nPORT=\"3000\"\n"
            ),
            "{}",
            out[0].1
        );
    }

    #[test]
    fn an_export_style_file_gets_export_lines() {
        let out = run(
            &[
                (".env.example", "export A=1\n"),
                ("a.ts", "process.env.B!;\n"),
            ],
            ExampleOptions::default(),
        );
        assert_eq!(
            out[0].1,
            "export A=1\n\n# Required. Read in a.ts.\nexport B=\n"
        );
        let mixed = run(
            &[
                (".env.example", "export A=1\nC=2\n"),
                ("a.ts", "process.env.B!;process.env.A;process.env.C;\n"),
            ],
            ExampleOptions::default(),
        );
        assert!(mixed[0].1.ends_with("\nB=\n"), "{}", mixed[0].1);
    }

    #[test]
    fn silenced_files_add_nothing_but_still_count_as_reads() {
        let files = [
            (".env.example", "TEST_ONLY=\n"),
            ("src/a.ts", "process.env.APP!;\n"),
            (
                "tests/t.ts",
                "process.env.TEST_ONLY!;\nprocess.env.TEST_OTHER!;\n",
            ),
        ];
        let project = project_of(&files);
        let silenced = |p: &str| p.starts_with("tests/");
        let options = ExampleOptions {
            prune: true,
            ..ExampleOptions::default()
        };
        let (updates, _) = plan_examples(&project, &Settings::default(), "", options, &silenced);
        assert_eq!(updates[0].added, ["APP"]);
        assert!(
            updates[0].removed.is_empty(),
            "TEST_ONLY is read, in a silenced file"
        );
    }

    #[test]
    fn a_key_listed_in_a_comment_is_documented() {
        let example = "# Optional: error reporting\n# SENTRY_DSN=\n#export DEBUG=1\n# Note: see https://x.test/?a=b\n";
        let src = "process.env.SENTRY_DSN;\nprocess.env.DEBUG;\nprocess.env.NEW!;\n";
        let out = run(
            &[(".env.example", example), ("a.ts", src)],
            ExampleOptions::default(),
        );
        assert_eq!(
            out[0].1,
            format!("{example}\n# Required. Read in a.ts.\nNEW=\n")
        );
    }

    #[test]
    fn keys_with_the_same_story_share_one_comment() {
        let src = "process.env.CI_SHA;\nprocess.env.CI_BRANCH;\nprocess.env.CI_URL!;\n";
        let out = run(
            &[(".env.example", ""), ("ci.ts", src)],
            ExampleOptions::default(),
        );
        assert_eq!(
            out[0].1,
            "# Optional. Read in ci.ts.\nCI_BRANCH=\nCI_SHA=\n# Required. Read in ci.ts.\nCI_URL=\n"
        );
    }

    #[test]
    fn new_examples_go_where_the_env_file_is() {
        let files = [
            ("apps/api/.env", "X=1\n"),
            ("apps/api/main.py", "import os\nos.environ['API_ONLY']\n"),
            ("tools/x.py", "import os\nos.environ['TOOL_KEY']\n"),
        ];
        let out = run(&files, ExampleOptions::default());
        let paths: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, [".env.example", "apps/api/.env.example"]);
        assert!(out[1]
            .1
            .contains("# Required. Read in main.py.\nAPI_ONLY=\n"));
    }

    #[test]
    fn refuses_an_example_that_does_not_parse() {
        let files = [
            (".env.example", "A=\"unclosed\nB=1\n"),
            ("a.ts", "process.env.C!;\n"),
        ];
        let project = project_of(&files);
        let (updates, refusals) = plan_examples(
            &project,
            &Settings::default(),
            "",
            ExampleOptions::default(),
            &|_| false,
        );
        assert!(updates.is_empty());
        assert!(
            refusals[0].reason.contains("line 1 does not parse"),
            "{refusals:?}"
        );
    }

    #[test]
    fn no_trailing_newline_and_empty_files() {
        let out = run(
            &[
                (".env.example", "A=1"),
                ("a.ts", "process.env.A!;process.env.B!;\n"),
            ],
            ExampleOptions::default(),
        );
        assert_eq!(out[0].1, "A=1\n\n# Required. Read in a.ts.\nB=\n");
        let out = run(
            &[(".env.example", ""), ("a.ts", "process.env.B!;\n")],
            ExampleOptions::default(),
        );
        assert_eq!(out[0].1, "# Required. Read in a.ts.\nB=\n");
        let out = run(
            &[
                (".env.example", "APP_A=1"),
                ("a.ts", "process.env.APP_B!;\n"),
            ],
            ExampleOptions::default(),
        );
        assert_eq!(out[0].1, "APP_A=1\n# Required. Read in a.ts.\nAPP_B=\n");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        const KEYS: [&str; 8] = [
            "APP_A",
            "APP_B",
            "DB_URL",
            "DB_POOL",
            "X",
            "SECRET_TOKEN",
            "LOG",
            "PORT",
        ];

        fn line() -> impl Strategy<Value = String> {
            let key = proptest::sample::select(KEYS.to_vec());
            prop_oneof![
                Just("# a comment".to_owned()),
                Just(String::new()),
                Just("   ".to_owned()),
                key.clone().prop_map(|k| format!("{k}=plain")),
                key.clone()
                    .prop_map(|k| format!("{k}='single # not a comment'")),
                key.clone()
                    .prop_map(|k| format!("{k}=\"line one\nline two\"")),
                key.clone().prop_map(|k| format!("export {k}=v # note")),
                key.prop_map(|k| format!("{k}=")),
            ]
        }

        fn doc() -> impl Strategy<Value = String> {
            (
                proptest::collection::vec(line(), 0..8),
                any::<bool>(),
                any::<bool>(),
                any::<bool>(),
            )
                .prop_map(|(lines, crlf, bom, final_eol)| {
                    let eol = if crlf { "\r\n" } else { "\n" };
                    let mut s = if bom {
                        "\u{feff}".to_owned()
                    } else {
                        String::new()
                    };
                    s.push_str(&lines.join(eol).replace('\n', eol).replace("\r\r\n", "\r\n"));
                    if final_eol && !lines.is_empty() {
                        s.push_str(eol);
                    }
                    s
                })
        }

        fn source() -> impl Strategy<Value = String> {
            proptest::collection::vec((proptest::sample::select(KEYS.to_vec()), 0..3u8), 0..6)
                .prop_map(|reads| {
                    reads
                        .iter()
                        .map(|(k, how)| match how {
                            0 => format!("process.env.{k}!;\n"),
                            1 => format!("process.env.{k} ?? \"d f\";\n"),
                            _ => format!("process.env.{k};\n"),
                        })
                        .collect()
                })
        }

        fn entries(bytes: &[u8]) -> Vec<(String, String)> {
            let d = Document::parse(bytes.to_vec(), &envlint_dotenv::ParseOptions::isolated());
            assert!(
                d.errors().next().is_none(),
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
            d.entries()
                .map(|e| (e.key(&d).to_owned(), e.value(&d).to_owned()))
                .collect()
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(400))]
            #[test]
            fn updates_only_add_and_settle(example in doc(), src in source(), prune in any::<bool>()) {
                // Files dotenvy rejects are refused (see refuses_an_example_that_does_not_parse).
                let parsed = Document::parse(example.as_bytes().to_vec(), &envlint_dotenv::ParseOptions::isolated());
                prop_assume!(parsed.errors().next().is_none());
                let files = [(".env.example", example.as_str()), ("a.ts", src.as_str())];
                let project = project_of(&files);
                let options = ExampleOptions { prune, ..ExampleOptions::default() };
                let (updates, refusals) = plan_examples(&project, &Settings::default(), "", options, &|_| false);
                prop_assert!(refusals.is_empty(), "{refusals:?}");
                let Some(u) = updates.first() else { return Ok(()) };
                let before = entries(example.as_bytes());
                let after = entries(&u.output);
                // Old entries keep their order and values; removed keys are gone; every
                // added key is there once.
                let kept: Vec<_> = after.iter().filter(|(k, _)| !u.added.contains(k)).cloned().collect();
                let expected: Vec<_> = before.iter().filter(|(k, _)| !u.removed.contains(k)).cloned().collect();
                prop_assert_eq!(kept, expected);
                for k in &u.added {
                    prop_assert_eq!(after.iter().filter(|(x, _)| x == k).count(), 1);
                }
                // Without prune, every original byte is still there, in order.
                if !prune {
                    let mut it = u.output.iter();
                    prop_assert!(example.as_bytes().iter().all(|b| it.any(|o| o == b)));
                    let bom_kept = !example.starts_with('\u{feff}') || u.output.starts_with("\u{feff}".as_bytes());
                    prop_assert!(bom_kept);
                }
                // Running again changes nothing.
                let out = String::from_utf8(u.output.clone()).unwrap();
                let files2 = [(".env.example", out.as_str()), ("a.ts", src.as_str())];
                let project2 = project_of(&files2);
                let (again, _) = plan_examples(&project2, &Settings::default(), "", options, &|_| false);
                prop_assert!(again.iter().all(|u| !u.changed()), "{:?}", again);
            }
        }
    }
}
