//! Display text for code frames, with values masked.
//!
//! Why: a code frame of a `.env` line would print the secret it holds into a terminal, a
//! CI log or a pasted bug report, the very leak envlint exists to stop. Frames therefore
//! show keys, quotes, `$` references and comments, with every value character replaced.
//!
//! The masked text keeps the exact byte length *and* character count of the file, so that
//! spans and columns stay valid: a character is replaced by a placeholder of the same UTF-8
//! length (`*`, `·`, `∗`, `𝟘`). Invalid UTF-8 and control bytes become `?`. The work is
//! done in place on the document's own bytes: large files are not copied.

use std::ops::Range;

use envlint_dotenv::{Document, LineKind, Span};

/// Same-length placeholders for characters of 1 to 4 UTF-8 bytes.
const PLACEHOLDERS: [&str; 4] = ["*", "\u{b7}", "\u{2217}", "\u{1d7d8}"];

/// Consumes the document and returns the text to show in code frames: same length and
/// character count as the file, values masked unless `show_values`.
pub fn display_bytes(doc: Document, show_values: bool, only: Option<&[Range<usize>]>) -> Vec<u8> {
    let (bytes, lines) = doc.into_parts();
    display_parts(bytes, &lines, show_values, only)
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
    show_values: bool,
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
    if show_values {
        return out;
    }
    for line in chosen {
        match &line.kind {
            LineKind::Entry(e) => {
                let keep: Vec<Span> = e.substitutions().iter().map(|s| s.span).collect();
                mask(&mut out, e.raw_value.range(), &keep);
                if let Some(start) = e.comment() {
                    let c = start as usize..line.eol(&out).start as usize;
                    mask_assignment_comment(&mut out, c);
                }
            }
            LineKind::Comment(c) => mask_assignment_comment(&mut out, c.range()),
            LineKind::Error(err) => {
                // Unknown structure: keep what precedes `=` (or the first word, unless it
                // looks like a pasted token), mask the rest.
                let line = err.line.range();
                let text = &out[line.clone()];
                let keep = match memchr::memchr(b'=', text) {
                    Some(eq) => eq + 1,
                    None => {
                        let lead = text.len() - text.trim_ascii_start().len();
                        let word = text[lead..]
                            .iter()
                            .take_while(|b| !b.is_ascii_whitespace())
                            .count();
                        if looks_like_token(&text[lead..lead + word]) {
                            lead
                        } else {
                            lead + word
                        }
                    }
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
    sanitize(&mut bytes);
    if !show_values {
        let hits = std::str::from_utf8(&bytes).map(crate::secret::scan_text);
        for hit in hits.unwrap_or_default() {
            bytes[hit.span].fill(b'*');
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

/// Invalid UTF-8 and control characters (but tab and line breaks) become `?`.
fn sanitize(out: &mut [u8]) {
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
    for b in out.iter_mut() {
        if (*b < 0x20 && !matches!(*b, b'\t' | b'\n' | b'\r')) || *b == 0x7f {
            *b = b'?';
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

/// `# OLD_KEY=sk-…`: commented-out assignments keep their key, lose their value.
fn mask_assignment_comment(out: &mut [u8], comment: Range<usize>) {
    let text = &out[comment.clone()];
    let body = text
        .iter()
        .position(|&b| b != b'#' && b != b' ')
        .unwrap_or(text.len());
    let key_len = text[body..]
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        .count();
    let after_key = body + key_len;
    let rest = &text[after_key..];
    let eq = rest.iter().take_while(|&&b| b == b' ').count();
    if key_len > 0 && rest.get(eq) == Some(&b'=') {
        mask(out, comment.start + after_key + eq + 1..comment.end, &[]);
    } else if looks_like_token(&text[body..]) {
        mask(out, comment.start + body..comment.end, &[]);
    }
}

/// A long run of letters and digits without spaces (a pasted token, not prose).
fn looks_like_token(text: &[u8]) -> bool {
    let t = text.trim_ascii();
    t.len() >= 20
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
        String::from_utf8(display_bytes(doc, false, None)).unwrap()
    }

    #[test]
    fn values_are_masked_keys_and_structure_kept() {
        assert_eq!(
            shown(b"API_KEY=\"sk-live-123\" # rotate\nURL=http://${HOST}/x\n"),
            "API_KEY=\"***********\" # rotate\nURL=*******${HOST}**\n"
        );
    }

    #[test]
    fn commented_out_secrets_and_bad_lines_are_masked() {
        assert_eq!(
            shown(b"# OLD=abc123\n# plain prose\n"),
            "# OLD=******\n# plain prose\n"
        );
        assert_eq!(shown(b"A B=secret\n"), "A B=******\n");
        assert_eq!(
            shown(b"ghp_1234567890abcdefghij\n"),
            "************************\n"
        );
        assert_eq!(shown(b"BARE sk-live-12 x\n"), "BARE ********** *\n");
    }

    #[test]
    fn length_and_character_count_are_kept() {
        let src = "A=\"é✓😀x\" Z\u{1}\n".as_bytes();
        let doc = Document::parse(src.to_vec(), &ParseOptions::isolated());
        let out = String::from_utf8(display_bytes(doc, false, None)).unwrap();
        assert_eq!(out.len(), src.len());
        assert_eq!(
            out.chars().count(),
            std::str::from_utf8(src).unwrap().chars().count()
        );
        let bad = b"A=\xff\x00\xc3\xa9\n";
        let doc = Document::parse(bad.to_vec(), &ParseOptions::isolated());
        assert_eq!(display_bytes(doc, true, None), b"A=??\xc3\xa9\n");
    }

    #[test]
    fn only_the_chosen_lines_are_prepared() {
        let src = b"A=secret1\nB=secret2\nC=secret3\n";
        let doc = Document::parse(src.to_vec(), &ParseOptions::isolated());
        let window = [12..13, 13..13];
        let out = display_bytes(doc, false, Some(&window));
        assert_eq!(out, b"A=secret1\nB=*******\nC=secret3\n");
    }
}
