//! Output formats. Each is a small function over the same data: a file's path, its text,
//! and its diagnostics with byte spans.
//!
//! - `human`: miette code frames with the span underlined; values masked (see
//!   `envlint_core::mask`). A custom [`SourceCode`] hands miette only the lines around a
//!   span, found through a line index, so rendering stays linear on huge files.
//! - `json`: the versioned shape of `docs/output-contract.md`, written one finding at a
//!   time ([`JsonStream`]): the memory it takes does not grow with the findings.
//! - `concise`: one line per finding, `path:line:column: rule: message`.
//! - `github`: workflow commands that GitHub shows as annotations.
//! - `sarif`: SARIF 2.1.0 made from the JSON diagnostics and streamed the same way, with
//!   every rule's help text and a fingerprint of rule, path and key (or message) that
//!   survives line moves and never depends on a value.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, PoisonError};

use envlint_core::{Applicability, Diagnostic, LineIndex, Severity, Text};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use serde::Serialize;
use serde_json::{json, Value};

use crate::escape;

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
        let message = self.d.message.to_string();
        write!(f, "{}: {}", self.d.rule, escape::text(&message))
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
        let rest = self.d.labels.iter().map(|l| {
            let message = escape::text(&l.message.to_string()).into_owned();
            LabeledSpan::new_with_span(Some(message), span(&l.span))
        });
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
        // Names and messages may hold any character a file name can: see `escape.rs`.
        let from = out.len();
        let mut help = d
            .help
            .as_ref()
            .map(|h| escape::text(&h.to_string()).into_owned());
        if let Some(fix) = &d.fix {
            let how = match fix.applicability {
                Applicability::Safe => "envlint fix",
                Applicability::Unsafe => "envlint fix --unsafe-fixes",
            };
            let line = format!(
                "fix: {} (`{how}`)",
                escape::text(&fix.description.to_string())
            );
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
        let name = escape::text(&file.path);
        let names: Vec<Cow<'_, str>> = others.iter().map(|(r, _)| escape::text(&r.path)).collect();
        let report = Report {
            d,
            source: Windowed {
                name: &name,
                text: file.bytes,
                index: &file.index,
            },
            help,
            related: others
                .iter()
                .zip(&names)
                .map(|((r, f), name)| Side {
                    message: escape::text(&r.message.to_string()).into_owned(),
                    span: r.span.clone(),
                    source: Windowed {
                        name,
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
                "{name}:{line}:{col}: {} [{}]\n",
                escape::text(&d.message.to_string()),
                d.rule
            ));
        }
        escape::defuse_lines(out, from);
    }
}

/// From this many findings in a file on, frames are rendered on all cores.
const PARALLEL_FRAMES: usize = 256;

/// Findings rendered per round of the parallel renderer.
const ROUND: usize = 2_048;

/// Lines and columns of the offsets of one file, asked in order (a file's findings are
/// sorted by position): an offset after the previous one on the same line has its column
/// counted on from there, not from the line's start. Counting from the start each time was
/// quadratic on a long line with many findings (128k `$` on one line: 8.9 s of counting).
struct Positions<'a> {
    text: &'a [u8],
    index: &'a LineIndex,
    /// The last offset asked, its 0-based line and column, when counting on from it gives
    /// what counting from the line's start does: it starts its line or holds an ASCII byte
    /// (then no character before it reaches past it, valid or not).
    last: Option<(usize, usize, usize)>,
}

impl<'a> Positions<'a> {
    fn new(text: &'a [u8], index: &'a LineIndex) -> Self {
        Positions {
            text,
            index,
            last: None,
        }
    }

    /// What [`LineIndex::line_col`] gives: 1-based line and column in characters.
    fn line_col(&mut self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let (line, column) = match self.last {
            Some((at, line, column)) if at <= offset && self.index.line(offset) == line => {
                let more = String::from_utf8_lossy(&self.text[at..offset])
                    .chars()
                    .count();
                (line, column + more)
            }
            _ => {
                let (line, column) = self.index.line_col(self.text, offset);
                (line - 1, column - 1)
            }
        };
        let clean = offset == self.index.line_start(line)
            || self.text.get(offset).is_some_and(u8::is_ascii);
        self.last = clean.then_some((offset, line, column));
        (line + 1, column + 1)
    }

