//! The data model of a parsed env file: a [`Document`] is the original bytes plus a list of
//! logical [`Line`]s that tile them exactly, each classified and annotated with byte spans.
//!
//! Why this shape: keeping the bytes and describing them with ranges (rather than
//! rebuilding text from a tree) makes losslessness true by construction, makes every
//! diagnostic span exact, and lets edits splice the original bytes.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

/// Where `$VAR` substitution looks before falling back to keys defined earlier in the file.
///
/// dotenvy consults the process environment first ("process env wins"). Tests and tools
/// that must be deterministic use [`EnvLookup::None`] or an explicit map.
#[derive(Clone, Debug, Default)]
pub enum EnvLookup {
    /// Read the real process environment, as dotenvy does.
    #[default]
    Process,
    /// Pretend the process environment is empty.
    None,
    /// Use this map as the process environment.
    Map(HashMap<String, String>),
}

impl EnvLookup {
    pub(crate) fn get(&self, name: &str) -> Option<String> {
        match self {
            // dotenvy calls `env::var`, which fails for an empty name and for non-Unicode
            // values; mirror that exactly.
            EnvLookup::Process => {
                if name.is_empty() || name.contains(['=', '\0']) {
                    None
                } else {
                    std::env::var(name).ok()
                }
            }
            EnvLookup::None => None,
            EnvLookup::Map(map) => map.get(name).cloned(),
        }
    }
}

/// Options for [`Document::parse`].
#[derive(Clone, Debug, Default)]
pub struct ParseOptions {
    /// Where substitution reads the "process environment".
    pub env: EnvLookup,
}

impl ParseOptions {
    /// Options whose substitution never consults the process environment.
    pub fn isolated() -> Self {
        ParseOptions {
            env: EnvLookup::None,
        }
    }
}

/// A byte range, stored in 8 bytes (documents are limited to 4 GiB; see
/// [`Document::MAX_LEN`]). Large files have one of these per part of every line, so the
/// size matters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from usize offsets (callers guarantee they fit, see [`Document::MAX_LEN`]).
    pub fn new(range: Range<usize>) -> Span {
        Span {
            start: range.start as u32,
            end: range.end as u32,
        }
    }

    /// As a `Range<usize>`, for slicing and diagnostics.
    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Length in bytes.
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    /// Whether the span is empty.
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// Whether `offset` lies inside.
    pub fn contains(self, offset: usize) -> bool {
        (self.start as usize..self.end as usize).contains(&offset)
    }
}

impl From<Span> for Range<usize> {
    fn from(s: Span) -> Range<usize> {
        s.range()
    }
}

/// The bytes a [`Document`] is parsed from: owned, or shared with whatever holds them (a
/// file mapped into memory, say), which spares reading a large file into a fresh buffer:
/// for a 6 MB file that copy and its page faults are a tenth of a check.
#[derive(Clone, Debug)]
pub enum Source {
    /// Bytes the document takes over.
    Owned(Vec<u8>),
    /// Bytes shared with their owner (cloning a `Bytes` does not copy them).
    Shared(bytes::Bytes),
}

impl From<Vec<u8>> for Source {
    fn from(bytes: Vec<u8>) -> Source {
        Source::Owned(bytes)
    }
}

impl From<String> for Source {
    fn from(text: String) -> Source {
        Source::Owned(text.into_bytes())
    }
}

impl From<&str> for Source {
    fn from(text: &str) -> Source {
        Source::Owned(text.as_bytes().to_vec())
    }
}

impl From<&[u8]> for Source {
    fn from(bytes: &[u8]) -> Source {
        Source::Owned(bytes.to_vec())
    }
}

impl<const N: usize> From<&[u8; N]> for Source {
    fn from(bytes: &[u8; N]) -> Source {
        Source::Owned(bytes.to_vec())
    }
}

impl From<bytes::Bytes> for Source {
    fn from(bytes: bytes::Bytes) -> Source {
        Source::Shared(bytes)
    }
}

impl Source {
    /// How many bytes there are.
    pub fn len(&self) -> usize {
        match self {
            Source::Owned(b) => b.len(),
            Source::Shared(b) => b.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Source::Owned(b) => b,
            Source::Shared(b) => b,
        }
    }

