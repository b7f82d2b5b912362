//! JavaScript and TypeScript: environment-variable reads found with tree-sitter.
//!
//! Forms (see `docs/read-patterns.md`): `process.env.X`, `process.env["X"]`,
//! `` process.env[`X`] ``, `?.`, `!` (required), `||` / `??` fallbacks (defaulted),
//! destructuring with defaults and rest, one level of aliasing (`const env = process.env`,
//! scoped: a parameter or closer declaration of the same name shadows it),
//! `import.meta.env` (Vite's built-ins left out), `Deno.env.get("X")`, `Bun.env.X`,
//! schemas (t3 `createEnv`, envalid `cleanEnv`, zod `.parse(process.env)`), and
//! `ProcessEnv` / `ImportMetaEnv` declarations (declared). Writes and `delete` are not
//! reads. A computed name is a dynamic read, with a `PREFIX_*` hint when the template or
//! concatenation starts with text; an empty name (`Bun.env.[`) reads nothing.
//!
//! Depth: no limit is needed. tree-sitter parses without recursion; the walks here are
//! loops or keep a stack of their own; parents come from `crate::tree` (one lookup, not a
//! walk from the root), the scope of a node and the scope that declares a name are found
//! once and cached. 32,000 nested parentheses took 49 s when every read climbed the tree
//! with `Node::parent`; scanning is now linear in the size of the file.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use tree_sitter::{Node, Parser, Tree};

use crate::tree::{parse_bounded, text_reads, Ancestry, ParseFailure};
use crate::{Call, DynamicRead, Helper, Kind, Language, Reference, Scan};

/// Which grammar to parse with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// `.js .mjs .cjs .jsx`
    JavaScript,
    /// `.ts .mts .cts`
    TypeScript,
    /// `.tsx`
    Tsx,
}

thread_local! {
    /// One parser per grammar per thread, reused across files.
    static PARSERS: RefCell<HashMap<u8, Parser>> = RefCell::new(HashMap::new());
}

fn parse(dialect: Dialect, src: &str) -> Result<Tree, ParseFailure> {
    PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let parser = match parsers.entry(dialect as u8) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let mut p = Parser::new();
                let lang: tree_sitter::Language = match dialect {
                    Dialect::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
                    Dialect::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
                    Dialect::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
                };
                p.set_language(&lang).map_err(|_| ParseFailure::NoParser)?;
                e.insert(p)
            }
        };
        parse_bounded(parser, src)
    })
}

/// Vite's built-in `import.meta.env` keys: set by Vite, never by the user.
const VITE_BUILTINS: &[&str] = &["MODE", "BASE_URL", "PROD", "DEV", "SSR"];

/// Scans JavaScript or TypeScript source.
pub fn scan(dialect: Dialect, src: &str) -> Scan {
    let language = match dialect {
        Dialect::JavaScript => Language::JavaScript,
        _ => Language::TypeScript,
    };
    let tree = match parse(dialect, src) {
        Ok(tree) => tree,
        Err(failure) => {
            return Scan {
                refs: text_reads(src, language),
                dynamic: Vec::new(),
                warning: Some(failure.warning(src.len())),
                limited: true,
                ..Scan::default()
            }
        }
    };
    let root = tree.root_node();
    let mut s = Scanner {
        src: src.as_bytes(),
        language,
        tree: Ancestry::new(root),
        scopes: RefCell::new(HashMap::new()),
        declared_in: RefCell::new(HashMap::new()),
        aliases: Vec::new(),
        process_aliases: Vec::new(),
        visited: HashSet::new(),
        refs: Vec::new(),
        dynamic: Vec::new(),
        helpers: Vec::new(),
        setters: HashSet::new(),
        runtime_env: Vec::new(),
    };
    // Marker-driven: every read starts at one of these texts (or at an alias of
    // `process.env`), so only the nodes around their occurrences are examined; the rest of
    // the tree (most of a large file) is never walked.
    for marker in MARKERS {
        for at in memchr::memmem::find_iter(s.src, marker.as_bytes()) {
            if !s.word_at(at, marker.len()) {
                continue;
            }
            if let Some(node) = s.tree.find(at, at + marker.len()) {
                s.visit_around(node);
            }
        }
    }
    // `const { env } = process`, `require("node:process")`, `import … from "process"`.
    for needle in PROCESS_MODULE {
        for at in memchr::memmem::find_iter(s.src, needle.as_bytes()) {
            let start = at + needle.len() - 1;
            if let Some(node) = s.tree.find(start, start + 1) {
                s.visit_around(node);
            }
        }
    }
    // Uses of the aliases found so far; an alias can lead to another (`p = process`, then
    // `env = p.env`), so repeat until no new name turns up.
    let mut done: HashSet<String> = HashSet::new();
    loop {
        let mut names: Vec<String> = s
            .aliases
            .iter()
            .chain(&s.process_aliases)
            .map(|(n, _)| n.clone())
            .filter(|n| !done.contains(n))
            .collect();
        names.sort();
        names.dedup();
        if names.is_empty() {
            break;
        }
        for name in names {
            for at in memchr::memmem::find_iter(s.src, name.as_bytes()) {
                if !s.word_at(at, name.len()) {
                    continue;
                }
                if let Some(node) = s.tree.find(at, at + name.len()) {
                    if node.kind() == "identifier" && (s.is_env(node) || s.is_process_alias(node)) {
                        s.visit_around(node);
                    }
                }
            }
            done.insert(name);
        }
    }
    // The reads inside a t3 `runtimeEnv` that a schema key of the same `createEnv` names.
    if !s.runtime_env.is_empty() {
        let runtime = std::mem::take(&mut s.runtime_env);
        s.refs.retain(|r| {
            r.form == "createEnv"
                || !runtime
                    .iter()
                    .any(|(range, keys)| range.contains(&r.span.start) && keys.contains(&r.name))
        });
    }
    // Calls passing a variable name: reads when the callee is one of the project's
    // helpers (resolved across files, see `crate::HelperIndex`).
    let calls = s.calls();
    let helpers = crate::settle_helpers(std::mem::take(&mut s.helpers), &s.setters, &mut s.dynamic);
    let mut scan = Scan {
        refs: s.refs,
        dynamic: s.dynamic,
        warning: None,
        limited: false,
        helpers,
        calls,
    };
    if root.has_error() {
        scan.warning = Some(format!(
            "syntax errors (first near line {}); the reads found are those of the parts that parse",
            first_error_line(root).unwrap_or(1)
        ));
    }
    // A read names a variable: an empty name (`Bun.env.[`, `process.env[""]`) is none.
    scan.refs.retain(|r| !r.name.is_empty());
    scan.refs.sort_by_key(|r| (r.span.start, r.span.end));
    scan
}

