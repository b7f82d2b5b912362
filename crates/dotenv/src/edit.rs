//! Minimal edits to an env file: replace a value, add, remove or re-quote a key, while every
//! other byte (comments, order, quote style, line endings, the BOM) stays as it was.
//!
//! Why edits are byte-range replacements: fixes and `.env.example` generation must never
//! rewrite what a person wrote. Describing a change as "these bytes become those" makes
//! that checkable (the rest of the file is provably untouched), composable (several fixes
//! apply in one pass when they do not overlap) and easy to show as a diff.
//!
//! Why each edit of a [`Document`] is read back before it is returned: untouched bytes are
//! not the same as an untouched meaning. dotenvy's line reader decides where a line and a
//! comment end from the bytes around the edit (a `#` glued to `=`, a blank a backslash
//! escapes, a quote still open from an earlier line, a U+FEFF that becomes the byte order
//! mark once the line before it is gone). The methods parse the result and refuse
//! ([`EditError::ChangesReading`]) an edit after which dotenvy would read anything but what
//! the edit says; `tests/edits.rs` holds them to dotenvy itself.

use std::fmt;
use std::ops::Range;

use crate::document::{Document, Entry, ErrorKind, LineKind, ParseOptions, QuoteKind};

/// Replace the bytes of `range` with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    /// The bytes to replace (empty for an insertion).
    pub range: Range<usize>,
    /// What to put there.
    pub replacement: String,
}

impl TextEdit {
    /// An insertion at `at`.
    pub fn insert(at: usize, text: impl Into<String>) -> Self {
        TextEdit {
            range: at..at,
            replacement: text.into(),
        }
    }

    /// A deletion of `range`.
    pub fn delete(range: Range<usize>) -> Self {
        TextEdit {
            range,
            replacement: String::new(),
        }
    }
}

/// Why a set of edits cannot be applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EditError {
    /// Two edits touch the same bytes.
    Overlap(Range<usize>, Range<usize>),
    /// An edit reaches past the end of the text.
    OutOfBounds(Range<usize>),
    /// The value cannot be written so that dotenvy reads it back unchanged.
    Unrepresentable,
    /// No entry has this key.
    NoSuchKey(String),
    /// dotenvy would read the file differently after the edit than the edit means (another
    /// line, or the edited line's comment), or would reject a line: a quote left open
    /// before the edit, a first line removed so that the next one's U+FEFF becomes a byte
    /// order mark, a last line dotenvy rejects only because the file ends there.
    ChangesReading,
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditError::Overlap(a, b) => write!(f, "edits at bytes {a:?} and {b:?} overlap"),
            EditError::OutOfBounds(r) => write!(f, "edit at bytes {r:?} is past the end"),
            EditError::Unrepresentable => {
                f.write_str("the value cannot be written so that dotenvy reads it back unchanged")
            }
            EditError::NoSuchKey(k) => write!(f, "no entry has the key {k}"),
            EditError::ChangesReading => {
                f.write_str("dotenvy would read the rest of the file differently after the edit")
            }
        }
    }
}

impl std::error::Error for EditError {}

/// Applies non-overlapping edits to `src` (in any order). Insertions at the same offset are
/// applied in the order given.
pub fn apply_edits(src: &[u8], edits: &[TextEdit]) -> Result<Vec<u8>, EditError> {
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = Vec::with_capacity(src.len() + 64);
    let mut at = 0;
    let mut prev: Option<&Range<usize>> = None;
    for edit in sorted {
        if edit.range.end > src.len() || edit.range.start > edit.range.end {
            return Err(EditError::OutOfBounds(edit.range.clone()));
        }
        if let Some(p) = prev {
            if edit.range.start < p.end || (edit.range.start == p.start && !p.is_empty()) {
                return Err(EditError::Overlap(p.clone(), edit.range.clone()));
            }
        }
        out.extend_from_slice(&src[at..edit.range.start]);
        out.extend_from_slice(edit.replacement.as_bytes());
        at = edit.range.end;
        prev = Some(&edit.range);
    }
    out.extend_from_slice(&src[at..]);
    Ok(out)
}

fn plain_char(c: char) -> bool {
    // A `match`, not a search of a string of them: rules ask this of every byte of
    // every quoted value.
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '_' | '-'
                | '.'
                | '/'
                | ':'
                | ','
                | '+'
                | '@'
                | '%'
                | '^'
                | '*'
                | '~'
                | '!'
                | '?'
                | '&'
                | '('
                | ')'
                | '['
                | ']'
                | '{'
                | '}'
                | '<'
                | '>'
                | '|'
                | ';'
        )
}

