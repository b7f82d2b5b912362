//! The parser: dotenvy 0.15.7's two-stage algorithm (a line reader that joins physical
//! lines while a quote is open, then a per-line key/value parser), re-expressed over byte
//! offsets so that every part of every line gets a span.
//!
//! Why a port rather than a fresh grammar: the point of envlint is to say what the program
//! will actually load. dotenvy's behaviour has sharp corners (see the crate docs), and the
//! only way to agree with it on all of them is to follow its state machines step by step.
//! The differential tests in `tests/differential.rs` hold this module to that.
//!
//! Where dotenvy stops (a quote still open at the end of the file), we recover: the error
//! covers the line that opened the quote and parsing resumes on the next line, so that one
//! typo does not hide the rest of the file from the linter.
//!
//! Files of a megabyte or more are parsed in pieces on all cores ([`parse_parallel`]): a
//! linter is expected to keep up with generated and vendored files, and the parse is most
//! of a check's time. The result is the same as the sequential parse's, line for line;
//! tests cut files at every newline to hold it to that.

use std::ops::Range;

use std::hash::BuildHasher;

use foldhash::fast::FixedState;
use hashbrown::HashTable;

/// A fast hasher with well-spread bits (hashbrown matches on the top seven).
const HASHER: FixedState = FixedState::with_seed(0x5eed_e11f);

use crate::document::{
    Document, Entry, ErrorKind, Line, LineKind, ParseError, ParseOptions, Parts, Quote, QuoteKind,
    Shape, Source, Span, Substitution, Substitutions, Text,
};
use crate::BOM;

/// States of dotenvy's line reader (`QuotedLines`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ReadState {
    Complete,
    Escape,
    StrongOpen,
    StrongOpenEscape,
    WeakOpen,
    WeakOpenEscape,
    WhiteSpace,
}

/// One logical line as dotenvy's line reader delimits it.
enum Logical {
    /// A line whose first non-blank character is `#`.
    Comment { start: usize, end: usize },
    /// A complete line. `content` is what the reader hands to the line parser (terminator
    /// dropped, or cut at a comment); `comment_at` is where such a cut happened.
    Line {
        start: usize,
        content_end: usize,
        comment_at: Option<usize>,
        end: usize,
    },
    /// A physical line that is not valid UTF-8; `bad` is the first invalid byte.
    BadUtf8 {
        start: usize,
        bad: usize,
        end: usize,
    },
    /// End of file reached while the reader still waited for a line to end.
    Eof {
        start: usize,
        state: ReadState,
        /// Where the quote still open at the end was opened, and the end of its physical line.
        open: Option<(usize, usize)>,
    },
}

/// Advances dotenvy's line-reader state over one physical line. Returns the state and, when
/// a comment starts, its offset; also the offset of the last quote that opened.
fn read_state(mut state: ReadState, text: &str) -> (ReadState, Option<usize>, Option<usize>) {
    let mut last_open = None;
    // In both unquoted states a backslash escapes and a quote opens.
    let mut opens = |c: char, i: usize| match c {
        '\\' => Some(ReadState::Escape),
        '"' => {
            last_open = Some(i);
            Some(ReadState::WeakOpen)
        }
        '\'' => {
            last_open = Some(i);
            Some(ReadState::StrongOpen)
        }
        _ => None,
    };
    for (i, c) in text.char_indices() {
        state = match state {
            ReadState::WhiteSpace if c == '#' => return (ReadState::Complete, Some(i), last_open),
            ReadState::WhiteSpace => opens(c, i).unwrap_or(ReadState::Complete),
            ReadState::Escape => ReadState::Complete,
            ReadState::Complete if c.is_whitespace() && c != '\n' && c != '\r' => {
                ReadState::WhiteSpace
            }
            ReadState::Complete => opens(c, i).unwrap_or(ReadState::Complete),
            ReadState::WeakOpen => match c {
                '\\' => ReadState::WeakOpenEscape,
                '"' => ReadState::Complete,
                _ => ReadState::WeakOpen,
            },
            ReadState::WeakOpenEscape => ReadState::WeakOpen,
            ReadState::StrongOpen => match c {
                '\\' => ReadState::StrongOpenEscape,
                '\'' => ReadState::Complete,
                _ => ReadState::StrongOpen,
            },
            ReadState::StrongOpenEscape => ReadState::StrongOpen,
        };
    }
    (state, None, last_open)
}

/// Bytes that can change the line reader's state other than to "complete" at the newline.
fn is_special(b: u8) -> bool {
    matches!(b, b'"' | b'\'' | b'\\' | b'#')
}

fn read_logical(src: &[u8], all: Option<&str>, first: usize) -> Logical {
    let len = src.len();
    let mut state = ReadState::Complete;
    let mut p = first;
    let mut open = None;
    loop {
        if p == len {
            return Logical::Eof {
                start: first,
                state,
                open,
            };
        }
        let next = memchr::memchr(b'\n', &src[p..]).map_or(len, |i| p + i + 1);
        let text = match all {
            // Slicing at line boundaries of valid UTF-8 always lands on char boundaries.
            Some(all) => &all[p..next],
            None => match std::str::from_utf8(&src[p..next]) {
                Ok(text) => text,
                Err(e) => {
                    return Logical::BadUtf8 {
                        start: first,
                        bad: p + e.valid_up_to(),
                        end: next,
                    }
                }
            },
        };
        // Fast path: a line ending in a newline without quotes, backslashes or `#` takes the
        // reader from "complete" back to "complete".
        if state == ReadState::Complete && src[next - 1] == b'\n' && !text.bytes().any(is_special) {
            return Logical::Line {
                start: first,
                content_end: content_end(src, first, next),
                comment_at: None,
                end: next,
            };
        }
        if p == first && text.trim_start().starts_with('#') {
            return Logical::Comment {
                start: first,
                end: next,
            };
        }
        let (new_state, comment, last_open) = read_state(state, text);
        if let Some(rel) = last_open {
            open = Some((p + rel, next));
        }
        if let Some(rel) = comment {
            return Logical::Line {
                start: first,
                content_end: p + rel,
                comment_at: Some(p + rel),
                end: next,
            };
        }
        if new_state == ReadState::Complete {
            return Logical::Line {
                start: first,
                content_end: content_end(src, first, next),
                comment_at: None,
                end: next,
            };
        }
        state = new_state;
        p = next;
    }
}

pub(crate) fn eol_of(src: &[u8], end: usize) -> Range<usize> {
    if src[..end].ends_with(b"\r\n") {
        end - 2..end
    } else if src[..end].ends_with(b"\n") {
        end - 1..end
    } else {
        end..end
    }
}

/// Where the content of the line `start..end` ends: before its `\n` or `\r\n`.
fn content_end(src: &[u8], start: usize, end: usize) -> usize {
    eol_of(src, end).start.max(start)
}

fn span(r: Range<usize>) -> Span {
    Span::new(r)
}

/// The range of the character that starts at `at` (a char boundary of a UTF-8 line).
pub(crate) fn char_at(src: &[u8], at: usize) -> Range<usize> {
    let len = match src.get(at) {
        Some(&b) if b >= 0xF0 => 4,
        Some(&b) if b >= 0xE0 => 3,
        Some(&b) if b >= 0xC0 => 2,
        _ => 1,
    };
    at..(at + len).min(src.len())
}

/// dotenvy's `apply_substitution`: the process environment first, then the value of the
/// latest earlier definition in the file (the line `latest` finds among `lines`), else
/// nothing. Returns what `latest` found, or `None` when the environment answered.
fn apply_substitution(
    text: &Text,
    options: &ParseOptions,
    lines: &[Line],
    name: &str,
    out: &mut String,
    latest: impl FnOnce(&[u8]) -> Option<usize>,
) -> Option<Option<usize>> {
    if let Some(v) = options.env.get(name) {
        out.push_str(&v);
        return None;
    }
    let found = latest(name.as_bytes());
    if let Some(LineKind::Entry(e)) = found.map(|i| &lines[i].kind) {
        out.push_str(e.value_in(text));
    }
    Some(found)
}

