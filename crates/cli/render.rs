//! Output formats. Each is a small function over the same data: a file's path, its text,
//! and its diagnostics with byte spans.
//!
//! - `human`: miette code frames with the span underlined; values masked (see
//!   `envlint_core::mask`). A custom [`SourceCode`] hands miette only the lines around a
//!   span, found through a line index, so rendering stays linear on huge files.
//! - `json`: the versioned shape of `docs/output-contract.md`.
//! - `concise`: one line per finding, `path:line:column: rule: message`.
//! - `github`: workflow commands that GitHub shows as annotations.
//! - `sarif`: SARIF 2.1.0 built from the JSON diagnostics, with every rule's help text and
//!   a fingerprint of rule, path and key (or message) that survives line moves and never
//!   depends on a value.

use std::fmt;
use std::sync::{Arc, PoisonError};

use envlint_core::{Applicability, Diagnostic, LineIndex, Severity};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use serde_json::{json, Value};

/// One file's findings, ready to render.
pub(crate) struct FileOutput<'a> {
    /// The path as shown (relative, `/`-separated).
    pub(crate) path: String,
    /// The file's bytes: as read for json/github, masked for human frames (masking keeps
    /// byte offsets and character counts, so positions agree).
    pub(crate) bytes: &'a [u8],
    pub(crate) index: LineIndex,
    pub(crate) diagnostics: &'a [Diagnostic],
    /// The files related locations point into (`None`: related locations are not shown).
    pub(crate) others: Option<&'a Others<'a>>,
}

/// A file a related location points into: read once, values masked (masking keeps offsets
/// and character counts, so positions computed on it are the file's own).
pub(crate) struct Other {
    pub(crate) bytes: Vec<u8>,
    pub(crate) index: LineIndex,
}

/// The files related locations point into, read on first use (by any of the threads that
/// render frames) through the workspace's file system.
pub(crate) struct Others<'w> {
    workspace: &'w envlint_workspace::Workspace,
    show_values: bool,
    cache: std::sync::Mutex<std::collections::HashMap<String, Option<Arc<Other>>>>,
}

impl<'w> Others<'w> {
    pub(crate) fn new(workspace: &'w envlint_workspace::Workspace, show_values: bool) -> Self {
        Others {
            workspace,
            show_values,
            cache: Default::default(),
        }
    }

    /// The file at the project path `path`, masked; `None` when it cannot be read.
    pub(crate) fn get(&self, path: &str) -> Option<Arc<Other>> {
        let cache = || self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(hit) = cache().get(path) {
            return hit.clone();
        }
        let loaded = self.workspace.read(path).ok().map(|bytes| {
            let name = path.rsplit('/').next().unwrap_or(path);
            let bytes = if envlint_workspace::is_env_file_name(name) {
                let doc = envlint_dotenv::Document::parse(
                    bytes,
                    &envlint_dotenv::ParseOptions::isolated(),
                );
                envlint_core::mask::display_bytes(
                    doc,
                    envlint_core::mask::Masking::for_file(path, self.show_values),
                    None,
                )
            } else {
                envlint_core::mask::display_source(bytes, self.show_values)
            };
            Arc::new(Other {
                index: LineIndex::new(&bytes),
                bytes,
            })
        });
        cache().insert(path.to_owned(), loaded.clone());
        loaded
    }
}

/// The text of a file as miette sees it: only the lines around each requested span.
struct Windowed<'a> {
    name: &'a str,
    text: &'a [u8],
    index: &'a LineIndex,
}

/// The most context lines a frame shows around a span (miette is configured with 1).
const MAX_CONTEXT: usize = 2;

/// Lines prepared (masked) around every span: more than any frame reads.
pub(crate) const MASK_CONTEXT: usize = MAX_CONTEXT + 2;

/// The bytes of the whole lines from `context` lines before `span` to `context` lines after.
pub(crate) fn frame_window(
    index: &LineIndex,
    len: usize,
    span: &std::ops::Range<usize>,
    context: usize,
) -> std::ops::Range<usize> {
    let start = span.start.min(len);
    let end = span.end.min(len);
    let first = index.line(start).saturating_sub(context);
    let last = index.line(end.saturating_sub(1).max(start)) + context + 1;
    index.line_start(first)..index.line_start(last).min(len)
}