    /// The bytes as `Bytes`, without a copy.
    pub(crate) fn into_shared(self) -> bytes::Bytes {
        match self {
            Source::Owned(b) => b.into(),
            Source::Shared(b) => b,
        }
    }
}

/// The bytes of a document, validated as UTF-8 once so that slicing text out of them is a
/// bounds check rather than a validation (most files are valid; the rest keep working).
/// Owned and shared sources alike are held as `Bytes` (taking over a vector does not copy
/// it), so that a large file's text can go to another thread while it is checked.
#[derive(Clone, Debug)]
pub(crate) enum Text {
    /// UTF-8: a `ByteString` is a `Bytes` known to be UTF-8.
    Utf8(bytestring::ByteString),
    Bytes(bytes::Bytes),
}

impl Text {
    pub(crate) fn new(src: Source) -> Text {
        let bytes = src.into_shared();
        // Cloning a `Bytes` only counts a reference.
        match bytestring::ByteString::try_from(bytes.clone()) {
            Ok(s) => Text::Utf8(s),
            Err(_) => Text::Bytes(bytes),
        }
    }

    /// The bytes as they are, unvalidated (for a document too large to parse).
    pub(crate) fn raw(src: Source) -> Text {
        Text::Bytes(src.into_shared())
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            Text::Utf8(s) => s.as_bytes(),
            Text::Bytes(b) => b,
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Text::Utf8(s) => Some(s),
            Text::Bytes(_) => None,
        }
    }

    /// The text of `range` (empty if it is not valid UTF-8, which no entry span is).
    pub(crate) fn str(&self, range: Range<usize>) -> &str {
        match self {
            Text::Utf8(s) => s.get(range).unwrap_or_default(),
            Text::Bytes(b) => b
                .get(range)
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or_default(),
        }
    }

    /// The bytes as a vector of their own: a copy only when they are shared with another
    /// owner (a mapped file, say), not when they were a vector to begin with.
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        match self {
            Text::Utf8(s) => s.into_bytes().into(),
            Text::Bytes(b) => b.into(),
        }
    }
}

/// A parsed env file. Holds the original bytes; [`Document::to_bytes`] returns them as is.
#[derive(Clone, Debug)]
pub struct Document {
    pub(crate) src: Text,
    pub(crate) lines: Vec<Line>,
    /// Indices of the lines that are errors, in order: callers ask for them on every
    /// check, and on a large file a walk of the line table is a pass over megabytes.
    pub(crate) errors: Vec<u32>,
    /// See [`Document::lines_are_physical`].
    pub(crate) physical: bool,
    pub(crate) has_bom: bool,
    pub(crate) too_large: bool,
}

/// One logical line: a physical line, or several when a quoted value spans newlines.
///
/// The `span`s of all lines of a document are contiguous and cover every byte (the BOM,
/// when present, belongs to the first line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// All bytes of the line, including its line terminator ([`Line::eol`]).
    pub span: Span,
    /// What the line holds.
    pub kind: LineKind,
}

impl Line {
    /// The line terminator (`\n`, `\r\n`) at the end of `span`; empty at the end of file.
    /// `src` is the document's bytes ([`Document::to_bytes`]).
    ///
    /// Read from the bytes rather than stored: the line table is most of a large
    /// document's memory, and 8 bytes a line is a seventh of it.
    pub fn eol(&self, src: &[u8]) -> Span {
        Span::new(crate::parse::eol_of(src, self.span.end as usize))
    }
}

/// What a logical line holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// Nothing but whitespace.
    Blank,
    /// A full-line comment; the span covers `#` up to the line terminator.
    Comment(Span),
    /// `KEY=value`.
    Entry(Entry),
    /// A line dotenvy rejects (rare, so kept out of line).
    Error(Box<ParseError>),
}