fn push_line(
    (lines, errors): (&mut Vec<Line>, &mut Vec<u32>),
    seen: &mut Seen,
    src: &[u8],
    pos: usize,
    end: usize,
    kind: LineKind,
) {
    let key = match &kind {
        LineKind::Entry(entry) => Some(entry.key.range()),
        _ => None,
    };
    if matches!(kind, LineKind::Error(_)) {
        errors.push(lines.len() as u32);
    }
    // The BOM belongs to the first line.
    let span_start = if lines.is_empty() { 0 } else { pos };
    lines.push(Line {
        span: span(span_start..end),
        kind,
    });
    if let Some(key) = key {
        let index = (lines.len() - 1) as u32;
        seen.insert(src, lines, &src[key], index);
    }
}

/// Keys seen so far and the line that holds their latest value: dotenvy's
/// `substitution_data`, kept only for what can be looked up.
enum Seen {
    /// The file has no `$`: nothing is ever looked up.
    Off,
    /// The names the file references, found by a pre-scan that names them exactly as
    /// dotenvy will: each slot is (name start, name length, latest line or [`NONE`]). The
    /// table stays small and cache-resident however many keys the file has.
    Referenced(Names),
    /// Every key, as line indices (when the pre-scan cannot be exact: invalid UTF-8).
    All(HashTable<u32>),
}

const NONE: u32 = u32::MAX;

fn key_of<'a>(src: &'a [u8], lines: &'a [Line], i: u32) -> &'a [u8] {
    match &lines[i as usize].kind {
        LineKind::Entry(e) => &src[e.key.range()],
        _ => &[],
    }
}

impl Seen {
    /// `valid`: whether `src` is UTF-8 (the pre-scan is exact only then).
    fn new(src: &[u8], valid: bool, lines: usize) -> Seen {
        if !valid {
            return match memchr::memchr(b'$', src) {
                Some(_) => Seen::All(HashTable::with_capacity(lines)),
                None => Seen::Off,
            };
        }
        referenced_names(src).map_or(Seen::Off, Seen::Referenced)
    }

    fn insert(&mut self, src: &[u8], lines: &[Line], key: &[u8], index: u32) {
        match self {
            Seen::Off => {}
            Seen::Referenced(table) => {
                let hash = HASHER.hash_one(key);
                if let Some(slot) =
                    table.find_mut(hash, |&(s, l, _)| &src[s as usize..(s + l) as usize] == key)
                {
                    slot.2 = index;
                }
            }
            Seen::All(table) => {
                let hash = HASHER.hash_one(key);
                match table.entry(
                    hash,
                    |&i| key_of(src, lines, i) == key,
                    |&i| HASHER.hash_one(key_of(src, lines, i)),
                ) {
                    hashbrown::hash_table::Entry::Occupied(mut slot) => *slot.get_mut() = index,
                    hashbrown::hash_table::Entry::Vacant(slot) => {
                        slot.insert(index);
                    }
                }
            }
        }
    }

    fn get(&self, src: &[u8], lines: &[Line], key: &[u8]) -> Option<u32> {
        // Never a key (and not in the pre-scan's table, which would send it the slow way).
        if !is_key_shaped(key) {
            return None;
        }
        let hash = HASHER.hash_one(key);
        match self {
            Seen::Off => None,
            Seen::Referenced(table) => {
                match table.find(hash, |&(s, l, _)| &src[s as usize..(s + l) as usize] == key) {
                    Some(&(_, _, line)) => (line != NONE).then_some(line),
                    // The pre-scan names every reference; should one slip through, find
                    // the latest definition the slow way rather than guess.
                    None => latest_by_scan(src, lines, key).map(|i| i as u32),
                }
            }
            Seen::All(table) => table.find(hash, |&i| key_of(src, lines, i) == key).copied(),
        }
    }
}

/// Whether `name` has the shape of a key (`[A-Za-z_][A-Za-z0-9_.]*`, what both the fast
/// path and [`parse_key`] accept): a name of any other shape is never defined in a file,
/// so looking it up there needs no table (only the process environment may answer).
fn is_key_shaped(name: &[u8]) -> bool {
    name.first()
        .is_some_and(|&b| CLASS[b as usize] & KEY_START != 0)
        && name.iter().all(|&b| CLASS[b as usize] & KEY != 0)
}

/// The pre-scan: every name a `$` reference in `src` names, as dotenvy reads it (`${…}`:
/// everything up to `}`; `$NAME`: the run of alphanumeric characters), kept when it has a
/// key's shape ([`is_key_shaped`]: the others are never defined in the file); `None` when
/// there is no `$` at all. It reads bytes, not text, so that it can run while another
/// thread checks that the file is UTF-8; the table is used only if it is, and on UTF-8
/// this reading is exactly the character one.
///
/// Linear in the file: a braced name is read only as far as it keeps a key's shape (the
/// runs read after different `$`s hold no `$`, so they never overlap). Reading on to the
/// `}` and hashing every name, as the first cut did, was quadratic on `${${${…}`.
fn referenced_names(src: &[u8]) -> Option<Names> {
    let first = memchr::memchr(b'$', src)?;
    // One pass over the text for the `$`s: counting them first, to size the table, was a
    // second pass over megabytes; their positions take kilobytes.
    let dollars: Vec<u32> = memchr::memchr_iter(b'$', &src[first..])
        .map(|i| (first + i) as u32)
        .collect();
    let mut table: Names = HashTable::with_capacity(dollars.len());
    for i in dollars.into_iter().map(|i| i as usize) {
        let rest = &src[i + 1..];
        let (start, len) = if let Some(braced) = rest.strip_prefix(b"{") {
            let n = braced
                .iter()
                .take_while(|&&b| CLASS[b as usize] & KEY != 0)
                .count();
            if braced.get(n) != Some(&b'}') {
                continue;
            }
            (i + 2, n)
        } else {
            (i + 1, alphanumeric_run(rest))
        };
        let name = &src[start..start + len];
        if !is_key_shaped(name) {
            continue;
        }
        let hash = HASHER.hash_one(name);
        if table
            .find(hash, |&(s, l, _)| {
                &src[s as usize..(s + l) as usize] == name
            })
            .is_none()
        {
            table.insert_unique(hash, (start as u32, len as u32, NONE), |&(s, l, _)| {
                HASHER.hash_one(&src[s as usize..(s + l) as usize])
            });
        }
    }
    Some(table)
}

/// How many bytes at the start of `bytes` are alphanumeric characters (Unicode, as
/// `char::is_alphanumeric`); a byte that does not start a valid character ends the run.
fn alphanumeric_run(bytes: &[u8]) -> usize {
    let mut n = 0;
    while let Some(&b) = bytes.get(n) {
        if b.is_ascii() {
            if !b.is_ascii_alphanumeric() {
                break;
            }
            n += 1;
            continue;
        }
        let width = match b {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => break,
        };
        let c = bytes
            .get(n..n + width)
            .and_then(|c| std::str::from_utf8(c).ok())
            .and_then(|c| c.chars().next());
        match c {
            Some(c) if c.is_alphanumeric() => n += width,
            _ => break,
        }
    }
    n
}

/// Byte classes for [`fast_line`].
const KEY_START: u8 = 1;
const KEY: u8 = 2;
const PLAIN: u8 = 4;
/// Bytes of a plain key ([`Entry::is_plain`]): upper-case letters, digits and `_`.
const UPPER: u8 = 8;

static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        let mut v = 0;
        if c.is_ascii_alphabetic() || c == b'_' {
            v |= KEY_START;
        }
        if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' {
            v |= KEY;
        }
        if c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_' {
            v |= UPPER;
        }
        if c > 0x20 && c < 0x7f && !matches!(c, b'"' | b'\'' | b'\\' | b'$' | b'#' | b'`') {
            v |= PLAIN;
        }
        t[i] = v;
        i += 1;
    }
    t
};