/// The line of the first error or missing node, in source order (a walk with a stack of
/// its own, into the subtrees that hold an error only).
fn first_error_line(root: Node) -> Option<usize> {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            return Some(node.start_position().row + 1);
        }
        let mut cursor = node.walk();
        let len = stack.len();
        stack.extend(node.children(&mut cursor).filter(|c| c.has_error()));
        stack[len..].reverse();
    }
    None
}

/// Texts that bind `env` to `process.env` without writing `process.env`
/// (`const { env } = process`, `require("node:process")`, `from "process"`).
pub(crate) const PROCESS_MODULE: &[&str] = &[
    "= process",
    "=process",
    "node:process",
    "\"process\"",
    "'process'",
];

/// Texts every read starts from (also the prefilter: a file without any is not parsed).
pub(crate) const MARKERS: &[&str] = &[
    "process.env",
    "import.meta.env",
    "Bun.env",
    "Deno.env",
    "createEnv",
    "cleanEnv",
    "ProcessEnv",
    "ImportMetaEnv",
];

struct Scanner<'s> {
    src: &'s [u8],
    language: Language,
    /// Nodes at byte ranges, and their parents (see `crate::tree`).
    tree: Ancestry<'s>,
    /// Node id → the nearest enclosing scope, for the nodes asked about so far.
    scopes: RefCell<HashMap<usize, Option<Node<'s>>>>,
    /// (scope id, name) → the id of the nearest scope, from that one outwards, that
    /// declares the name.
    declared_in: RefCell<HashMap<(usize, String), Option<usize>>>,
    /// `const env = process.env`: (name, id of the scope that declares it).
    aliases: Vec<(String, usize)>,
    /// `const p = process` / `process || {}`: names for the process object, same shape.
    process_aliases: Vec<(String, usize)>,
    /// Nodes already examined (several markers can lead to the same node).
    visited: HashSet<usize>,
    refs: Vec<Reference>,
    dynamic: Vec<DynamicRead>,
    /// Helpers found, with the id of their function node and the index of their own read
    /// in `dynamic` (see `crate::settle_helpers`).
    helpers: Vec<(usize, Helper, usize)>,
    /// Functions that write the variable a parameter names (`process.env[key] = value`):
    /// setters, never helpers.
    setters: HashSet<usize>,
    /// t3 `runtimeEnv` objects and the schema keys of their `createEnv` (see `call`).
    runtime_env: Vec<(std::ops::Range<usize>, HashSet<String>)>,
}

fn is_scope(kind: &str) -> bool {
    matches!(
        kind,
        "program"
            | "statement_block"
            | "function_declaration"
            | "function_expression"
            | "arrow_function"
            | "method_definition"
            | "function"
            | "generator_function_declaration"
            | "class_body"
            | "for_statement"
            | "for_in_statement"
    )
}