    /// Start line and column, end line and column of `span`.
    fn span(&mut self, span: &std::ops::Range<usize>) -> (usize, usize, usize, usize) {
        let (line, column) = self.line_col(span.start);
        let (end_line, end_column) = self.line_col(span.end);
        (line, column, end_line, end_column)
    }
}

/// One diagnostic as JSON (docs/output-contract.md, version 1), serialized where it is
/// made. The fields are in the order `serde_json` printed them when the output was built as
/// one `Value` (its maps sort their keys), so the bytes are the same; the tests hold both
/// to that.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    column: usize,
    end_column: usize,
    end_line: usize,
    fix: Option<JsonFix<'a>>,
    key: Option<&'a Text>,
    line: usize,
    message: &'a Text,
    path: &'a str,
    related: Vec<JsonRelated<'a>>,
    rule: &'a str,
    severity: &'a str,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: &'a str,
    description: &'a Text,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    column: usize,
    end_column: usize,
    end_line: usize,
    line: usize,
    message: &'a Text,
    path: &'a str,
}

/// The JSON of `d`, a finding in `file` (`at`: positions in `file`).
fn json_diagnostic<'a>(
    file: &'a FileOutput<'_>,
    at: &mut Positions<'_>,
    d: &'a Diagnostic,
) -> JsonDiagnostic<'a> {
    let (line, column, end_line, end_column) = at.span(&d.span);
    JsonDiagnostic {
        column,
        end_column,
        end_line,
        fix: d.fix.as_ref().map(|f| JsonFix {
            applicability: f.applicability.as_str(),
            description: &f.description,
        }),
        key: d.key.as_ref(),
        line,
        message: &d.message,
        path: &file.path,
        related: related_json(file, d),
        rule: d.rule,
        severity: d.severity.as_str(),
    }
}

/// The related locations with positions (read from the other files); empty when there are
/// none or they are not wanted.
fn related_json<'a>(file: &FileOutput<'_>, d: &'a Diagnostic) -> Vec<JsonRelated<'a>> {
    let Some(others) = file.others else {
        return Vec::new();
    };
    d.related
        .iter()
        .filter_map(|r| {
            let other = others.get(&r.path)?;
            let (line, column) = other.index.line_col(&other.bytes, r.span.start);
            let (end_line, end_column) = other.index.line_col(&other.bytes, r.span.end);
            Some(JsonRelated {
                column,
                end_column,
                end_line,
                line,
                message: &r.message,
                path: &r.path,
            })
        })
        .collect()
}

/// One SARIF result (see [`JsonDiagnostic`] on the order of the fields).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    level: &'static str,
    locations: [SarifLocation; 1],
    message: SarifMessage<'a>,
    partial_fingerprints: SarifFingerprints,
    related_locations: Vec<SarifRelated<'a>>,
    rule_id: &'a str,
    rule_index: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: SarifPhysical,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifPhysical {
    artifact_location: SarifArtifact,
    region: SarifRegion,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifArtifact {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    end_column: usize,
    end_line: usize,
    start_column: usize,
    start_line: usize,
}

#[derive(Serialize)]
struct SarifMessage<'a> {
    text: &'a Text,
}

#[derive(Serialize)]
struct SarifFingerprints {
    #[serde(rename = "envlint/v1")]
    v1: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRelated<'a> {
    id: usize,
    message: SarifMessage<'a>,
    physical_location: SarifPhysical,
}

/// A place in the project, as SARIF writes it.
fn sarif_physical(
    path: &str,
    (start_line, start_column): (usize, usize),
    (end_line, end_column): (usize, usize),
) -> SarifPhysical {
    SarifPhysical {
        artifact_location: SarifArtifact {
            uri: uri(path),
            uri_base_id: "%SRCROOT%",
        },
        region: SarifRegion {
            end_column,
            end_line,
            start_column,
            start_line,
        },
    }
}

