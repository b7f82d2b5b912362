//! [`Text`]: words meant for people that may hold a secret, masked unless revealed.
//!
//! Why a type: a diagnostic's message, help, labels, fix description and key end up in a
//! terminal, a CI log, JSON, SARIF, a baseline committed to git and an editor. A message
//! that quotes part of a value (`dotenvy reads ${…}`), or a "key" that is really a pasted
//! token (`ghp_…=1`), would leak it on every one of those paths. Patching each renderer
//! misses the next one; instead every such field is a `Text`, whose only ways out are
//! [`Display`](std::fmt::Display) and [`serde::Serialize`] (both masked) or
//! [`Text::revealed`] (spelled out, for `--show-values` and for logic that needs the real
//! words).
//!
//! Two things are masked:
//! - parts a rule marks with [`sensitive`] (anything taken from a value, a comment or a
//!   default), whatever they look like;
//! - any `` `quoted` `` part, and a key as a whole, that looks like a credential (a provider
//!   format, or a long run of letters and digits that is not an environment-variable name):
//!   rules need not think of it.
//!
//! Masked characters become `*`, one per character, so a message keeps its shape.

use std::borrow::Cow;
use std::fmt;

/// Opens a sensitive part inside a [`Text`] (a private-use character no message uses).
const OPEN: char = '\u{E000}';
/// Closes it.
const CLOSE: char = '\u{E001}';

/// Text for people that may hold a secret. See the module docs.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Text {
    raw: String,
    revealed: bool,
}

/// Marks `part` (taken from a value, a comment, a default…) as sensitive inside a message
/// being built with `format!`: the message's [`Text`] masks it unless revealed.
pub fn sensitive(part: &str) -> String {
    let mut out = String::with_capacity(part.len() + 6);
    out.push(OPEN);
    // A value cannot close the part early (nor open another).
    out.extend(part.chars().map(|c| match c {
        OPEN | CLOSE => char::REPLACEMENT_CHARACTER,
        c => c,
    }));
    out.push(CLOSE);
    out
}

/// The name of a `$NAME` / `${NAME}` reference as a message may show it: a conventional
/// environment-variable name is shown, and the operator of a shell-style default
/// (`${NAME:-…}`); the rest came from a value (`Pa$w0rd` reads `$w0rd`, the default of
/// `${UNSET:-default}`) and is [`sensitive`]. A single character (`$5`, `\t`) is shown: it
/// tells nothing of a secret and the message needs it.
pub fn reference_name(name: &str) -> Cow<'_, str> {
    let shown = shown_name_len(name);
    if shown == name.len() {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(format!("{}{}", &name[..shown], sensitive(&name[shown..])))
    }
}

/// How many leading bytes of a reference's name [`reference_name`] shows.
pub fn shown_name_len(name: &str) -> usize {
    if name.chars().count() <= 1 {
        return name.len();
    }
    let head = name
        .bytes()
        .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
        .count();
    if head == name.len() && is_env_name(name) {
        return head;
    }
    if head == 0 || !is_env_name(&name[..head]) {
        return 0;
    }
    let op = [":-", ":+", ":?", ":=", "-", "+", "?", "="]
        .iter()
        .find(|op| name[head..].starts_with(**op))
        .map_or(0, |op| op.len());
    if op == 0 {
        0
    } else {
        head + op
    }
}

/// `NAME`, `DB_URL`, `_X2`: upper case, digits and `_`, not starting with a digit.
pub fn is_env_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase() || c == '_')
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// Whether `word` (a key, a quoted part of a message) looks like a credential rather than a
/// name: a provider format, or twenty or more letters and digits without blanks that are
/// not built like a variable name (words of up to twelve characters joined by `_`, `-`
/// or `.`).
pub fn credential_like(word: &str) -> bool {
    let w = word.trim();
    if w.is_empty() || w.contains(char::is_whitespace) {
        return false;
    }
    if crate::secret::detect(None, w).is_some() {
        return true;
    }
    // An address without credentials or parameters (`http://localhost:3000`).
    if w.contains("://") && !w.contains(['@', '=', '?']) {
        return false;
    }
    let name_like = w
        .split(['_', '-', '.'])
        .all(|part| part.chars().count() <= 12);
    w.chars().count() >= 20
        && w.bytes().any(|b| b.is_ascii_digit())
        && w.bytes().any(|b| b.is_ascii_alphabetic())
        && !name_like
}

impl Text {
    /// Text with nothing revealed.
    pub fn new(text: impl Into<String>) -> Text {
        Text {
            raw: text.into(),
            revealed: false,
        }
    }

