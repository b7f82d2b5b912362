//! Display text for code frames, with values masked.
//!
//! Why: a code frame of a `.env` line would print the secret it holds into a terminal, a
//! CI log or a pasted bug report, the very leak envlint exists to stop. Frames therefore
//! show keys, quotes, `$` references and comments, with every value byte replaced by `*`.
//! The text keeps the exact byte length of the file so that spans stay valid; invalid
//! UTF-8 and control bytes become `?`.

use std::ops::Range;

use envlint_dotenv::{Document, LineKind};

/// The text to show in code frames: same length as the file, valid UTF-8, values masked
/// unless `show_values`.
pub fn display_text(doc: &Document, show_values: bool) -> String {
    let src = doc.to_bytes();
    let mut out = src.to_vec();
    // Invalid UTF-8 and control characters (but tab and line breaks) become '?'.
    let mut i = 0;
    while i < src.len() {
        match std::str::from_utf8(&src[i..]) {
            Ok(_) => break,
            Err(e) => {
                let bad_start = i + e.valid_up_to();
                let bad_len = e.error_len().unwrap_or(src.len() - bad_start);
                out[bad_start..bad_start + bad_len].fill(b'?');
                i = bad_start + bad_len;
            }
        }
    }
    for b in &mut out {
        if (*b < 0x20 && !matches!(*b, b'\t' | b'\n' | b'\r')) || *b == 0x7f {
            *b = b'?';
        }
    }
    if !show_values {
        for line in doc.lines() {
            match &line.kind {
                LineKind::Entry(e) => {
                    let keep: Vec<Range<usize>> =
                        e.substitutions.iter().map(|s| s.span.clone()).collect();
                    mask(&mut out, e.raw_value.clone(), &keep);
                    if let Some(c) = &e.comment {
                        mask_assignment_comment(&mut out, c.clone());
                    }
                }
                LineKind::Comment(c) => mask_assignment_comment(&mut out, c.clone()),
                LineKind::Error(err) => {
                    // Unknown structure: keep what precedes `=` (or the first word, unless
                    // it looks like a pasted token), mask the rest.
                    let text = &src[err.line.clone()];
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
                    mask(&mut out, err.line.start + keep..err.line.end, &[]);
                }
                LineKind::Blank => {}
            }
        }
    }
    // Every replacement above is ASCII over whole characters or over invalid bytes.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn mask(out: &mut [u8], range: Range<usize>, keep: &[Range<usize>]) {
    for i in range {
        if keep.iter().any(|k| k.contains(&i)) {
            continue;
        }
        let b = out[i];
        if !matches!(
            b,
            b' ' | b'\t' | b'\n' | b'\r' | b'"' | b'\'' | b'#' | b'\\'
        ) {
            out[i] = b'*';
        }
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

    fn shown(s: &[u8]) -> String {
        display_text(
            &Document::parse(s.to_vec(), &ParseOptions::isolated()),
            false,
        )
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
    }

    #[test]
    fn length_is_kept_for_odd_bytes() {
        let src = b"A=\xff\x00\xc3\xa9\n";
        let d = display_text(
            &Document::parse(src.to_vec(), &ParseOptions::isolated()),
            true,
        );
        assert_eq!(d.len(), src.len());
        assert_eq!(d, "A=??\u{e9}\n");
    }
}