/// The SARIF result of a diagnostic, from its JSON (`rules`: every rule, for the index).
fn sarif_result<'a>(d: &'a JsonDiagnostic<'_>, rules: &[envlint_core::Rule]) -> SarifResult<'a> {
    // The key names what the finding is about; file-level findings have none and their
    // message (which never holds a value) takes its place. Both as the output shows them.
    let subject = d.key.unwrap_or(d.message).shown();
    SarifResult {
        level: sarif_level(d.severity),
        locations: [SarifLocation {
            physical_location: sarif_physical(
                d.path,
                (d.line, d.column),
                (d.end_line, d.end_column),
            ),
        }],
        message: SarifMessage { text: d.message },
        partial_fingerprints: SarifFingerprints {
            v1: format!("{:016x}", fnv1a(&[d.rule, d.path, &subject])),
        },
        related_locations: d
            .related
            .iter()
            .enumerate()
            .map(|(id, r)| SarifRelated {
                id,
                message: SarifMessage { text: r.message },
                physical_location: sarif_physical(
                    r.path,
                    (r.line, r.column),
                    (r.end_line, r.end_column),
                ),
            })
            .collect(),
        rule_id: d.rule,
        rule_index: rules.iter().position(|r| r.id == d.rule),
    }
}

/// `check`'s JSON document (`--format json`) or SARIF log (`--format sarif`), written as
/// the findings come, one object at a time: holding a `Value` per finding and the whole
/// document took gigabytes for a file with a million findings. Around the findings go the
/// parts the whole document had, cut from it as `serde_json` prints it with none (the
/// findings are the last thing before the summary, and SARIF's `results` come before its
/// `tool` section, keys being sorted), so the bytes are those of the document as a whole.
pub(crate) struct JsonStream {
    sarif: bool,
    /// Whether the document's start is written (then also whether any finding is).
    started: bool,
    findings: usize,
    /// The text of one finding, reused.
    buf: Vec<u8>,
    rules: &'static [envlint_core::Rule],
}

impl JsonStream {
    /// `sarif`: a SARIF log rather than envlint's JSON.
    pub(crate) fn new(sarif: bool) -> Self {
        JsonStream {
            sarif,
            started: false,
            findings: 0,
            buf: Vec::new(),
            rules: envlint_core::rules(),
        }
    }

    /// The document with no findings (and this summary): where its findings go cuts it in
    /// two.
    fn halves(&self, (files, errors, warnings): (usize, usize, usize)) -> (String, String) {
        let (whole, array) = if self.sarif {
            (sarif_document(self.rules), "\"results\":[")
        } else {
            (
                json!({
                    "version": 1,
                    "diagnostics": [],
                    "summary": {"files": files, "errors": errors, "warnings": warnings},
                }),
                "\"diagnostics\":[",
            )
        };
        let whole = whole.to_string();
        // A key's quotes are never inside a string (there they are escaped).
        let cut = whole.find(array).map_or(whole.len(), |i| i + array.len());
        let (start, end) = whole.split_at(cut);
        (start.to_owned(), end.to_owned())
    }

    /// Writes the findings of `file`.
    pub(crate) fn file(&mut self, file: &FileOutput<'_>, sink: &mut dyn FnMut(&str)) {
        let mut at = Positions::new(file.bytes, &file.index);
        for d in file.diagnostics {
            if !self.started {
                sink(&self.halves((0, 0, 0)).0);
                self.started = true;
            }
            self.buf.clear();
            if self.findings > 0 {
                self.buf.push(b',');
            }
            let json = json_diagnostic(file, &mut at, d);
            // Writing to a `Vec` fails only on a value serde cannot write: none here.
            let _ = if self.sarif {
                serde_json::to_writer(&mut self.buf, &sarif_result(&json, self.rules))
            } else {
                serde_json::to_writer(&mut self.buf, &json)
            };
            self.findings += 1;
            sink(&String::from_utf8_lossy(&self.buf));
        }
    }

    /// Ends the document and its line (`summary`: files, errors and warnings, which
    /// envlint's JSON tells).
    pub(crate) fn finish(self, summary: (usize, usize, usize), sink: &mut dyn FnMut(&str)) {
        let (start, end) = self.halves(summary);
        if !self.started {
            sink(&start);
        }
        sink(&end);
        sink("\n");
    }
}