impl<'s> Scanner<'s> {
    fn text(&self, node: Node) -> &'s str {
        node.utf8_text(self.src).unwrap_or("")
    }

    /// The nearest scope enclosing `node`: found once per node, each climb stopping at the
    /// first node whose scope is already known.
    fn scope_of(&self, node: Node<'s>) -> Option<Node<'s>> {
        let mut climbed = Vec::new();
        let mut cur = node;
        let found = loop {
            if let Some(known) = self.scopes.borrow().get(&cur.id()) {
                break *known;
            }
            climbed.push(cur.id());
            match self.tree.parent(cur) {
                Some(p) if is_scope(p.kind()) => break Some(p),
                Some(p) => cur = p,
                None => break None,
            }
        };
        let mut scopes = self.scopes.borrow_mut();
        for id in climbed {
            scopes.insert(id, found);
        }
        found
    }

    /// Whether `text[at..at+len]` stands alone (not part of a longer identifier).
    fn word_at(&self, at: usize, len: usize) -> bool {
        let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
        let before = at.checked_sub(1).map(|i| self.src[i]);
        let after = self.src.get(at + len).copied();
        // `x.process.env` is another object's property; `...process.env` is a spread.
        let member_of_other = before == Some(b'.') && !self.src[..at].ends_with(b"...");
        !before.is_some_and(ident) && !member_of_other && !after.is_some_and(ident)
    }

    /// Examines the node at a marker and its nearest ancestors (a read, a destructuring,
    /// a schema call or a declaration sits at most a few levels up).
    fn visit_around(&mut self, node: Node<'s>) {
        let mut cur = Some(node);
        for _ in 0..6 {
            let Some(n) = cur else { break };
            if self.visited.insert(n.id()) {
                self.visit(n);
            }
            cur = self.tree.parent(n);
        }
    }

    /// Whether a declaration target (`x`, `{ x }`, `{ k: x }`) binds `name`.
    fn binds(&self, target: Node<'s>, name: &str) -> bool {
        match target.kind() {
            "identifier" => self.text(target) == name,
            "object_pattern" => {
                let mut c = target.walk();
                let found = target.named_children(&mut c).any(|p| match p.kind() {
                    "shorthand_property_identifier_pattern" => self.text(p) == name,
                    "pair_pattern" => p
                        .child_by_field_name("value")
                        .is_some_and(|v| self.binds(v, name)),
                    "object_assignment_pattern" => p
                        .child_by_field_name("left")
                        .is_some_and(|l| self.text(l) == name),
                    _ => false,
                });
                found
            }
            _ => false,
        }
    }

    /// Whether the scope node declares `name` directly (parameters, `let`/`const`/`var`).
    fn declares(&self, scope: Node<'s>, name: &str) -> bool {
        let params = scope
            .child_by_field_name("parameters")
            .or_else(|| scope.child_by_field_name("parameter"));
        if let Some(p) = params {
            if p.kind() == "identifier" {
                return self.text(p) == name;
            }
            let mut c = p.walk();
            for param in p.named_children(&mut c) {
                let id = if param.kind() == "identifier" {
                    Some(param)
                } else {
                    param
                        .child_by_field_name("pattern")
                        .or_else(|| param.child_by_field_name("left"))
                };
                if id.is_some_and(|i| i.kind() == "identifier" && self.text(i) == name) {
                    return true;
                }
            }
        }
        let body = if matches!(scope.kind(), "statement_block" | "program") {
            Some(scope)
        } else {
            None
        };
        let Some(body) = body else { return false };
        let mut c = body.walk();
        for stmt in body.named_children(&mut c) {
            if stmt.kind() == "import_statement" {
                let imported = descendants(stmt).into_iter().any(|n| {
                    n.kind() == "import_specifier"
                        && n.child_by_field_name("alias")
                            .or_else(|| n.child_by_field_name("name"))
                            .is_some_and(|x| self.text(x) == name)
                });
                if imported {
                    return true;
                }
                continue;
            }
            if !matches!(stmt.kind(), "lexical_declaration" | "variable_declaration") {
                continue;
            }
            let mut c2 = stmt.walk();
            for d in stmt.named_children(&mut c2) {
                if d.kind() == "variable_declarator"
                    && d.child_by_field_name("name")
                        .is_some_and(|n| self.binds(n, name))
                {
                    return true;
                }
            }
        }
        false
    }

    /// `process`, `Bun`, `require("process")`, `require("node:process")`.
    fn is_process_module(&self, node: Node<'s>) -> bool {
        let node = unwrap_expr(node);
        match node.kind() {
            "identifier" => matches!(self.text(node), "process" | "Bun"),
            "call_expression" => {
                node.child_by_field_name("function")
                    .is_some_and(|f| self.text(f) == "require")
                    && node
                        .child_by_field_name("arguments")
                        .and_then(|a| a.named_child(0))
                        .and_then(|a| literal(a, self.src))
                        .is_some_and(|m| m == "process" || m == "node:process")
            }
            _ => false,
        }
    }

    /// `import { env } from "node:process"` (or `env as e`): an alias for the whole module.
    fn import_env(&mut self, node: Node<'s>) {
        let Some(source) = node
            .child_by_field_name("source")
            .and_then(|s| literal(s, self.src))
        else {
            return;
        };
        if source != "process" && source != "node:process" {
            return;
        }
        for n in descendants(node) {
            if n.kind() != "import_specifier" {
                continue;
            }
            let name = n.child_by_field_name("name").map(|x| self.text(x));
            if name != Some("env") {
                continue;
            }
            let local = n
                .child_by_field_name("alias")
                .map_or("env", |a| self.text(a))
                .to_owned();
            if let Some(program) = self.scope_of(node) {
                add_alias(&mut self.aliases, local, program.id());
            }
        }
    }

    /// `process.env`, `import.meta.env`, `Bun.env` (not through aliases).
    fn is_direct_env(&self, node: Node<'s>) -> bool {
        let node = unwrap_expr(node);
        if node.kind() != "member_expression" {
            return false;
        }
        let (Some(obj), Some(prop)) = (
            node.child_by_field_name("object"),
            node.child_by_field_name("property"),
        ) else {
            return false;
        };
        if self.text(prop) != "env" {
            return false;
        }
        match obj.kind() {
            "identifier" => {
                matches!(self.text(obj), "process" | "Bun") || self.is_process_alias(obj)
            }
            "meta_property" => self.text(obj) == "import.meta",
            _ => false,
        }
    }

    /// An identifier whose nearest declaration binds it to the process object.
    fn is_process_alias(&self, node: Node<'s>) -> bool {
        self.resolves_to(node, &self.process_aliases)
    }

    /// An environment object: direct, or an identifier whose nearest declaration aliases one.
    fn is_env(&self, node: Node<'s>) -> bool {
        let node = unwrap_expr(node);
        if self.is_direct_env(node) {
            return true;
        }
        node.kind() == "identifier" && self.resolves_to(node, &self.aliases)
    }

    /// Whether identifier `node` names one of `aliases` (name, declaring scope): the nearest
    /// scope declaring the name decides, the alias's own or a shadowing one.
    fn resolves_to(&self, node: Node<'s>, aliases: &[(String, usize)]) -> bool {
        let name = self.text(node);
        if !aliases.iter().any(|(n, _)| n == name) {
            return false;
        }
        let Some(scope) = self.scope_of(node) else {
            return false;
        };
        self.declaring_scope(scope, name)
            .is_some_and(|id| aliases.iter().any(|(a, s)| a == name && *s == id))
    }

    /// The nearest scope, `scope` or one enclosing it, that declares `name`: each (scope,
    /// name) is looked at once, each climb stopping at the first answer already known.
    fn declaring_scope(&self, scope: Node<'s>, name: &str) -> Option<usize> {
        let mut climbed = Vec::new();
        let mut cur = Some(scope);
        let found = loop {
            let Some(s) = cur else { break None };
            let key = (s.id(), name.to_owned());
            if let Some(known) = self.declared_in.borrow().get(&key) {
                break *known;
            }
            if self.declares(s, name) {
                climbed.push(key);
                break Some(s.id());
            }
            climbed.push(key);
            cur = self.scope_of(s);
        };
        let mut memo = self.declared_in.borrow_mut();
        for key in climbed {
            memo.insert(key, found);
        }
        found
    }

    fn is_import_meta(&self, node: Node<'s>) -> bool {
        let node = unwrap_expr(node);
        node.kind() == "member_expression"
            && node
                .child_by_field_name("object")
                .is_some_and(|o| o.kind() == "meta_property")
    }

    fn push(&mut self, name: &str, node: Node<'s>, kind: Kind, form: &'static str) {
        self.refs.push(Reference {
            name: name.to_owned(),
            span: node.byte_range(),
            kind,
            form,
            language: self.language,
            default: None,
        });
    }

    /// Sets the default of the reference just pushed (if one was) from a literal.
    fn set_default(&mut self, before: usize, value: Option<Node<'s>>) {
        let value = value.and_then(|v| default_literal(v, self.src));
        crate::set_default(&mut self.refs, before, value);
    }

    fn visit(&mut self, node: Node<'s>) {
        match node.kind() {
            "import_statement" => self.import_env(node),
            "binary_expression" => self.in_check(node),
            "member_expression" | "subscript_expression" => self.member(node),
            "call_expression" => self.call(node),
            "variable_declarator" => self.destructure(node),
            "interface_declaration" => self.declaration(node),
            _ => {}
        }
    }

    fn member(&mut self, node: Node<'s>) {
        let Some(obj) = node.child_by_field_name("object") else {
            return;
        };
        if !self.is_env(obj) {
            return;
        }
        let form = if self.is_import_meta(obj) {
            "import.meta.env"
        } else if self.text(unwrap_expr(obj)).starts_with("Bun.") {
            "Bun.env"
        } else {
            "process.env"
        };
        let Some(kind) = read_kind(node, &self.tree, |o| self.is_env(o)) else {
            // A write: `process.env[key] = value` in a function makes it a setter.
            if let Some((function, _, _)) = node
                .child_by_field_name("index")
                .and_then(|index| self.param_of(index))
            {
                self.setters.insert(function.id());
            }
            return;
        };
        if node.kind() == "member_expression" {
            let Some(prop) = node.child_by_field_name("property") else {
                return;
            };
            let name = self.text(prop);
            if form == "import.meta.env" && VITE_BUILTINS.contains(&name) {
                return;
            }
            let before = self.refs.len();
            self.push(name, prop, kind, form);
            self.set_default(before, fallback(node, &self.tree));
            return;
        }
        let Some(index) = node.child_by_field_name("index") else {
            return;
        };
        match literal(index, self.src) {
            Some(name) => {
                let before = self.refs.len();
                self.push(&name, index, kind, form);
                self.set_default(before, fallback(node, &self.tree));
            }
            None => {
                // Kept until the file is seen: a helper's read is no dynamic read, a
                // setter's is (see `crate::settle_helpers`).
                if let Some((function, helper)) =
                    self.helper_of(index, fallback(node, &self.tree), kind, form)
                {
                    self.helpers.push((function, helper, self.dynamic.len()));
                }
                self.dynamic.push(DynamicRead {
                    span: index.byte_range(),
                    hint: self.hint(index),
                    form,
                });
            }
        }
    }

    /// The function around `arg` when `arg` is an identifier naming one of its
    /// parameters: the function, the parameter's position, and the parameter names.
    fn param_of(&self, arg: Node<'s>) -> Option<(Node<'s>, usize, Vec<&'s str>)> {
        let arg = unwrap_expr(arg);
        if arg.kind() != "identifier" {
            return None;
        }
        let mut cur = self.tree.parent(arg);
        let function = loop {
            let n = cur?;
            match n.kind() {
                "function_declaration"
                | "generator_function_declaration"
                | "function_expression"
                | "function"
                | "arrow_function"
                | "method_definition" => break n,
                "class_body" | "program" => return None,
                _ => cur = self.tree.parent(n),
            }
        };
        let params: Vec<&str> = match function.child_by_field_name("parameters") {
            Some(list) => parameter_names(list, self.src),
            None => function
                .child_by_field_name("parameter")
                .map(|p| vec![self.text(p)])
                .unwrap_or_default(),
        };
        let text = self.text(arg);
        let index = params.iter().position(|p| *p == text)?;
        Some((function, index, params))
    }

    /// When `arg` (the name of a read) is a parameter of the function around it, that
    /// function as a helper, with its node's id (`default`, the read's fallback, when it
    /// is a parameter too).
    fn helper_of(
        &self,
        arg: Node<'s>,
        default: Option<Node<'s>>,
        kind: Kind,
        form: &'static str,
    ) -> Option<(usize, Helper)> {
        let (function, param, params) = self.param_of(arg)?;
        let name = match function.child_by_field_name("name") {
            Some(name) => name,
            // `const env = (k) => …`, `{ env: (k) => … }`, `exports.env = function (k) …`.
            None => {
                let parent = self.tree.parent(function)?;
                match parent.kind() {
                    "variable_declarator" => parent.child_by_field_name("name")?,
                    "pair" => parent.child_by_field_name("key")?,
                    "assignment_expression" => {
                        let left = parent.child_by_field_name("left")?;
                        left.child_by_field_name("property").unwrap_or(left)
                    }
                    _ => return None,
                }
            }
        };
        if !matches!(
            name.kind(),
            "identifier" | "property_identifier" | "private_property_identifier"
        ) {
            return None;
        }
        let default_param = default
            .map(unwrap_expr)
            .filter(|d| d.kind() == "identifier")
            .and_then(|d| params.iter().position(|p| *p == self.text(d)));
        // A class method's class.
        let owner = (function.kind() == "method_definition")
            .then(|| self.tree.parent(function))
            .flatten()
            .filter(|b| b.kind() == "class_body")
            .and_then(|b| self.tree.parent(b))
            .and_then(|c| c.child_by_field_name("name"))
            .map(|n| self.text(n).to_owned());
        let helper = Helper {
            name: self.text(name).to_owned(),
            owner,
            span: name.byte_range(),
            param,
            default_param,
            kind,
            form,
        };
        Some((function.id(), helper))
    }

    /// Calls with a variable-name literal among their arguments (see
    /// `crate::variable_literals`), each once.
    fn calls(&self) -> Vec<Call> {
        let mut calls = Vec::new();
        for (call, args) in self
            .tree
            .literal_calls(self.src, "arguments", "call_expression")
        {
            let Some(func) = call.child_by_field_name("function") else {
                continue;
            };
            let (callee, receiver) = match func.kind() {
                "identifier" => (func, None),
                "member_expression" => match func.child_by_field_name("property") {
                    Some(p) => {
                        let object = func.child_by_field_name("object").map(unwrap_expr);
                        let name = match object.map(|o| (o.kind(), o)) {
                            Some(("identifier" | "this", o)) => self.text(o),
                            Some(("member_expression", o)) => o
                                .child_by_field_name("property")
                                .map_or("", |n| self.text(n)),
                            _ => "",
                        };
                        (p, Some(name.to_owned()))
                    }
                    None => continue,
                },
                _ => continue,
            };
            let mut c = args.walk();
            let args = args
                .named_children(&mut c)
                .filter(|a| a.kind() != "comment")
                .map(|a| default_literal(a, self.src).map(|v| (v, a.byte_range())))
                .collect();
            let fallback = fallback(call, &self.tree).map(|f| default_literal(f, self.src));
            calls.push(Call {
                callee: self.text(callee).to_owned(),
                receiver,
                args,
                fallback,
            });
        }
        calls
    }

    fn call(&mut self, node: Node<'s>) {
        let Some(func) = node.child_by_field_name("function") else {
            return;
        };
        let args = node.child_by_field_name("arguments");
        let first_arg = args.and_then(|a| a.named_child(0));
        match self.text(func) {
            "Deno.env.get" => {
                if let (Some(arg), Some(kind)) =
                    (first_arg, read_kind(node, &self.tree, |o| self.is_env(o)))
                {
                    match literal(arg, self.src) {
                        Some(name) => {
                            let before = self.refs.len();
                            self.push(&name, arg, kind, "Deno.env.get");
                            self.set_default(before, fallback(node, &self.tree));
                        }
                        None => self.dynamic.push(DynamicRead {
                            span: arg.byte_range(),
                            hint: self.hint(arg),
                            form: "Deno.env.get",
                        }),
                    }
                }
            }
            "createEnv" => {
                // t3-env: `createEnv({ server: {...}, client: {...}, shared: {...} })`.
                let Some(obj) = first_arg.filter(|a| a.kind() == "object") else {
                    return;
                };
                let before = self.refs.len();
                let mut runtime = Vec::new();
                for (key, value) in pairs(obj, self.src) {
                    if matches!(key.as_str(), "server" | "client" | "shared")
                        && value.kind() == "object"
                    {
                        self.schema_keys(value, "createEnv");
                    }
                    if matches!(key.as_str(), "runtimeEnv" | "experimental__runtimeEnv") {
                        runtime.push(value.byte_range());
                    }
                }
                // `runtimeEnv: { X: process.env.X }` hands the schema its values: with the
                // schema key, one read, not two.
                let keys: HashSet<String> =
                    self.refs[before..].iter().map(|r| r.name.clone()).collect();
                self.runtime_env
                    .extend(runtime.into_iter().map(|r| (r, keys.clone())));
            }
            "cleanEnv" => {
                // envalid: `cleanEnv(process.env, { X: str({ default: "d" }) })`.
                let spec = args
                    .and_then(|a| a.named_child(1))
                    .filter(|a| a.kind() == "object");
                if let Some(spec) = spec {
                    self.schema_keys(spec, "cleanEnv");
                }
            }
            _ => {
                // zod: `z.object({...}).parse(process.env)` (or `.safeParse`).
                if func.kind() != "member_expression" {
                    return;
                }
                let method = func.child_by_field_name("property").map(|p| self.text(p));
                if !matches!(method, Some("parse" | "safeParse"))
                    || !first_arg.is_some_and(|a| self.is_env(a))
                {
                    return;
                }
                if let Some(obj) = func
                    .child_by_field_name("object")
                    .and_then(|o| zod_object(o, self.src))
                {
                    self.schema_keys(obj, "zod");
                }
            }
        }
    }

    /// `"X" in process.env`: a presence check.
    fn in_check(&mut self, node: Node<'s>) {
        let is_in = node
            .child_by_field_name("operator")
            .is_some_and(|o| o.kind() == "in");
        let (Some(left), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return;
        };
        if is_in && self.is_env(right) {
            if let Some(name) = literal(left, self.src) {
                self.push(&name, left, Kind::Presence, "in process.env");
            }
        }
    }

    /// Keys of a schema object: required unless the validator is optional or has a default.
    fn schema_keys(&mut self, obj: Node<'s>, form: &'static str) {
        for (key, key_node, value) in keyed_pairs(obj, self.src) {
            let v = self.text(value);
            let kind = if v.contains("default") {
                Kind::Defaulted
            } else if v.contains(".optional()") || v.contains(".nullish()") {
                Kind::Optional
            } else {
                Kind::Required
            };
            self.refs.push(Reference {
                name: key,
                span: key_node.byte_range(),
                kind,
                form,
                language: self.language,
                default: if kind == Kind::Defaulted {
                    schema_default(value, self.src)
                } else {
                    None
                },
            });
        }
    }

    fn destructure(&mut self, node: Node<'s>) {
        let (Some(pattern), Some(value)) = (
            node.child_by_field_name("name"),
            node.child_by_field_name("value"),
        ) else {
            return;
        };
        // `process.env || {}`, `process ?? {}`: the fallback only matters when it is absent.
        let value = without_empty_fallback(value);
        if pattern.kind() == "identifier" && self.is_direct_env(value) {
            // `const env = process.env` (or `p.env` for a process alias).
            if let Some(scope) = self.scope_of(node) {
                let name = self.text(pattern).to_owned();
                add_alias(&mut self.aliases, name, scope.id());
            }
            return;
        }
        let is_process = |v: Node| {
            let v = unwrap_expr(v);
            v.kind() == "identifier" && matches!(self.text(v), "process")
        };
        if pattern.kind() == "identifier" && is_process(value) {
            // `const p = process`: `p.env` is `process.env`.
            if let Some(scope) = self.scope_of(node) {
                let name = self.text(pattern).to_owned();
                add_alias(&mut self.process_aliases, name, scope.id());
            }
            return;
        }
        // `const { env } = process` / `= require("node:process")`: `env` aliases `process.env`.
        if pattern.kind() == "object_pattern" && self.is_process_module(value) {
            let mut c = pattern.walk();
            let binds_env = pattern.named_children(&mut c).any(|p| match p.kind() {
                "shorthand_property_identifier_pattern" => self.text(p) == "env",
                // `{ env = {} }`
                "object_assignment_pattern" => p
                    .child_by_field_name("left")
                    .is_some_and(|l| self.text(l) == "env"),
                _ => false,
            });
            if binds_env {
                if let Some(scope) = self.scope_of(node) {
                    add_alias(&mut self.aliases, "env".to_owned(), scope.id());
                }
            }
            return;
        }
        if pattern.kind() != "object_pattern" || !self.is_env(value) {
            return;
        }
        let mut c = pattern.walk();
        for p in pattern.named_children(&mut c) {
            match p.kind() {
                "shorthand_property_identifier_pattern" => {
                    self.push(self.text(p), p, Kind::Optional, "process.env.destructure");
                }
                "object_assignment_pattern" => {
                    if let Some(left) = p.child_by_field_name("left") {
                        let before = self.refs.len();
                        self.push(
                            self.text(left),
                            left,
                            Kind::Defaulted,
                            "process.env.destructure",
                        );
                        self.set_default(before, p.child_by_field_name("right"));
                    }
                }
                "pair_pattern" => {
                    if let Some(key) = p.child_by_field_name("key") {
                        let defaulted = p
                            .child_by_field_name("value")
                            .is_some_and(|v| v.kind() == "assignment_pattern");
                        let kind = if defaulted {
                            Kind::Defaulted
                        } else {
                            Kind::Optional
                        };
                        match self::key(key, self.src) {
                            Some(name) => {
                                let before = self.refs.len();
                                self.push(&name, key, kind, "process.env.destructure");
                                let right = p
                                    .child_by_field_name("value")
                                    .and_then(|v| v.child_by_field_name("right"));
                                self.set_default(before, right);
                            }
                            None => self.dynamic.push(DynamicRead {
                                span: key.byte_range(),
                                hint: None,
                                form: "process.env.destructure",
                            }),
                        }
                    }
                }
                "rest_pattern" => self.dynamic.push(DynamicRead {
                    span: p.byte_range(),
                    hint: None,
                    form: "process.env.destructure",
                }),
                _ => {}
            }
        }
    }

    /// `interface ProcessEnv { X: string }`, `interface ImportMetaEnv { readonly VITE_X: string }`.
    fn declaration(&mut self, node: Node<'s>) {
        let Some(name) = node.child_by_field_name("name") else {
            return;
        };
        let form = match self.text(name) {
            "ProcessEnv" => "ProcessEnv",
            "ImportMetaEnv" => "ImportMetaEnv",
            _ => return,
        };
        let Some(body) = node.child_by_field_name("body") else {
            return;
        };
        let mut c = body.walk();
        for prop in body.named_children(&mut c) {
            if prop.kind() != "property_signature" {
                continue;
            }
            if let Some(n) = prop.child_by_field_name("name") {
                if let Some(text) = key(n, self.src) {
                    // Vite declares its own built-ins in `ImportMetaEnv`; users never set them.
                    if form == "ImportMetaEnv" && VITE_BUILTINS.contains(&text.as_str()) {
                        continue;
                    }
                    self.push(&text, n, Kind::Declared, form);
                }
            }
        }
    }

    /// `` `APP_${x}` `` → `APP_*`; `"APP_" + x` → `APP_*`.
    fn hint(&self, node: Node<'s>) -> Option<String> {
        let node = unwrap_expr(node);
        match node.kind() {
            "template_string" => {
                let mut c = node.walk();
                let first = node.named_children(&mut c).next()?;
                (first.kind() == "string_fragment").then(|| format!("{}*", self.text(first)))
            }
            "binary_expression" => {
                let left = node.child_by_field_name("left")?;
                literal(left, self.src)
                    .filter(|s| !s.is_empty())
                    .map(|s| format!("{s}*"))
            }
            _ => None,
        }
    }
}