/// Whether `value` can be written without quotes and reads back the same in dotenvy, node
/// dotenv, python-dotenv and docker compose (letters, digits and `_-./:,+@%^*~!?&()[]{}<>|;`).
pub fn is_plain_value(value: &str) -> bool {
    !value.is_empty() && value.chars().all(plain_char)
}

/// Writes `value` so that dotenvy 0.15.7 reads exactly `value` back, preferring no quotes,
/// then `style`, then the other style. `None` when no spelling round-trips.
pub fn encode_value(value: &str, style: Option<QuoteKind>) -> Option<String> {
    let mut candidates = Vec::with_capacity(3);
    if style.is_none() && is_plain_value(value) {
        candidates.push(value.to_owned());
    }
    let single = format!("'{value}'");
    let double = {
        let mut s = String::with_capacity(value.len() + 2);
        s.push('"');
        for c in value.chars() {
            match c {
                '\\' => s.push_str("\\\\"),
                '"' => s.push_str("\\\""),
                '$' => s.push_str("\\$"),
                '\n' => s.push_str("\\n"),
                c => s.push(c),
            }
        }
        s.push('"');
        s
    };
    if style == Some(QuoteKind::Double) {
        candidates.extend([double, single]);
    } else {
        candidates.extend([single, double]);
    }
    if value.is_empty() && style.is_none() {
        candidates.insert(0, String::new());
    }
    candidates.into_iter().find(|raw| {
        let line = format!("K={raw}\n");
        let doc = Document::parse(line, &ParseOptions::isolated());
        doc.errors().next().is_none()
            && doc.entries().count() == 1
            && doc.entries().next().is_some_and(|e| e.value(&doc) == value)
    })
}

/// What dotenvy makes of one line, for comparing a document before and after an edit:
/// an entry's key and value (`None` when the value holds a `$` reference, which depends on
/// the lines the reference finds), or a rejection of some kind. Blank lines and comments
/// are not readings.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Reading {
    Entry(String, Option<String>),
    Error(std::mem::Discriminant<ErrorKind>),
}

fn readings(doc: &Document) -> Vec<Reading> {
    doc.lines
        .iter()
        .filter_map(|l| match &l.kind {
            LineKind::Entry(e) => Some(Reading::Entry(
                e.key(doc).to_owned(),
                e.substitutions()
                    .is_empty()
                    .then(|| e.value(doc).to_owned()),
            )),
            LineKind::Error(e) => Some(Reading::Error(std::mem::discriminant(&e.kind))),
            LineKind::Blank | LineKind::Comment(_) => None,
        })
        .collect()
}

impl Document {
    /// Applies `edits` and parses the result again with `options`.
    pub fn with_edits(
        &self,
        edits: &[TextEdit],
        options: &ParseOptions,
    ) -> Result<Document, EditError> {
        Ok(Document::parse(
            apply_edits(self.to_bytes(), edits)?,
            options,
        ))
    }

    fn last_entry(&self, key: &str) -> Result<&Entry, EditError> {
        self.get(key)
            .ok_or_else(|| EditError::NoSuchKey(key.to_owned()))
    }

    /// Refuses an edit reaching byte `at` or later when a quote left open earlier in the
    /// file is still open there for dotenvy: its line reader takes everything after such a
    /// quote as part of the quoted value (the parser recovers after it, dotenvy does not),
    /// so an edit there may close the quote or be swallowed by it.
    fn check_not_after_open_quote(&self, at: usize) -> Result<(), EditError> {
        let open = self.errors().any(|e| {
            matches!(e.kind, ErrorKind::UnterminatedQuote { .. }) && (e.line.start as usize) < at
        });
        if open {
            return Err(EditError::ChangesReading);
        }
        Ok(())
    }

    /// Keeps `edits` only if dotenvy reads the result as `expected` says: `expected` turns
    /// the readings of this document into those the edited one must have.
    ///
    /// Why a second parse rather than reasoning about the edit: dotenvy's line reader and
    /// value parser disagree on what is blank (`\f` ends a line for one and not the
    /// other), a comment's quotes matter when the reader does not see a comment, a removed
    /// first line brings the next line's byte order mark to the start of the file… Reading
    /// the result is the one check that covers what no rule here foresaw.
    fn verified(
        &self,
        edits: Vec<TextEdit>,
        expected: impl FnOnce(&mut Vec<Reading>),
    ) -> Result<Vec<TextEdit>, EditError> {
        let at = edits.iter().map(|e| e.range.start).min().unwrap_or(0);
        self.check_not_after_open_quote(at)?;
        let options = ParseOptions::isolated();
        // Values read with the process environment are not comparable: read both anew.
        let mut want = readings(&Document::parse(self.to_bytes(), &options));
        expected(&mut want);
        let after = self.with_edits(&edits, &options)?;
        if readings(&after) != want {
            return Err(EditError::ChangesReading);
        }
        Ok(edits)
    }