/// A `KEY=value` line and its parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The key.
    pub key: Span,
    /// The value as written: from the first non-blank byte after `=` to the last byte that
    /// belongs to the value (quotes included, trailing blanks and comment excluded). Empty
    /// (at the position after `=` and blanks) for an empty value.
    pub raw_value: Span,
    /// Where a comment after the value starts (`#`, never at offset 0: a key comes
    /// first): see [`Entry::comment`]. Four bytes, not eight, for the line table's sake.
    pub(crate) comment: Option<std::num::NonZeroU32>,
    /// Set when the whole value is one quoted segment (the common `KEY="…"`).
    pub(crate) quoted: Option<QuoteKind>,
    /// The loaded value is the raw text without its quotes.
    pub(crate) inner: bool,
    /// The line starts with the `export` keyword.
    pub export: bool,
    /// See [`Entry::is_simple`] and [`Entry::is_plain`].
    pub(crate) shape: Shape,
    /// Quotes and substitutions of values more complex than one quoted segment.
    pub(crate) parts: Option<Box<Parts>>,
}

/// What the parser's fast path learned about an entry, for rules that can then skip it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Nothing: rules look at the value themselves.
    Unknown,
    /// See [`Entry::is_simple`].
    Simple,
    /// Simple, and the whole line is plain: see [`Entry::is_plain`].
    Plain,
    /// A plain line whose value has `${NAME}` references (so it is not simple).
    PlainReferences,
}

/// The quoted segments of a value; dereferences to a slice.
#[derive(Clone, Copy, Debug)]
pub struct Quotes<'a> {
    one: Option<Quote>,
    many: &'a [Quote],
}

impl std::ops::Deref for Quotes<'_> {
    type Target = [Quote];

    fn deref(&self) -> &[Quote] {
        match &self.one {
            Some(q) => std::slice::from_ref(q),
            None => self.many,
        }
    }
}

/// The less common parts of a value, kept out of line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Parts {
    pub(crate) quotes: Vec<Quote>,
    pub(crate) substitutions: Substitutions,
    /// The loaded value when it is neither the raw text nor the text inside the quotes
    /// (escapes, substitutions, several segments): rare, so it lives here, not in
    /// [`Entry`], which every line of a large file pays for.
    pub(crate) value: Option<compact_str::CompactString>,
}

/// The substitutions of a value. Nearly every value with any has one, which is kept in
/// place: an allocation per substituted line was a tenth of the parse's allocator calls.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum Substitutions {
    #[default]
    None,
    One(Substitution),
    Many(Box<[Substitution]>),
}

impl Substitutions {
    pub(crate) fn as_slice(&self) -> &[Substitution] {
        match self {
            Substitutions::None => &[],
            Substitutions::One(s) => std::slice::from_ref(s),
            Substitutions::Many(all) => all,
        }
    }
}

impl From<Vec<Substitution>> for Substitutions {
    fn from(all: Vec<Substitution>) -> Substitutions {
        match all.as_slice() {
            [] => Substitutions::None,
            [one] => Substitutions::One(*one),
            _ => Substitutions::Many(all.into()),
        }
    }
}

/// A quoted segment of a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quote {
    /// Single or double.
    pub kind: QuoteKind,
    /// From the opening to the closing quote, both included.
    pub span: Span,
}

/// The two quote characters dotenvy understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuoteKind {
    /// `'…'`: literal, no escapes, no substitution.
    Single,
    /// `"…"`: escapes and substitution.
    Double,
}

impl QuoteKind {
    /// The quote character.
    pub fn char(self) -> char {
        match self {
            QuoteKind::Single => '\'',
            QuoteKind::Double => '"',
        }
    }
}

/// A `$NAME` or `${NAME}` reference inside a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Substitution {
    /// From `$` to the end of the name (or the closing `}`).
    pub span: Span,
    /// Written as `${…}`.
    pub braced: bool,
}

impl Substitution {
    /// Where the name dotenvy looks up is written: the text between `${` and `}`, or after
    /// `$` (for `$NAME` it stops at the first non-alphanumeric character, so `$DB_URL`
    /// looks up `DB`).
    pub fn name_span(&self) -> Span {
        if self.braced {
            Span {
                start: self.span.start + 2,
                end: self.span.end.saturating_sub(1).max(self.span.start + 2),
            }
        } else {
            Span {
                start: self.span.start + 1,
                end: self.span.end,
            }
        }
    }

    /// The name dotenvy looks up. It is always written out in the file (no escape can
    /// occur in a name), so it is a slice of the document, not a copy: a file with many
    /// references pays no allocation per name.
    pub fn name<'a>(&self, doc: &'a Document) -> &'a str {
        doc.src.str(self.name_span().range())
    }
}