    /// A key: masked as a whole when it looks like a credential.
    pub fn key(key: &str) -> Text {
        if credential_like(key) {
            Text::new(sensitive(key))
        } else {
            Text::new(key)
        }
    }

    /// The words as written, sensitive parts included: for `--show-values`, and for logic
    /// (comparing keys, matching patterns), never for output that did not ask for values.
    pub fn revealed(&self) -> Cow<'_, str> {
        if self.raw.contains([OPEN, CLOSE]) {
            Cow::Owned(
                self.raw
                    .chars()
                    .filter(|&c| c != OPEN && c != CLOSE)
                    .collect(),
            )
        } else {
            Cow::Borrowed(&self.raw)
        }
    }

    /// Shows everything from now on (`--show-values`).
    pub fn reveal(&mut self) {
        self.revealed = true;
    }

    /// The words as output shows them: masked unless revealed.
    pub fn shown(&self) -> Cow<'_, str> {
        if self.revealed {
            self.revealed()
        } else {
            self.masked()
        }
    }

    /// The words with every sensitive or credential-like part masked.
    pub fn masked(&self) -> Cow<'_, str> {
        let raw = self.raw.as_str();
        if !raw.contains([OPEN, CLOSE, '`']) {
            return Cow::Borrowed(raw);
        }
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.char_indices().peekable();
        let mut in_quote: Option<usize> = None; // where the current `quoted` part starts in `out`
        while let Some((_, c)) = chars.next() {
            match c {
                OPEN => {
                    for (_, c) in chars.by_ref() {
                        if c == CLOSE {
                            break;
                        }
                        out.push('*');
                    }
                }
                CLOSE => {}
                '`' => match in_quote.take() {
                    None => {
                        out.push('`');
                        in_quote = Some(out.len());
                    }
                    Some(start) => {
                        if credential_like(&out[start..]) {
                            let n = out[start..].chars().count();
                            out.truncate(start);
                            out.extend(std::iter::repeat_n('*', n));
                        }
                        out.push('`');
                    }
                },
                c => out.push(c),
            }
        }
        Cow::Owned(out)
    }

    /// Whether the words are empty.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown())
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.shown(), f)
    }
}

impl serde::Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.shown())
    }
}

impl From<String> for Text {
    fn from(text: String) -> Text {
        Text::new(text)
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        Text::new(text)
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.revealed() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.revealed() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> String {
        ["gh", "p_", "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"].concat()
    }

    #[test]
    fn sensitive_parts_are_masked_unless_revealed() {
        let mut t = Text::new(format!(
            "dotenvy reads `${}` as empty",
            reference_name("w0rdPa55")
        ));
        assert_eq!(t.to_string(), "dotenvy reads `$********` as empty");
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            "\"dotenvy reads `$********` as empty\""
        );
        assert_eq!(t.revealed(), "dotenvy reads `$w0rdPa55` as empty");
        t.reveal();
        assert_eq!(t.to_string(), "dotenvy reads `$w0rdPa55` as empty");
        // Names built like variables stay readable.
        assert_eq!(
            Text::new(format!("`${}`", reference_name("DB_URL"))).to_string(),
            "`$DB_URL`"
        );
    }

    #[test]
    fn credential_like_quoted_parts_and_keys_are_masked_without_being_marked() {
        let tok = token();
        let t = Text::new(format!("the key `{tok}` should be upper case"));
        assert!(!t.to_string().contains(&tok), "{t}");
        assert!(t.to_string().starts_with("the key `****"));
        assert_eq!(Text::key(&tok).to_string(), "*".repeat(tok.len()));
        for name in [
            "DATABASE_URL",
            "NEXT_PUBLIC_STRIPE_SECRET_KEY",
            "AWS_SECRET_ACCESS_KEY_2",
            "my_api_key_v2_for_prod_1",
            "app.settings.database-url",
        ] {
            assert!(!credential_like(name), "{name}");
            assert_eq!(Text::key(name).to_string(), name);
        }
        for word in [
            "dGhpcyBpcyBub3QgYSByZWFsIGtleQ2",
            "a1b2c3d4e5f6a7b8c9d0e1f2",
        ] {
            assert!(credential_like(word), "{word}");
        }
    }

    #[test]
    fn a_value_cannot_close_its_part_early() {
        let t = Text::new(format!("x {} y", sensitive("ab\u{E001}cd")));
        assert_eq!(t.to_string(), "x ***** y");
        // A stray marker from elsewhere (a file name) only masks more, never less.
        assert_eq!(Text::new("a\u{E000}b").to_string(), "a*");
        assert_eq!(Text::new("a\u{E001}b").to_string(), "ab");
    }
}