    /// The index among [`readings`] of the last entry of `key`.
    fn reading_index(&self, key: &str) -> Option<usize> {
        self.lines
            .iter()
            .filter(|l| matches!(l.kind, LineKind::Entry(_) | LineKind::Error(_)))
            .enumerate()
            .filter(|(_, l)| matches!(&l.kind, LineKind::Entry(e) if e.key(self) == key))
            .map(|(i, _)| i)
            .last()
    }

    /// The edit writing `raw` as the value of `entry`.
    fn value_edit(&self, entry: &Entry, raw: String) -> TextEdit {
        let src = self.to_bytes();
        let mut range = entry.raw_value.range();
        // `A=x\ `, `A=x\  # note`: dotenvy trims the line before reading the value, so the
        // blank the backslash escapes is not part of the value, but the line reader still
        // takes the pair as one escape. Left behind, that blank would end the file in
        // whitespace (rejected) or, doubled with the next one, hide the `#` of the
        // comment from the reader (and a quote in the comment would then open). It goes
        // with the value it escaped.
        let backslashes = src[range.clone()]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if backslashes % 2 == 1 {
            let next = crate::parse::char_at(src, range.end);
            if let Some(c) = std::str::from_utf8(&src[next])
                .ok()
                .and_then(|c| c.chars().next())
                .filter(|&c| c.is_whitespace() && c != '\n' && c != '\r')
            {
                range.end += c.len_utf8();
            }
        }
        let mut replacement = raw;
        // `A=#note`, `A= # note`: an empty value with a comment right where it goes. The
        // value goes before the comment, which needs a blank before it to stay one.
        if entry.raw_value.is_empty()
            && !replacement.is_empty()
            && src.get(range.end) == Some(&b'#')
        {
            replacement.push(' ');
        }
        TextEdit { range, replacement }
    }

    /// An edit that sets the (last) entry of `key` to `value`, keeping its quote style when
    /// that style can hold the value, and keeping `export`, spacing and comment.
    ///
    /// Refused ([`EditError::ChangesReading`]) when dotenvy would not read exactly that:
    /// the entry comes after a quote that is never closed, or the new value would change
    /// how the rest of its line (a comment) is read.
    pub fn set_value(&self, key: &str, value: &str) -> Result<TextEdit, EditError> {
        let entry = self.last_entry(key)?;
        let raw = encode_value(value, entry.fully_quoted()).ok_or(EditError::Unrepresentable)?;
        let edit = self.value_edit(entry, raw);
        let index = self.reading_index(key);
        let mut edits = self.verified(vec![edit], |want| {
            if let Some(Reading::Entry(_, v)) = index.and_then(|i| want.get_mut(i)) {
                *v = Some(value.to_owned());
            }
        })?;
        Ok(edits.remove(0))
    }

    /// An edit that re-quotes the (last) entry of `key` with `style` (`None`: no quotes),
    /// leaving its value unchanged.
    ///
    /// Refused as [`Document::set_value`] is, when dotenvy would read the line or the rest
    /// of the file differently afterwards.
    pub fn requote(&self, key: &str, style: Option<QuoteKind>) -> Result<TextEdit, EditError> {
        let entry = self.last_entry(key)?;
        if !entry.substitutions().is_empty() {
            // Quoting changes whether `$` substitutes; refuse rather than guess.
            return Err(EditError::Unrepresentable);
        }
        let raw = match style {
            None => encode_value(entry.value(self), None)
                .filter(|r| !r.starts_with(['\'', '"']))
                .ok_or(EditError::Unrepresentable)?,
            Some(kind) => {
                let r = encode_value(entry.value(self), Some(kind))
                    .ok_or(EditError::Unrepresentable)?;
                if !r.starts_with(kind.char()) {
                    return Err(EditError::Unrepresentable);
                }
                r
            }
        };
        let edit = self.value_edit(entry, raw);
        let mut edits = self.verified(vec![edit], |_| {})?;
        Ok(edits.remove(0))
    }