/// The windows a renderer will read for these diagnostics (to mask them beforehand).
pub(crate) fn frame_windows(
    index: &LineIndex,
    len: usize,
    diagnostics: &[Diagnostic],
) -> Vec<std::ops::Range<usize>> {
    diagnostics
        .iter()
        .flat_map(|d| std::iter::once(&d.span).chain(d.labels.iter().map(|l| &l.span)))
        .map(|s| frame_window(index, len, s, MASK_CONTEXT))
        .collect()
}

impl SourceCode for Windowed<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let (before, after) = (before.min(MAX_CONTEXT), after.min(MAX_CONTEXT));
        let start = span.offset().min(self.text.len());
        let end = (span.offset() + span.len()).min(self.text.len());
        let window = frame_window(
            self.index,
            self.text.len(),
            &(start..end),
            before.max(after) + 1,
        );
        let (w_start, w_end) = (window.start, window.end);
        let first = self.index.line(w_start);
        let window = &self.text[w_start..w_end];
        let local = SourceSpan::new((start - w_start).into(), end - start);
        let inner = window.read_span(&local, before, after)?;
        let data_start = inner.span().offset() + w_start;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_owned(),
            inner.data(),
            SourceSpan::new(data_start.into(), inner.span().len()),
            inner.line() + first,
            inner.column(),
            inner.line_count() + first,
        )))
    }
}

struct Report<'a> {
    d: &'a Diagnostic,
    source: Windowed<'a>,
    help: Option<String>,
    related: Vec<Side<'a>>,
}

/// The other side of a finding, rendered under it with its own code frame.
struct Side<'a> {
    message: String,
    span: std::ops::Range<usize>,
    source: Windowed<'a>,
}

impl fmt::Debug for Side<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Side<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source.name, self.message)
    }
}

impl std::error::Error for Side<'_> {}

impl miette::Diagnostic for Side<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(None, span(&self.span)),
        )))
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.d.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.d.rule, self.d.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|s| s as &dyn miette::Diagnostic),
        ))
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = LabeledSpan::new_primary_with_span(None, span(&self.d.span));
        let rest = self
            .d
            .labels
            .iter()
            .map(|l| LabeledSpan::new_with_span(Some(l.message.to_string()), span(&l.span)));
        Some(Box::new(std::iter::once(primary).chain(rest)))
    }
}

fn span(r: &std::ops::Range<usize>) -> SourceSpan {
    SourceSpan::new(r.start.into(), r.len())
}

/// Options of the human renderer.
pub(crate) struct Human {
    handler: GraphicalReportHandler,
}

impl Human {
    pub(crate) fn new(color: bool) -> Self {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        Human {
            handler: GraphicalReportHandler::new_themed(theme)
                .with_width(100)
                .with_links(false)
                .with_context_lines(1)
                .with_show_related_as_nested(true)
                // Messages are ASCII prose: plain space splitting wraps them the same as
                // Unicode line breaking, at a fraction of the cost per frame.
                .with_word_separator(textwrap::WordSeparator::AsciiSpace)
                .with_word_splitter(textwrap::WordSplitter::NoHyphenation),
        }
    }

    /// Renders every diagnostic of a file, handing the text to `sink` in order.
    ///
    /// A frame costs ~10 µs (miette lays out and wraps every one), so a file with thousands
    /// of findings is rendered on all cores: in rounds of [`ROUND`] findings, each round
    /// cut into one run of consecutive findings a thread, and written out in order before
    /// the next round starts (the output held in memory stays small however many there
    /// are).
    pub(crate) fn render(&self, file: &FileOutput<'_>, sink: &mut dyn FnMut(&str)) {
        let threads = if file.diagnostics.len() >= PARALLEL_FRAMES {
            std::thread::available_parallelism()
                .map_or(1, usize::from)
                .min(8)
        } else {
            1
        };
        self.render_on(file, sink, threads);
    }

