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

use std::ops::Range;

use rustc_hash::FxHashMap;

use crate::document::{
    Document, Entry, ErrorKind, Line, LineKind, ParseError, ParseOptions, Quote, QuoteKind,
    Substitution,
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
    for (i, c) in text.char_indices() {
        state = match state {
            ReadState::WhiteSpace => match c {
                '#' => return (ReadState::Complete, Some(i), last_open),
                '\\' => ReadState::Escape,
                '"' => {
                    last_open = Some(i);
                    ReadState::WeakOpen
                }
                '\'' => {
                    last_open = Some(i);
                    ReadState::StrongOpen
                }
                _ => ReadState::Complete,
            },
            ReadState::Escape => ReadState::Complete,
            ReadState::Complete => match c {
                c if c.is_whitespace() && c != '\n' && c != '\r' => ReadState::WhiteSpace,
                '\\' => ReadState::Escape,
                '"' => {
                    last_open = Some(i);
                    ReadState::WeakOpen
                }
                '\'' => {
                    last_open = Some(i);
                    ReadState::StrongOpen
                }
                _ => ReadState::Complete,
            },
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

fn read_logical(src: &[u8], first: usize) -> Logical {
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
        let text = match std::str::from_utf8(&src[p..next]) {
            Ok(text) => text,
            Err(e) => {
                return Logical::BadUtf8 {
                    start: first,
                    bad: p + e.valid_up_to(),
                    end: next,
                }
            }
        };
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
            let mut content_end = next;
            if src[..content_end].ends_with(b"\n") {
                content_end -= 1;
                if content_end > first && src[content_end - 1] == b'\r' {
                    content_end -= 1;
                }
            }
            return Logical::Line {
                start: first,
                content_end,
                comment_at: None,
                end: next,
            };
        }
        state = new_state;
        p = next;
    }
}

fn eol_of(src: &[u8], end: usize) -> Range<usize> {
    if src[..end].ends_with(b"\r\n") {
        end - 2..end
    } else if src[..end].ends_with(b"\n") {
        end - 1..end
    } else {
        end..end
    }
}

/// The range of the character that starts at `at` (a char boundary of a UTF-8 line).
fn char_at(src: &[u8], at: usize) -> Range<usize> {
    let len = match src.get(at) {
        Some(&b) if b >= 0xF0 => 4,
        Some(&b) if b >= 0xE0 => 3,
        Some(&b) if b >= 0xC0 => 2,
        _ => 1,
    };
    at..(at + len).min(src.len())
}

/// Keys seen so far and the line that holds their latest value (dotenvy's
/// `substitution_data`). Only kept when the file has a `$` at all.
struct Seen<'s> {
    map: Option<FxHashMap<&'s str, usize>>,
}

