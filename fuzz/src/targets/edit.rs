//! `edit`: the edit API of `envlint-dotenv` held to what its documentation promises.
//!
//! Why dotenvy reads the results: `encode_value`, `set_value`, `requote`, `append` and
//! `remove` each promise what dotenvy 0.15.7 will load afterwards (a value, an unchanged
//! value, one more pair, the key gone, every other line read as before). The API checks
//! itself with envlint's parser; reading the result with dotenvy is the independent check.
//! Where our parser and dotenvy already disagree on the input, the dotenvy checks are
//! skipped for it (that disagreement is the `dotenvy` target's finding, not this one's).
//! `apply_edits` is compared with a plain reference implementation of its contract.

use envlint_dotenv::{
    apply_edits, encode_value, is_plain_value, Document, EditError, ParseOptions, QuoteKind,
    TextEdit,
};

use super::parse::check_document;
use super::show;
use crate::oracle::{self, Item};
use crate::rng::Rng;

/// Values that are hard to write in an env file.
const HARD: &[&str] = &[
    "",
    " ",
    "a b",
    "'",
    "\"",
    "\\",
    "$",
    "${A}",
    "$A",
    "\n",
    "\r",
    "\r\n",
    "#",
    " #x",
    "x #y",
    "a\\nb",
    "\t",
    "\u{a0}",
    "\u{feff}",
    "'\"",
    "\\'",
    "$'",
    "x\\",
    "`",
    "=",
    "\0",
    "\x0c",
    "\u{2028}",
    "é",
    "\u{1d7d8}",
    "{}",
    "a=b",
    "\\\\n",
    "\"$B\"",
];

const KEYS: &[&str] = &[
    "NEW_KEY", "A", "a.b", "_", "K K", "K=V", "K\n", "", "9", "export", "#K", "\u{e9}", "A\r",
];

pub(crate) fn run(data: &[u8]) {
    let mut rng = Rng::from_bytes(data);
    apply_edits_as_specified(data, &mut rng);
    let doc = Document::parse(data.to_vec(), &ParseOptions::isolated());
    let text = String::from_utf8_lossy(data);
    for _ in 0..3 {
        let value = a_value(&mut rng, &doc, &text);
        let style = *rng
            .pick(&[None, Some(QuoteKind::Single), Some(QuoteKind::Double)])
            .unwrap_or(&None);
        check_encode(&value, style);
    }
    // The strong checks need dotenvy and our parser to read the input alike.
    let before = oracle::dotenvy(data);
    let agree = oracle::ours(data) == before;
    for _ in 0..4 {
        let key = a_key(&mut rng, &doc, &text);
        let value = a_value(&mut rng, &doc, &text);
        match rng.below(4) {
            0 => set_value(data, &doc, &key, &value, agree.then_some(&before)),
            1 => {
                let style = *rng
                    .pick(&[None, Some(QuoteKind::Single), Some(QuoteKind::Double)])
                    .unwrap_or(&None);
                requote(data, &doc, &key, style, agree.then_some(&before));
            }
            2 => append(data, &doc, &key, &value, agree.then_some(&before)),
            _ => remove(data, &doc, &key, agree.then_some(&before)),
        }
    }
}

fn a_value(rng: &mut Rng, doc: &Document, text: &str) -> String {
    match rng.below(4) {
        0 => (0..rng.range(1, 4))
            .map(|_| *rng.pick(HARD).unwrap_or(&""))
            .collect(),
        1 => {
            let entries: Vec<_> = doc.entries().collect();
            rng.pick(&entries)
                .map(|e| e.value(doc).to_owned())
                .unwrap_or_default()
        }
        _ => {
            let chars: Vec<char> = text.chars().collect();
            let start = rng.below(chars.len() + 1);
            let len = rng.small_size(40.min(chars.len() - start));
            chars[start..start + len].iter().collect()
        }
    }
}

fn a_key(rng: &mut Rng, doc: &Document, text: &str) -> String {
    let keys: Vec<&str> = doc.entries().map(|e| e.key(doc)).collect();
    match rng.below(5) {
        0..=2 if !keys.is_empty() => (*rng.pick(&keys).unwrap_or(&"A")).to_owned(),
        3 => {
            let chars: Vec<char> = text.chars().collect();
            let start = rng.below(chars.len() + 1);
            let len = rng.small_size(12.min(chars.len() - start));
            chars[start..start + len].iter().collect()
        }
        _ => (*rng.pick(KEYS).unwrap_or(&"A")).to_owned(),
    }
}

/// What dotenvy reads from `K={raw}\n`, and what our parser reads (isolated).
fn read_back(raw: &str) -> (Vec<Item>, Option<String>) {
    let line = format!("K={raw}\n");
    let ours = Document::parse(line.as_bytes().to_vec(), &ParseOptions::isolated());
    let ours = (ours.errors().next().is_none() && ours.entries().count() == 1)
        .then(|| ours.value_of("K").map(str::to_owned))
        .flatten();
    (oracle::dotenvy(line.as_bytes()), ours)
}

