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

use std::cell::RefCell;
use std::collections::HashMap;

use tree_sitter::{Node, TreeCursor};

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

    fn parse(src: &str, lang: &tree_sitter::Language) -> tree_sitter::Tree {
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