/// The shapes that make up nearly every real line, recognised in one pass: a blank line,
/// a `#` comment, `KEY=` followed by plain ASCII, or by one quoted segment that needs no
/// interpretation, ending in a newline. `None` sends the line to the full parser. Each
/// accepted shape is one where dotenvy's two state machines provably agree with this
/// reading (the differential tests cover both paths).
fn fast_line(
    all: &str,
    start: usize,
    next: usize,
    lookup: &dyn Fn(&str, &mut String),
) -> Option<LineKind> {
    let src = all.as_bytes();
    if src[next - 1] != b'\n' {
        return None;
    }
    let end = content_end(src, start, next);
    let line = &src[start..end];
    let Some(&first) = line.first() else {
        return Some(LineKind::Blank);
    };
    if first == b'#' {
        return Some(LineKind::Comment(span(start..end)));
    }
    if CLASS[first as usize] & KEY_START == 0 {
        return None;
    }
    // Where the key that starts at `from` ends, and whether all its bytes are `UPPER` (only
    // a key at the start of the line can make it plain).
    let key_end = |from: usize| {
        let mut classes = CLASS[line[from] as usize];
        let mut k = from + 1;
        while let Some(&b) = line.get(k) {
            let class = CLASS[b as usize];
            if class & KEY == 0 {
                break;
            }
            classes &= class;
            k += 1;
        }
        (k, classes & UPPER != 0)
    };
    let mut key_start = 0;
    let (mut k, upper) = key_end(0);
    // `export KEY=`: one space, then a key (dotenvy takes `export` as a keyword when no
    // `=` follows it).
    let export = k == 6
        && &line[..6] == b"export"
        && line.get(6) == Some(&b' ')
        && line
            .get(7)
            .is_some_and(|&b| CLASS[b as usize] & KEY_START != 0);
    if export {
        key_start = 7;
        k = key_end(7).0;
    }
    // The shape of `KEY=` followed by a plain value (see `Entry::is_plain`).
    let plain = if upper && !export {
        Shape::Plain
    } else {
        Shape::Simple
    };
    if line.get(k) != Some(&b'=') {
        return None;
    }
    let v = &line[k + 1..];
    let value_start = start + k + 1;
    let mut entry = Entry {
        key: span(start + key_start..start + k),
        raw_value: span(value_start..end),
        comment: None,
        quoted: None,
        inner: false,
        export,
        shape: plain,
        parts: None,
    };
    match v.first() {
        None => {}
        Some(&q @ (b'"' | b'\'')) => {
            if v.len() < 2 || v[v.len() - 1] != q {
                return None;
            }
            let bad = |b: u8| {
                b == q || b == b'\\' || (q == b'"' && b == b'$') || (b < 0x20 && b != b'\t')
            };
            if v[1..v.len() - 1].iter().any(|&b| bad(b)) {
                return None;
            }
            entry.quoted = Some(if q == b'"' {
                QuoteKind::Double
            } else {
                QuoteKind::Single
            });
            entry.inner = true;
            // `${…}` inside single quotes is text for dotenvy, not for python-dotenv.
            entry.shape = if q == b'"' || !v.contains(&b'$') {
                plain
            } else {
                Shape::Unknown
            };
        }
        Some(_) if v.iter().all(|&b| CLASS[b as usize] & PLAIN != 0) => {}
        Some(_) => {
            braced_references((v, &all[value_start..end]), value_start, &mut entry, lookup)?;
            if plain == Shape::Plain {
                entry.shape = Shape::PlainReferences;
            }
        }
    }
    Some(LineKind::Entry(entry))
}

/// An unquoted value of plain text and `${NAME}` references (`NAME` of letters, digits and
/// `_`): dotenvy substitutes each reference and keeps the rest. `None` for anything else.
fn braced_references(
    (v, text): (&[u8], &str),
    base: usize,
    entry: &mut Entry,
    lookup: &dyn Fn(&str, &mut String),
) -> Option<()> {
    with_scratch(|value| {
        // One reference is kept in place; from the second on, all are collected, then
        // boxed once (growing a boxed slice one reference at a time copied it each time:
        // quadratic on a value of thousands of references).
        let mut first = None;
        let mut all = Vec::new();
        let mut i = 0;
        while i < v.len() {
            // A run of plain text is copied as it is (ASCII: these are character boundaries).
            let run = v[i..]
                .iter()
                .take_while(|&&b| CLASS[b as usize] & PLAIN != 0)
                .count();
            if run > 0 {
                value.push_str(&text[i..i + run]);
                i += run;
                continue;
            }
            if v[i] != b'$' || v.get(i + 1) != Some(&b'{') {
                return None;
            }
            let name_len = v[i + 2..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                .count();
            let close = i + 2 + name_len;
            if name_len == 0 || v.get(close) != Some(&b'}') {
                return None;
            }
            // ASCII by the check above, so these are character boundaries.
            let name = &text[i + 2..close];
            lookup(name, value);
            let one = Substitution {
                span: Span::new(base + i..base + close + 1),
                braced: true,
            };
            match first {
                None => first = Some(one),
                Some(f) => {
                    if all.is_empty() {
                        all.push(f);
                    }
                    all.push(one);
                }
            }
            i = close + 1;
        }
        let substitutions = match first {
            _ if !all.is_empty() => Substitutions::Many(all.into()),
            Some(one) => Substitutions::One(one),
            None => Substitutions::None,
        };
        entry.shape = Shape::Unknown;
        entry.parts = Some(Box::new(Parts {
            quotes: Vec::new(),
            substitutions,
            // Built in the thread's scratch buffer, then copied out at its size: one
            // allocation, where growing and shrinking a fresh string took two and a copy.
            value: Some(compact_str::CompactString::from(value.as_str())),
        }));
        Some(())
    })
}

thread_local! {
    /// Where [`braced_references`] builds a value.
    static SCRATCH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Runs `f` with the thread's scratch string, empty; with a fresh one if the scratch is in
/// use (a process-environment lookup that parses another document, say: never a panic).
fn with_scratch<R>(f: impl FnOnce(&mut String) -> R) -> R {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut value) => {
            value.clear();
            let r = f(&mut value);
            // A huge value's room is not kept for the thread's lifetime.
            if value.capacity() > 1 << 16 {
                *value = String::new();
            }
            r
        }
        Err(_) => f(&mut String::new()),
    })
}

/// Files from this size on are parsed in pieces on several cores; below, a thread costs
/// more than it saves.
const PARALLEL_BYTES: usize = 1 << 20;
/// The size of a piece. Pieces are small so that few of them wait to be joined at any
/// time: a parsed piece's lines are copied into the file's table, and until then they take
/// memory twice.
const PIECE_BYTES: usize = 128 << 10;

pub(crate) fn parse(src: Source, options: &ParseOptions) -> Document {
    let threads = if src.len() >= PARALLEL_BYTES {
        std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(8)
    } else {
        1
    };
    let pieces = if threads > 1 {
        src.len().div_ceil(PIECE_BYTES)
    } else {
        1
    };
    parse_in_pieces(src, options, pieces, threads)
}

/// [`parse`] with the file cut into (at most) `pieces` pieces, parsed on `threads` threads.
/// The result is the same whatever the numbers; tests hold it to that.
pub(crate) fn parse_in_pieces(
    src: Source,
    options: &ParseOptions,
    pieces: usize,
    threads: usize,
) -> Document {
    if src.len() > Document::MAX_LEN {
        return Document {
            src: Text::raw(src),
            lines: Vec::new(),
            errors: Vec::new(),
            physical: false,
            has_bom: false,
            too_large: true,
        };
    }
    let has_bom = src.as_bytes().starts_with(BOM);
    let start = if has_bom { BOM.len() } else { 0 };
    let (text, names) = if pieces > 1 {
        validate_and_prescan(src)
    } else {
        (Text::new(src), None)
    };
    // Invalid UTF-8 needs every key remembered (`Seen::All`): that path stays sequential.
    let (mut lines, errors, newlines) = if pieces > 1 && text.as_str().is_some() {
        let cuts = cuts(text.bytes(), start, pieces);
        parse_parallel(&text, names.as_ref(), options, &cuts, threads.max(1))
    } else {
        parse_sequential(&text, options, start)
    };
    // A file of nothing but a BOM: the BOM belongs to the first line, so there is one, a
    // blank one (the lines tile the bytes, and an edit of the file has a line to touch).
    if lines.is_empty() && has_bom {
        lines.push(Line {
            span: span(0..BOM.len()),
            kind: LineKind::Blank,
        });
    }
    debug_assert!(errors
        .iter()
        .copied()
        .eq((0..lines.len() as u32)
            .filter(|&i| matches!(lines[i as usize].kind, LineKind::Error(_)))));
    // Every line but an unterminated last one ends with a newline, so with as many lines
    // as that count, none holds another.
    let terminated = text.bytes().last() == Some(&b'\n');
    let physical = !lines.is_empty() && lines.len() == newlines + usize::from(!terminated);
    Document {
        src: text,
        lines,
        errors,
        physical,
        has_bom,
        too_large: false,
    }
}