fn descendants(node: Node) -> Vec<Node> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        out.push(n);
        let mut c = n.walk();
        stack.extend(n.children(&mut c));
    }
    out
}

/// Records `name` as an alias declared in `scope` (once).
fn add_alias(aliases: &mut Vec<(String, usize)>, name: String, scope: usize) {
    if !aliases.iter().any(|(n, s)| *n == name && *s == scope) {
        aliases.push((name, scope));
    }
}

/// `X || {}` / `X ?? {}` → `X`: a fallback object for an absent environment.
fn without_empty_fallback(node: Node) -> Node {
    let n = unwrap_expr(node);
    if n.kind() != "binary_expression" {
        return node;
    }
    let op = n.child_by_field_name("operator").map(|o| o.kind());
    let right_empty = n
        .child_by_field_name("right")
        .map(unwrap_expr)
        .is_some_and(|r| r.kind() == "object" && r.named_child_count() == 0);
    match (op, n.child_by_field_name("left")) {
        (Some("||" | "??"), Some(left)) if right_empty => left,
        _ => node,
    }
}

/// Skips parentheses and TS wrappers around an expression.
fn unwrap_expr(mut node: Node) -> Node {
    while matches!(
        node.kind(),
        "parenthesized_expression"
            | "non_null_expression"
            | "as_expression"
            | "satisfies_expression"
    ) {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// How the expression at `node` is used: `None` for a write or `delete`. `is_env` tells
/// whether an expression is an environment object (for `A || process.env.B`).
fn read_kind<'t>(
    node: Node<'t>,
    tree: &Ancestry<'t>,
    is_env: impl Fn(Node<'t>) -> bool,
) -> Option<Kind> {
    let mut child = node;
    let mut parent = tree.parent(node);
    let mut required = false;
    while let Some(p) = parent {
        match p.kind() {
            "parenthesized_expression" | "as_expression" | "satisfies_expression" => {}
            "non_null_expression" => required = true,
            _ => break,
        }
        child = p;
        parent = tree.parent(p);
    }
    let Some(p) = parent else {
        return Some(if required {
            Kind::Required
        } else {
            Kind::Optional
        });
    };
    let is_left = p
        .child_by_field_name("left")
        .is_some_and(|l| l.id() == child.id());
    match p.kind() {
        "assignment_expression" | "augmented_assignment_expression" if is_left => None,
        "unary_expression"
            if p.child_by_field_name("operator")
                .is_some_and(|o| o.kind() == "delete") =>
        {
            None
        }
        "binary_expression" if is_left => {
            let op = p.child_by_field_name("operator").map(|o| o.kind());
            // `A || "d"` falls back to a value; `A || process.env.B` is a truthiness test
            // or a chain of reads, not a default of A.
            let right_is_read = p.child_by_field_name("right").is_some_and(|r| {
                let r = unwrap_expr(r);
                matches!(r.kind(), "member_expression" | "subscript_expression")
                    && r.child_by_field_name("object").is_some_and(&is_env)
            });
            if matches!(op, Some("||" | "??")) && !right_is_read {
                Some(Kind::Defaulted)
            } else {
                Some(if required {
                    Kind::Required
                } else {
                    Kind::Optional
                })
            }
        }
        _ => Some(if required {
            Kind::Required
        } else {
            Kind::Optional
        }),
    }
}

/// An object or interface key: a string literal or a plain identifier.
fn key(node: Node, src: &[u8]) -> Option<String> {
    match node.kind() {
        "property_identifier" | "identifier" | "shorthand_property_identifier" => {
            node.utf8_text(src).ok().map(str::to_owned)
        }
        _ => literal(node, src),
    }
}

/// The expression a read falls back to: `B` in `process.env.A ?? B` or `process.env.A || B`.
fn fallback<'t>(node: Node<'t>, tree: &Ancestry<'t>) -> Option<Node<'t>> {
    let mut child = node;
    let mut parent = tree.parent(node)?;
    while matches!(
        parent.kind(),
        "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
    ) {
        child = parent;
        parent = tree.parent(parent)?;
    }
    let op = parent.child_by_field_name("operator")?;
    let left = parent.child_by_field_name("left")?;
    (parent.kind() == "binary_expression"
        && matches!(op.kind(), "||" | "??")
        && left.id() == child.id())
    .then(|| parent.child_by_field_name("right"))?
}

/// The names of a function's parameters in order, up to the first that is not a plain name
/// (a destructuring pattern or `...rest`): calls pass arguments by position.
fn parameter_names<'s>(list: Node, src: &'s [u8]) -> Vec<&'s str> {
    let mut c = list.walk();
    let mut names = Vec::new();
    for p in list.named_children(&mut c) {
        let name = match p.kind() {
            "identifier" => Some(p),
            "required_parameter" | "optional_parameter" => p.child_by_field_name("pattern"),
            "assignment_pattern" => p.child_by_field_name("left"),
            "comment" => continue,
            _ => None,
        };
        // TypeScript's `this: T` parameter is not passed by callers.
        match name.filter(|n| n.kind() == "identifier" || n.kind() == "this") {
            Some(n) if n.kind() == "this" => continue,
            Some(n) => names.push(n.utf8_text(src).unwrap_or("")),
            None => break,
        }
    }
    names
}

