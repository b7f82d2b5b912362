//! Finding nodes and their ancestors in tree-sitter trees without climbing from the root.
//!
//! Why: a tree-sitter node does not know its parent. `Node::parent` (and the sibling
//! functions built on it) walks down from the root every time, so it costs as much as the
//! node is deep, and climbing k levels costs k times that. The scanners climb from every
//! read (to its scope, to the expression it sits in), so a deeply nested file took time in
//! the square of its depth: 49 s for 32,000 nested parentheses in JavaScript.
//!
//! [`Ancestry`] finds the node at a byte range the way `Node::descendant_for_byte_range`
//! does, with one `TreeCursor` that stays where the previous search ended (the scanners
//! search their markers in source order, so the next one is close by), and records the
//! parent of every node the cursor descends to. A parent is then one hash lookup. Nothing
//! here recurses, so no depth of tree can exhaust the stack; the scanners' own walks over
//! trees use explicit stacks or loops too.
//!
//! [`parse_bounded`] bounds the parse itself: tree-sitter's error recovery takes time in the
//! square of some malformed inputs (4 KB of `-:` took 11 s in Python, `(:` and `+:` as long
//! in JavaScript), so a parse gets a time budget in proportion to the file and a file that
//! runs past it is read by [`text_reads`], a search of the text for the plainest forms.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use tree_sitter::{Node, ParseOptions, Parser, Tree, TreeCursor};

use crate::{Kind, Language, Reference};

/// The time a parse may take: a floor, and per byte about ten times what real files take
/// (4 MB/s in release builds, measured over the corpus: the largest file, 815 KB, in
/// 0.2 s), so that only pathological inputs and debug builds come near it. A 4 MiB file,
/// the largest scanned, gets 9 s.
fn budget(len: usize) -> Duration {
    Duration::from_millis(500) + Duration::from_micros(2 * len as u64)
}

/// Why a parse gave no tree.
pub(crate) enum ParseFailure {
    /// The grammar could not be loaded (a version mismatch: a bug).
    NoParser,
    /// The parse ran past its budget (what it was).
    TooSlow(Duration),
}

