//! Inputs that must produce diagnostics, never a crash or a stop: huge files, huge lines,
//! NUL bytes, invalid UTF-8, unbalanced quotes everywhere. Each test also checks that the
//! document still tiles its input and that parsing went on past the bad part.

use envlint_dotenv::{Document, ErrorKind, LineKind, ParseOptions};

fn parse(bytes: Vec<u8>) -> Document {
    Document::parse(bytes, &ParseOptions::isolated())
}

fn assert_tiles(doc: &Document) {
    let mut at = 0;
    for l in doc.lines() {
        assert_eq!(l.span.start as usize, at);
        at = l.span.end as usize;
    }
    assert_eq!(at, doc.to_bytes().len());
}

#[test]
fn fifty_megabytes() {
    let line = b"KEY_0001=\"some quoted value\" # and a comment\n";
    let mut src = Vec::with_capacity(50 << 20);
    while src.len() < 50 << 20 {
        src.extend_from_slice(line);
    }
    let n = src.len() / line.len();
    let doc = parse(src);
    assert_eq!(doc.entries().count(), n);
    assert_tiles(&doc);
}

#[test]
fn one_megabyte_line_then_more_lines() {
    let mut src = b"BIG=".to_vec();
    src.extend(std::iter::repeat_n(b'x', 1 << 20));
    src.extend_from_slice(b"\nNEXT=1\nQ=\"");
    src.extend(std::iter::repeat_n(b'y', 1 << 20));
    src.extend_from_slice(b"\"\n");
    let doc = parse(src);
    assert_eq!(doc.value_of("BIG").map(str::len), Some(1 << 20));
    assert_eq!(doc.value_of("NEXT"), Some("1"));
    assert_eq!(doc.value_of("Q").map(str::len), Some(1 << 20));
}

#[test]
fn a_value_of_a_hundred_thousand_references() {
    // Each shape once took time quadratic in the number of `$`s (a boxed slice grown one
    // reference at a time; every `${` of the pre-scan read to the next `}` and hashed).
    let n = 100_000;
    let braced = format!("X=ab\nA={}\nB=1\n", "${X}".repeat(n));
    let doc = parse(braced.into_bytes());
    assert_eq!(doc.value_of("A").map(str::len), Some(2 * n));
    assert_eq!(doc.value_of("B"), Some("1"));
    for value in ["${".repeat(n) + "X}", "${X".repeat(n) + "}", "$".repeat(n)] {
        let doc = parse(format!("X=ab\nA={value}\nB=1\n").into_bytes());
        assert_tiles(&doc);
        assert_eq!(doc.value_of("B"), Some("1"));
    }
}

#[test]
fn nul_bytes_and_invalid_utf8_become_errors_and_parsing_goes_on() {
    let doc = parse(b"A=1\n\0\0\0\nB=\xff\xfe\nC=\xe2\x82\nD=ok\n".to_vec());
    assert_tiles(&doc);
    let kinds: Vec<&ErrorKind> = doc.errors().map(|e| &e.kind).collect();
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    assert_eq!(*kinds[1], ErrorKind::InvalidUtf8);
    assert_eq!(*kinds[2], ErrorKind::InvalidUtf8);
    assert_eq!(doc.value_of("D"), Some("ok"));
}

#[test]
fn an_unclosed_quote_on_every_line() {
    let src: Vec<u8> = (0..10_001)
        .flat_map(|i| format!("K{i}=\"open\n").into_bytes())
        .collect();
    let doc = parse(src);
    assert_tiles(&doc);
    // Quotes pair up across lines as dotenvy pairs them (`K0` holds "open\nK1=open"); the
    // last quote is never closed.
    assert_eq!(doc.entries().count(), 5_000);
    assert_eq!(doc.value_of("K0"), Some("open\nK1=open"));
    assert_eq!(doc.errors().count(), 1);
    assert!(doc
        .lines()
        .iter()
        .all(|l| !matches!(l.kind, LineKind::Blank)));
}

#[test]
fn binary_garbage() {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let src: Vec<u8> = (0..(1 << 20))
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    let doc = parse(src.clone());
    assert_eq!(doc.to_bytes(), &src[..]);
    assert_tiles(&doc);
}

/// A few megabytes of every line shape, with references to keys near and far (some
/// defined again later, some never), quoted values over several lines, CRLF and quotes
/// left open: the input large files are parsed in pieces for.
fn mixed_file(lines: usize) -> Vec<u8> {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 33) as usize % n.max(1)
    };
    let mut src = String::new();
    for i in 0..lines {
        let j = if next(2) == 0 {
            i.saturating_sub(1 + next(5))
        } else {
            next(i + 1)
        };
        let line = match next(16) {
            0 => format!("K{i}=plain{i}\n"),
            1 => format!("K{i}=\"quoted {i}\"\n"),
            2 => format!("export K{i}='single ${{K{j}}}'\n"),
            3 | 4 => format!("K{i}=${{K{j}}}/x\n"),
            5 => format!("K{i}=$K{j}_y\n"),
            6 => format!("K{i}=\"a\nmulti ${{K{j}}}\nline\"\n"),
            7 => format!("# comment {i} ${{K{j}}}\n"),
            8 => "\n".to_owned(),
            9 => format!("K{i}=crlf${{K{j}}}\r\n"),
            10 => format!("K{j}=again{i}\n"),
            11 if next(50) == 0 => format!("K{i}=\"left open\n"),
            12 => format!("K{i}=${{NEVER_{j}}}${{K{j}}}\n"),
            13 => format!("  K{i} = \"${{K{j}}}\" # c\n"),
            _ => format!("K{i}=v{i}\n"),
        };
        src.push_str(&line);
    }
    src.into_bytes()
}

#[test]
fn large_files_parsed_in_pieces_read_as_one() {
    let src = mixed_file(120_000);
    assert!(src.len() > 2 << 20, "{}", src.len());
    let options = ParseOptions::isolated();
    let whole = Document::parse_in_pieces(src.clone(), &options, 1, 1);
    assert_tiles(&whole);
    assert!(whole.errors().count() > 0);
    for (pieces, threads) in [(24, 2), (97, 3), (2, 2)] {
        let cut = Document::parse_in_pieces(src.clone(), &options, pieces, threads);
        assert!(
            cut.lines() == whole.lines(),
            "{pieces} pieces on {threads} threads"
        );
    }
    let shared = Document::parse(bytes::Bytes::from(src.clone()), &options);
    assert!(shared.lines() == whole.lines());
    assert_eq!(shared.to_bytes(), &src[..]);
    assert!(parse(src).lines() == whole.lines());
}