/// A default's text when it is a plain string or number literal.
fn default_literal(node: Node, src: &[u8]) -> Option<String> {
    let node = unwrap_expr(node);
    match node.kind() {
        "number" => node.utf8_text(src).ok().map(str::to_owned),
        "true" | "false" => Some(node.kind().to_owned()),
        _ => literal(node, src),
    }
}

/// The default of a schema validator: `.default("x")` (zod) or `{ default: "x" }` (envalid).
fn schema_default(value: Node, src: &[u8]) -> Option<String> {
    let mut stack = vec![value];
    while let Some(n) = stack.pop() {
        match n.kind() {
            "call_expression" => {
                let is_default = n
                    .child_by_field_name("function")
                    .and_then(|f| f.child_by_field_name("property"))
                    .is_some_and(|p| p.utf8_text(src).ok() == Some("default"));
                if is_default {
                    let arg = n.child_by_field_name("arguments")?.named_child(0)?;
                    return default_literal(arg, src);
                }
            }
            "pair" => {
                let key = n.child_by_field_name("key").and_then(|k| key(k, src));
                if key.as_deref() == Some("default") {
                    return default_literal(n.child_by_field_name("value")?, src);
                }
            }
            _ => {}
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    None
}

/// The text of a string or substitution-free template literal.
fn literal(node: Node, src: &[u8]) -> Option<String> {
    let node = unwrap_expr(node);
    match node.kind() {
        "string" | "template_string" => {
            let mut c = node.walk();
            let mut out = String::new();
            for ch in node.named_children(&mut c) {
                match ch.kind() {
                    "string_fragment" => out.push_str(ch.utf8_text(src).ok()?),
                    _ => return None, // escapes or `${}`: not a plain name
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// `(key, value)` pairs of an object literal with plain keys.
fn pairs<'t>(obj: Node<'t>, src: &[u8]) -> Vec<(String, Node<'t>)> {
    keyed_pairs(obj, src)
        .into_iter()
        .map(|(name, _, v)| (name, v))
        .collect()
}

/// `(key, the node before the value, value)` of each pair of an object literal with a plain
/// key. The node before the value is the key, or a comment between them; found among the
/// pair's children (`Node::prev_named_sibling` would look for the parent from the root).
fn keyed_pairs<'t>(obj: Node<'t>, src: &[u8]) -> Vec<(String, Node<'t>, Node<'t>)> {
    let mut out = Vec::new();
    let mut c = obj.walk();
    for p in obj.named_children(&mut c) {
        if p.kind() != "pair" {
            continue;
        }
        if let (Some(k), Some(v)) = (p.child_by_field_name("key"), p.child_by_field_name("value")) {
            if let Some(name) = key(k, src) {
                let mut c2 = p.walk();
                let before = p
                    .named_children(&mut c2)
                    .take_while(|n| n.id() != v.id())
                    .last()
                    .unwrap_or(v);
                out.push((name, before, v));
            }
        }
    }
    out
}

/// The object literal of `z.object({...})` at the root of a method chain.
fn zod_object<'t>(node: Node<'t>, src: &[u8]) -> Option<Node<'t>> {
    let mut cur = node;
    loop {
        match cur.kind() {
            "call_expression" => {
                let func = cur.child_by_field_name("function")?;
                if func.utf8_text(src).ok()?.ends_with("object") {
                    return cur
                        .child_by_field_name("arguments")?
                        .named_child(0)
                        .filter(|a| a.kind() == "object");
                }
                cur = func;
            }
            "member_expression" => cur = cur.child_by_field_name("object")?,
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(dialect: Dialect, src: &str) -> Vec<(String, &'static str)> {
        scan(dialect, src)
            .refs
            .into_iter()
            .map(|r| (r.name, r.kind.as_str()))
            .collect()
    }

    fn names(v: &[(&str, &'static str)]) -> Vec<(String, &'static str)> {
        v.iter().map(|(n, k)| ((*n).to_owned(), *k)).collect()
    }

    #[test]
    fn member_forms_and_kinds() {
        let src = r#"
            const a = process.env.A!;
            const b = process.env?.B ?? "b";
            const c = process.env["C"] || "c";
            const d = process.env[`D`];
            const e = (process.env.E as string);
            if (process.env.F) {}
            const v = import.meta.env.VITE_KEY;
            const m = import.meta.env.MODE;
            const g = Deno.env.get("G");
            const h = Bun.env.H;
            if (process.env.I || process.env.J) {}
            const { env } = process;
            const k = env.DESTRUCTURED_ALIAS;
            if ("PRESENT" in env) {}
        "#;
        assert_eq!(
            reads(Dialect::TypeScript, src),
            names(&[
                ("A", "required"),
                ("B", "defaulted"),
                ("C", "defaulted"),
                ("D", "optional"),
                ("E", "optional"),
                ("F", "optional"),
                ("VITE_KEY", "optional"),
                ("G", "optional"),
                ("H", "optional"),
                ("I", "optional"),
                ("J", "optional"),
                ("DESTRUCTURED_ALIAS", "optional"),
                ("PRESENT", "presence"),
            ])
        );
    }

    #[test]
    fn what_grep_gets_wrong() {
        let src = r#"
            // process.env.IN_COMMENT
            const s = "process.env.IN_STRING";
            const t = `uses process.env.IN_TEMPLATE_TEXT`;
            process.env.WRITTEN = "1";
            process.env.APPENDED += "x";
            delete process.env.DELETED;
            function f(env) { return env.NOT_PROCESS_ENV; }
        "#;
        assert_eq!(reads(Dialect::JavaScript, src), []);
    }

    #[test]
    fn destructuring_aliases_and_shadowing() {
        let src = r#"
            const { A, B = "b", C: c, ...rest } = process.env;
            const env = process.env;
            const x = env.ALIASED;
            const { D } = env;
            function g(env) { return env.SHADOWED; }
            const h = (env) => env.SHADOWED_TOO;
            function k() { const env = {}; return env.LOCAL; }
            function m() { let penv = process.env; return penv.FIRST_SCOPE; }
            function n() { let penv = process.env; return { ...process.env.SPREAD, x: penv.SECOND_SCOPE }; }
        "#;
        let s = scan(Dialect::JavaScript, src);
        let got: Vec<(String, &str)> = s
            .refs
            .iter()
            .map(|r| (r.name.clone(), r.kind.as_str()))
            .collect();
        assert_eq!(
            got,
            names(&[
                ("A", "optional"),
                ("B", "defaulted"),
                ("C", "optional"),
                ("ALIASED", "optional"),
                ("D", "optional"),
                ("FIRST_SCOPE", "optional"),
                ("SPREAD", "optional"),
                ("SECOND_SCOPE", "optional")
            ])
        );
        assert_eq!(s.dynamic.len(), 1, "the rest pattern reads everything else");
    }

    #[test]
    fn process_module_aliases() {
        let cjs = "const { env } = require(\"node:process\");\nconst d = env.CACHE_DIR;";
        assert_eq!(
            reads(Dialect::JavaScript, cjs),
            names(&[("CACHE_DIR", "optional")])
        );
        let defaulted =
            "const f = () => { const { env = {}, argv = [] } = process; return env.TERM; };";
        assert_eq!(
            reads(Dialect::JavaScript, defaulted),
            names(&[("TERM", "optional")])
        );
        let esm = "import { env as e } from 'node:process';\nexport const x = e.ESM_READ;";
        assert_eq!(
            reads(Dialect::JavaScript, esm),
            names(&[("ESM_READ", "optional")])
        );
    }

    #[test]
    fn dynamic_reads_with_hints() {
        let src = "const a = process.env[`APP_${k}`]; const b = process.env[\"X_\" + k]; const c = process.env[name];";
        let s = scan(Dialect::JavaScript, src);
        let hints: Vec<Option<&str>> = s.dynamic.iter().map(|d| d.hint.as_deref()).collect();
        assert_eq!(hints, [Some("APP_*"), Some("X_*"), None]);
    }

    #[test]
    fn schemas_and_declarations() {
        let src = r#"
            export const env = createEnv({
              server: { DATABASE_URL: z.string().url(), SENTRY: z.string().optional() },
              client: { NEXT_PUBLIC_KEY: z.string().default("k") },
              runtimeEnv: { DATABASE_URL: process.env.DATABASE_URL },
            });
            const e = cleanEnv(process.env, { PORT: port({ default: 3000 }), SECRET: str() });
            const cfg = z.object({ REDIS_URL: z.string() }).parse(process.env);
            declare global { namespace NodeJS { interface ProcessEnv { DECLARED: string; MAYBE?: string } } }
            interface ImportMetaEnv { readonly VITE_API: string; readonly MODE: string }
        "#;
        let mut got = reads(Dialect::TypeScript, src);
        got.sort();
        // The `runtimeEnv` line hands the schema its value: one read of DATABASE_URL.
        assert_eq!(
            got,
            names(&[
                ("DATABASE_URL", "required"),
                ("DECLARED", "declared"),
                ("MAYBE", "declared"),
                ("NEXT_PUBLIC_KEY", "defaulted"),
                ("PORT", "defaulted"),
                ("REDIS_URL", "required"),
                ("SECRET", "required"),
                ("SENTRY", "optional"),
                ("VITE_API", "declared"),
            ])
        );
    }

    #[test]
    fn tsx_and_syntax_errors() {
        let s = scan(
            Dialect::Tsx,
            "export const C = () => <div>{process.env.NEXT_PUBLIC_X}</div>;",
        );
        assert_eq!(s.refs.len(), 1);
        let s = scan(
            Dialect::JavaScript,
            "const a = process.env.BEFORE;\nconst = ;\nconst b = process.env.AFTER;",
        );
        assert!(s.warning.is_some());
        assert!(
            s.refs.iter().any(|r| r.name == "BEFORE") && s.refs.iter().any(|r| r.name == "AFTER")
        );
    }
}