/// The logical line that starts at `pos`, and where it ends. `lookup` resolves `$NAME`.
#[inline]
fn parse_one(text: &Text, pos: usize, lookup: &dyn Fn(&str, &mut String)) -> (LineKind, usize) {
    let src = text.bytes();
    // Fast path (valid UTF-8 files only: it does not validate).
    if let Some(all) = text.as_str() {
        let next = memchr::memchr(b'\n', &src[pos..]).map_or(src.len(), |i| pos + i + 1);
        if let Some(kind) = fast_line(all, pos, next, lookup) {
            return (kind, next);
        }
    }
    slow_one(text, pos, lookup)
}

/// [`parse_one`] without the fast path: dotenvy's two state machines, step by step.
fn slow_one(text: &Text, pos: usize, lookup: &dyn Fn(&str, &mut String)) -> (LineKind, usize) {
    let src = text.bytes();
    match read_logical(src, text.as_str(), pos) {
        Logical::Comment { start, end } => {
            let hash = start + src[start..end].iter().position(|&b| b == b'#').unwrap_or(0);
            (LineKind::Comment(span(hash..eol_of(src, end).start)), end)
        }
        Logical::BadUtf8 { start, bad, end } => (
            LineKind::Error(Box::new(ParseError {
                kind: ErrorKind::InvalidUtf8,
                at: span(bad..bad + 1),
                line: span(start..eol_of(src, end).start),
            })),
            end,
        ),
        Logical::Eof { start, state, open } => eof_error(src, start, state, open),
        Logical::Line {
            start,
            content_end,
            comment_at,
            end,
        } => {
            let eol = eol_of(src, end);
            let comment = comment_at.map(|c| c..eol.start);
            (parse_line(text, start, content_end, comment, lookup), end)
        }
    }
}

/// The text of a file to be parsed in pieces, and the names its `$` references name (none
/// without a `$`). Both read the whole file before any piece can start, so they run at once,
/// the UTF-8 check on a second thread.
fn validate_and_prescan(src: Source) -> (Text, Option<Names>) {
    let bytes = src.into_shared();
    let shared = Source::Shared(bytes.clone());
    std::thread::scope(|scope| {
        match std::thread::Builder::new().spawn_scoped(scope, || Text::new(shared)) {
            Ok(validating) => {
                let names = referenced_names(&bytes);
                let text = validating
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (text, names)
            }
            // Without the thread (the system refuses one), one after the other.
            Err(_) => (
                Text::new(Source::Shared(bytes.clone())),
                referenced_names(&bytes),
            ),
        }
    })
}

/// The lines of a file, the indices of those that are errors, and how many newlines the
/// file has.
type Parsed = (Vec<Line>, Vec<u32>, usize);

fn parse_sequential(text: &Text, options: &ParseOptions, start: usize) -> Parsed {
    let src = text.bytes();
    // One line per newline at most (and one after the last): size the vector once (it is
    // the bulk of the memory).
    let newlines = memchr::memchr_iter(b'\n', src).count();
    let mut lines: Vec<Line> = Vec::with_capacity(newlines + 1);
    let mut errors = Vec::new();
    let mut seen = Seen::new(src, text.as_str().is_some(), newlines + 1);
    let mut pos = start;
    while pos < src.len() {
        let lookup = |name: &str, out: &mut String| {
            apply_substitution(text, options, &lines, name, out, |name| {
                seen.get(src, &lines, name).map(|i| i as usize)
            });
        };
        let (kind, end) = parse_one(text, pos, &lookup);
        push_line((&mut lines, &mut errors), &mut seen, src, pos, end, kind);
        pos = end;
    }
    (lines, errors, newlines)
}

/// What one piece of a file, parsed on its own, yields. Line indices are the piece's own.
struct Piece {
    lines: Vec<Line>,
    /// Newlines from the piece's start to its end; for the joined pieces, in all of them.
    newlines: usize,
    /// Which lines are errors.
    errors: Vec<u32>,
    /// Entries whose key some `$` reference names: (start of the name in the pre-scan
    /// table, line).
    defs: Vec<(u32, u32)>,
    /// Lookups that may not hold in the whole file, in line order: (line, the line whose
    /// value it used, or [`NONE`] when the name was not defined earlier in the piece).
    lookups: Vec<(u32, u32)>,
    /// Lines whose lookups did not hold (indices into the joined lines): parsed again once
    /// every line is known.
    redo: Vec<u32>,
    /// Where the last line ends (at or past the end of the piece).
    end: usize,
}

/// The names `$` references name, from the pre-scan ([`referenced_names`]): (start, length,
/// latest line in a sequential parse).
type Names = HashTable<(u32, u32, u32)>;

/// Where `name` starts in the pre-scan table, if a reference names it.
fn name_slot(src: &[u8], names: &Names, name: &[u8]) -> Option<u32> {
    names
        .find(HASHER.hash_one(name), |&(s, l, _)| {
            &src[s as usize..(s + l) as usize] == name
        })
        .map(|&(s, _, _)| s)
}

/// The latest entry among `lines` that defines `name`, the slow way (a name the pre-scan
/// did not see; as in `Seen::get`).
fn latest_by_scan(src: &[u8], lines: &[Line], name: &[u8]) -> Option<usize> {
    lines
        .iter()
        .rposition(|l| matches!(&l.kind, LineKind::Entry(e) if &src[e.key.range()] == name))
}

/// The latest definition of `name` among `lines`: by its slot in the pre-scan table
/// (`by_slot`), or the slow way for a name the pre-scan did not see. A name without a
/// key's shape (an empty one, say) is never defined.
fn resolve(
    src: &[u8],
    names: Option<&Names>,
    lines: &[Line],
    name: &[u8],
    by_slot: impl FnOnce(u32) -> Option<usize>,
) -> Option<usize> {
    if !is_key_shaped(name) {
        return None;
    }
    match names.and_then(|n| name_slot(src, n, name)) {
        Some(slot) => by_slot(slot),
        None => latest_by_scan(src, lines, name),
    }
}

/// Parses the logical lines that start in `from..until`, substituting from the process
/// environment and the piece's own earlier lines, as a whole-file parse would if the file
/// began at `from`. The first piece is exactly that; for the others, [`parse_parallel`]
/// drops lines read from a wrong start and parses again the lines whose lookups depended
/// on what came before the piece (`lookups`).
fn parse_piece(
    text: &Text,
    names: Option<&Names>,
    options: &ParseOptions,
    (from, until): (usize, usize),
    first: bool,
) -> Piece {
    let src = text.bytes();
    // The first piece's table becomes the file's and grows as pieces are joined (a large
    // table grows by remapping, not copying), so no piece counts past its own end.
    let newlines = memchr::memchr_iter(b'\n', &src[from..until]).count();
    let mut lines: Vec<Line> = Vec::with_capacity(newlines + 1);
    // Latest definition in this piece of each referenced name, by the name's start.
    let mut latest: rustc_hash::FxHashMap<u32, u32> = Default::default();
    let mut defs = Vec::new();
    let mut errors = Vec::new();
    let lookups = std::cell::RefCell::new(Vec::new());
    let mut pos = from;
    while pos < until {
        let index = lines.len() as u32;
        let lookup = |name: &str, out: &mut String| {
            let found = apply_substitution(text, options, &lines, name, out, |name| {
                resolve(src, names, &lines, name, |slot| {
                    latest.get(&slot).map(|&i| i as usize)
                })
            });
            if let (Some(found), false) = (found, first) {
                let used = found.map_or(NONE, |i| i as u32);
                lookups.borrow_mut().push((index, used));
            }
        };
        let (kind, end) = parse_one(text, pos, &lookup);
        if let (Some(names), LineKind::Entry(e)) = (names, &kind) {
            if let Some(slot) = name_slot(src, names, &src[e.key.range()]) {
                latest.insert(slot, index);
                defs.push((slot, index));
            }
        }
        if matches!(kind, LineKind::Error(_)) {
            errors.push(index);
        }
        // The BOM belongs to the first line.
        let span_start = if first && index == 0 { 0 } else { pos };
        lines.push(Line {
            span: span(span_start..end),
            kind,
        });
        pos = end;
    }
    Piece {
        lines,
        newlines,
        errors,
        defs,
        lookups: lookups.into_inner(),
        redo: Vec::new(),
        end: pos,
    }
}

