//! Differential tests: envlint-dotenv against dotenvy 0.15.7 itself.
//!
//! Why: envlint's value semantics are "what dotenvy loads". The only trustworthy check is
//! to run dotenvy on the same bytes. For every input we compare the sequence dotenvy's
//! iterator yields (it goes on after a bad line) with ours: the same key/value pairs, and an
//! error in the same place of the sequence, on the same line. Where dotenvy gives up for
//! good (a quote still open at the end of the file) we only compare up to that error,
//! because we deliberately recover there.
//!
//! dotenvy's loaders strip a leading BOM before reading (`Iter::load`), so the oracle is fed
//! the input without it, as `dotenvy::dotenv()` would read the file.

use envlint_dotenv::{Document, ErrorKind, LineKind, ParseOptions};
use proptest::prelude::*;

#[derive(Debug, PartialEq)]
enum Item {
    Pair(String, String),
    /// dotenvy's error text (the line or the value it rejected), or `None` for an I/O
    /// (invalid UTF-8) error.
    Error(Option<String>),
}

fn oracle(input: &[u8]) -> Vec<Item> {
    let input = input.strip_prefix(envlint_dotenv::BOM).unwrap_or(input);
    dotenvy::from_read_iter(input)
        .map(|r| match r {
            Ok((k, v)) => Item::Pair(k, v),
            Err(dotenvy::Error::LineParse(s, _)) => Item::Error(Some(s)),
            Err(_) => Item::Error(None),
        })
        .collect()
}

struct Ours {
    items: Vec<Item>,
    /// Error lines as text, aligned with the `Item::Error`s.
    error_lines: Vec<(String, ErrorKind)>,
}

fn ours(input: &[u8]) -> Ours {
    let doc = Document::parse(input.to_vec(), &ParseOptions::default());
    assert_eq!(doc.to_bytes(), input, "lossless");
    // Large files are parsed in pieces on several threads; cut this one anywhere and the
    // lines must come out the same.
    for (pieces, threads) in [(2, 2), (3, 1), (7, 2), (64, 3)] {
        let cut =
            Document::parse_in_pieces(input.to_vec(), &ParseOptions::default(), pieces, threads);
        assert_eq!(
            cut.lines(),
            doc.lines(),
            "parsed in {pieces} pieces: {input:?}"
        );
    }
    // Shared bytes (a mapped file) read exactly as owned ones, UTF-8 or not.
    let shared = Document::parse(
        bytes::Bytes::copy_from_slice(input),
        &ParseOptions::default(),
    );
    assert_eq!(shared.to_bytes(), input, "lossless when shared");
    assert_eq!(shared.lines(), doc.lines(), "shared: {input:?}");
    for line in shared.lines() {
        if let LineKind::Entry(e) = &line.kind {
            assert_eq!(e.value(&shared), e.value(&doc), "shared value: {input:?}");
        }
    }
    let mut items = Vec::new();
    let mut error_lines = Vec::new();
    for line in doc.lines() {
        match &line.kind {
            LineKind::Entry(e) => {
                items.push(Item::Pair(e.key(&doc).to_owned(), e.value(&doc).to_owned()));
            }
            LineKind::Error(e) => {
                items.push(Item::Error(None));
                error_lines.push((doc.text(e.line).into_owned(), e.kind.clone()));
            }
            LineKind::Blank | LineKind::Comment(_) => {}
        }
    }
    Ours { items, error_lines }
}

fn compare(input: &[u8]) -> Result<(), String> {
    let expected = oracle(input);
    let got = ours(input);
    let first_err = expected.iter().position(|i| matches!(i, Item::Error(_)));
    let n = first_err.map_or(expected.len(), |i| i + 1);
    let show = || {
        format!(
            "input {:?}\n dotenvy {:?}\n ours    {:?}",
            String::from_utf8_lossy(input),
            expected,
            got.items
        )
    };
    if got.items.len() < n {
        return Err(format!("ours has fewer items\n{}", show()));
    }
    let mut err_index = 0;
    for (want, have) in expected[..n].iter().zip(&got.items[..n]) {
        match (want, have) {
            (Item::Pair(..), Item::Pair(..)) if want == have => {}
            (Item::Error(text), Item::Error(None)) => {
                let (line, kind) = &got.error_lines[err_index];
                err_index += 1;
                match text {
                    None if *kind != ErrorKind::InvalidUtf8 => {
                        return Err(format!(
                            "dotenvy had an I/O error, ours {kind:?}\n{}",
                            show()
                        ))
                    }
                    Some(t) => {
                        let t = t.trim_end();
                        if !(line.contains(t) || t.starts_with(line.as_str())) {
                            return Err(format!(
                                "error on a different line: dotenvy {t:?}, ours {line:?}\n{}",
                                show()
                            ));
                        }
                    }
                    None => {}
                }
            }
            _ => return Err(format!("mismatch\n{}", show())),
        }
    }
    if first_err.is_none() && got.items.len() != expected.len() {
        return Err(format!("dotenvy accepted, ours differs\n{}", show()));
    }
    // dotenvy goes on after a bad line, so the whole sequence must agree too; the one
    // exception is an error that ends dotenvy's reading (last item), after which we recover.
    let shape = expected_shape(&expected);
    let stopped = matches!(expected.last(), Some(Item::Error(_)));
    let agrees = got.items == shape || (stopped && got.items.starts_with(&shape));
    if first_err.is_some() && !agrees {
        return Err(format!(
            "sequence after the first error differs\n{}",
            show()
        ));
    }
    Ok(())
}

