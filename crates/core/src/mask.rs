//! Display text for code frames, with values masked.
//!
//! Why: a code frame of a `.env` line would print the secret it holds into a terminal, a
//! CI log or a pasted bug report, the very leak envlint exists to stop. Frames therefore
//! show structure only: keys (unless a key is itself a pasted token), `=`, quotes, `export`,
//! `#`, blanks, `${NAME}` references to conventionally named variables, the key of a
//! commented-out `# KEY=value` and `envlint:` directives. Everything else is masked: every
//! value character, a reference's default (`${A:-…}`) or a name that came from a value
//! (`Pa$w0rd` reads `$w0rd`), comment text (people paste old tokens there), and any line
//! that is not `KEY=value` past its leading key.
//!
//! The masked text keeps the exact byte length *and* character count of the file, so that
//! spans and columns stay valid: a character is replaced by a placeholder of the same UTF-8
//! length (`*`, `·`, `∗`, `𝟘`). Invalid UTF-8 and control bytes become `?`. The work is
//! done in place on the document's own bytes: large files are not copied.

use std::ops::Range;

use envlint_dotenv::{Document, LineKind, Span};

/// Same-length placeholders for characters of 1 to 4 UTF-8 bytes.
const PLACEHOLDERS: [&str; 4] = ["*", "\u{b7}", "\u{2217}", "\u{1d7d8}"];

/// What a frame of an env file masks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Masking {
    /// Nothing (`--show-values`, `parse`).
    Nothing,
    /// Values, and comments but their structure: a developer's own file (`.env`,
    /// `.env.local`, …), where a comment is as likely as a value to hold an old token.
    Private,
    /// Values, and in comments only what looks like a credential: an example file, whose
    /// comments are documentation written to be committed.
    Example,
}

impl Masking {
    /// The masking for the env file at `path` (by its name's role), or none when the user
    /// asked to see values.
    pub fn for_file(path: &str, show_values: bool) -> Masking {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        if show_values {
            Masking::Nothing
        } else if crate::project::Role::of(name) == crate::project::Role::Example {
            Masking::Example
        } else {
            Masking::Private
        }
    }
}

/// Consumes the document and returns the text to show in code frames: same length and
/// character count as the file, masked as `masking` says.
pub fn display_bytes(doc: Document, masking: Masking, only: Option<&[Range<usize>]>) -> Vec<u8> {
    let (bytes, lines) = doc.into_parts();
    display_parts(bytes, &lines, masking, only)
}