/// `encode_value`: "Writes `value` so that dotenvy 0.15.7 reads exactly `value` back,
/// preferring no quotes, then `style`, then the other style."
fn check_encode(value: &str, style: Option<QuoteKind>) {
    let Some(raw) = encode_value(value, style) else {
        return;
    };
    let (dotenvy, ours) = read_back(&raw);
    assert!(
        ours.as_deref() == Some(value),
        "encode_value({value:?}, {style:?}) = {raw:?}, which envlint's parser reads as {ours:?}"
    );
    assert!(
        dotenvy == [Item::Pair("K".into(), value.into())],
        "encode_value({value:?}, {style:?}) = {raw:?}, which dotenvy reads as{} (envlint's parser: {ours:?})",
        oracle::show(&dotenvy)
    );
    if style.is_none() && is_plain_value(value) {
        assert_eq!(raw, value, "a plain value is written without quotes");
    }
}

/// "Keeping `export`, spacing and comment": the edit replaces the raw value, and at most the
/// blank a trailing backslash of it escapes (which dotenvy reads as part of the value).
fn edits_only_the_value(data: &[u8], entry: &envlint_dotenv::Entry, edit: &TextEdit, what: &str) {
    let raw = entry.raw_value.range();
    let extra = data.get(raw.end..edit.range.end).unwrap_or_default();
    assert!(
        edit.range.start == raw.start
            && edit.range.end >= raw.end
            && std::str::from_utf8(extra).is_ok_and(|s| s
                .chars()
                .all(|c| c.is_whitespace() && c != '\n' && c != '\r')),
        "{what} edits {:?}, more than the value {raw:?}: {}",
        edit.range,
        show(data)
    );
}

fn applied(data: &[u8], edits: &[TextEdit], what: &str) -> Vec<u8> {
    let out = apply_edits(data, edits)
        .unwrap_or_else(|e| panic!("{what}: its own edits do not apply ({e}): {}", show(data)));
    let doc = Document::parse(out.clone(), &ParseOptions::isolated());
    check_document(&doc, &out);
    out
}

/// Our parser's (isolated) value of the last `key`.
fn ours_value(out: &[u8], key: &str) -> Option<String> {
    Document::parse(out.to_vec(), &ParseOptions::isolated())
        .value_of(key)
        .map(str::to_owned)
}

fn set_value(data: &[u8], doc: &Document, key: &str, value: &str, before: Option<&Vec<Item>>) {
    let Ok(edit) = doc.set_value(key, value) else {
        return;
    };
    let what = format!("set_value({key:?}, {value:?})");
    let entry = doc.get(key).expect("set_value found the key");
    edits_only_the_value(data, entry, &edit, &what);
    let out = applied(data, std::slice::from_ref(&edit), &what);
    assert_eq!(
        ours_value(&out, key).as_deref(),
        Some(value),
        "{what}: envlint's parser reads another value from {}",
        show(&out)
    );
    let Some(before) = before else { return };
    let after = oracle::dotenvy(&out);
    assert_eq!(
        oracle::last_value(&after, key),
        Some(value),
        "{what}: dotenvy reads another value\n input {}\n output {}\n dotenvy{}",
        show(data),
        show(&out),
        oracle::show(&after)
    );
    if !data.contains(&b'$') {
        // No substitution anywhere: every other line reads as before.
        let mut want = before.clone();
        if let Some(Item::Pair(_, v)) = want
            .iter_mut()
            .rev()
            .find(|i| matches!(i, Item::Pair(k, _) if k == key))
        {
            *v = value.to_owned();
        }
        assert!(
            after == want,
            "{what}: dotenvy reads the rest of the file differently\n input {}\n output {}\n before{}\n after {}",
            show(data),
            show(&out),
            oracle::show(before),
            oracle::show(&after)
        );
    }
}

fn requote(
    data: &[u8],
    doc: &Document,
    key: &str,
    style: Option<QuoteKind>,
    before: Option<&Vec<Item>>,
) {
    let Ok(edit) = doc.requote(key, style) else {
        return;
    };
    let what = format!("requote({key:?}, {style:?})");
    let entry = doc.get(key).expect("requote found the key");
    edits_only_the_value(data, entry, &edit, &what);
    match style {
        Some(k) => assert!(
            edit.replacement.starts_with(k.char()),
            "{what} wrote {:?}",
            edit.replacement
        ),
        None => assert!(
            !edit.replacement.starts_with(['"', '\'']),
            "{what} wrote {:?}",
            edit.replacement
        ),
    }
    let out = applied(data, std::slice::from_ref(&edit), &what);
    assert_eq!(
        ours_value(&out, key).as_deref(),
        Some(entry.value(doc)),
        "{what}: envlint's parser reads another value\n input {}\n output {}",
        show(data),
        show(&out)
    );
    let Some(before) = before else { return };
    let after = oracle::dotenvy(&out);
    assert!(
        &after == before,
        "{what}: dotenvy reads the file differently\n input {}\n output {}\n before{}\n after {}",
        show(data),
        show(&out),
        oracle::show(before),
        oracle::show(&after)
    );
}