/// Where to cut `src` into about `pieces` pieces of equal size: `start`, then offsets just
/// after a newline, then the end.
fn cuts(src: &[u8], start: usize, pieces: usize) -> Vec<usize> {
    let len = src.len();
    let mut cuts = vec![start];
    for k in 1..pieces {
        let target = start + (len - start) * k / pieces;
        let at = memchr::memchr(b'\n', &src[target..]).map_or(len, |i| target + i + 1);
        if at < len && cuts.last().is_some_and(|&last| at > last) {
            cuts.push(at);
        }
    }
    cuts.push(len);
    cuts
}

/// The parallel parse: cut the file after newlines, parse the pieces on `threads` threads
/// (each takes the next piece when it is done with one), join them in file order as they
/// come in, then redo the substitutions that depended on earlier pieces, in file order.
///
/// Joining: a piece's first lines are right only if its cut starts a logical line, which is
/// not so when a quoted value of the previous piece spans the cut. The previous piece reads
/// that value to its end; the next piece's lines are kept from the first one that starts
/// exactly there, and until such a line exists the lines are read one by one (in the worst
/// case the rest of the file, sequentially). From a line start the reading is the same as
/// in a whole-file parse: the line reader begins every logical line in the same state.
fn parse_parallel(
    text: &Text,
    names: Option<&Names>,
    options: &ParseOptions,
    cuts: &[usize],
    threads: usize,
) -> Parsed {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Mutex, PoisonError};

    let src = text.bytes();
    let start = cuts[0];
    let count = cuts.len() - 1;
    let range = |k: usize| (cuts[k], cuts[k + 1]);
    let parsed: Vec<Mutex<Option<Piece>>> = (0..count).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(1);
    let take = |k: usize| {
        parsed[k]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    };
    let mut joined = 1;
    // Parses the next piece not yet taken; false when there is none.
    let step = || {
        let k = next.fetch_add(1, Ordering::Relaxed);
        if k >= count {
            return false;
        }
        let piece = parse_piece(text, names, options, range(k), false);
        *parsed[k].lock().unwrap_or_else(PoisonError::into_inner) = Some(piece);
        true
    };
    let mut whole = std::thread::scope(|scope| {
        for _ in 1..threads {
            // Without the thread (the system refuses one), this thread reads every piece.
            let _ = std::thread::Builder::new().spawn_scoped(scope, || while step() {});
        }
        // This thread reads the first piece into the file's table, then joins pieces as
        // they are ready and helps with the rest.
        let mut whole = parse_piece(text, names, options, range(0), true);
        loop {
            while joined < count {
                let Some(mut piece) = take(joined) else { break };
                join(text, names, options, &mut whole, &mut piece);
                joined += 1;
            }
            if !step() {
                break;
            }
        }
        whole
    });
    for k in joined..count {
        if let Some(mut piece) = take(k) {
            join(text, names, options, &mut whole, &mut piece);
        }
    }
    let mut lines = whole.lines;
    let errors = whole.errors;
    // The pieces cover the file (a BOM holds no newline).
    let newlines = whole.newlines;
    if whole.redo.is_empty() {
        return (lines, errors, newlines);
    }
    // Each name resolves to its latest definition before the line, whose own value is
    // final by then. The (name, line) pairs are sorted as one number each: the sort is
    // serial work, and comparing numbers is cheaper than comparing pairs.
    let pair = |s: u32, j: u32| u64::from(s) << 32 | u64::from(j);
    let mut defined: Vec<u64> = whole.defs.iter().map(|&(s, j)| pair(s, j)).collect();
    defined.sort_unstable();
    for &i in &whole.redo {
        let i = i as usize;
        let before = &lines[..i];
        let lookup = |name: &str, out: &mut String| {
            apply_substitution(text, options, before, name, out, |name| {
                resolve(src, names, before, name, |slot| {
                    // The last (name, line) pair before (slot, i), if it is this name's.
                    let k = defined.partition_point(|&d| d < pair(slot, i as u32));
                    let d = *defined.get(k.checked_sub(1)?)?;
                    (d >> 32 == u64::from(slot)).then_some((d & u64::from(u32::MAX)) as usize)
                })
            });
        };
        let pos = if i == 0 {
            start
        } else {
            lines[i].span.start as usize
        };
        let (kind, end) = parse_one(text, pos, &lookup);
        debug_assert_eq!(end, lines[i].span.end as usize);
        // A lookup's value never makes a line an error or not (errors come from the text
        // as written), so the error list stands; the check after every parse in the
        // tests compares it with the lines.
        debug_assert_eq!(
            errors.binary_search(&(i as u32)).is_ok(),
            matches!(kind, LineKind::Error(_))
        );
        lines[i].kind = kind;
    }
    (lines, errors, newlines)
}

/// Joins the next piece to `whole`: its lines from the first that starts where `whole`
/// ends, reading lines one by one until there is one; and its newlines to the count (the
/// pieces cover the file, whichever of their lines are kept).
fn join(
    text: &Text,
    names: Option<&Names>,
    options: &ParseOptions,
    whole: &mut Piece,
    piece: &mut Piece,
) {
    whole.newlines += piece.newlines;
    while whole.end < piece.end {
        match piece
            .lines
            .binary_search_by_key(&(whole.end as u32), |l| l.span.start)
        {
            Ok(j) => {
                append(whole, piece, j);
                return;
            }
            Err(_) => {
                let one = (whole.end, whole.end + 1);
                let mut one = parse_piece(text, names, options, one, false);
                append(whole, &mut one, 0);
            }
        }
    }
}

/// Moves `piece`'s lines from its `from`th on to the end of `whole`, noting the lines whose
/// substitutions must be redone: a name the piece had not defined before the line, a
/// definition read from a dropped line, or one whose own value is redone.
fn append(whole: &mut Piece, piece: &mut Piece, from: usize) {
    let base = whole.lines.len() as u32;
    let from = from as u32;
    whole.defs.extend(
        piece
            .defs
            .iter()
            .filter(|&&(_, i)| i >= from)
            .map(|&(s, i)| (s, base + i - from)),
    );
    let mut redo: Vec<u32> = Vec::new();
    for &(line, used) in &piece.lookups {
        let stale = used == NONE || used < from || redo.binary_search(&used).is_ok();
        if line >= from && stale && redo.last() != Some(&line) {
            redo.push(line);
        }
    }
    whole.redo.extend(redo.iter().map(|&i| base + i - from));
    whole.errors.extend(
        piece
            .errors
            .iter()
            .filter(|&&i| i >= from)
            .map(|&i| base + i - from),
    );
    if from > 0 {
        piece.lines.drain(..from as usize);
    }
    whole.lines.append(&mut piece.lines);
    // Freed now, not when the caller is done: the memory is the next piece's.
    piece.lines = Vec::new();
    whole.end = piece.end;
}