    /// [`Human::render`] on `threads` threads (the text does not depend on how many).
    fn render_on(&self, file: &FileOutput<'_>, sink: &mut dyn FnMut(&str), threads: usize) {
        if threads <= 1 {
            let mut out = String::new();
            for d in file.diagnostics {
                out.clear();
                self.render_one(file, d, &mut out);
                sink(&out);
            }
            return;
        }
        for round in file.diagnostics.chunks(ROUND) {
            let per_thread = round.len().div_ceil(threads);
            let render_run = |run: &[Diagnostic]| {
                let mut out = String::new();
                for d in run {
                    self.render_one(file, d, &mut out);
                }
                out
            };
            let texts: Vec<String> = std::thread::scope(|scope| {
                // A run whose thread cannot be started is rendered here.
                let runs: Vec<_> = round
                    .chunks(per_thread)
                    .map(|run| {
                        let thread = std::thread::Builder::new()
                            .spawn_scoped(scope, move || render_run(run))
                            .ok();
                        (run, thread)
                    })
                    .collect();
                runs.into_iter()
                    .map(|(run, thread)| match thread {
                        Some(t) => t
                            .join()
                            .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                        None => render_run(run),
                    })
                    .collect()
            });
            for text in &texts {
                sink(text);
            }
        }
    }

    /// Appends the frame of `d` to `out`.
    fn render_one(&self, file: &FileOutput<'_>, d: &Diagnostic, out: &mut String) {
        let mut help = d.help.as_ref().map(ToString::to_string);
        if let Some(fix) = &d.fix {
            let how = match fix.applicability {
                Applicability::Safe => "envlint fix",
                Applicability::Unsafe => "envlint fix --unsafe-fixes",
            };
            let line = format!("fix: {} (`{how}`)", fix.description);
            help = Some(match help {
                Some(h) => format!("{h}\n{line}"),
                None => line,
            });
        }
        let others: Vec<(&envlint_core::Related, Arc<Other>)> = file
            .others
            .map(|o| {
                d.related
                    .iter()
                    .filter_map(|r| o.get(&r.path).map(|f| (r, f)))
                    .collect()
            })
            .unwrap_or_default();
        let report = Report {
            d,
            source: Windowed {
                name: &file.path,
                text: file.bytes,
                index: &file.index,
            },
            help,
            related: others
                .iter()
                .map(|(r, f)| Side {
                    message: r.message.to_string(),
                    span: r.span.clone(),
                    source: Windowed {
                        name: &r.path,
                        text: &f.bytes,
                        index: &f.index,
                    },
                })
                .collect(),
        };
        if self.handler.render_report(out, &report).is_ok() {
            out.push('\n');
        } else {
            let (line, col) = file.index.line_col(file.bytes, d.span.start);
            out.push_str(&format!(
                "{}:{line}:{col}: {} [{}]\n",
                file.path, d.message, d.rule
            ));
        }
    }
}

/// From this many findings in a file on, frames are rendered on all cores.
const PARALLEL_FRAMES: usize = 256;

/// Findings rendered per round of the parallel renderer.
const ROUND: usize = 2_048;

fn position(file: &FileOutput<'_>, d: &Diagnostic) -> (usize, usize, usize, usize) {
    let (line, column) = file.index.line_col(file.bytes, d.span.start);
    let (end_line, end_column) = file.index.line_col(file.bytes, d.span.end);
    (line, column, end_line, end_column)
}

/// The JSON object of one diagnostic (docs/output-contract.md, version 1).
pub(crate) fn json_diagnostic(file: &FileOutput<'_>, d: &Diagnostic) -> Value {
    let (line, column, end_line, end_column) = position(file, d);
    json!({
        "rule": d.rule,
        "severity": d.severity.as_str(),
        "message": d.message,
        "path": file.path,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "key": d.key,
        "related": related_json(file, d),
        "fix": d.fix.as_ref().map(|f| json!({
            "applicability": f.applicability.as_str(),
            "description": f.description,
        })),
    })
}

/// The related locations with positions (read from the other files); empty when there are
/// none or they are not wanted.
fn related_json(file: &FileOutput<'_>, d: &Diagnostic) -> Vec<Value> {
    let Some(others) = file.others else {
        return Vec::new();
    };
    d.related
        .iter()
        .filter_map(|r| {
            let other = others.get(&r.path)?;
            let (line, column) = other.index.line_col(&other.bytes, r.span.start);
            let (end_line, end_column) = other.index.line_col(&other.bytes, r.span.end);
            Some(json!({
                "path": r.path,
                "line": line,
                "column": column,
                "end_line": end_line,
                "end_column": end_column,
                "message": r.message,
            }))
        })
        .collect()
}