/// [`display_bytes`] over a document's parts (from [`Document::into_parts`]), for a caller
/// that decides itself what happens to the line table afterwards.
///
/// With `only = Some(ranges)`, only the lines overlapping those byte ranges are prepared
/// (sanitized and masked); the rest of the buffer must not be shown. Frames show a few
/// lines around each finding, so on a large file this avoids a pass over all of it.
pub fn display_parts(
    mut out: Vec<u8>,
    lines: &[envlint_dotenv::Line],
    masking: Masking,
    only: Option<&[Range<usize>]>,
) -> Vec<u8> {
    let chosen: Vec<&envlint_dotenv::Line> = match only {
        None => lines.iter().collect(),
        Some(ranges) => {
            // In file order, each window's first line is found by galloping forward from
            // the previous one's: windows are many and close together, and a binary
            // search over the whole table for each missed the cache at every step.
            let mut ranges = ranges.to_vec();
            ranges.sort_unstable_by_key(|r| r.start);
            let mut picked: Vec<usize> = Vec::new();
            let mut from = 0;
            for r in &ranges {
                let first = from + gallop(&lines[from..], |l| (l.span.end as usize) <= r.start);
                from = first;
                let mut i = first;
                while i < lines.len() && ((lines[i].span.start as usize) < r.end || i == first) {
                    picked.push(i);
                    i += 1;
                }
            }
            picked.sort_unstable();
            picked.dedup();
            picked.into_iter().map(|i| &lines[i]).collect()
        }
    };
    for line in &chosen {
        sanitize(&mut out[line.span.range()]);
    }
    if only.is_none() && lines.is_empty() {
        sanitize(&mut out);
    }
    if masking == Masking::Nothing {
        return out;
    }
    let all = masking == Masking::Private;
    for line in chosen {
        match &line.kind {
            LineKind::Entry(e) => {
                let key = e.key.range();
                if std::str::from_utf8(&out[key.clone()]).is_ok_and(crate::text::credential_like) {
                    mask(&mut out, key, &[]);
                }
                // A reference shows `${` and `}`, and its name when it is a conventional
                // variable name; defaults and names made of value text are masked.
                let keep: Vec<Span> = e
                    .substitutions()
                    .iter()
                    .flat_map(|s| {
                        let name = s.name_span();
                        let shown = std::str::from_utf8(&out[name.range()])
                            .map_or(0, crate::text::shown_name_len);
                        let open = Span {
                            start: s.span.start,
                            end: name.start + shown as u32,
                        };
                        let close = Span {
                            start: if s.braced { s.span.end - 1 } else { s.span.end },
                            end: s.span.end,
                        };
                        [open, close]
                    })
                    .collect();
                mask(&mut out, e.raw_value.range(), &keep);
                if let Some(start) = e.comment() {
                    let c = start as usize..line.eol(&out).start as usize;
                    mask_comment(&mut out, c, all);
                }
            }
            LineKind::Comment(c) => mask_comment(&mut out, c.range(), all),
            LineKind::Error(err) => {
                // Unknown structure: keep a leading key followed by `=` (the rest is a
                // value), or a leading word that is a name rather than a pasted token;
                // mask the rest.
                let line = err.line.range();
                let text = &out[line.clone()];
                let lead = text.len() - text.trim_ascii_start().len();
                let word = text[lead..]
                    .iter()
                    .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
                    .count();
                let after = &text[lead + word..];
                let blanks = after
                    .iter()
                    .take_while(|&&b| b == b' ' || b == b'\t')
                    .count();
                let token = looks_like_token(&text[lead..lead + word])
                    || std::str::from_utf8(&text[lead..lead + word])
                        .is_ok_and(crate::text::credential_like);
                let keep = if token {
                    lead
                } else if matches!(after.get(blanks), Some(b'=' | b':')) {
                    lead + word + blanks + 1
                } else {
                    lead + word
                };
                mask(&mut out, line.start + keep..line.end, &[]);
            }
            LineKind::Blank => {}
        }
    }
    out
}

/// The text to show in code frames of a source file: control characters and invalid UTF-8
/// become `?` (same length, so spans stay valid). Source is shown as written, except the
/// credentials [`crate::secret::scan_text`] finds, which become `*` byte for byte unless
/// `show_values` (a frame around any finding may include a line holding one).
pub fn display_source(mut bytes: Vec<u8>, show_values: bool) -> Vec<u8> {
    // The credentials are found in the text as written (as `hardcoded-secret` finds them),
    // before control characters are replaced: a credential holding one is still masked.
    // Invalid UTF-8 first becomes `?` byte for byte, so the offsets of the hits are offsets
    // into `bytes` (a lossy conversion would make each invalid byte three).
    replace_invalid_utf8(&mut bytes);
    let hits = if show_values {
        Vec::new()
    } else {
        crate::secret::scan_text(std::str::from_utf8(&bytes).unwrap_or_default())
    };
    sanitize(&mut bytes);
    for hit in hits {
        if let Some(span) = bytes.get_mut(hit.span) {
            span.fill(b'*');
        }
    }
    bytes
}

/// `items.partition_point(before)`, probing from the front in growing steps: cheap when
/// the answer is near the start.
fn gallop<T>(items: &[T], before: impl Fn(&T) -> bool) -> usize {
    let mut end = 1;
    while end < items.len() && before(&items[end - 1]) {
        end *= 2;
    }
    let end = end.min(items.len());
    let start = end / 2;
    start + items[start..end].partition_point(before)
}