fn eof_error(
    src: &[u8],
    start: usize,
    state: ReadState,
    open: Option<(usize, usize)>,
) -> (LineKind, usize) {
    let len = src.len();
    let (kind, at, end) = match state {
        ReadState::WhiteSpace => {
            let text = std::str::from_utf8(&src[start..]).unwrap_or_default();
            let trimmed = start + text.trim_end().len();
            (ErrorKind::TrailingWhitespaceAtEof, trimmed..len, len)
        }
        ReadState::Escape => (ErrorKind::BackslashAtEof, len - 1..len, len),
        ReadState::StrongOpen
        | ReadState::StrongOpenEscape
        | ReadState::WeakOpen
        | ReadState::WeakOpenEscape => {
            let quote = if matches!(state, ReadState::StrongOpen | ReadState::StrongOpenEscape) {
                QuoteKind::Single
            } else {
                QuoteKind::Double
            };
            let (open_at, open_end) = open.unwrap_or((start, len));
            (
                ErrorKind::UnterminatedQuote {
                    quote,
                    open: open_at,
                },
                open_at..open_at + 1,
                open_end,
            )
        }
        // The reader only reports end of file in an unfinished state.
        ReadState::Complete => (
            ErrorKind::UnterminatedQuote {
                quote: QuoteKind::Double,
                open: start,
            },
            start..start,
            len,
        ),
    };
    let line_end = eol_of(src, end).start;
    (
        LineKind::Error(Box::new(ParseError {
            kind,
            at: span(at),
            line: span(start..line_end),
        })),
        end,
    )
}

fn skip_ws(s: &str, from: usize) -> usize {
    s[from..]
        .find(|c: char| !c.is_whitespace())
        .map_or(s.len(), |i| from + i)
}

fn parse_key(s: &str, from: usize) -> Option<usize> {
    let rest = &s[from..];
    if !rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return None;
    }
    Some(
        rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .map_or(s.len(), |i| from + i),
    )
}

fn parse_line(
    text: &Text,
    start: usize,
    content_end: usize,
    reader_comment: Option<Range<usize>>,
    lookup: &dyn Fn(&str, &mut String),
) -> LineKind {
    // Every physical line was checked to be UTF-8 and the cuts are at ASCII bytes.
    let src = text.bytes();
    let content = text.str(start..content_end);
    let line = content.trim_end();
    let err = |kind: ErrorKind, at: Range<usize>| {
        LineKind::Error(Box::new(ParseError {
            kind,
            at: span(at),
            line: span(start..content_end),
        }))
    };
    let mut p = skip_ws(line, 0);
    if p == line.len() {
        return match reader_comment {
            Some(c) => LineKind::Comment(span(c)),
            None => LineKind::Blank,
        };
    }
    if line[p..].starts_with('#') {
        return LineKind::Comment(span(
            start + p..reader_comment.map_or(content_end, |c| c.end),
        ));
    }
    let Some(key_end) = parse_key(line, p) else {
        return err(ErrorKind::InvalidKeyStart, char_at(src, start + p));
    };
    let mut key = start + p..start + key_end;
    let mut export = false;
    p = skip_ws(line, key_end);
    if &line[key.start - start..key.end - start] == "export" && !line[p..].starts_with('=') {
        export = true;
        let Some(key_end) = parse_key(line, p) else {
            return if p == line.len() {
                err(ErrorKind::KeyWithoutValue, key)
            } else {
                err(ErrorKind::InvalidKeyStart, char_at(src, start + p))
            };
        };
        key = start + p..start + key_end;
        p = skip_ws(line, key_end);
    }
    if !line[p..].starts_with('=') {
        return if p == line.len() {
            err(ErrorKind::KeyWithoutValue, key)
        } else {
            err(ErrorKind::ExpectedEquals, char_at(src, start + p))
        };
    }
    p = skip_ws(line, p + 1);
    let value_start = start + p;
    let rest = &line[p..];
    let mut entry = Entry {
        key: span(key),
        raw_value: span(value_start..value_start),
        comment: reader_comment
            .as_ref()
            .and_then(|c| std::num::NonZeroU32::new(c.start as u32)),
        quoted: None,
        inner: false,
        export,
        shape: Shape::Unknown,
        parts: None,
    };
    if rest.is_empty() {
        return LineKind::Entry(entry);
    }
    if rest.starts_with('#') {
        entry.comment = std::num::NonZeroU32::new(value_start as u32);
        return LineKind::Entry(entry);
    }
    // Fast path: nothing in the value that quotes, escapes, substitutes or ends it.
    if !rest
        .bytes()
        .any(|b| matches!(b, b'\'' | b'"' | b'\\' | b'$' | b' ' | b'\t' | b'#'))
    {
        entry.raw_value = span(value_start..value_start + rest.len());
        return LineKind::Entry(entry);
    }
    // Fast path: one quoted segment whose inside needs no interpretation.
    let b = rest.as_bytes();
    if b.len() >= 2 && matches!(b[0], b'\'' | b'"') && b[b.len() - 1] == b[0] {
        let inner = &b[1..b.len() - 1];
        let (plain, kind) = if b[0] == b'\'' {
            (!inner.contains(&b'\''), QuoteKind::Single)
        } else {
            (
                !inner.iter().any(|&c| matches!(c, b'"' | b'\\' | b'$')),
                QuoteKind::Double,
            )
        };
        if plain {
            entry.raw_value = span(value_start..value_start + b.len());
            entry.quoted = Some(kind);
            entry.inner = true;
            return LineKind::Entry(entry);
        }
    }
    match parse_value(rest, value_start, lookup) {
        Ok(v) => {
            if let Some(c) = v.comment_at {
                entry.comment = std::num::NonZeroU32::new(c as u32);
            }
            entry.raw_value = span(value_start..v.end);
            let raw = &src[value_start..v.end];
            let single = match v.quotes.as_slice() {
                [q] if q.span == entry.raw_value => Some(q.kind),
                _ => None,
            };
            entry.quoted = single;
            let mut owned = None;
            if v.value.as_bytes() == raw {
                // The raw text is the value.
            } else if single.is_some() && v.value.as_bytes() == &raw[1..raw.len() - 1] {
                entry.inner = true;
            } else {
                owned = Some(compact_str::CompactString::from(v.value));
            }
            let quotes = if single.is_some() {
                Vec::new()
            } else {
                v.quotes
            };
            if !quotes.is_empty() || !v.substitutions.is_empty() || owned.is_some() {
                entry.parts = Some(Box::new(Parts {
                    quotes,
                    substitutions: v.substitutions.into(),
                    value: owned,
                }));
            }
            LineKind::Entry(entry)
        }
        Err((kind, at)) => err(kind, at),
    }
}