fn append(data: &[u8], doc: &Document, key: &str, value: &str, before: Option<&Vec<Item>>) {
    let Ok(edit) = doc.append(key, value) else {
        return;
    };
    let what = format!("append({key:?}, {value:?})");
    assert_eq!(
        edit.range,
        data.len()..data.len(),
        "{what} inserts at the end"
    );
    let out = applied(data, std::slice::from_ref(&edit), &what);
    assert_eq!(
        ours_value(&out, key).as_deref(),
        Some(value),
        "{what}: envlint's parser reads another value from {}",
        show(&out)
    );
    let Some(before) = before else { return };
    let after = oracle::dotenvy(&out);
    let mut want = before.clone();
    want.push(Item::Pair(key.to_owned(), value.to_owned()));
    assert!(
        after == want,
        "{what}: dotenvy does not read the file plus one pair\n input {}\n output {}\n before{}\n after {}",
        show(data),
        show(&out),
        oracle::show(before),
        oracle::show(&after)
    );
}

fn remove(data: &[u8], doc: &Document, key: &str, before: Option<&Vec<Item>>) {
    let edits = match doc.remove(key) {
        Ok(edits) => edits,
        Err(EditError::NoSuchKey(_) | EditError::ChangesReading) => return,
        Err(e) => panic!("remove({key:?}) fails with {e:?}, which it never promises"),
    };
    let what = format!("remove({key:?})");
    let out = applied(data, &edits, &what);
    assert_eq!(
        ours_value(&out, key),
        None,
        "{what}: envlint's parser still reads the key from {}",
        show(&out)
    );
    let Some(before) = before else { return };
    if data.contains(&b'$') {
        return;
    }
    let after = oracle::dotenvy(&out);
    let mut want = before.clone();
    want.retain(|i| !matches!(i, Item::Pair(k, _) if k == key));
    assert!(
        after == want,
        "{what}: dotenvy reads the other lines differently\n input {}\n output {}\n before{}\n after {}",
        show(data),
        show(&out),
        oracle::show(before),
        oracle::show(&after)
    );
}

/// `apply_edits` against its contract: out of bounds and overlapping sets are refused,
/// anything else applies with insertions at one offset in the order given.
fn apply_edits_as_specified(data: &[u8], rng: &mut Rng) {
    let n = rng.below(5);
    let edits: Vec<TextEdit> = (0..n)
        .map(|_| {
            let start = rng.below(data.len() + 2);
            let end = if rng.one_in(3) {
                start
            } else {
                start + rng.small_size(8)
            };
            let (start, end) = if rng.one_in(20) {
                (end, start)
            } else {
                (start, end)
            };
            let replacement: String = (0..rng.below(3))
                .map(|_| *rng.pick(HARD).unwrap_or(&""))
                .collect();
            TextEdit {
                range: start..end,
                replacement,
            }
        })
        .collect();
    let got = apply_edits(data, &edits);
    let want = reference_apply(data, &edits);
    match (&got, &want) {
        (Ok(a), Some(b)) => assert!(a == b, "apply_edits({edits:?}) differs from the reference"),
        (Err(_), None) => {}
        _ => panic!(
            "apply_edits({edits:?}) on {} bytes gives {:?}, the contract says {}",
            data.len(),
            got.as_ref().map(|_| "Ok"),
            if want.is_some() { "Ok" } else { "Err" }
        ),
    }
}

fn reference_apply(src: &[u8], edits: &[TextEdit]) -> Option<Vec<u8>> {
    for e in edits {
        if e.range.start > e.range.end || e.range.end > src.len() {
            return None;
        }
    }
    for (i, a) in edits.iter().enumerate() {
        for b in &edits[i + 1..] {
            let (a, b) = (&a.range, &b.range);
            let share = a.start < b.end && b.start < a.end;
            let inside = |p: usize, r: &std::ops::Range<usize>| r.start < p && p < r.end;
            let empty_inside =
                (a.is_empty() && inside(a.start, b)) || (b.is_empty() && inside(b.start, a));
            if share || empty_inside {
                return None;
            }
        }
    }
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = Vec::new();
    let mut at = 0;
    for e in sorted {
        out.extend_from_slice(&src[at..e.range.start]);
        out.extend_from_slice(e.replacement.as_bytes());
        at = e.range.end;
    }
    out.extend_from_slice(&src[at..]);
    Some(out)
}