/// Parses `src` with `parser`, giving up past the budget for its length.
pub(crate) fn parse_bounded(parser: &mut Parser, src: &str) -> Result<Tree, ParseFailure> {
    let limit = budget(src.len());
    let began = Instant::now();
    let mut check = |_: &tree_sitter::ParseState| {
        if began.elapsed() > limit {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let bytes = src.as_bytes();
    let tree = parser.parse_with_options(
        &mut |at, _| bytes.get(at..).unwrap_or_default(),
        None,
        Some(ParseOptions::new().progress_callback(&mut check)),
    );
    match tree {
        Some(tree) => Ok(tree),
        None if began.elapsed() > limit => {
            // A cancelled parse leaves state behind for a resumed one: start afresh.
            parser.reset();
            Err(ParseFailure::TooSlow(limit))
        }
        None => Err(ParseFailure::NoParser),
    }
}

impl ParseFailure {
    /// The warning for a file whose parse failed, read by [`text_reads`] instead.
    pub(crate) fn warning(&self, len: usize) -> String {
        match self {
            ParseFailure::NoParser => {
                "the parser could not start (please report this); reads were found by a text \
                 search"
                    .to_owned()
            }
            ParseFailure::TooSlow(limit) => format!(
                "parsing these {len} bytes took longer than {:.1} s (malformed code the \
                 parser recovers from slowly); reads were found by a text search",
                limit.as_secs_f64()
            ),
        }
    }
}

/// The reads of a file that could not be parsed, by a search of its text for the plainest
/// forms: `process.env.X`, `process.env["X"]`, `import.meta.env.X` (JavaScript and
/// TypeScript); `os.environ["X"]`, `os.environ.get("X"`, `os.getenv("X"` (Python). No
/// defaults, aliases or schemas: it finds what it can without a tree.
pub(crate) fn text_reads(src: &str, language: Language) -> Vec<Reference> {
    // (text before the name, quoted name, form, kind)
    let shapes: &[(&str, bool, &'static str, Kind)] = match language {
        Language::Python => &[
            ("os.environ[", true, "os.environ[]", Kind::Required),
            ("os.environ.get(", true, "os.environ.get", Kind::Optional),
            ("os.getenv(", true, "os.getenv", Kind::Optional),
        ],
        Language::JavaScript | Language::TypeScript => &[
            ("process.env.", false, "process.env", Kind::Optional),
            ("process.env[", true, "process.env", Kind::Optional),
            ("import.meta.env.", false, "import.meta.env", Kind::Optional),
            ("import.meta.env[", true, "import.meta.env", Kind::Optional),
        ],
        Language::Rust | Language::Compose => &[],
    };
    let bytes = src.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let mut refs = Vec::new();
    for &(prefix, quoted, form, kind) in shapes {
        for at in memchr::memmem::find_iter(bytes, prefix.as_bytes()) {
            if at > 0 && (ident(bytes[at - 1]) || bytes[at - 1] == b'.') {
                continue; // a longer path: `xos.environ[`, `a.process.env.`
            }
            let mut start = at + prefix.len();
            let quote = if quoted {
                match bytes.get(start) {
                    Some(&q @ (b'"' | b'\'' | b'`')) => {
                        start += 1;
                        Some(q)
                    }
                    _ => continue,
                }
            } else {
                None
            };
            let len = bytes[start..].iter().take_while(|&&b| ident(b)).count();
            let end = start + len;
            if len == 0 || (quote.is_some() && bytes.get(end) != quote.as_ref()) {
                continue;
            }
            let (span, close) = match quote {
                Some(_) => (start - 1..end + 1, end + 1),
                None => (start..end, end),
            };
            // `process.env.X(…)` calls a method (`hasOwnProperty`), not a read.
            if quote.is_none() && bytes.get(close) == Some(&b'(') {
                continue;
            }
            refs.push(Reference {
                name: src[start..end].to_owned(),
                span,
                kind,
                form,
                language,
                default: None,
            });
        }
    }
    refs.sort_by_key(|r| (r.span.start, r.span.end));
    refs
}

/// Parents of the nodes found so far, and a cursor for the next search.
pub(crate) struct Ancestry<'t> {
    root: Node<'t>,
    cursor: RefCell<TreeCursor<'t>>,
    /// Node id → its parent.
    parents: RefCell<HashMap<usize, Node<'t>>>,
}

impl<'t> Ancestry<'t> {
    pub(crate) fn new(root: Node<'t>) -> Self {
        Ancestry {
            root,
            cursor: RefCell::new(root.walk()),
            parents: RefCell::new(HashMap::new()),
        }
    }

    /// The calls (nodes of kind `call`) with a variable-name literal directly in their
    /// argument list (of kind `arguments`), each once, in source order, with that list:
    /// where the scanners look for calls of the project's helpers (see
    /// `crate::variable_literals`).
    pub(crate) fn literal_calls(
        &self,
        src: &[u8],
        arguments: &str,
        call: &str,
    ) -> Vec<(Node<'t>, Node<'t>)> {
        let mut seen = std::collections::HashSet::new();
        crate::variable_literals(src)
            .filter_map(|lit| {
                let node = self.find(lit.start, lit.end)?;
                let args = self.parent(node).filter(|a| a.kind() == arguments)?;
                let c = self.parent(args).filter(|c| c.kind() == call)?;
                seen.insert(c.id()).then_some((c, args))
            })
            .collect()
    }

    /// The smallest node that spans `start..end` (anonymous nodes included), as
    /// `Node::descendant_for_byte_range` gives it; its ancestors' parents are then known.
    pub(crate) fn find(&self, start: usize, end: usize) -> Option<Node<'t>> {
        let mut cursor = self.cursor.borrow_mut();
        // Up from where the last search ended, until a node spans the range (or the root).
        while !spans(cursor.node(), start, end) {
            if !cursor.goto_parent() {
                break;
            }
        }
        // Down, into the first child that spans the range, while there is one.
        let mut parents = self.parents.borrow_mut();
        loop {
            let node = cursor.node();
            if !cursor.goto_first_child() {
                break;
            }
            let mut found = false;
            loop {
                let child = cursor.node();
                if spans(child, start, end) {
                    found = true;
                    break;
                }
                // Children are in order: one starting after the range ends the search.
                if start < child.start_byte() || !cursor.goto_next_sibling() {
                    break;
                }
            }
            if !found {
                cursor.goto_parent();
                break;
            }
            parents.insert(cursor.node().id(), node);
        }
        Some(cursor.node())
    }

    /// The parent of `node`: recorded when a search went through it; otherwise found by a
    /// search for its range, or as a last resort by tree-sitter.
    pub(crate) fn parent(&self, node: Node<'t>) -> Option<Node<'t>> {
        if node.id() == self.root.id() {
            return None;
        }
        if let Some(p) = self.recorded(node) {
            return Some(p);
        }
        self.find(node.start_byte(), node.end_byte());
        self.recorded(node).or_else(|| node.parent())
    }

    fn recorded(&self, node: Node<'t>) -> Option<Node<'t>> {
        self.parents.borrow().get(&node.id()).copied()
    }
}

/// Whether `node` spans `start..end` in the sense of `Node::descendant_for_byte_range`: it
/// starts at or before the range and ends at or after it, past its start unless it is
/// empty.
fn spans(node: Node, start: usize, end: usize) -> bool {
    let (s, e) = (node.start_byte(), node.end_byte());
    let past_start = if s == e { e >= start } else { e > start };
    s <= start && e >= end && past_start
}

#[cfg(test)]
mod tests {
    use super::*;
    use tree_sitter::Parser;

    fn parse(src: &str, lang: &tree_sitter::Language) -> Tree {
        let mut p = Parser::new();
        p.set_language(lang).ok();
        p.parse(src, None).unwrap_or_else(|| unreachable!("parses"))
    }

    /// Every range of up to 12 bytes, searched in order (as the scanners do) and out of
    /// order: the same node as tree-sitter's own search, and the same parents.
    fn agrees(src: &str, lang: &tree_sitter::Language) {
        let tree = parse(src, lang);
        let root = tree.root_node();
        let ancestry = Ancestry::new(root);
        let ranges: Vec<(usize, usize)> = (0..src.len())
            .flat_map(|s| (s + 1..=(s + 12).min(src.len())).map(move |e| (s, e)))
            .collect();
        let shuffled = ranges.iter().rev().step_by(7);
        for &(s, e) in ranges.iter().chain(shuffled) {
            let ours = ancestry.find(s, e);
            let theirs = root.descendant_for_byte_range(s, e);
            assert_eq!(ours.map(|n| n.id()), theirs.map(|n| n.id()), "{s}..{e}");
            if let Some(n) = ours {
                assert_eq!(
                    ancestry.parent(n).map(|p| p.id()),
                    n.parent().map(|p| p.id())
                );
            }
        }
    }

    #[test]
    fn finds_what_tree_sitter_finds() {
        agrees(
            "const { A, B = 'b' } = process.env;\nif (x) { f(process.env[`K`] ?? (1 + 2)); }\nconst = ;\nlet s = `a${b}c`;",
            &tree_sitter_javascript::LANGUAGE.into(),
        );
        agrees(
            "import os\nx = os.environ['A']\ndef f(a, *b):\n    return os.getenv(f\"P_{a}\", 1)\ny = (\n",
            &tree_sitter_python::LANGUAGE.into(),
        );
        agrees(
            "const x = <div a=\"1\">{process.env.X as string}</div>;\ntype T = A<B<C>>;",
            &tree_sitter_typescript::LANGUAGE_TSX.into(),
        );
    }

    #[test]
    fn parents_of_a_deep_tree_are_cheap() {
        let depth = 20_000;
        let src = format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth));
        let tree = parse(&src, &tree_sitter_python::LANGUAGE.into());
        let ancestry = Ancestry::new(tree.root_node());
        let mut node = ancestry.find(depth + 4, depth + 5);
        let mut climbed = 0;
        while let Some(n) = node {
            node = ancestry.parent(n);
            climbed += 1;
        }
        assert!(climbed > depth);
    }
}