/// The SARIF 2.1.0 log of a `check` run with no results: every rule with its help text.
fn sarif_document(rules: &[envlint_core::Rule]) -> Value {
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
            "results": [],
        }],
    })
}

/// One line per diagnostic, for grep and editors.
pub(crate) fn concise(file: &FileOutput<'_>, sink: &mut dyn FnMut(&str)) {
    let mut line = String::new();
    let mut at = Positions::new(file.bytes, &file.index);
    for d in file.diagnostics {
        let (l, c) = at.line_col(d.span.start);
        line.clear();
        use std::fmt::Write as _;
        let _ = write!(line, "{}:{l}:{c}: {}: {}", file.path, d.rule, d.message);
        // One line, never a workflow command, whatever the path holds (see `escape.rs`).
        sink(&escape::line(&line));
        sink("\n");
    }
}

/// GitHub workflow commands, one per diagnostic.
pub(crate) fn github(file: &FileOutput<'_>, sink: &mut dyn FnMut(&str)) {
    let mut at = Positions::new(file.bytes, &file.index);
    for d in file.diagnostics {
        let (line, column, end_line, end_column) = at.span(&d.span);
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

    /// The JSON and SARIF documents as they were built before they were streamed: a `Value`
    /// per finding, then the whole document. The reference the streamed bytes must equal.
    mod whole {
        use super::super::*;

        pub(super) fn json_diagnostic(file: &FileOutput<'_>, d: &Diagnostic) -> Value {
            let (line, column) = file.index.line_col(file.bytes, d.span.start);
            let (end_line, end_column) = file.index.line_col(file.bytes, d.span.end);
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

        pub(super) fn sarif(diagnostics: &[Value]) -> Value {
            let rules = envlint_core::rules();
            let mut doc = sarif_document(rules);
            let results: Vec<Value> = diagnostics
                .iter()
                .map(|d| {
                    let rule = d["rule"].as_str().unwrap_or_default();
                    let path = d["path"].as_str().unwrap_or_default();
                    let subject = d["key"]
                        .as_str()
                        .or_else(|| d["message"].as_str())
                        .unwrap_or_default();
                    let region = |r: &Value| {
                        json!({
                            "startLine": r["line"],
                            "startColumn": r["column"],
                            "endLine": r["end_line"],
                            "endColumn": r["end_column"],
                        })
                    };
                    json!({
                        "ruleId": rule,
                        "ruleIndex": rules.iter().position(|r| r.id == rule),
                        "level": sarif_level(d["severity"].as_str().unwrap_or_default()),
                        "message": {"text": d["message"]},
                        "locations": [{
                            "physicalLocation": {
                                "artifactLocation": {"uri": uri(path), "uriBaseId": "%SRCROOT%"},
                                "region": region(d),
                            },
                        }],
                        "relatedLocations": d["related"].as_array().map(|rel| {
                            rel.iter().enumerate().map(|(i, r)| json!({
                                "id": i,
                                "message": {"text": r["message"]},
                                "physicalLocation": {
                                    "artifactLocation": {"uri": uri(r["path"].as_str().unwrap_or_default()), "uriBaseId": "%SRCROOT%"},
                                    "region": region(r),
                                },
                            })).collect::<Vec<_>>()
                        }).unwrap_or_default(),
                        "partialFingerprints": {
                            "envlint/v1": format!("{:016x}", fnv1a(&[rule, path, subject])),
                        },
                    })
                })
                .collect();
            doc["runs"][0]["results"] = Value::Array(results);
            doc
        }
    }

    #[test]
    fn streamed_json_and_sarif_are_the_documents_built_whole() {
        use std::path::PathBuf;

        let fs = envlint_workspace::MemoryFs::new()
            .with("/p/src/app.js", "// é\nconst a = process.env.API_KEY;\n")
            .with("/p/.env.example", "A=\n");
        let ws = envlint_workspace::Workspace::unconfigured(Arc::new(fs), PathBuf::from("/p"));
        let others = Others::new(&ws, false);
        let text = "A=1\r\nB = \"two words\"\n\tCÉ=x\u{1F600}y $Z\nlower=\u{0}\n";
        let secret = envlint_core::text::sensitive("hunter2");
        let mut revealed = Diagnostic::new(
            "lowercase-key",
            Severity::Info,
            40..45,
            format!("quoted `{secret}` \"and\" \\ \u{7}"),
        );
        revealed.reveal();
        let diagnostics = vec![
            Diagnostic::new("env-not-ignored", Severity::Error, 0..0, "a whole file"),
            Diagnostic::new(
                "space-character",
                Severity::Warning,
                5..8,
                "spaces around `=`",
            )
            .key("B")
            .help("remove them")
            .fix(envlint_core::Fix::safe("Remove the spaces", Vec::new())),
            Diagnostic::new("missing-in-example", Severity::Warning, 27..40, "é and 😀")
                .key("ghp_0123456789abcdefABCDEF0123456789abcd")
                .fix(envlint_core::Fix::unsafe_("Quote it", Vec::new()))
                .related("src/app.js", 20..33, format!("read here, `{secret}`"))
                .related("gone.js", 0..1, "not there")
                .related(".env.example", 0..2, "the example"),
            revealed,
            Diagnostic::new("no-such-rule", Severity::Info, 46..999, "past the end"),
        ];
        let index = LineIndex::new(text.as_bytes());
        let files = [
            FileOutput {
                path: "dir/.env".to_owned(),
                bytes: text.as_bytes(),
                index: index.clone(),
                diagnostics: &diagnostics,
                others: Some(&others),
            },
            FileOutput {
                path: "empty.env".to_owned(),
                bytes: b"",
                index: LineIndex::new(b""),
                diagnostics: &[],
                others: None,
            },
            FileOutput {
                path: "a b/%x,y:z.env".to_owned(),
                bytes: text.as_bytes(),
                index,
                diagnostics: &diagnostics[1..3],
                others: None,
            },
        ];
        for sarif in [false, true] {
            for files in [&files[..], &files[1..2], &[]] {
                let mut streamed = String::new();
                let mut stream = JsonStream::new(sarif);
                for file in files {
                    stream.file(file, &mut |s| streamed.push_str(s));
                }
                stream.finish((7, 2, 3), &mut |s| streamed.push_str(s));
                let values: Vec<Value> = files
                    .iter()
                    .flat_map(|f| f.diagnostics.iter().map(|d| whole::json_diagnostic(f, d)))
                    .collect();
                let whole = if sarif {
                    whole::sarif(&values)
                } else {
                    json!({
                        "version": 1,
                        "diagnostics": values,
                        "summary": {"files": 7, "errors": 2, "warnings": 3},
                    })
                };
                assert_eq!(streamed, format!("{whole}\n"), "sarif: {sarif}");
                if files.len() == 3 {
                    // Related locations read through the workspace (one file is missing).
                    assert_eq!(streamed.matches("src/app.js").count(), 1, "{streamed}");
                    assert!(!streamed.contains("gone.js"));
                    // Masked, but in the finding revealed as `--show-values` does.
                    assert_eq!(streamed.matches("hunter2").count(), 1, "{streamed}");
                }
            }
        }
    }

    #[test]
    fn positions_counted_on_from_the_last_are_those_counted_from_the_line_start() {
        // ASCII, characters of 2 to 4 bytes, invalid bytes (alone, truncated sequences,
        // continuation bytes), offsets inside characters, repeated, backwards, past the end.
        let text: &[u8] = b"ab\xc3\xa9c\xe2\x82\xacd\xf0\x9f\x98\x80e\xffx\xe2\x82y\x80\x80z\n\
            \n$$$$\xc3\xa9$\r\nlast\xe2";
        let index = LineIndex::new(text);
        let offsets: Vec<usize> = (0..=text.len() + 2)
            .chain([3, 3, 2, 9, 30, 0, 27, 28, 29, 40])
            .chain((0..text.len()).rev())
            .collect();
        let mut at = Positions::new(text, &index);
        for offset in offsets {
            assert_eq!(
                at.line_col(offset),
                index.line_col(text, offset.min(text.len())),
                "offset {offset}"
            );
        }
    }

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