struct ParsedValue {
    value: String,
    end: usize,
    comment_at: Option<usize>,
    quotes: Vec<Quote>,
    substitutions: Vec<Substitution>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SubstMode {
    None,
    Block,
    Braced,
}

/// dotenvy's `parse_value`, with positions. `base` is the absolute offset of `input`.
fn parse_value(
    input: &str,
    base: usize,
    lookup: impl Fn(&str, &mut String),
) -> Result<ParsedValue, (ErrorKind, Range<usize>)> {
    let mut strong = false;
    let mut weak = false;
    let mut escaped = false;
    let mut expecting_end = false;
    let mut out = String::with_capacity(input.len());
    let mut mode = SubstMode::None;
    let mut name = String::new();
    let mut subst_start = 0;
    let mut quote_open = 0;
    let mut escape_at = 0;
    let mut ws_start = input.len();
    let mut comment_at = None;
    let mut literal_quote = None;
    let mut quotes = Vec::new();
    let mut substitutions = Vec::new();

    let mut substitute = |name: &mut String, span: Range<usize>, braced: bool, out: &mut String| {
        lookup(name, out);
        name.clear();
        substitutions.push(Substitution {
            span: Span::new(base + span.start..base + span.end),
            braced,
        });
    };

    for (i, c) in input.char_indices() {
        let next = i + c.len_utf8();
        if expecting_end {
            if c == ' ' || c == '\t' {
                continue;
            } else if c == '#' {
                comment_at = Some(base + i);
                break;
            }
            return Err((ErrorKind::UnquotedWhitespace, base + ws_start..base + i));
        } else if escaped {
            match c {
                '\\' | '\'' | '"' | '$' | ' ' => out.push(c),
                'n' => out.push('\n'),
                _ => {
                    return Err((ErrorKind::InvalidEscape(c), base + escape_at..base + next));
                }
            }
            escaped = false;
        } else if strong {
            if c == '\'' {
                strong = false;
                quotes.push(Quote {
                    kind: QuoteKind::Single,
                    span: Span::new(base + quote_open..base + next),
                });
            } else {
                out.push(c);
            }
        } else if mode != SubstMode::None {
            if c.is_alphanumeric() {
                name.push(c);
            } else if mode == SubstMode::Block {
                if c == '{' && name.is_empty() {
                    mode = SubstMode::Braced;
                } else {
                    substitute(&mut name, subst_start..i, false, &mut out);
                    if c == '$' {
                        subst_start = i;
                    } else {
                        mode = SubstMode::None;
                        out.push(c);
                        if (c == '"' || c == '\'') && literal_quote.is_none() {
                            literal_quote = Some(i);
                        }
                    }
                }
            } else if c == '}' {
                mode = SubstMode::None;
                substitute(&mut name, subst_start..next, true, &mut out);
            } else {
                name.push(c);
            }
        } else if c == '$' {
            mode = SubstMode::Block;
            subst_start = i;
        } else if weak {
            if c == '"' {
                weak = false;
                quotes.push(Quote {
                    kind: QuoteKind::Double,
                    span: Span::new(base + quote_open..base + next),
                });
            } else if c == '\\' {
                escaped = true;
                escape_at = i;
            } else {
                out.push(c);
            }
        } else if c == '\'' {
            strong = true;
            quote_open = i;
        } else if c == '"' {
            weak = true;
            quote_open = i;
        } else if c == '\\' {
            escaped = true;
            escape_at = i;
        } else if c == ' ' || c == '\t' {
            expecting_end = true;
            ws_start = i;
        } else {
            out.push(c);
        }
    }

    if mode == SubstMode::Braced {
        return Err((
            ErrorKind::UnterminatedBrace,
            base + subst_start..base + subst_start + 2,
        ));
    }
    if strong || weak {
        if let Some(q) = literal_quote {
            return Err((
                ErrorKind::QuoteAfterSubstitution { quote_at: base + q },
                base + q..base + q + 1,
            ));
        }
        let quote = if strong {
            QuoteKind::Single
        } else {
            QuoteKind::Double
        };
        return Err((
            ErrorKind::UnterminatedQuote {
                quote,
                open: base + quote_open,
            },
            base + quote_open..base + quote_open + 1,
        ));
    }
    if mode == SubstMode::Block {
        substitute(&mut name, subst_start..input.len(), false, &mut out);
    }
    let end = if comment_at.is_some() {
        ws_start
    } else {
        input.len()
    };
    Ok(ParsedValue {
        value: out,
        end: base + end,
        comment_at,
        quotes,
        substitutions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parse with the file cut after every newline (two pieces), and after every pair
    /// of newlines (three pieces), against the whole-file parse.
    fn same_at_every_cut(src: &str) {
        let whole = parse_in_pieces(
            src.as_bytes().to_vec().into(),
            &ParseOptions::isolated(),
            1,
            1,
        );
        let text = Text::new(src.into());
        let starts: Vec<usize> = memchr::memchr_iter(b'\n', src.as_bytes())
            .map(|i| i + 1)
            .filter(|&i| i < src.len())
            .collect();
        let mut all = Vec::new();
        for (n, &a) in starts.iter().enumerate() {
            all.push(vec![0, a, src.len()]);
            for &b in &starts[n + 1..] {
                all.push(vec![0, a, b, src.len()]);
            }
        }
        let names = referenced_names(src.as_bytes());
        for cuts in all {
            for threads in [1, 2] {
                let (lines, errors, newlines) = parse_parallel(
                    &text,
                    names.as_ref(),
                    &ParseOptions::isolated(),
                    &cuts,
                    threads,
                );
                assert_eq!(lines, whole.lines, "cut at {cuts:?} on {threads} threads");
                assert_eq!(newlines, src.matches('\n').count());
                assert_eq!(errors, whole.errors, "cut at {cuts:?} on {threads} threads");
            }
        }
    }

    #[test]
    fn pieces_agree_wherever_the_file_is_cut() {
        // Cut inside the quoted value, a piece reads `B=wrong` as a definition; the lines
        // after the value must still see the real `B`.
        same_at_every_cut("B=right\nA=\"one\nB=wrong\nend\"\nC=${B}\nD=$B\nE=x\n");
        // Chains: `E` depends on `C`, which depends on definitions in earlier pieces.
        same_at_every_cut("X=1\nY=2\nZ=3\nC=${X}-${Y}\nE=${C}${Z}\nX=9\nF=${X}\nG=$F\n");
        // A quote that never closes swallows the rest of the file and is then taken back.
        same_at_every_cut("A=1\nB=\"open\nC=${A}\nD=2\nE=${C}\nF='x\nG=${E}\n");
        // Multi-line single and double quotes, escapes, comments, `export`, CRLF.
        same_at_every_cut(
            "export A='a\nb'\r\nB=\"${A}\\\"\nC=1\" # c\n# x=${B}\nD=${B}\nA=2\nE=\"$A\"\n",
        );
    }

    fn doc(s: &str) -> Document {
        Document::parse(s, &ParseOptions::isolated())
    }

    #[test]
    fn the_fast_path_reads_lines_as_the_state_machines_do() {
        let prefixes = ["", "export ", "export  ", "exportX ", " ", "export"];
        let keys = ["A", "a.b", "_x", "export", "B1"];
        let separators = ["=", " =", "= "];
        let values = [
            "",
            "v",
            "\"q\"",
            "'s'",
            "${A}",
            "a b",
            "x#y",
            "\"${A}\"",
            "'${A}'",
            "$A",
            "\"",
            "\"a`b\"",
            "a`b",
            "'a`b'",
            "\"a b\"",
            "${A}${A}",
            "x${A}/${A}y${A}",
        ];
        let mut checked = 0;
        let mut plain = 0;
        for prefix in prefixes {
            for key in keys {
                for sep in separators {
                    for value in values {
                        for ending in ["\n", "\r\n"] {
                            let line = format!("{prefix}{key}{sep}{value}{ending}");
                            let src = format!("A=1\n{line}");
                            let text = Text::new(src.clone().into());
                            let bytes = text.bytes();
                            let lookup = |name: &str, out: &mut String| {
                                if name == "A" {
                                    out.push('1');
                                }
                            };
                            let next = bytes.len();
                            let Some(mut fast) =
                                fast_line(text.as_str().unwrap(), 4, next, &lookup)
                            else {
                                continue;
                            };
                            let (mut slow, end) = slow_one(&text, 4, &lookup);
                            assert_eq!(end, next, "{line:?}");
                            // `shape` is a hint the state machines never set (rules then
                            // look at the value themselves); where the fast path sets it,
                            // the value must hold nothing loaders read differently, and a
                            // plain line must be exactly what `Entry::is_plain` says.
                            if let (LineKind::Entry(f), LineKind::Entry(s)) = (&mut fast, &mut slow)
                            {
                                if f.is_plain() {
                                    let key = &bytes[f.key.range()];
                                    let raw = &bytes[f.raw_value.range()];
                                    assert!(
                                        !f.export
                                            && f.comment.is_none()
                                            && f.key.start == 4
                                            && f.key.end + 1 == f.raw_value.start
                                            && bytes[f.key.end as usize] == b'='
                                            && !key[0].is_ascii_digit()
                                            && key.iter().all(|b| {
                                                b.is_ascii_uppercase()
                                                    || b.is_ascii_digit()
                                                    || *b == b'_'
                                            })
                                            && (raw.iter().all(|b| {
                                                b.is_ascii_graphic() && !b"\"'\\#`".contains(b)
                                            }) && (!raw.contains(&b'$')
                                                || !f.substitutions().is_empty()
                                                    && f.substitutions().iter().all(|s| s.braced))
                                                || f.quoted.is_some() && f.is_simple())
                                            && matches!(
                                                &bytes[f.raw_value.end as usize..],
                                                b"\n" | b"\r\n"
                                            ),
                                        "{line:?}"
                                    );
                                    plain += 1;
                                }
                                if f.is_simple() {
                                    let raw = &bytes[f.raw_value.range()];
                                    let inside = match f.quoted {
                                        Some(_) => &raw[1..raw.len() - 1],
                                        None => raw,
                                    };
                                    assert!(
                                        !inside.iter().any(|b| b"\\$`#\"' \t".contains(b))
                                            || f.quoted.is_some()
                                                && !inside.iter().any(|b| b"\\$".contains(b)),
                                        "{line:?}"
                                    );
                                }
                                f.shape = Shape::Unknown;
                                s.shape = Shape::Unknown;
                            }
                            assert_eq!(fast, slow, "{line:?}");
                            checked += 1;
                        }
                    }
                }
            }
        }
        // Every export form the fast path takes is among them.
        assert!(checked > 100, "{checked}");
        // For the keys `A` and `B1`, with either line ending: an empty value, `v`, `"q"`,
        // `'s'`, `${A}`, `"a`b"`, `'a`b'`, `"a b"` and the values with two and three
        // references (not `'${A}'`: python-dotenv reads a reference there).
        assert_eq!(plain, 2 * 10 * 2);
    }

    #[test]
    fn the_byte_prescan_reads_names_as_characters() {
        // The pre-scan reads bytes; on UTF-8 it must end `$NAME` where the character reading
        // (`char::is_alphanumeric`) does, whatever the script.
        let by_chars = |s: &str| {
            s.char_indices()
                .find(|(_, c)| !c.is_alphanumeric())
                .map_or(s.len(), |(n, _)| n)
        };
        let parts = [
            "A",
            "z",
            "9",
            "_",
            "-",
            "é",
            "ß",
            "中",
            "٣",
            "Ⅻ",
            "ǅ",
            "\u{301}",
            "😀",
            "\u{a0}",
            " ",
            "}",
            "$",
            "{",
            "€",
            "Ω",
            "\u{10FFFF}",
            "𝐀",
        ];
        let mut checked = 0;
        for a in parts {
            for b in parts {
                for c in parts {
                    let s = format!("{a}{b}{c}");
                    assert_eq!(alphanumeric_run(s.as_bytes()), by_chars(&s), "{s:?}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, parts.len().pow(3));
        // Bytes that are not UTF-8 end the run (such a file is never pre-scanned).
        assert_eq!(alphanumeric_run(b"ab\xffcd"), 2);
        assert_eq!(alphanumeric_run(b"ab\xc3"), 2);
        // And the names found are the ones the whole-file parse looks up that a line can
        // define (`Dé`, `${C}é`'s neighbour, is not a key's shape: nothing defines it).
        let src = "A=1\nB=$A-${C}é$Dé_x ${}$\nE=${unclosed\n";
        let names = referenced_names(src.as_bytes()).unwrap();
        let mut found: Vec<&str> = names
            .iter()
            .map(|&(s, l, _)| &src[s as usize..(s + l) as usize])
            .collect();
        found.sort_unstable();
        assert_eq!(found, ["A", "C"]);
    }

    #[test]
    fn references_that_no_key_can_match_are_looked_up_nowhere_in_the_file() {
        // Names that are not a key's shape (the pre-scan leaves them out), next to ones
        // that are, in both parses: the values are what a table of every key gives.
        let src = "A.B=1\n_X=2\nC=${A.B}${${_X}$1$é${A B}${_X\nD=\"${${${_X}\"\nE=$_X${A.B}\n";
        same_at_every_cut(src);
        let d = doc(src);
        assert_eq!(d.value_of("E"), Some("_X1"));
    }

    #[test]
    fn substitution_names_are_what_dotenvy_looks_up() {
        // Fast path (`${…}` in plain text), slow path (quotes, unbraced, `$$`, an empty
        // name, a name with text after it, a name running to the end), with their spans.
        let d = doc("A=${B}/x\nC=\"$D_E-${F G}\"\nH=$$I\nJ=${}\nK=$L\n");
        let names: Vec<Vec<(String, bool, String)>> = d
            .entries()
            .map(|e| {
                e.substitutions()
                    .iter()
                    .map(|s| {
                        let written = d.text(s.span).into_owned();
                        (s.name(&d).to_owned(), s.braced, written)
                    })
                    .collect()
            })
            .collect();
        let t = |n: &str, b: bool, w: &str| (n.to_owned(), b, w.to_owned());
        assert_eq!(
            names,
            [
                vec![t("B", true, "${B}")],
                vec![t("D", false, "$D"), t("F G", true, "${F G}")],
                vec![t("", false, "$"), t("I", false, "$I")],
                vec![t("", true, "${}")],
                vec![t("L", false, "$L")],
            ]
        );
    }

    fn pairs(s: &str) -> Vec<(String, String)> {
        let d = doc(s);
        d.entries()
            .map(|e| (e.key(&d).to_owned(), e.value(&d).to_owned()))
            .collect()
    }

    #[test]
    fn spans_of_a_full_entry() {
        let src = "export KEY = \"a b\" # note\n";
        let d = doc(src);
        let e = d.entries().next().unwrap();
        assert_eq!(&src[e.export_span(&d).unwrap().range()], "export");
        assert_eq!(&src[e.key.range()], "KEY");
        assert_eq!(&src[e.eq_span(&d).range()], "=");
        assert_eq!(&src[e.raw_value.range()], "\"a b\"");
        assert_eq!(&src[e.comment_span(&d).unwrap().range()], "# note");
        assert_eq!(e.value(&d), "a b");
        assert_eq!(e.fully_quoted(), Some(QuoteKind::Double));
        assert_eq!(&src[d.lines()[0].eol(src.as_bytes()).range()], "\n");
    }

    #[test]
    fn lines_tile_the_input() {
        let src: &[u8] = b"\xEF\xBB\xBFA=1\r\n\n# c\nB=\"x\ny\"\nbad line\n\xff\nC='open";
        let d = Document::parse(src.to_vec(), &ParseOptions::isolated());
        let mut at = 0;
        for l in d.lines() {
            assert_eq!(l.span.start as usize, at);
            at = l.span.end as usize;
        }
        assert_eq!(at, src.len());
        assert!(d.has_bom());
    }

    #[test]
    fn unbraced_substitution_stops_at_underscore() {
        assert_eq!(
            pairs("DB=x\nURL=$DB_URL\n"),
            vec![("DB".into(), "x".into()), ("URL".into(), "x_URL".into())]
        );
    }

    #[test]
    fn quote_after_substitution_is_its_own_error() {
        let d = doc("B=x\nA=\"$B\"\n");
        let e = d.errors().next().unwrap();
        assert!(matches!(e.kind, ErrorKind::QuoteAfterSubstitution { .. }));
    }

    #[test]
    fn unterminated_quote_at_eof_recovers_on_next_line() {
        let d = doc("A=\"open\nB=2\nC=3\n");
        let errs: Vec<_> = d.errors().collect();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line.range(), 0..7);
        assert_eq!(
            pairs("A=\"open\nB=2\nC=3\n"),
            vec![("B".into(), "2".into()), ("C".into(), "3".into())]
        );
    }

    #[test]
    fn trailing_whitespace_without_newline_is_rejected() {
        let d = doc("A=1 ");
        assert_eq!(
            d.errors().next().unwrap().kind,
            ErrorKind::TrailingWhitespaceAtEof
        );
    }

    #[test]
    fn process_env_wins_when_configured() {
        let mut map = std::collections::HashMap::new();
        map.insert("H".to_owned(), "env".to_owned());
        let d = Document::parse(
            "H=file\nA=${H}\n",
            &ParseOptions {
                env: crate::EnvLookup::Map(map),
            },
        );
        assert_eq!(d.value_of("A"), Some("env"));
    }

    #[test]
    fn never_panics_on_odd_bytes() {
        for src in [
            &b"\0"[..],
            b"\xff\xfe",
            b"A=\xc3",
            b"\xEF\xBB",
            b"\r",
            b"'",
            b"A=${",
            b"export",
            b"A=\\",
        ] {
            let d = Document::parse(src.to_vec(), &ParseOptions::isolated());
            assert_eq!(d.to_bytes(), src);
        }
    }
}
