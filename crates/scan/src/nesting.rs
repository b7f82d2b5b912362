//! How deep syn may go: a byte-level measure of Rust source taken before parsing, and the
//! thread with a large stack that deep (but accepted) files are parsed on.
//!
//! Why: syn parses by recursive descent, and its `Visit`, the `Drop` of the tree it builds
//! and `Spanned::span` recurse over that tree. Every level of nesting in the source costs
//! stack: a parenthesis, a bracket or a block, a generic argument, a closure, a prefix
//! operator or `return`, and every step of an operator sum or a method chain (syn builds
//! `a + b + c` and `a.b().c()` as trees leaning left, one level per step). Running out of
//! stack is not a panic that can be caught: it aborts the whole process. 1,800 nested
//! parentheses (3.6 KB of source) did that on the main thread, about 500 on a 2 MiB worker
//! thread.
//!
//! So [`measure`] reads the bytes once (a small lexer: comments, strings, raw strings,
//! character literals and lifetimes are skipped) and bounds the depth syn can reach, in
//! tokens: at any point, the sum over the open brackets of [`LEVEL_COST`] plus the tokens
//! written at that bracket level since the last place where syn's recursion unwinds there
//! (a `;`, a `,`, the `}` that ends a statement or an item). A `,` inside an open generic
//! argument list or after a closure's `|` does not unwind (`A<x, B<y, …>>`,
//! `|a, b| |c, d| …`), so those are kept across commas; attributes add nothing (syn reads
//! them in a loop). Ordinary code measures in the tens to hundreds: over the 15,700 Rust
//! files of this workspace and its dependencies the median is 36, 99.9% are under 250, the
//! largest hand-written one 774 (a long macro invocation), a generated Unicode table 4,133.
//!
//! What one unit costs, measured (syn 2, parse + visit + drop, the worst shapes: chains of
//! `break` or `return`, `&&&…u8` types, nested generics, closures and blocks): up to about
//! 5.7 KB of stack in a release build and 17.5 KB in an unoptimised one (`&`, `*` and `<`
//! count two units for that reason: in a type they cost the most). Hence the limits:
//! - [`MAX_DEPTH`] = 6,000: above it syn is not called at all; the file is scanned by
//!   tokens (nothing recurses there) and `Scan::warning` says so. That is 3,000 nested
//!   brackets, a sum of 3,000 terms or a chain of 2,000 method calls in one expression: far
//!   above anything written by hand, and still parsed in a fraction of a second.
//! - [`INLINE_DEPTH`]: at or below it syn runs on the caller's thread, within 1 MiB of stack
//!   (half of what a Rust thread gets by default): 160 in a release build (all but about
//!   0.5% of files), 48 in an unoptimised one. Above it, syn runs on a thread of its own
//!   with [`STACK_BYTES`] of stack: 96 MiB (256 MiB unoptimised), more than twice what
//!   [`MAX_DEPTH`] needs at worst. That stack is reserved address space; its pages are used
//!   only as deep as the file goes. If the system refuses the thread, the token scan runs
//!   instead, with a warning.

/// Stack units one open bracket costs beyond its own token (syn goes through a few more
/// functions for a parenthesis or a block than for an operator).
pub(crate) const LEVEL_COST: usize = 1;

/// Above this measure a Rust file is not parsed with syn.
pub(crate) const MAX_DEPTH: usize = 6_000;

/// At or below this measure syn runs on the calling thread.
pub(crate) const INLINE_DEPTH: usize = if cfg!(debug_assertions) { 48 } else { 160 };

/// The stack of the thread deeper files are parsed on.
pub(crate) const STACK_BYTES: usize = if cfg!(debug_assertions) {
    256 << 20
} else {
    96 << 20
};

/// The result of [`measure`]: the largest bound reached, and where.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Shape {
    /// Brackets open where `depth` was reached.
    pub(crate) open: usize,
    /// The bound, in tokens (see the module documentation).
    pub(crate) depth: usize,
    /// The most brackets open at once anywhere in the file.
    pub(crate) brackets: usize,
    /// Byte offset where `depth` was reached.
    pub(crate) at: usize,
}