/// A line dotenvy 0.15.7 rejects, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// What is wrong.
    pub kind: ErrorKind,
    /// The byte where dotenvy gives up (or the construct that makes it give up).
    pub at: Span,
    /// The text dotenvy read as one line (may span several physical lines).
    pub line: Span,
}

/// Why dotenvy rejects a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The line is not valid UTF-8.
    InvalidUtf8,
    /// The line does not start with a letter or `_` (keys match `[A-Za-z_][A-Za-z0-9_.]*`).
    InvalidKeyStart,
    /// Something other than `=` follows the key (`KEY-DASH=1`, `KEY: v`, `A B=1`).
    ExpectedEquals,
    /// A key with no `=` at all.
    KeyWithoutValue,
    /// Unquoted whitespace inside a value (`A=two words`).
    UnquotedWhitespace,
    /// A backslash escape dotenvy does not know (`\t`, `\r`, …).
    InvalidEscape(char),
    /// A quote that is never closed.
    UnterminatedQuote {
        /// Which quote.
        quote: QuoteKind,
        /// Where it opens.
        open: usize,
    },
    /// A quote written right after an unbraced `$NAME`: dotenvy 0.15.7 copies it literally,
    /// so the quote pairing breaks (`"$B"`).
    QuoteAfterSubstitution {
        /// Where the literal quote is.
        quote_at: usize,
    },
    /// `${` without a closing `}`.
    UnterminatedBrace,
    /// The last line has trailing whitespace and no final newline: dotenvy's line reader
    /// never sees it end.
    TrailingWhitespaceAtEof,
    /// The file ends with a backslash and no final newline.
    BackslashAtEof,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::InvalidUtf8 => f.write_str("the line is not valid UTF-8"),
            ErrorKind::InvalidKeyStart => {
                f.write_str("a key must start with an ASCII letter or `_`")
            }
            ErrorKind::ExpectedEquals => f.write_str(
                "expected `=` after the key (keys may hold only letters, digits, `_` and `.`)",
            ),
            ErrorKind::KeyWithoutValue => f.write_str("the key has no `=` and no value"),
            ErrorKind::UnquotedWhitespace => f.write_str("unquoted whitespace inside the value"),
            ErrorKind::InvalidEscape(c) => write!(f, "unknown escape `\\{}`", c.escape_debug()),
            ErrorKind::UnterminatedQuote { quote, .. } => {
                write!(f, "the {} quote is never closed", quote_name(*quote))
            }
            ErrorKind::QuoteAfterSubstitution { .. } => f.write_str(
                "a quote right after an unbraced `$NAME` is taken literally, so the quotes do not pair up",
            ),
            ErrorKind::UnterminatedBrace => f.write_str("`${` is never closed with `}`"),
            ErrorKind::TrailingWhitespaceAtEof => f.write_str(
                "the last line ends in whitespace without a final newline, which dotenvy rejects",
            ),
            ErrorKind::BackslashAtEof => f.write_str(
                "the file ends in a backslash without a final newline, which dotenvy rejects",
            ),
        }
    }
}

fn quote_name(q: QuoteKind) -> &'static str {
    match q {
        QuoteKind::Single => "single",
        QuoteKind::Double => "double",
    }
}

impl Document {
    /// The largest input [`Document::parse`] describes (4 GiB less one byte). A larger input
    /// is kept byte for byte but has no lines; see [`Document::too_large`].
    pub const MAX_LEN: usize = u32::MAX as usize;

    /// Whether the input was larger than [`Document::MAX_LEN`] and was not parsed.
    pub fn too_large(&self) -> bool {
        self.too_large
    }

    /// Parses `src`. Never fails and never panics: rejected lines become [`LineKind::Error`]
    /// and parsing goes on with the next line.
    pub fn parse(src: impl Into<Source>, options: &ParseOptions) -> Document {
        crate::parse::parse(src.into(), options)
    }

    /// [`Document::parse`] with the file cut into at most `pieces` pieces parsed on
    /// `threads` threads (what `parse` does with files of a megabyte or more). The result
    /// never depends on the numbers: this is here for the tests that hold the parser to
    /// that on small inputs.
    #[doc(hidden)]
    pub fn parse_in_pieces(
        src: impl Into<Source>,
        options: &ParseOptions,
        pieces: usize,
        threads: usize,
    ) -> Document {
        crate::parse::parse_in_pieces(src.into(), options, pieces, threads)
    }