    /// An edit that appends `KEY=value` as a new last line, in the file's line ending (and
    /// ends the current last line first when it has no terminator).
    ///
    /// Refused ([`EditError::ChangesReading`]) when dotenvy would not read the new line,
    /// or would read the current last line differently once it is terminated (a quote
    /// still open, a last line dotenvy rejects only because the file ends there).
    pub fn append(&self, key: &str, value: &str) -> Result<TextEdit, EditError> {
        let raw = encode_value(value, None).ok_or(EditError::Unrepresentable)?;
        let eol = self.line_ending();
        let mut text = String::new();
        if !self.ends_with_newline() {
            text.push_str(eol);
        }
        text.push_str(key);
        text.push('=');
        text.push_str(&raw);
        text.push_str(eol);
        let edit = TextEdit::insert(self.to_bytes().len(), text);
        let mut edits = self.verified(vec![edit], |want| {
            want.push(Reading::Entry(key.to_owned(), Some(value.to_owned())));
        })?;
        Ok(edits.remove(0))
    }

    /// Edits that remove every line defining `key` (terminators included).
    ///
    /// Refused ([`EditError::ChangesReading`]) when dotenvy would read the lines left
    /// differently: a quote still open before them, or a first line removed so that the
    /// next one's leading U+FEFF becomes the file's byte order mark (which loaders strip).
    pub fn remove(&self, key: &str) -> Result<Vec<TextEdit>, EditError> {
        let edits: Vec<TextEdit> = self
            .lines
            .iter()
            .filter(|l| matches!(&l.kind, LineKind::Entry(e) if e.key(self) == key))
            .map(|l| TextEdit::delete(self.line_range(l)))
            .collect();
        if edits.is_empty() {
            return Err(EditError::NoSuchKey(key.to_owned()));
        }
        self.verified(edits, |want| {
            want.retain(|r| !matches!(r, Reading::Entry(k, _) if k == key));
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_characters_are_the_documented_ones() {
        let documented = "_-./:,+@%^*~!?&()[]{}<>|;";
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            let expected = c.is_ascii_alphanumeric() || documented.contains(c);
            assert_eq!(plain_char(c), expected, "{c:?}");
        }
    }

    fn iso(s: &str) -> Document {
        Document::parse(s, &ParseOptions::isolated())
    }

    fn edited(src: &str, edits: &[TextEdit]) -> String {
        String::from_utf8(apply_edits(src.as_bytes(), edits).unwrap()).unwrap()
    }

    #[test]
    fn set_value_keeps_everything_else() {
        let src = "# top\r\nexport  A = 'old' # keep\r\nB=2\r\n";
        let d = iso(src);
        let out = edited(src, &[d.set_value("A", "new value").unwrap()]);
        assert_eq!(out, "# top\r\nexport  A = 'new value' # keep\r\nB=2\r\n");
        assert_eq!(iso(&out).value_of("A"), Some("new value"));
    }

    #[test]
    fn set_value_before_comment_keeps_a_blank() {
        let src = "A= # fill me\n";
        let d = iso(src);
        let out = edited(src, &[d.set_value("A", "x").unwrap()]);
        assert_eq!(out, "A=x # fill me\n");
        assert_eq!(iso(&out).value_of("A"), Some("x"));
    }

    #[test]
    fn encode_round_trips_hard_values() {
        for v in [
            "",
            "plain",
            "two words",
            "it's",
            "a\"b",
            "$HOME",
            "a\\b",
            "l1\nl2",
            "'\\",
            "#x",
            "ü ✓",
        ] {
            let raw = encode_value(v, None).unwrap_or_else(|| panic!("{v:?}"));
            let d = iso(&format!("K={raw}\n"));
            assert_eq!(d.value_of("K"), Some(v), "{raw}");
        }
    }

    #[test]
    fn requote_changes_only_the_value_bytes() {
        let src = "A=\"plain\" # c\n";
        let d = iso(src);
        assert_eq!(
            edited(src, &[d.requote("A", None).unwrap()]),
            "A=plain # c\n"
        );
        let src = "A=two\\ words\n";
        let d = iso(src);
        assert_eq!(
            edited(src, &[d.requote("A", Some(QuoteKind::Double)).unwrap()]),
            "A=\"two words\"\n"
        );
    }

    #[test]
    fn append_ends_the_last_line_first_and_uses_crlf() {
        let src = "A=1\r\nB=2";
        let d = iso(src);
        assert_eq!(
            edited(src, &[d.append("C", "x y").unwrap()]),
            "A=1\r\nB=2\r\nC='x y'\r\n"
        );
    }

    #[test]
    fn remove_keeps_bom_and_other_lines() {
        let src = "\u{feff}A=1\nB=2\nA=3\n";
        let d = iso(src);
        assert_eq!(edited(src, &d.remove("A").unwrap()), "\u{feff}B=2\n");
    }

    #[test]
    fn overlapping_edits_are_refused() {
        let e = [TextEdit::delete(0..3), TextEdit::delete(2..4)];
        assert!(matches!(
            apply_edits(b"abcdef", &e),
            Err(EditError::Overlap(..))
        ));
    }
}