/// One open bracket (or the file itself) while measuring.
#[derive(Clone, Copy, Default)]
struct Level {
    /// Tokens since syn last unwound at this level.
    run: usize,
    /// `<` not yet closed by `>` since the last `;`: a `,` does not unwind them.
    angles: usize,
    /// `|` since the last `;` (closure parameters): a `,` does not unwind them either.
    pipes: usize,
    /// The last token closed a `{ }` group: the next one tells whether the statement ends.
    after_brace: bool,
}

impl Level {
    fn unwind(&mut self) {
        self.run = 0;
        self.angles = 0;
        self.pipes = 0;
    }
}

/// What the lexer saw.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Token {
    Open,
    Close(u8),
    Punct(u8),
    /// An identifier or keyword; `true` for `else` and `as`, which continue an expression
    /// after a block.
    Word(bool),
    /// A literal or a lifetime.
    Other,
}

/// Measures Rust source (see the module documentation). Linear in the length of `src`.
pub(crate) fn measure(src: &[u8]) -> Shape {
    let mut levels: Vec<Level> = vec![Level::default()];
    // Sum over `levels` of LEVEL_COST + run (the file level costs nothing).
    let mut total = 0usize;
    let mut shape = Shape::default();
    let mut attribute = false;
    let mut i = 0;
    while i < src.len() {
        let start = i;
        let (token, next) = lex(src, i);
        i = next;
        let Some(token) = token else { continue };
        let Some(top) = levels.last_mut() else { break };
        if top.after_brace {
            top.after_brace = false;
            let continues = match token {
                Token::Word(continues) => continues,
                Token::Punct(b) => b".?+-*/%^&|=<>".contains(&b),
                Token::Open => matches!(src[start], b'(' | b'['),
                _ => false,
            };
            if !continues {
                total -= top.run;
                top.unwind();
            }
        }
        // An attribute, `#[…]` or `#![…]`, is parsed in a loop of its own: it adds no depth
        // to what it is attached to.
        if token == Token::Punct(b'#') {
            attribute = true;
            continue;
        }
        if attribute {
            match token {
                Token::Punct(b'!') => continue,
                Token::Open if src[start] == b'[' => {
                    attribute = false;
                    total += LEVEL_COST;
                    levels.push(Level::default());
                    shape.brackets = shape.brackets.max(levels.len() - 1);
                    continue;
                }
                _ => attribute = false,
            }
        }
        match token {
            Token::Open => {
                top.run += 1;
                total += 1 + LEVEL_COST;
                levels.push(Level::default());
                shape.brackets = shape.brackets.max(levels.len() - 1);
            }
            Token::Close(b) => {
                if levels.len() > 1 {
                    if let Some(closed) = levels.pop() {
                        total -= LEVEL_COST + closed.run;
                    }
                }
                if b == b'}' {
                    if let Some(top) = levels.last_mut() {
                        top.after_brace = true;
                    }
                }
            }
            Token::Punct(b';') => {
                total -= top.run;
                top.unwind();
            }
            Token::Punct(b',') => {
                let keep = 2 * top.angles + top.pipes;
                if keep < top.run {
                    total -= top.run - keep;
                    top.run = keep;
                }
            }
            Token::Punct(b) => {
                match b {
                    b'<' => top.angles += 1,
                    // Not the `>` of `->` or `=>`.
                    b'>' if !matches!(src.get(start.wrapping_sub(1)), Some(b'-' | b'=')) => {
                        top.angles = top.angles.saturating_sub(1);
                    }
                    b'|' => top.pipes += 1,
                    _ => {}
                }
                // In a type, `&`, `*` and `<` cost syn the most stack of any token.
                let weight = if matches!(b, b'&' | b'*' | b'<') {
                    2
                } else {
                    1
                };
                top.run += weight;
                total += weight;
            }
            Token::Word(_) | Token::Other => {
                top.run += 1;
                total += 1;
            }
        }
        if total > shape.depth {
            shape.depth = total;
            shape.at = start;
            shape.open = levels.len() - 1;
        }
    }
    shape
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// The token at `i` (or `None` for white space and comments) and where the next one starts.
fn lex(src: &[u8], i: usize) -> (Option<Token>, usize) {
    let b = src[i];
    let at = |k: usize| src.get(k).copied();
    match b {
        b' ' | b'\t' | b'\n' | b'\r' => (None, i + 1),
        b'/' if at(i + 1) == Some(b'/') => {
            let end = memchr::memchr(b'\n', &src[i..]).map_or(src.len(), |n| i + n);
            (None, end)
        }
        b'/' if at(i + 1) == Some(b'*') => (None, block_comment_end(src, i)),
        b'(' | b'[' | b'{' => (Some(Token::Open), i + 1),
        b')' | b']' | b'}' => (Some(Token::Close(b)), i + 1),
        b'"' => (Some(Token::Other), string_end(src, i + 1)),
        b'\'' => (Some(Token::Other), quote_end(src, i)),
        b'0'..=b'9' => {
            let mut j = i + 1;
            while j < src.len() && is_ident(src[j]) {
                j += 1;
            }
            (Some(Token::Other), j)
        }
        _ if is_ident(b) => {
            let mut j = i + 1;
            while j < src.len() && is_ident(src[j]) {
                j += 1;
            }
            let word = &src[i..j];
            // String and character prefixes: b"", c"", r"", r#""#, br"", cr"", b''.
            match (word, at(j)) {
                (b"b" | b"c", Some(b'"')) => return (Some(Token::Other), string_end(src, j + 1)),
                (b"b", Some(b'\'')) => return (Some(Token::Other), quote_end(src, j)),
                (b"r" | b"br" | b"cr", Some(b'"' | b'#')) => {
                    if let Some(end) = raw_string_end(src, j) {
                        return (Some(Token::Other), end);
                    }
                    if word == b"r" && at(j) == Some(b'#') {
                        // A raw identifier, `r#match`.
                        let mut k = j + 1;
                        while k < src.len() && is_ident(src[k]) {
                            k += 1;
                        }
                        return (Some(Token::Word(false)), k);
                    }
                }
                _ => {}
            }
            (Some(Token::Word(word == b"else" || word == b"as")), j)
        }
        _ => (Some(Token::Punct(b)), i + 1),
    }
}

/// After `/*` at `i`: the end of the (nested) block comment.
fn block_comment_end(src: &[u8], i: usize) -> usize {
    let mut depth = 0usize;
    let mut j = i;
    while j + 1 < src.len() {
        match (src[j], src[j + 1]) {
            (b'/', b'*') => {
                depth += 1;
                j += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                j += 2;
                if depth == 0 {
                    return j;
                }
            }
            _ => j += 1,
        }
    }
    src.len()
}

/// From just after an opening `"`: just after the closing one (escapes skipped).
fn string_end(src: &[u8], mut j: usize) -> usize {
    while j < src.len() {
        match src[j] {
            b'\\' => j += 2,
            b'"' => return j + 1,
            _ => j += 1,
        }
    }
    src.len()
}

/// At `'`: a character literal (`'a'`, `'\n'`, `'\u{1F600}'`) or a lifetime or label
/// (`'a`, `'static`); where the token ends.
fn quote_end(src: &[u8], i: usize) -> usize {
    let j = i + 1;
    match src.get(j) {
        None => src.len(),
        Some(b'\\') => {
            // An escape: up to the closing quote (at most `\u{10FFFF}`).
            let mut k = j + 2;
            while k < src.len() && k < j + 12 && src[k] != b'\'' {
                k += 1;
            }
            if src.get(k) == Some(&b'\'') {
                k + 1
            } else {
                j + 1
            }
        }
        Some(&c) => {
            // One character (UTF-8: up to four bytes), then `'` for a literal.
            let width = match c {
                0xF0..=0xFF => 4,
                0xE0..=0xEF => 3,
                0xC0..=0xDF => 2,
                _ => 1,
            };
            if src.get(j + width) == Some(&b'\'') {
                return j + width + 1;
            }
            let mut k = j;
            while k < src.len() && is_ident(src[k]) {
                k += 1;
            }
            k.max(j + 1)
        }
    }
}

/// At the `#`s or `"` after `r`: the end of a raw string, if it is one.
fn raw_string_end(src: &[u8], j: usize) -> Option<usize> {
    let hashes = src[j..].iter().take_while(|&&b| b == b'#').count();
    if src.get(j + hashes) != Some(&b'"') {
        return None;
    }
    let mut k = j + hashes + 1;
    while let Some(n) = memchr::memchr(b'"', &src[k..]) {
        let close = k + n;
        let end = close + 1 + hashes;
        if end <= src.len() && src[close + 1..end].iter().all(|&b| b == b'#') {
            return Some(end);
        }
        k = close + 1;
    }
    Some(src.len())
}

/// Runs `f` on a thread with [`STACK_BYTES`] of stack; `None` when the system refuses the
/// thread (or `f` panics).
pub(crate) fn on_big_stack<R: Send>(f: impl FnOnce() -> R + Send) -> Option<R> {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("envlint-scan-deep".to_owned())
            .stack_size(STACK_BYTES)
            .spawn_scoped(s, f)
            .ok()?
            .join()
            .ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth(src: &str) -> usize {
        measure(src.as_bytes()).depth
    }

    #[test]
    fn brackets_and_chains_count() {
        let parens = format!("fn f() {{ {}x{} }}", "(".repeat(100), ")".repeat(100));
        let shape = measure(parens.as_bytes());
        assert_eq!(shape.brackets, 101);
        assert!(shape.depth >= 100 * LEVEL_COST);
        let sum = format!("fn f() {{ let x = 1{}; }}", " + 1".repeat(1000));
        assert!(depth(&sum) >= 2000);
        let chain = format!("fn f() {{ a{}; }}", ".b()".repeat(1000));
        assert!(depth(&chain) >= 3000);
    }

    #[test]
    fn statements_items_and_lists_unwind() {
        let statements = format!("fn f() {{ {} }}", "let x = a + b;\n".repeat(10_000));
        assert!(depth(&statements) < 50);
        let items = "#[test]\nfn a() { if x { y } else { z } }\n".repeat(10_000);
        assert!(depth(&items) < 50);
        let table = format!("const T: [u8; 10000] = [{}];", "1, ".repeat(10_000));
        assert!(depth(&table) < 50);
        let arms = format!(
            "fn f() {{ match x {{ {} }} }}",
            "A => { y }\n".repeat(10_000)
        );
        assert!(depth(&arms) < 50);
    }

    #[test]
    fn generic_and_closure_commas_do_not_unwind() {
        let generics = format!("type T = {}u8{};", "A<x, ".repeat(1000), ">".repeat(1000));
        assert!(depth(&generics) >= 2000);
        let closures = format!("fn f() {{ let c = {}x; }}", "|a, b| ".repeat(1000));
        assert!(depth(&closures) >= 2000);
        let else_ifs = format!("fn f() {{ if a {{}} {} }}", "else if a {} ".repeat(1000));
        assert!(depth(&else_ifs) >= 3000);
    }

    #[test]
    fn text_that_is_not_code_is_skipped() {
        let src = format!(
            "// {open}\n/* {open} /* nested */ {open} */\nconst S: &str = \"{open}\\\"\";\n\
             const R: &str = r#\"{open}\"#;\nconst B: &[u8] = br\"{open}\";\n\
             const C: char = '(';\nconst D: char = '\\'';\nfn f<'a>(x: &'a str) {{}}",
            open = "(".repeat(5000)
        );
        assert!(depth(&src) < 50, "{}", depth(&src));
    }

    #[test]
    fn ordinary_rust_stays_far_below_the_limits() {
        // This crate's own sources and fixtures.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut deepest = 0;
        for sub in ["src", "tests/fixtures", "examples"] {
            for entry in std::fs::read_dir(dir.join(sub))
                .into_iter()
                .flatten()
                .flatten()
            {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "rs") {
                    let src = std::fs::read(&path).unwrap_or_default();
                    deepest = deepest.max(measure(&src).depth);
                }
            }
        }
        assert!(deepest > 0 && deepest * 10 < MAX_DEPTH, "{deepest}");
    }
}