    /// The original bytes, unchanged.
    pub fn to_bytes(&self) -> &[u8] {
        self.src.bytes()
    }

    /// Consumes the document and returns its bytes (copied if they were shared).
    pub fn into_bytes(self) -> Vec<u8> {
        self.src.into_bytes()
    }

    /// Consumes the document and returns its bytes and lines (to rewrite bytes in place
    /// while the line structure is still known, without a copy).
    pub fn into_parts(self) -> (Vec<u8>, Vec<Line>) {
        (self.src.into_bytes(), self.lines)
    }

    /// The bytes of `span` as text (lossy only for invalid UTF-8, which no entry span holds).
    pub fn text(&self, span: impl Into<Range<usize>>) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.src.bytes()[span.into()])
    }

    /// The logical lines, in order.
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// Whether the file starts with a UTF-8 byte order mark (dotenvy's loaders strip it;
    /// its `*_iter` functions do not).
    pub fn has_bom(&self) -> bool {
        self.has_bom
    }

    /// The entries, in file order (duplicates included).
    pub fn entries(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.lines.iter().filter_map(|l| match &l.kind {
            LineKind::Entry(e) => Some(e),
            _ => None,
        })
    }

    /// Whether every line is one physical line (no quoted value spans a newline, as in
    /// nearly every file): then the lines' starts are the text's line starts. Known from
    /// the parse, which counts the newlines anyway.
    pub fn lines_are_physical(&self) -> bool {
        self.physical
    }

    /// The rejected lines, in file order.
    pub fn errors(&self) -> impl Iterator<Item = &ParseError> + '_ {
        self.errors
            .iter()
            .filter_map(|&i| match &self.lines[i as usize].kind {
                LineKind::Error(e) => Some(&**e),
                _ => None,
            })
    }

    /// The last entry for `key` (what later substitutions in the file would see).
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries().filter(|e| e.key(self) == key).last()
    }

    /// The loaded value of the last entry for `key`.
    pub fn value_of(&self, key: &str) -> Option<&str> {
        self.get(key).map(|e| e.value(self))
    }

    /// The bytes of `line` that belong to it as a line: its span without the BOM (which the
    /// first line's span holds, and which no line edit may remove or copy).
    pub fn line_range(&self, line: &Line) -> Range<usize> {
        let start = if line.span.start == 0 && self.has_bom {
            crate::BOM.len()
        } else {
            line.span.start as usize
        };
        start..line.span.end as usize
    }

    /// The 1-based physical line holding byte `offset` (for one-off messages; renderers
    /// index line starts once instead).
    pub fn line_number(&self, offset: usize) -> usize {
        let b = self.src.bytes();
        memchr::memchr_iter(b'\n', &b[..offset.min(b.len())]).count() + 1
    }

    /// Whether the file ends with a line terminator (or is empty).
    pub fn ends_with_newline(&self) -> bool {
        let b = self.src.bytes();
        b.is_empty() || b.ends_with(b"\n")
    }

    /// The line terminator most lines use (`"\r\n"` or `"\n"`), for inserting new lines.
    pub fn line_ending(&self) -> &'static str {
        let crlf = self
            .lines
            .iter()
            .filter(|l| l.eol(self.src.bytes()).len() == 2)
            .take(64)
            .count();
        let lf = self
            .lines
            .iter()
            .filter(|l| l.eol(self.src.bytes()).len() == 1)
            .take(64)
            .count();
        if crlf > lf {
            "\r\n"
        } else {
            "\n"
        }
    }
}