/// dotenvy's items with error texts erased (ours carry them separately).
fn expected_shape(items: &[Item]) -> Vec<Item> {
    items
        .iter()
        .map(|i| match i {
            Item::Pair(k, v) => Item::Pair(k.clone(), v.clone()),
            Item::Error(_) => Item::Error(None),
        })
        .collect()
}

fn unescape(line: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        match chars.next() {
            Some('n') => out.push(b'\n'),
            Some('r') => out.push(b'\r'),
            Some('t') => out.push(b'\t'),
            Some('0') => out.push(0),
            Some('\\') => out.push(b'\\'),
            Some('"') => out.push(b'"'),
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(u8::from_str_radix(&hex, 16).expect("\\xNN"));
            }
            Some('u') => {
                assert_eq!(chars.next(), Some('{'));
                let hex: String = chars.by_ref().take_while(|&c| c != '}').collect();
                let c = char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap();
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            other => panic!("unknown escape {other:?} in {line:?}"),
        }
    }
    out
}

fn corpus() -> Vec<Vec<u8>> {
    include_str!("cases.txt")
        .lines()
        .filter(|l| !l.starts_with("//") && !l.is_empty())
        .map(unescape)
        .collect()
}

#[test]
fn hand_written_corpus_agrees_with_dotenvy() {
    let cases = corpus();
    assert!(cases.len() >= 150, "corpus has {} cases", cases.len());
    let failures: Vec<String> = cases.iter().filter_map(|c| compare(c).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// Pieces that exercise every branch of dotenvy's two state machines.
const TOKENS: &[&[u8]] = &[
    b"A",
    b"B",
    b"B_C",
    b"x",
    b"1",
    b"export",
    b"export ",
    b"=",
    b" ",
    b"  ",
    b"\t",
    b"\"",
    b"'",
    b"\\",
    b"\\n",
    b"\\\\",
    b"$",
    b"${",
    b"}",
    b"{",
    b"#",
    b" #",
    b"\n",
    b"\r\n",
    b"\r",
    b".",
    b"-",
    b":",
    b"\xc3\xa9",
    b"\xc2\xa0",
    b"\0",
    b"\xff",
    b"`",
    b"A=",
    b"B=",
    b"\nA=",
    b"\nB=",
    b"$B",
    b"${B}",
    b"\xEF\xBB\xBF",
];

fn token_soup() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..40).prop_map(|parts| parts.concat())
}

const PREFIXES: &[&[u8]] = &[b"", b"export ", b" "];
const KEYS: &[&[u8]] = &[b"A", b"B", b"B_C", b"lower", b"A.B"];
const SEPARATORS: &[&[u8]] = &[b"=", b" = ", b"=", b"="];
const ENDINGS: &[&[u8]] = &[b"\n", b"\r\n", b" # c\n", b"\n"];

fn line_soup() -> impl Strategy<Value = Vec<u8>> {
    let value =
        prop::collection::vec(prop::sample::select(&TOKENS[8..]), 0..8).prop_map(|p| p.concat());
    let line = (
        prop::sample::select(PREFIXES),
        prop::sample::select(KEYS),
        prop::sample::select(SEPARATORS),
        value,
        prop::sample::select(ENDINGS),
    )
        .prop_map(|(a, b, c, d, e)| [a, b, c, &d, e].concat());
    prop::collection::vec(line, 0..8).prop_map(|l| l.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    #[test]
    fn token_soup_agrees_with_dotenvy(input in token_soup()) {
        compare(&input).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn line_soup_agrees_with_dotenvy(input in line_soup()) {
        compare(&input).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn random_bytes_round_trip(input in prop::collection::vec(any::<u8>(), 0..300)) {
        let doc = Document::parse(input.clone(), &ParseOptions::isolated());
        prop_assert_eq!(doc.to_bytes(), &input[..]);
        let mut at = 0;
        for l in doc.lines() {
            prop_assert_eq!(l.span.start as usize, at);
            at = l.span.end as usize;
        }
        prop_assert_eq!(at, input.len());
        let cut = Document::parse_in_pieces(input, &ParseOptions::isolated(), 5, 2);
        prop_assert_eq!(cut.lines(), doc.lines());
    }
}