/// Invalid UTF-8 and control characters (but tab, `\n` and the `\r` of a `\r\n`) become
/// `?`. A lone `\r` would return a terminal's cursor to the start of the line and let the
/// text after it overwrite what envlint printed.
fn sanitize(out: &mut [u8]) {
    replace_invalid_utf8(out);
    for i in 0..out.len() {
        let b = out[i];
        let lone_cr = b == b'\r' && out.get(i + 1) != Some(&b'\n');
        if (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f || lone_cr {
            out[i] = b'?';
        }
    }
}

/// Every byte of an invalid UTF-8 sequence becomes `?`: the text keeps its length.
fn replace_invalid_utf8(out: &mut [u8]) {
    let mut i = 0;
    while i < out.len() {
        match std::str::from_utf8(&out[i..]) {
            Ok(_) => break,
            Err(e) => {
                let bad = i + e.valid_up_to();
                let len = e.error_len().unwrap_or(out.len() - bad);
                out[bad..bad + len].fill(b'?');
                i = bad + len;
            }
        }
    }
}

fn char_len(lead: u8) -> usize {
    match lead {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

/// Masks every character of `range` in `out` (valid UTF-8) but blanks, quotes, `#`, `\`
/// and the `keep` spans.
fn mask(out: &mut [u8], range: Range<usize>, keep: &[Span]) {
    let mut i = range.start;
    while i < range.end {
        let len = char_len(out[i]).min(range.end - i);
        if let Some(k) = keep.iter().find(|k| k.contains(i)) {
            i = (k.end as usize).max(i + len);
            continue;
        }
        if !matches!(
            out[i],
            b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'' | b'#' | b'\\'
        ) {
            out[i..i + len].copy_from_slice(PLACEHOLDERS[len - 1].as_bytes());
        }
        i += len;
    }
}

/// The parts of an `envlint:` directive at `at` in the comment `text` (which starts at
/// `base` in the file) that stay readable: `envlint:`, the command word and the rule ids in
/// brackets with their punctuation, each only while it has the shape of a command or a
/// rule id (lowercase words joined by `-`). Anything else inside the directive, a pasted
/// token among the rule ids say, is masked with the rest of the comment.
fn directive_spans(text: &[u8], at: usize, base: usize) -> Vec<Span> {
    let span = |start: usize, end: usize| Span {
        start: (base + start) as u32,
        end: (base + end) as u32,
    };
    let is_id = |word: &[u8]| {
        !word.is_empty()
            && word.len() <= 40
            && word
                .iter()
                .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !looks_like_token(word)
            && std::str::from_utf8(word).is_ok_and(|w| !crate::text::credential_like(w))
    };
    let blanks = |from: usize| {
        from + text[from..]
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count()
    };
    let mut keep = Vec::new();
    let mut end = blanks(at + "envlint:".len());
    keep.push(span(at, end));
    let word_end = end
        + text[end..]
            .iter()
            .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            .count();
    if !is_id(&text[end..word_end]) {
        return keep;
    }
    keep.push(span(end, word_end));
    end = word_end;
    if text.get(end) != Some(&b'[') {
        return keep;
    }
    keep.push(span(end, end + 1));
    let close = text[end..].iter().position(|&b| b == b']').map(|p| end + p);
    let inner_end = close.unwrap_or(text.len());
    let mut i = end + 1;
    // A directive names a few rules; past 64 spans the rest is masked, so that `mask`
    // (which looks each byte up among the kept spans) stays linear on a hostile line.
    while i < inner_end && keep.len() < 64 {
        let sep = i + text[i..inner_end]
            .iter()
            .take_while(|&&b| b == b',' || b == b' ' || b == b'\t')
            .count();
        if sep > i {
            keep.push(span(i, sep));
            i = sep;
            continue;
        }
        let len = text[i..inner_end]
            .iter()
            .take_while(|&&b| !matches!(b, b',' | b' ' | b'\t'))
            .count();
        if is_id(&text[i..i + len]) {
            keep.push(span(i, i + len));
        }
        i += len;
    }
    if let (Some(close), true) = (close, i >= inner_end) {
        keep.push(span(close, close + 1));
    }
    keep
}

/// A comment's text is masked (`all`: in a private file, where people paste old tokens:
/// `# was sk-…`), or only its credential-like words (an example's documentation). Kept
/// either way: the `#`s and blanks, the key of a commented-out assignment
/// (`# OLD_KEY=…`, with `export`; its value is masked), and an `envlint:` directive, which
/// says why a finding is silent.
fn mask_comment(out: &mut [u8], comment: Range<usize>, all: bool) {
    let text = &out[comment.clone()];
    let mut body = text
        .iter()
        .position(|&b| b != b'#' && b != b' ' && b != b'\t')
        .unwrap_or(text.len());
    if text[body..].starts_with(b"export ") {
        body += "export ".len();
    }
    let key_len = text[body..]
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        .count();
    let after_key = body + key_len;
    let rest = &text[after_key..];
    let eq = rest.iter().take_while(|&&b| b == b' ').count();
    let key = std::str::from_utf8(&text[body..after_key]).unwrap_or("");
    let keep_key = key_len > 0 && rest.get(eq) == Some(&b'=') && !crate::text::credential_like(key);
    let directive = memchr::memmem::find(text, b"envlint:")
        .map(|at| directive_spans(text, at, comment.start))
        .unwrap_or_default();
    let from = if keep_key {
        comment.start + after_key + eq + 1
    } else {
        comment.start + body
    };
    if keep_key || all {
        mask(out, from..comment.end, &directive);
        return;
    }
    // Documentation: only the words that look like credentials.
    let mut at = from;
    while at < comment.end {
        let len = out[at..comment.end]
            .iter()
            .take_while(|b| !b.is_ascii_whitespace())
            .count();
        if len == 0 {
            at += 1;
            continue;
        }
        let word = &out[at..at + len];
        let word = word
            .strip_suffix(b".")
            .or_else(|| word.strip_suffix(b","))
            .unwrap_or(word);
        if looks_like_token(word)
            || std::str::from_utf8(word).is_ok_and(crate::text::credential_like)
        {
            mask(out, at..at + len, &[]);
        }
        at += len;
    }
}

/// A long run of letters and digits without spaces (a pasted token, not prose).
fn looks_like_token(text: &[u8]) -> bool {
    let t = text.trim_ascii();
    // A URL without credentials or parameters (`http://localhost:3000`) is an address.
    let plain_url = memchr::memmem::find(t, b"://").is_some()
        && !t.iter().any(|&b| matches!(b, b'@' | b'=' | b'?'));
    !plain_url
        && t.len() >= 20
        && !t.contains(&b' ')
        && t.iter().any(u8::is_ascii_digit)
        && t.iter().any(u8::is_ascii_alphabetic)
}

#[cfg(test)]
mod tests {
    use super::*;
    use envlint_dotenv::ParseOptions;

    #[test]
    fn gallop_finds_what_a_binary_search_does() {
        for len in 0..70 {
            let items: Vec<usize> = (0..len).collect();
            for cut in 0..=len {
                assert_eq!(gallop(&items, |&x| x < cut), cut, "{len} {cut}");
            }
        }
    }

    fn shown(s: &[u8]) -> String {
        let doc = Document::parse(s.to_vec(), &ParseOptions::isolated());
        String::from_utf8(display_bytes(doc, Masking::Private, None)).unwrap()
    }

    #[test]
    fn a_lone_carriage_return_cannot_rewrite_the_line() {
        // In a value, a comment and a source file alike; the `\r` of `\r\n` stays.
        assert_eq!(shown(b"A=1\rB\r\n# x\ry\r\n"), "A=***\r\n# ***\r\n");
        let shown = |s: &[u8]| String::from_utf8(display_source(s.to_vec(), true)).unwrap();
        assert_eq!(shown(b"a\rb\r\nc\r"), "a?b\r\nc?");
        let doc = Document::parse(b"A=1\rB\n".to_vec(), &ParseOptions::isolated());
        let all = display_bytes(doc, Masking::Nothing, None);
        assert_eq!(all, b"A=1?B\n");
    }

    #[test]
    fn values_are_masked_keys_and_structure_kept() {
        assert_eq!(
            shown(b"API_KEY=\"sk-live-123\" # rotate\nURL=http://${HOST}/x\n"),
            "API_KEY=\"***********\" # ******\nURL=*******${HOST}**\n"
        );
    }

    #[test]
    fn commented_out_secrets_and_bad_lines_are_masked() {
        assert_eq!(
            shown(b"# OLD=abc123\n# plain prose\n"),
            "# OLD=******\n# ***** *****\n"
        );
        assert_eq!(shown(b"A B=secret\n"), "A ********\n");
        assert_eq!(
            shown(b"ghp_1234567890abcdefghij\n"),
            "************************\n"
        );
        assert_eq!(shown(b"BARE sk-live-12 x\n"), "BARE ********** *\n");
    }

    /// The leaks an audit found (issue 13, items 1 to 5), each a line whose frame showed
    /// part of a secret. Secrets are built at run time.
    #[test]
    fn no_secret_reaches_a_frame() {
        let tok = ["gh", "p_", "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"].concat();
        let live = ["sk", "_live_", "51Hx8dQ2mZ7vPq4LrT9wYb3K"].concat();
        let cases = [
            (
                format!("DB_PASSWORD=Pa$w0rdQ9{tok}\n"),
                vec!["w0rdQ9", tok.as_str()],
            ),
            (format!("URL=${{UNSET:-{tok}}}\n"), vec![tok.as_str()]),
            (format!("PORT=3000 # was {live}\n"), vec![live.as_str()]),
            (format!("# old token: {tok}\n"), vec![tok.as_str()]),
            (
                "AWS_SECRET_ACCESS_KEY dGhpcyBpcyBhIHRlc3Q==\n".to_owned(),
                vec!["dGhpcyBp"],
            ),
            (format!("{tok}=1\n"), vec![tok.as_str()]),
            (format!("{live}\n"), vec![live.as_str()]),
            (format!("export {tok}\n"), vec![tok.as_str()]),
        ];
        for (src, secrets) in cases {
            let out = shown(src.as_bytes());
            assert_eq!(out.len(), src.len(), "{out}");
            for s in secrets {
                assert!(!out.contains(s), "{src:?} shows {s:?}: {out:?}");
            }
        }
        // What stays: structure, conventional references, directives, commented-out keys.
        assert_eq!(
            shown(b"A=${HOST}/x # envlint: ignore[bom] because\n# OLD_KEY=abc\n"),
            "A=${HOST}** # envlint: ignore[bom] *******\n# OLD_KEY=***\n"
        );
        assert_eq!(shown(b"B=${lower:-dflt}\n"), "B=${***********}\n");
        assert_eq!(shown(b"BARE_KEY\n"), "BARE_KEY\n");
    }

    #[test]
    fn example_comments_are_documentation_but_tokens_in_them_are_masked() {
        let tok = ["gh", "p_", "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"].concat();
        let src = format!("# Optional. Read in lib/analytics.ts (old key: {tok}).\nPORT=3000\n");
        let doc = Document::parse(src, &ParseOptions::isolated());
        let out = String::from_utf8(display_bytes(doc, Masking::Example, None)).unwrap();
        assert!(
            out.starts_with("# Optional. Read in lib/analytics.ts (old key: ****"),
            "{out}"
        );
        assert!(
            !out.contains(&tok[3..]) && out.ends_with("PORT=****\n"),
            "{out}"
        );
        assert_eq!(
            Masking::for_file("apps/web/.env.example", false),
            Masking::Example
        );
        assert_eq!(Masking::for_file(".env.local", false), Masking::Private);
        assert_eq!(Masking::for_file(".env", true), Masking::Nothing);
    }

    #[test]
    fn a_credential_with_a_control_character_in_source_is_masked() {
        let tok = ["gh", "p_", "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"].concat();
        let src = format!("let t = \"{tok}\u{7}\";\n");
        let out = String::from_utf8(display_source(src.clone().into_bytes(), false)).unwrap();
        assert!(!out.contains(&tok[4..]), "{out}");
        assert_eq!(out.len(), src.len());
    }

    #[test]
    fn length_and_character_count_are_kept() {
        let src = "A=\"é✓😀x\" Z\u{1}\n".as_bytes();
        let doc = Document::parse(src.to_vec(), &ParseOptions::isolated());
        let out = String::from_utf8(display_bytes(doc, Masking::Private, None)).unwrap();
        assert_eq!(out.len(), src.len());
        assert_eq!(
            out.chars().count(),
            std::str::from_utf8(src).unwrap().chars().count()
        );
        let bad = b"A=\xff\x00\xc3\xa9\n";
        let doc = Document::parse(bad.to_vec(), &ParseOptions::isolated());
        assert_eq!(
            display_bytes(doc, Masking::Nothing, None),
            b"A=??\xc3\xa9\n"
        );
    }

    #[test]
    fn only_the_chosen_lines_are_prepared() {
        let src = b"A=secret1\nB=secret2\nC=secret3\n";
        let doc = Document::parse(src.to_vec(), &ParseOptions::isolated());
        let window = [12..13, 13..13];
        let out = display_bytes(doc, Masking::Private, Some(&window));
        assert_eq!(out, b"A=secret1\nB=*******\nC=secret3\n");
    }
}