impl Entry {
    /// The key as text.
    pub fn key<'d>(&self, doc: &'d Document) -> &'d str {
        // Keys are ASCII by construction.
        doc.src.str(self.key.range())
    }

    /// The value as written in the file (quotes, escapes and `$` references included).
    pub fn raw<'d>(&self, doc: &'d Document) -> &'d str {
        // Entry lines are valid UTF-8 by construction.
        doc.src.str(self.raw_value.range())
    }

    /// What dotenvy 0.15.7 would load, substitution applied.
    pub fn value<'d>(&'d self, doc: &'d Document) -> &'d str {
        self.value_in(&doc.src)
    }

    pub(crate) fn value_in<'d>(&'d self, src: &'d Text) -> &'d str {
        let raw = self.raw_value.range();
        match self.parts.as_ref().and_then(|p| p.value.as_deref()) {
            Some(v) => v,
            None if self.inner => src.str(raw.start + 1..raw.end - 1),
            None => src.str(raw),
        }
    }

    /// The `export` keyword's span (found from the key: `export`, blanks, key).
    pub fn export_span(&self, doc: &Document) -> Option<Span> {
        if !self.export {
            return None;
        }
        let src = doc.to_bytes();
        let mut end = self.key.start as usize;
        // dotenvy skips any Unicode blank between `export` and the key.
        while end >= 6 && &src[end - 6..end] != b"export" {
            end -= 1;
        }
        (end >= 6).then(|| Span::new(end - 6..end))
    }

    /// The comment after the value, from `#` to the end of its line.
    pub fn comment_span(&self, doc: &Document) -> Option<Span> {
        let start = self.comment()? as usize;
        let src = doc.to_bytes();
        let mut end = memchr::memchr(b'\n', &src[start..]).map_or(src.len(), |i| start + i);
        if end > start && src[end - 1] == b'\r' {
            end -= 1;
        }
        Some(Span::new(start..end))
    }

    /// Where a comment after the value starts (`#`); it runs to the line terminator, see
    /// [`Entry::comment_span`].
    pub fn comment(&self) -> Option<u32> {
        self.comment.map(std::num::NonZeroU32::get)
    }

    /// The `=` sign's span: the first `=` after the key (only blanks come between).
    ///
    /// Found in the bytes rather than stored: the line table is most of a large
    /// document's memory, and with this and a four-byte `comment` a line takes 40 bytes
    /// instead of 48.
    pub fn eq_span(&self, doc: &Document) -> Span {
        let src = doc.to_bytes();
        let (from, to) = (self.key.end as usize, self.raw_value.start as usize);
        let at = memchr::memchr(b'=', &src[from..to.max(from)]).map_or(from, |i| from + i);
        Span::new(at..at + 1)
    }

    /// Quoted segments of the value, quotes included.
    pub fn quotes(&self) -> Quotes<'_> {
        Quotes {
            one: self.quoted.map(|kind| Quote {
                kind,
                span: self.raw_value,
            }),
            many: self.parts.as_ref().map_or(&[], |p| &p.quotes),
        }
    }

    /// `$NAME` / `${NAME}` references in the value, in order.
    pub fn substitutions(&self) -> &[Substitution] {
        self.parts
            .as_ref()
            .map_or(&[], |p| p.substitutions.as_slice())
    }

    /// Whether the value is plain text or one quoted segment with nothing inside that
    /// loaders read differently: no escapes or `$`, and outside quotes no backticks, `#`,
    /// quotes or whitespace (a backtick matters to node dotenv only where a value starts).
    /// Rules about quoting and portability skip such values at once. Only a hint: `false`
    /// means "look at the value", not that it is special.
    pub fn is_simple(&self) -> bool {
        matches!(self.shape, Shape::Simple | Shape::Plain)
    }

    /// Whether the line is exactly `KEY=value` and its line terminator: the key upper-case
    /// ASCII letters, digits and `_`, not starting with a digit; the value empty, printable
    /// ASCII without blanks, quotes, backslashes, `$`, `#` or backticks (possibly with
    /// `${NAME}` references, `NAME` of ASCII letters, digits and `_`), or one quoted
    /// segment that is [simple](Entry::is_simple) (no escapes; in double quotes no `$`,
    /// in single quotes no `$` at all); nothing else (no `export`, blank or comment; on
    /// the first line there may be a BOM before the key). Such a line holds nothing that
    /// style and portability checks look for beyond its quotes (braced references are the
    /// form every expanding loader reads alike), so a linter can skip most of its checks
    /// there. Only a hint, like [`Entry::is_simple`]: `false` means "look at the line",
    /// not that it is special.
    pub fn is_plain(&self) -> bool {
        matches!(self.shape, Shape::Plain | Shape::PlainReferences)
    }

    /// Whether the whole value is one quoted segment (`"…"` or `'…'`).
    pub fn fully_quoted(&self) -> Option<QuoteKind> {
        self.quoted
    }
}