/// One line per diagnostic, for grep and editors.
pub(crate) fn concise(file: &FileOutput<'_>, sink: &mut dyn FnMut(&str)) {
    let mut line = String::new();
    for d in file.diagnostics {
        let (l, c) = file.index.line_col(file.bytes, d.span.start);
        line.clear();
        use std::fmt::Write as _;
        let _ = writeln!(line, "{}:{l}:{c}: {}: {}", file.path, d.rule, d.message);
        sink(&line);
    }
}

/// GitHub workflow commands, one per diagnostic.
pub(crate) fn github(file: &FileOutput<'_>, sink: &mut dyn FnMut(&str)) {
    for d in file.diagnostics {
        let (line, column, end_line, end_column) = position(file, d);
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        sink(&format!(
            "::{level} file={},line={line},col={column},endLine={end_line},endColumn={end_column},title=envlint ({})::{}\n",
            escape_property(&file.path),
            d.rule,
            escape_data(&d.message.to_string()),
        ));
    }
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// SARIF 2.1.0 for the diagnostics of a `check` run (each as [`json_diagnostic`] made it).
pub(crate) fn sarif(diagnostics: &[Value]) -> Value {
    let rules = envlint_core::rules();
    let descriptors: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "shortDescription": {"text": r.summary},
                "help": {"text": r.docs, "markdown": r.docs},
                "defaultConfiguration": {"level": sarif_level(r.severity.as_str()), "enabled": r.default_enabled},
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let rule = d["rule"].as_str().unwrap_or_default();
            let path = d["path"].as_str().unwrap_or_default();
            // The key names what the finding is about; file-level findings have none and
            // their message (which never holds a value) takes its place.
            let subject = d["key"]
                .as_str()
                .or_else(|| d["message"].as_str())
                .unwrap_or_default();
            json!({
                "ruleId": rule,
                "ruleIndex": rules.iter().position(|r| r.id == rule),
                "level": sarif_level(d["severity"].as_str().unwrap_or_default()),
                "message": {"text": d["message"]},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(path), "uriBaseId": "%SRCROOT%"},
                        "region": {
                            "startLine": d["line"],
                            "startColumn": d["column"],
                            "endLine": d["end_line"],
                            "endColumn": d["end_column"],
                        },
                    },
                }],
                "relatedLocations": d["related"].as_array().map(|rel| {
                    rel.iter().enumerate().map(|(i, r)| json!({
                        "id": i,
                        "message": {"text": r["message"]},
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri(r["path"].as_str().unwrap_or_default()), "uriBaseId": "%SRCROOT%"},
                            "region": {
                                "startLine": r["line"],
                                "startColumn": r["column"],
                                "endLine": r["end_line"],
                                "endColumn": r["end_column"],
                            },
                        },
                    })).collect::<Vec<_>>()
                }).unwrap_or_default(),
                "partialFingerprints": {
                    "envlint/v1": format!("{:016x}", fnv1a(&[rule, path, subject])),
                },
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "envlint",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": descriptors,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

fn sarif_level(severity: &str) -> &'static str {
    match severity {
        "error" => "error",
        "warning" => "warning",
        _ => "note",
    }
}

/// A relative URI reference: `/`-separated, with bytes outside the unreserved set encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// FNV-1a over the parts with a separator: stable across Rust versions and platforms,
/// unlike `DefaultHasher`.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in part.as_bytes().iter().chain(&[0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_rendered_on_several_threads_come_out_in_order() {
        let mut text = String::new();
        let mut diagnostics = Vec::new();
        for i in 0..(ROUND + PARALLEL_FRAMES) {
            let start = text.len();
            text.push_str(&format!("k{i}=value number {i}\n"));
            diagnostics.push(
                Diagnostic::new(
                    "lowercase-key",
                    Severity::Warning,
                    start..start + 2,
                    format!("finding {i}"),
                )
                .help("rename it"),
            );
        }
        let file = FileOutput {
            path: "big.env".to_owned(),
            bytes: text.as_bytes(),
            index: LineIndex::new(text.as_bytes()),
            diagnostics: &diagnostics,
            others: None,
        };
        let human = Human::new(false);
        let mut one_by_one = String::new();
        for d in &diagnostics {
            human.render_one(&file, d, &mut one_by_one);
        }
        assert!(one_by_one.contains("finding 2303"));
        for threads in [1, 2, 3] {
            let mut together = String::new();
            human.render_on(&file, &mut |s| together.push_str(s), threads);
            assert!(together == one_by_one, "{threads} threads");
        }
    }
}