pub(crate) fn parse(src: Vec<u8>, options: &ParseOptions) -> Document {
    let has_bom = src.starts_with(BOM);
    let mut lines: Vec<Line> = Vec::with_capacity(src.len() / 32 + 1);
    {
        let src = &src[..];
        let mut seen = Seen {
            map: memchr::memchr(b'$', src).map(|_| FxHashMap::default()),
        };
        let mut pos = if has_bom { BOM.len() } else { 0 };
        while pos < src.len() {
            let logical = read_logical(src, pos);
            let (kind, end) = match logical {
                Logical::Comment { start, end } => {
                    let hash = start + src[start..end].iter().position(|&b| b == b'#').unwrap_or(0);
                    (LineKind::Comment(hash..eol_of(src, end).start), end)
                }
                Logical::BadUtf8 { start, bad, end } => (
                    LineKind::Error(ParseError {
                        kind: ErrorKind::InvalidUtf8,
                        at: bad..bad + 1,
                        line: start..eol_of(src, end).start,
                    }),
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
                    let kind = parse_line(
                        src,
                        start,
                        content_end,
                        comment_at.map(|c| c..eol.start),
                        &lines,
                        &seen,
                        options,
                    );
                    (kind, end)
                }
            };
            if let (LineKind::Entry(entry), Some(map)) = (&kind, seen.map.as_mut()) {
                // Keys are ASCII, so this never fails.
                if let Ok(key) = std::str::from_utf8(&src[entry.key.clone()]) {
                    map.insert(key, lines.len());
                }
            }
            let span_start = if lines.is_empty() { 0 } else { pos };
            lines.push(Line {
                span: span_start..end,
                eol: eol_of(src, end),
                kind,
            });
            pos = end;
        }
    }
    Document {
        src,
        lines,
        has_bom,
    }
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
        LineKind::Error(ParseError {
            kind,
            at,
            line: start..line_end,
        }),
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

#[allow(clippy::too_many_arguments)]
fn parse_line(
    src: &[u8],
    start: usize,
    content_end: usize,
    reader_comment: Option<Range<usize>>,
    lines: &[Line],
    seen: &Seen<'_>,
    options: &ParseOptions,
) -> LineKind {
    // Every physical line was checked to be UTF-8 and the cuts are at ASCII bytes.
    let content = std::str::from_utf8(&src[start..content_end]).unwrap_or_default();
    let line = content.trim_end();
    let err = |kind: ErrorKind, at: Range<usize>| {
        LineKind::Error(ParseError {
            kind,
            at,
            line: start..content_end,
        })
    };
    let mut p = skip_ws(line, 0);
    if p == line.len() {
        return match reader_comment {
            Some(c) => LineKind::Comment(c),
            None => LineKind::Blank,
        };
    }
    if line[p..].starts_with('#') {
        return LineKind::Comment(start + p..reader_comment.map_or(content_end, |c| c.end));
    }
    let Some(key_end) = parse_key(line, p) else {
        return err(ErrorKind::InvalidKeyStart, char_at(src, start + p));
    };
    let mut key = start + p..start + key_end;
    let mut export = None;
    p = skip_ws(line, key_end);
    if &line[key.start - start..key.end - start] == "export" && !line[p..].starts_with('=') {
        export = Some(key.clone());
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
    let eq = start + p..start + p + 1;
    p = skip_ws(line, p + 1);
    let value_start = start + p;
    let rest = &line[p..];
    if rest.is_empty() || rest.starts_with('#') {
        let comment = if rest.is_empty() {
            reader_comment
        } else {
            Some(value_start..reader_comment.map_or(content_end, |c| c.end))
        };
        return LineKind::Entry(Entry {
            export,
            key,
            eq,
            raw_value: value_start..value_start,
            quotes: Vec::new(),
            substitutions: Vec::new(),
            comment,
            value: String::new(),
        });
    }
    let lookup = |name: &str| -> String {
        if let Some(v) = options.env.get(name) {
            return v;
        }
        seen.map
            .as_ref()
            .and_then(|m| m.get(name))
            .and_then(|&i| match &lines[i].kind {
                LineKind::Entry(e) => Some(e.value.clone()),
                _ => None,
            })
            .unwrap_or_default()
    };
    match parse_value(rest, value_start, lookup) {
        Ok(v) => {
            let comment = match v.comment_at {
                Some(c) => Some(c..content_end),
                None => reader_comment,
            };
            LineKind::Entry(Entry {
                export,
                key,
                eq,
                raw_value: value_start..v.end,
                quotes: v.quotes,
                substitutions: v.substitutions,
                comment,
                value: v.value,
            })
        }
        Err((kind, at)) => err(kind, at),
    }
}

struct Value {
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
    lookup: impl Fn(&str) -> String,
) -> Result<Value, (ErrorKind, Range<usize>)> {
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
        out.push_str(&lookup(name));
        substitutions.push(Substitution {
            span: base + span.start..base + span.end,
            name: std::mem::take(name),
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
                    span: base + quote_open..base + next,
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
                    span: base + quote_open..base + next,
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
    Ok(Value {
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

    fn doc(s: &str) -> Document {
        Document::parse(s, &ParseOptions::isolated())
    }

    fn pairs(s: &str) -> Vec<(String, String)> {
        let d = doc(s);
        d.entries()
            .map(|e| (e.key(&d).to_owned(), e.value.clone()))
            .collect()
    }

    #[test]
    fn spans_of_a_full_entry() {
        let src = "export KEY = \"a b\" # note\n";
        let d = doc(src);
        let e = d.entries().next().unwrap();
        assert_eq!(&src[e.export.clone().unwrap()], "export");
        assert_eq!(&src[e.key.clone()], "KEY");
        assert_eq!(&src[e.eq.clone()], "=");
        assert_eq!(&src[e.raw_value.clone()], "\"a b\"");
        assert_eq!(&src[e.comment.clone().unwrap()], "# note");
        assert_eq!(e.value, "a b");
        assert_eq!(e.fully_quoted(), Some(QuoteKind::Double));
        assert_eq!(&src[d.lines()[0].eol.clone()], "\n");
    }

    #[test]
    fn lines_tile_the_input() {
        let src: &[u8] = b"\xEF\xBB\xBFA=1\r\n\n# c\nB=\"x\ny\"\nbad line\n\xff\nC='open";
        let d = Document::parse(src.to_vec(), &ParseOptions::isolated());
        let mut at = 0;
        for l in d.lines() {
            assert_eq!(l.span.start, at);
            at = l.span.end;
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
        assert_eq!(errs[0].line, 0..7);
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
        assert_eq!(d.get("A").unwrap().value, "env");
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
