//! Python: environment-variable reads found with tree-sitter-python.
//!
//! Forms (see `docs/read-patterns.md`): `os.getenv("X"[, d])`, `os.environ["X"]`,
//! `.get` / `.setdefault` / `.pop`, `"X" in os.environ`, through import aliases
//! (`import os as o`, `from os import environ as E, getenv`); writes (`os.environ["X"] = …`,
//! `del os.environ["X"]`) are not reads. Libraries with their default rules:
//! python-decouple `config("X", default=…)`; django-environ `env("X")`, `env.bool("X", d)`,
//! `env.db()` (DATABASE_URL) and `Env(X=(type, default))` schemes; environs `env.int("X", d)`;
//! pydantic-settings `BaseSettings` fields with `env_prefix`, `alias` / `validation_alias`
//! / `AliasChoices`, required unless they have a default. Computed names are dynamic reads
//! with a `PREFIX_*` hint from f-strings; an empty name reads nothing.
//!
//! Depth: tree-sitter parses without recursion and this module's walks over the tree are
//! loops or use stacks of their own; ancestors come from `crate::tree` (no climbing from
//! the root), so deep nesting costs linear time. One limit remains, and it is
//! tree-sitter-python's: its scanner keeps a stack of indentation widths and saves it in a
//! buffer of 1,024 bytes, two per level; past about 500 levels an assertion in tree-sitter
//! fails and aborts the process (1,000 nested `def`s did). So lines indented more than
//! [`MAX_INDENT_COLUMNS`] columns (the widths are strictly increasing, so the stack can
//! never hold more levels than that) are blanked before parsing, offsets kept, and
//! `Scan::warning` says which were left out. That is 90 levels of four spaces, 45 of tabs;
//! CPython itself refuses more than 100 levels.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use tree_sitter::{Node, Parser};

use crate::tree::{parse_bounded, text_reads, Ancestry, ParseFailure};
use crate::{Call, DynamicRead, Helper, Kind, Language, Reference, Scan};

thread_local! {
    /// One parser per thread, reused across files.
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Which library an `Env` instance comes from (their positional arguments differ).
#[derive(Clone, Copy, PartialEq, Eq)]
enum EnvLib {
    /// django-environ: `env("X", cast, default)`.
    Django,
    /// environs: `env("X", default)`.
    Environs,
}

/// Lines whose indentation is wider than this (in tree-sitter-python's columns: a tab is 8)
/// are not parsed. The scanner's saved state must stay within 1,024 bytes: 2 + up to 255
/// bytes of string delimiters + 2 per indentation level, so 383 levels at most.
const MAX_INDENT_COLUMNS: usize = 360;

/// Scans Python source.
pub fn scan(src: &str) -> Scan {
    let (blanked, indent_warning) = match blank_deep_lines(src) {
        Some((text, warning)) => (Some(text), Some(warning)),
        None => (None, None),
    };
    let src = blanked.as_deref().unwrap_or(src);
    let tree = PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut p = Parser::new();
            p.set_language(&tree_sitter_python::LANGUAGE.into())
                .map_err(|_| ParseFailure::NoParser)?;
            *slot = Some(p);
        }
        let parser = slot.as_mut().ok_or(ParseFailure::NoParser)?;
        parse_bounded(parser, src)
    });
    let tree = match tree {
        Ok(tree) => tree,
        Err(failure) => {
            let warning = failure.warning(src.len());
            return Scan {
                refs: text_reads(src, Language::Python),
                dynamic: Vec::new(),
                warning: Some(match indent_warning {
                    Some(indent) => format!("{indent}; {warning}"),
                    None => warning,
                }),
                limited: true,
                ..Scan::default()
            };
        }
    };
    let root = tree.root_node();
    let mut s = Scanner {
        src: src.as_bytes(),
        tree: Ancestry::new(root),
        os: HashSet::new(),
        environ: HashSet::new(),
        getenv: HashSet::new(),
        decouple: HashSet::new(),
        env_ctor: HashMap::new(),
        base_settings: HashSet::new(),
        env_vars: HashMap::new(),
        scheme_defaults: HashSet::new(),
        refs: Vec::new(),
        dynamic: Vec::new(),
        helpers: Vec::new(),
        setters: HashSet::new(),
        settings_classes: Vec::new(),
    };
    // Marker-driven: only the nodes around occurrences of the names that matter are
    // examined; most of a large file is never walked.
    // 1. Imports (anywhere: also inside functions).
    for at in s.occurrences("import") {
        if let Some(stmt) = s.ancestor(at, "import", &["import_statement", "import_from_statement"])
        {
            s.imports(stmt);
        }
    }
    // 2. `Env` instances.
    let ctors: Vec<String> = s
        .env_ctor
        .keys()
        .map(|k| k.rsplit('.').next().unwrap_or(k).to_owned())
        .collect();
    for ctor in ctors {
        for at in s.occurrences(&ctor) {
            if let Some(assign) = s.ancestor(at, &ctor, &["assignment"]) {
                s.env_instances(assign);
            }
        }
    }
    // 3. Reads: from `environ`, `getenv` and every alias, instance and settings base name.
    let mut markers: Vec<String> = vec!["environ".into(), "getenv".into()];
    markers.extend(s.environ.iter().cloned());
    markers.extend(s.getenv.iter().cloned());
    markers.extend(
        s.decouple
            .iter()
            .map(|d| d.rsplit('.').next().unwrap_or(d).to_owned()),
    );
    markers.extend(s.env_vars.keys().cloned());
    markers.extend(s.base_settings.iter().cloned());
    markers.sort();
    markers.dedup();
    let mut visited = HashSet::new();
    for m in &markers {
        for at in s.occurrences(m) {
            let Some(node) = s.tree.find(at, at + m.len()) else {
                continue;
            };
            let mut cur = Some(node);
            for _ in 0..6 {
                let Some(n) = cur else { break };
                if visited.insert(n.id()) {
                    s.visit(n);
                }
                cur = s.tree.parent(n);
            }
        }
    }
    // 3b. Subclasses of the settings classes found (`class AppSettings(AppLoggingSettings)`),
    //     and theirs, to a fixed point: each adds its own fields.
    let mut done: HashSet<String> = HashSet::new();
    loop {
        let new: Vec<String> = s
            .settings_classes
            .iter()
            .filter(|n| !done.contains(*n))
            .cloned()
            .collect();
        if new.is_empty() {
            break;
        }
        for name in new {
            for at in s.occurrences(&name) {
                if let Some(class) = s.ancestor(at, &name, &["class_definition"]) {
                    if visited.insert(class.id()) {
                        s.visit(class);
                    }
                }
            }
            done.insert(name);
        }
    }
    // 4. environs' `with env.prefixed("APP_"):` blocks prefix the reads inside them.
    let mut blocks: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    if !s.env_vars.is_empty() {
        for at in s.occurrences("prefixed") {
            let Some(with) = s.ancestor(at, "prefixed", &["with_statement"]) else {
                continue;
            };
            if let Some(block) = s.prefixed_block(with) {
                blocks.push(block);
            }
        }
    }
    if !blocks.is_empty() {
        blocks.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
        blocks.dedup();
        for r in &mut s.refs {
            if !matches!(r.form, "env()" | "env.method") {
                continue;
            }
            let prefix: String = blocks
                .iter()
                .filter(|(b, _)| b.start <= r.span.start && r.span.end <= b.end)
                .map(|(_, p)| p.as_str())
                .collect();
            if !prefix.is_empty() {
                r.name = format!("{prefix}{}", r.name);
            }
        }
    }
    // 5. Calls passing a variable name: reads when the callee is one of the project's
    //    helpers (resolved across files, see `crate::HelperIndex`).
    let calls = s.calls();
    let helpers = crate::settle_helpers(std::mem::take(&mut s.helpers), &s.setters, &mut s.dynamic);
    let mut scan = Scan {
        refs: s.refs,
        dynamic: s.dynamic,
        warning: None,
        limited: indent_warning.is_some(),
        helpers,
        calls,
    };
    if indent_warning.is_some() {
        scan.warning = indent_warning;
    } else if root.has_error() {
        scan.warning =
            Some("syntax errors; the reads found are those of the parts that parse".to_owned());
    }
    // A read names a variable: an empty name (`os.environ["]`, `os.getenv("")`) is none.
    scan.refs.retain(|r| !r.name.is_empty());
    scan.refs.sort_by_key(|r| (r.span.start, r.span.end));
    scan
}

/// When a line is indented wider than [`MAX_INDENT_COLUMNS`]: the text with those lines
/// left out, offsets kept, and the warning to give.
///
/// Each run of such lines (blank lines between them included) becomes `(` … `)`, an empty
/// tuple, at the indentation of the body of the line before it, the rest spaces. Spaces
/// alone would do, but the scanner reads a run of white space again for every level it
/// closes after it: 360 levels over 0.5 MB of blanks took seconds. In brackets the white
/// space is one token's worth.
fn blank_deep_lines(src: &str) -> Option<(String, String)> {
    let deep = deep_lines(src.as_bytes(), MAX_INDENT_COLUMNS);
    let (first, _) = *deep.first()?;
    let mut bytes = src.as_bytes().to_vec();
    // Runs of deep lines with only white space between them.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for &(start, end) in &deep {
        match runs.last_mut() {
            Some(run)
                if src.as_bytes()[run.1..start]
                    .iter()
                    .all(u8::is_ascii_whitespace) =>
            {
                run.1 = end;
            }
            _ => runs.push((start, end)),
        }
    }
    for (start, end) in runs {
        for b in bytes[start..end].iter_mut().filter(|b| **b != b'\n') {
            *b = b' ';
        }
        // `(` after the indentation of the first line, `)` first on the last (at column 0,
        // in brackets, it adds no indentation), or right after `(` on a single line.
        let indent = body_indent(&src.as_bytes()[..start]);
        let first_line_end = memchr::memchr(b'\n', &bytes[start..end]).map_or(end, |n| start + n);
        let close = match memchr::memrchr(b'\n', &bytes[start..end]) {
            Some(n) => start + n + 1,
            None => start + indent + 1,
        };
        if start + indent < first_line_end && close < end {
            bytes[start + indent] = b'(';
            bytes[close] = b')';
        }
    }
    // The `(` may sit one column deeper than the limit (the body of a block at the limit);
    // should a run of indentation still be wider (a line continued with `\` into
    // another), nothing is parsed.
    if !deep_lines(&bytes, MAX_INDENT_COLUMNS + 1).is_empty() {
        for b in bytes.iter_mut().filter(|b| **b != b'\n') {
            *b = b' ';
        }
    }
    let text = String::from_utf8(bytes).ok()?;
    let line = src[..first].matches('\n').count() + 1;
    let warning = format!(
        "file too deeply nested (line {line} is indented more than {MAX_INDENT_COLUMNS} \
         columns); {} such line(s) not scanned",
        deep.len()
    );
    Some((text, warning))
}

/// The indentation (in spaces) of a statement after `before`: one more than its last
/// non-blank line's when that line opens a block (ends with `:`), the same otherwise.
fn body_indent(before: &[u8]) -> usize {
    let mut lines = before
        .split(|&b| b == b'\n')
        .rev()
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace));
    let Some(line) = lines.next() else { return 0 };
    let indent = line
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .map(|&b| if b == b'\t' { 8 } else { 1 })
        .sum::<usize>();
    let opens = line.trim_ascii_end().ends_with(b":");
    (indent + usize::from(opens)).min(MAX_INDENT_COLUMNS + 1)
}

/// The lines (byte ranges, line breaks excluded) that start a token after an indentation
/// wider than `limit`, measured as tree-sitter-python's scanner measures it: a space 1, a
/// tab 8, `\r` and form feed back to 0, a backslash before a line break continuing the run.
fn deep_lines(src: &[u8], limit: usize) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut width = 0usize;
    let mut line_start = true;
    let mut i = 0;
    while i < src.len() {
        match src[i] {
            b' ' => width += 1,
            b'\t' => width += 8,
            b'\r' | b'\x0c' => width = 0,
            b'\n' => {
                width = 0;
                line_start = true;
            }
            b'\\' if src.get(i + 1) == Some(&b'\n') => i += 1,
            b'\\' if src[i + 1..].starts_with(b"\r\n") => i += 2,
            _ => {
                if line_start && width > limit {
                    let start = src[..i]
                        .iter()
                        .rposition(|&b| b == b'\n')
                        .map_or(0, |n| n + 1);
                    let end = memchr::memchr(b'\n', &src[i..]).map_or(src.len(), |n| i + n);
                    if out.last().is_none_or(|&(_, e)| e < start) {
                        out.push((start, end));
                    }
                }
                width = 0;
                line_start = false;
            }
        }
        i += 1;
    }
    out
}

fn all_nodes(root: Node) -> Vec<Node> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        out.push(n);
        let mut c = n.walk();
        let children: Vec<Node> = n.children(&mut c).collect();
        stack.extend(children.into_iter().rev());
    }
    out
}

struct Scanner<'s> {
    src: &'s [u8],
    /// Nodes at byte ranges, and their parents (see `crate::tree`).
    tree: Ancestry<'s>,
    /// Names bound to the `os` module.
    os: HashSet<String>,
    /// Names bound to `os.environ`.
    environ: HashSet<String>,
    /// Names bound to `os.getenv`.
    getenv: HashSet<String>,
    /// Names bound to `decouple.config`.
    decouple: HashSet<String>,
    /// Callables that build an `Env` (`Env`, `environ.Env`, `environs.Env`).
    env_ctor: HashMap<String, EnvLib>,
    /// Names bound to pydantic's `BaseSettings`.
    base_settings: HashSet<String>,
    /// Variables holding an `Env` instance.
    env_vars: HashMap<String, EnvLib>,
    /// Names a django-environ scheme gives a default (`Env(DEBUG=(bool, False))`).
    scheme_defaults: HashSet<String>,
    refs: Vec<Reference>,
    dynamic: Vec<DynamicRead>,
    /// Helpers found, with the id of their function node and the index of their own read
    /// in `dynamic` (see `crate::settle_helpers`).
    helpers: Vec<(usize, Helper, usize)>,
    /// Functions that write the variable a parameter names (`os.environ[key] = value`):
    /// setters, never helpers.
    setters: HashSet<usize>,
    /// Settings classes found so far (their subclasses are settings classes too).
    settings_classes: Vec<String>,
}

impl<'s> Scanner<'s> {
    fn text(&self, n: Node) -> &'s str {
        n.utf8_text(self.src).unwrap_or("")
    }

    /// Byte offsets where `word` stands alone (not inside a longer identifier).
    fn occurrences(&self, word: &str) -> Vec<usize> {
        let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        memchr::memmem::find_iter(self.src, word.as_bytes())
            .filter(|&at| {
                let before = at.checked_sub(1).map(|i| self.src[i]);
                let after = self.src.get(at + word.len()).copied();
                !before.is_some_and(ident) && !after.is_some_and(ident)
            })
            .collect()
    }

    /// The nearest ancestor of one of `kinds` of the node at `at..at+len(word)`.
    fn ancestor(&self, at: usize, word: &str, kinds: &[&str]) -> Option<Node<'s>> {
        let mut cur = self.tree.find(at, at + word.len());
        for _ in 0..6 {
            let n = cur?;
            if kinds.contains(&n.kind()) {
                return Some(n);
            }
            cur = self.tree.parent(n);
        }
        None
    }

    fn imports(&mut self, n: Node) {
        match n.kind() {
            "import_statement" => {
                let mut c = n.walk();
                for name in n.children_by_field_name("name", &mut c) {
                    let (module, alias) = self.aliased(name);
                    match module.as_str() {
                        "os" => {
                            self.os.insert(alias);
                        }
                        "environ" => {
                            self.env_ctor.insert(format!("{alias}.Env"), EnvLib::Django);
                        }
                        "environs" => {
                            self.env_ctor
                                .insert(format!("{alias}.Env"), EnvLib::Environs);
                        }
                        "decouple" => {
                            self.decouple.insert(format!("{alias}.config"));
                        }
                        _ => {}
                    }
                }
            }
            "import_from_statement" => {
                let module = n
                    .child_by_field_name("module_name")
                    .map(|m| self.text(m).to_owned())
                    .unwrap_or_default();
                let mut c = n.walk();
                for name in n.children_by_field_name("name", &mut c) {
                    let (item, alias) = self.aliased(name);
                    match (module.as_str(), item.as_str()) {
                        ("os", "environ") => {
                            self.environ.insert(alias);
                        }
                        ("os", "getenv") => {
                            self.getenv.insert(alias);
                        }
                        ("decouple", "config") => {
                            self.decouple.insert(alias);
                        }
                        ("environ", "Env") => {
                            self.env_ctor.insert(alias, EnvLib::Django);
                        }
                        ("environs", "Env") => {
                            self.env_ctor.insert(alias, EnvLib::Environs);
                        }
                        ("pydantic_settings" | "pydantic", "BaseSettings") => {
                            self.base_settings.insert(alias);
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    /// `os` / `os as o` / `environ as E`: (imported name, local name).
    fn aliased(&self, n: Node) -> (String, String) {
        if n.kind() == "aliased_import" {
            let name = n
                .child_by_field_name("name")
                .map(|x| self.text(x))
                .unwrap_or("");
            let alias = n
                .child_by_field_name("alias")
                .map(|x| self.text(x))
                .unwrap_or(name);
            (name.to_owned(), alias.to_owned())
        } else {
            let t = self.text(n).to_owned();
            (t.clone(), t)
        }
    }

    /// `env = environ.Env(DEBUG=(bool, False))`: the variable and its scheme.
    fn env_instances(&mut self, n: Node) {
        if n.kind() != "assignment" {
            return;
        }
        let (Some(left), Some(right)) = (
            n.child_by_field_name("left"),
            n.child_by_field_name("right"),
        ) else {
            return;
        };
        if left.kind() != "identifier" || right.kind() != "call" {
            return;
        }
        let func = right
            .child_by_field_name("function")
            .map(|f| self.text(f))
            .unwrap_or("");
        let Some(&lib) = self.env_ctor.get(func) else {
            return;
        };
        self.env_vars.insert(self.text(left).to_owned(), lib);
        if lib == EnvLib::Django {
            for (name, value) in keywords(right, self.src) {
                if value.kind() == "tuple" && value.named_child_count() >= 2 {
                    self.scheme_defaults.insert(name);
                }
            }
        }
    }

    fn is_os(&self, n: Node) -> bool {
        n.kind() == "identifier" && self.os.contains(self.text(n))
    }

    /// `os.environ` or a name bound to it.
    fn is_environ(&self, n: Node) -> bool {
        match n.kind() {
            "identifier" => self.environ.contains(self.text(n)),
            "attribute" => {
                n.child_by_field_name("object")
                    .is_some_and(|o| self.is_os(o))
                    && n.child_by_field_name("attribute")
                        .is_some_and(|a| self.text(a) == "environ")
            }
            _ => false,
        }
    }

    fn push(&mut self, name: String, at: Node, kind: Kind, form: &'static str) {
        // An empty name (`os.environ["]` recovered from a syntax error) reads nothing, and
        // must not become `APP_` under an environs prefix either.
        if name.is_empty() {
            return;
        }
        self.refs.push(Reference {
            name,
            span: at.byte_range(),
            kind,
            form,
            language: Language::Python,
            default: None,
        });
    }

    /// Sets the default of the reference just pushed (if one was) from a literal.
    fn set_default(&mut self, before: usize, value: Option<Node>) {
        let value = value.and_then(|v| default_literal(v, self.src));
        crate::set_default(&mut self.refs, before, value);
    }

    /// `with env.prefixed("APP_"):` on an environs `Env`: the body's range and the prefix.
    fn prefixed_block(&self, with: Node) -> Option<(std::ops::Range<usize>, String)> {
        let body = with.child_by_field_name("body")?;
        let clause = with.named_child(0).filter(|c| c.kind() == "with_clause")?;
        let mut c = clause.walk();
        let items: Vec<Node> = clause.named_children(&mut c).collect();
        items.into_iter().find_map(|item| {
            let call = item.child_by_field_name("value")?;
            let call = if call.kind() == "as_pattern" {
                call.named_child(0)?
            } else {
                call
            };
            if call.kind() != "call" {
                return None;
            }
            let func = call.child_by_field_name("function")?;
            let object = func.child_by_field_name("object")?;
            let is_prefixed = func.kind() == "attribute"
                && func
                    .child_by_field_name("attribute")
                    .is_some_and(|a| self.text(a) == "prefixed")
                && self.env_vars.get(self.text(object)) == Some(&EnvLib::Environs);
            if !is_prefixed {
                return None;
            }
            let prefix = string(*positional(call).first()?, self.src)?;
            Some((body.byte_range(), prefix))
        })
    }

    fn name_arg(&mut self, arg: Option<Node<'s>>, kind: Kind, form: &'static str) {
        self.name_arg_or_helper(arg, None, kind, form);
    }

    /// The read of the variable `arg` names; when `arg` is a parameter of the function
    /// around it, that function is a helper (and `default`, when it is a parameter too,
    /// its fallback parameter).
    fn name_arg_or_helper(
        &mut self,
        arg: Option<Node<'s>>,
        default: Option<Node<'s>>,
        kind: Kind,
        form: &'static str,
    ) {
        let Some(arg) = arg else { return };
        match string(arg, self.src) {
            Some(name) => self.push(name, arg, kind, form),
            None => {
                // Kept until the file is seen: a helper's read is no dynamic read, a
                // setter's is (see `crate::settle_helpers`).
                if let Some((function, helper)) = self.helper_of(arg, default, kind, form) {
                    self.helpers.push((function, helper, self.dynamic.len()));
                }
                self.dynamic.push(DynamicRead {
                    span: arg.byte_range(),
                    hint: fstring_hint(arg, self.src),
                    form,
                });
            }
        }
    }

    /// The function around `arg` when `arg` is an identifier naming one of its
    /// parameters: the function, the parameter's position as callers pass it (`self` and
    /// `cls` not counted), and those parameter names.
    fn param_of(&self, arg: Node<'s>) -> Option<(Node<'s>, usize, Vec<String>)> {
        if arg.kind() != "identifier" {
            return None;
        }
        let mut cur = self.tree.parent(arg);
        let function = loop {
            let n = cur?;
            match n.kind() {
                "function_definition" => break n,
                "lambda" | "class_definition" | "module" => return None,
                _ => cur = self.tree.parent(n),
            }
        };
        let mut params = parameter_names(function.child_by_field_name("parameters")?, self.src);
        if matches!(params.first().map(String::as_str), Some("self" | "cls")) {
            params.remove(0);
        }
        let index = params.iter().position(|p| p == self.text(arg))?;
        Some((function, index, params))
    }

    /// The helper a read of the variable named by the identifier `arg` makes of the
    /// function around it, when `arg` is one of its parameters, with the function node's
    /// id.
    fn helper_of(
        &self,
        arg: Node<'s>,
        default: Option<Node<'s>>,
        kind: Kind,
        form: &'static str,
    ) -> Option<(usize, Helper)> {
        let (function, param, params) = self.param_of(arg)?;
        let name = function.child_by_field_name("name")?;
        let default_param = default
            .filter(|d| d.kind() == "identifier")
            .and_then(|d| params.iter().position(|p| p == self.text(d)));
        // A method's class: the function sits in the class body (perhaps decorated).
        let mut up = self.tree.parent(function);
        while let Some(n) = up.filter(|n| matches!(n.kind(), "decorated_definition" | "block")) {
            up = self.tree.parent(n);
        }
        let owner = up
            .filter(|n| n.kind() == "class_definition")
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
        for (call, _) in self.tree.literal_calls(self.src, "argument_list", "call") {
            let Some(func) = call.child_by_field_name("function") else {
                continue;
            };
            let (callee, receiver) = match func.kind() {
                "identifier" => (func, None),
                "attribute" => match func.child_by_field_name("attribute") {
                    Some(a) => {
                        let object = func.child_by_field_name("object");
                        let name = match object.map(|o| (o.kind(), o)) {
                            Some(("identifier", o)) => self.text(o),
                            Some(("attribute", o)) => o
                                .child_by_field_name("attribute")
                                .map_or("", |n| self.text(n)),
                            _ => "",
                        };
                        (a, Some(name.to_owned()))
                    }
                    None => continue,
                },
                _ => continue,
            };
            let args = positional(call)
                .into_iter()
                .map(|a| default_literal(a, self.src).map(|v| (v, a.byte_range())))
                .collect();
            // `helper("X") or "default"`.
            let fallback = self
                .tree
                .parent(call)
                .filter(|p| p.kind() == "boolean_operator")
                .filter(|p| {
                    p.child_by_field_name("left")
                        .is_some_and(|l| l.id() == call.id())
                })
                .filter(|p| {
                    p.child_by_field_name("operator")
                        .is_some_and(|o| self.text(o) == "or")
                })
                .and_then(|p| p.child_by_field_name("right"))
                .map(|r| default_literal(r, self.src));
            calls.push(Call {
                callee: self.text(callee).to_owned(),
                receiver,
                args,
                fallback,
            });
        }
        calls
    }

    fn visit(&mut self, n: Node<'s>) {
        match n.kind() {
            "subscript" => {
                let Some(value) = n.child_by_field_name("value") else {
                    return;
                };
                if !self.is_environ(value) {
                    return;
                }
                if is_write_target(n, &self.tree) {
                    // `os.environ[key] = value` in a function makes it a setter.
                    if let Some((function, _, _)) = n
                        .child_by_field_name("subscript")
                        .and_then(|sub| self.param_of(sub))
                    {
                        self.setters.insert(function.id());
                    }
                    return;
                }
                let sub = n.child_by_field_name("subscript");
                self.name_arg(sub, Kind::Required, "os.environ[]");
            }
            "comparison_operator" => {
                // `"X" in os.environ` / `not in`.
                let mut c = n.walk();
                let parts: Vec<Node> = n.named_children(&mut c).collect();
                let ops = self.text(n);
                if parts.len() == 2 && self.is_environ(parts[1]) && (ops.contains(" in ")) {
                    if let Some(name) = string(parts[0], self.src) {
                        self.push(name, parts[0], Kind::Presence, "in os.environ");
                    }
                }
            }
            "call" => self.call(n),
            "class_definition" => self.settings_class(n),
            _ => {}
        }
    }

    fn call(&mut self, n: Node<'s>) {
        let Some(func) = n.child_by_field_name("function") else {
            return;
        };
        let positional = positional(n);
        let kw = keywords(n, self.src);
        let has_kw = |k: &str| kw.iter().any(|(name, _)| name == k);
        // A default of `None` is no default: absence is still possible.
        let default_given = |pos: usize| {
            positional.get(pos).is_some_and(|d| d.kind() != "none")
                || kw.iter().any(|(k, v)| k == "default" && v.kind() != "none")
        };
        let default_node = |pos: usize| {
            positional
                .get(pos)
                .copied()
                .or_else(|| kw.iter().find(|(k, _)| k == "default").map(|(_, v)| *v))
        };
        let before = self.refs.len();
        let ftext = self.text(func);
        // os.getenv / getenv alias
        let is_getenv = self.getenv.contains(ftext)
            || (func.kind() == "attribute"
                && func
                    .child_by_field_name("object")
                    .is_some_and(|o| self.is_os(o))
                && func
                    .child_by_field_name("attribute")
                    .is_some_and(|a| self.text(a) == "getenv"));
        if is_getenv {
            let kind = if default_given(1) {
                Kind::Defaulted
            } else {
                Kind::Optional
            };
            self.name_arg_or_helper(
                positional.first().copied(),
                default_node(1),
                kind,
                "os.getenv",
            );
            self.set_default(before, default_node(1));
            return;
        }
        if func.kind() == "attribute" {
            let object = func.child_by_field_name("object");
            let method = func
                .child_by_field_name("attribute")
                .map(|a| self.text(a))
                .unwrap_or("");
            if object.is_some_and(|o| self.is_environ(o)) {
                let kind = match method {
                    "get" | "pop" if default_given(1) => Kind::Defaulted,
                    "get" | "pop" => Kind::Optional,
                    // `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.settings")` as a
                    // statement provides the variable (to Django, to child processes); only
                    // a setdefault whose value is used reads it.
                    "setdefault"
                        if self
                            .tree
                            .parent(n)
                            .is_some_and(|p| p.kind() == "expression_statement") =>
                    {
                        return
                    }
                    "setdefault" => Kind::Defaulted,
                    _ => return,
                };
                self.name_arg_or_helper(
                    positional.first().copied(),
                    default_node(1),
                    kind,
                    "os.environ.get",
                );
                self.set_default(before, default_node(1));
                return;
            }
            // env.str("X", default) on an Env instance.
            if let Some(&lib) = object.and_then(|o| self.env_vars.get(self.text(o))) {
                self.env_method(n, method, lib, &positional, &kw);
                return;
            }
        }
        if self.decouple.contains(ftext) {
            let kind = if has_kw("default") {
                Kind::Defaulted
            } else {
                Kind::Required
            };
            self.name_arg(positional.first().copied(), kind, "decouple.config");
            self.set_default(before, default_node(usize::MAX));
            return;
        }
        if let Some(&lib) = self.env_vars.get(ftext) {
            // env("X", cast, default) (django-environ) / env("X", default) (environs).
            let default_at = if lib == EnvLib::Django { 2 } else { 1 };
            let name = positional.first().and_then(|a| string(*a, self.src));
            let kind = if positional.len() > default_at
                || has_kw("default")
                || name
                    .as_ref()
                    .is_some_and(|x| self.scheme_defaults.contains(x))
            {
                Kind::Defaulted
            } else {
                Kind::Required
            };
            self.name_arg(positional.first().copied(), kind, "env()");
            self.set_default(before, default_node(default_at));
        }
    }

    fn env_method(
        &mut self,
        n: Node,
        method: &str,
        lib: EnvLib,
        positional: &[Node<'s>],
        kw: &[(String, Node)],
    ) {
        const READERS: &[&str] = &[
            "str",
            "bool",
            "int",
            "float",
            "decimal",
            "list",
            "tuple",
            "dict",
            "json",
            "url",
            "path",
            "db",
            "db_url",
            "cache",
            "cache_url",
            "email",
            "email_url",
            "search_url",
            "date",
            "datetime",
            "timedelta",
            "uuid",
            "log_level",
            "enum",
            "parse_value",
        ];
        if !READERS.contains(&method) {
            return;
        }
        let has_default = positional.len() >= 2 || kw.iter().any(|(k, _)| k == "default");
        let kind = if has_default {
            Kind::Defaulted
        } else {
            Kind::Required
        };
        if positional.is_empty() && lib == EnvLib::Django {
            // django-environ's URL helpers read a fixed variable by default.
            let fixed = match method {
                "db" | "db_url" => "DATABASE_URL",
                "cache" | "cache_url" => "CACHE_URL",
                "email" | "email_url" => "EMAIL_URL",
                "search_url" => "SEARCH_URL",
                _ => return,
            };
            self.push(fixed.to_owned(), n, kind, "env.method");
            return;
        }
        let name = positional.first().and_then(|a| string(*a, self.src));
        let kind = if name
            .as_ref()
            .is_some_and(|x| self.scheme_defaults.contains(x))
        {
            Kind::Defaulted
        } else {
            kind
        };
        let before = self.refs.len();
        self.name_arg(positional.first().copied(), kind, "env.method");
        let default = positional
            .get(1)
            .copied()
            .or_else(|| kw.iter().find(|(k, _)| k == "default").map(|(_, v)| *v));
        self.set_default(before, default);
    }

    /// A pydantic-settings `BaseSettings` subclass: each field is a read of
    /// `env_prefix + FIELD` unless an alias names it.
    fn settings_class(&mut self, n: Node) {
        let Some(supers) = n.child_by_field_name("superclasses") else {
            return;
        };
        let mut c = supers.walk();
        let is_settings = supers.named_children(&mut c).any(|s| {
            self.base_settings.contains(self.text(s))
                || self.text(s).ends_with(".BaseSettings")
                || self.settings_classes.iter().any(|c| c == self.text(s))
        });
        if !is_settings {
            return;
        }
        if let Some(name) = n.child_by_field_name("name") {
            let name = self.text(name).to_owned();
            if !self.settings_classes.contains(&name) {
                self.settings_classes.push(name);
            }
        }
        let Some(body) = n.child_by_field_name("body") else {
            return;
        };
        let stmts: Vec<Node> = {
            let mut c = body.walk();
            body.named_children(&mut c).collect()
        };
        // env_prefix: `model_config = SettingsConfigDict(env_prefix=...)` or `class Config`.
        let mut prefix = String::new();
        for st in &stmts {
            for node in all_nodes(*st) {
                if node.kind() == "keyword_argument"
                    && node
                        .child_by_field_name("name")
                        .is_some_and(|k| self.text(k) == "env_prefix")
                {
                    if let Some(v) = node
                        .child_by_field_name("value")
                        .and_then(|v| string(v, self.src))
                    {
                        prefix = v;
                    }
                }
                if node.kind() == "assignment"
                    && node
                        .child_by_field_name("left")
                        .is_some_and(|l| self.text(l) == "env_prefix")
                {
                    if let Some(v) = node
                        .child_by_field_name("right")
                        .and_then(|v| string(v, self.src))
                    {
                        prefix = v;
                    }
                }
            }
        }
        for st in stmts {
            let Some(assign) = st.named_child(0).filter(|a| a.kind() == "assignment") else {
                continue;
            };
            let (Some(left), Some(_ty)) = (
                assign.child_by_field_name("left"),
                assign.child_by_field_name("type"),
            ) else {
                continue;
            };
            let field = self.text(left);
            if left.kind() != "identifier" || field == "model_config" || field.starts_with('_') {
                continue;
            }
            let right = assign.child_by_field_name("right");
            let mut names = Vec::new();
            let mut kind = if right.is_some() {
                Kind::Defaulted
            } else {
                Kind::Required
            };
            if let Some(r) =
                right.filter(|r| r.kind() == "call" && self.text(*r).starts_with("Field"))
            {
                let pos = positional(r);
                let kw = keywords(r, self.src);
                let has_default = kw
                    .iter()
                    .any(|(k, _)| k == "default" || k == "default_factory")
                    || pos.first().is_some_and(|p| self.text(*p) != "...");
                kind = if has_default {
                    Kind::Defaulted
                } else {
                    Kind::Required
                };
                for (k, v) in &kw {
                    if k == "alias" || k == "validation_alias" {
                        if let Some(s) = string(*v, self.src) {
                            names.push((s, *v));
                        } else if v.kind() == "call" && self.text(*v).starts_with("AliasChoices") {
                            for a in positional(*v) {
                                if let Some(s) = string(a, self.src) {
                                    names.push((s, a));
                                }
                            }
                        }
                    }
                }
            }
            if names.is_empty() {
                // Case-insensitive by default: report the conventional upper-case name.
                names.push((format!("{prefix}{field}").to_ascii_uppercase(), left));
            }
            // The default: `x: int = 3` or `Field(3)` / `Field(default=3)`.
            let default = right.and_then(|r| {
                if r.kind() == "call" && self.text(r).starts_with("Field") {
                    positional(r).first().copied().or_else(|| {
                        keywords(r, self.src)
                            .into_iter()
                            .find(|(k, _)| k == "default")
                            .map(|(_, v)| v)
                    })
                } else {
                    Some(r)
                }
            });
            for (name, at) in names {
                let before = self.refs.len();
                self.push(name, at, kind, crate::PYDANTIC_SETTINGS);
                self.set_default(before, default);
            }
        }
    }
}

/// `os.environ["X"] = v`, `os.environ["X"] += v`, `del os.environ["X"]`.
fn is_write_target<'t>(n: Node<'t>, tree: &Ancestry<'t>) -> bool {
    let Some(p) = tree.parent(n) else {
        return false;
    };
    match p.kind() {
        "assignment" | "augmented_assignment" => p
            .child_by_field_name("left")
            .is_some_and(|l| l.id() == n.id()),
        "delete_statement" => true,
        "expression_list" => tree
            .parent(p)
            .is_some_and(|g| g.kind() == "delete_statement"),
        _ => false,
    }
}

fn positional(call: Node) -> Vec<Node> {
    let Some(args) = call.child_by_field_name("arguments") else {
        return Vec::new();
    };
    let mut c = args.walk();
    args.named_children(&mut c)
        .filter(|a| {
            !matches!(
                a.kind(),
                "keyword_argument" | "comment" | "list_splat" | "dictionary_splat"
            )
        })
        .collect()
}

fn keywords<'t>(call: Node<'t>, src: &[u8]) -> Vec<(String, Node<'t>)> {
    let Some(args) = call.child_by_field_name("arguments") else {
        return Vec::new();
    };
    let mut c = args.walk();
    args.named_children(&mut c)
        .filter(|a| a.kind() == "keyword_argument")
        .filter_map(|a| {
            let name = a
                .child_by_field_name("name")?
                .utf8_text(src)
                .ok()?
                .to_owned();
            Some((name, a.child_by_field_name("value")?))
        })
        .collect()
}

/// The names of a function's parameters, in order (`*args`, `**kwargs` and the bare `*`
/// and `/` markers end or skip positional ones as calls see them: only names before a
/// `*` count).
fn parameter_names(params: Node, src: &[u8]) -> Vec<String> {
    let mut c = params.walk();
    let mut names = Vec::new();
    for p in params.named_children(&mut c) {
        let name = match p.kind() {
            "identifier" => Some(p),
            "default_parameter" | "typed_default_parameter" => p.child_by_field_name("name"),
            "typed_parameter" => p.named_child(0).filter(|n| n.kind() == "identifier"),
            "positional_separator" => continue,
            _ => break, // `*args`, `*`, `**kwargs`: keyword-only from here
        };
        match name.and_then(|n| n.utf8_text(src).ok()) {
            Some(n) => names.push(n.to_owned()),
            None => break,
        }
    }
    names
}

/// A plain string literal's text (no interpolation, no escapes).
fn string(n: Node, src: &[u8]) -> Option<String> {
    if n.kind() != "string" {
        return None;
    }
    let mut out = String::new();
    let mut c = n.walk();
    for ch in n.named_children(&mut c) {
        match ch.kind() {
            "string_start" => {
                let start = ch.utf8_text(src).ok()?;
                if start.to_ascii_lowercase().contains('f') {
                    return None;
                }
            }
            "string_content" => out.push_str(ch.utf8_text(src).ok()?),
            "string_end" => {}
            _ => return None,
        }
    }
    Some(out)
}

/// A default's text when it is a plain string or number literal (`None`, booleans and
/// expressions are not values an env file would hold verbatim).
fn default_literal(n: Node, src: &[u8]) -> Option<String> {
    match n.kind() {
        "integer" | "float" => n.utf8_text(src).ok().map(str::to_owned),
        _ => string(n, src),
    }
}

/// `f"APP_{x}"` → `APP_*`.
fn fstring_hint(n: Node, src: &[u8]) -> Option<String> {
    if n.kind() != "string" {
        return None;
    }
    let mut c = n.walk();
    let parts: Vec<Node> = n.named_children(&mut c).collect();
    match parts.get(1) {
        Some(p)
            if p.kind() == "string_content"
                && parts.get(2).is_some_and(|i| i.kind() == "interpolation") =>
        {
            Some(format!("{}*", p.utf8_text(src).ok()?))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(src: &str) -> Vec<(String, &'static str)> {
        let mut v: Vec<(String, &'static str)> = scan(src)
            .refs
            .into_iter()
            .map(|r| (r.name, r.kind.as_str()))
            .collect();
        v.sort();
        v
    }

    fn names(v: &[(&str, &'static str)]) -> Vec<(String, &'static str)> {
        let mut v: Vec<(String, &'static str)> =
            v.iter().map(|(n, k)| ((*n).to_owned(), *k)).collect();
        v.sort();
        v
    }

    #[test]
    fn os_forms_aliases_and_kinds() {
        let src = r#"
import os
import os as o
from os import environ as E, getenv
a = os.environ["A"]
b = os.getenv("B")
c = os.getenv("C", "c")
n = os.getenv("NONE_DEFAULT", None)
d = o.environ.get("D")
e = E.get("E", default="e")
f = getenv("F")
g = os.environ.setdefault("G", "g")
if "H" in os.environ: pass
if "I" not in E: pass
"#;
        assert_eq!(
            reads(src),
            names(&[
                ("A", "required"),
                ("B", "optional"),
                ("C", "defaulted"),
                ("NONE_DEFAULT", "optional"),
                ("D", "optional"),
                ("E", "defaulted"),
                ("F", "optional"),
                ("G", "defaulted"),
                ("H", "presence"),
                ("I", "presence"),
            ])
        );
    }

    #[test]
    fn what_grep_gets_wrong() {
        let src = r#"
import os
# os.environ["IN_COMMENT"]
doc = "os.getenv('IN_STRING')"
os.environ["WRITTEN"] = "1"
os.environ["APPENDED"] += "x"
del os.environ["DELETED"]
def f(monkeypatch):
    monkeypatch.setenv("TEST_ONLY", "1")
class Env: pass
env = Env()
env.str("NOT_A_LIBRARY")
"#;
        assert_eq!(reads(src), []);
    }

    #[test]
    fn libraries() {
        let src = r#"
import environ
from decouple import config
from environs import Env as Environs
env = environ.Env(DEBUG=(bool, False))
DEBUG = env("DEBUG")
SECRET = env("SECRET_KEY")
HOSTS = env.list("ALLOWED_HOSTS", default=[])
DB = env.db()
CACHE = env.cache_url("REDIS_URL", "redis://")
TOKEN = config("API_TOKEN")
TIMEOUT = config("TIMEOUT", default=30, cast=int)
e2 = Environs()
PORT = e2.int("PORT", 8000)
NAME = e2.str("SERVICE_NAME")
"#;
        assert_eq!(
            reads(src),
            names(&[
                ("ALLOWED_HOSTS", "defaulted"),
                ("API_TOKEN", "required"),
                ("DATABASE_URL", "required"),
                ("DEBUG", "defaulted"),
                ("PORT", "defaulted"),
                ("REDIS_URL", "defaulted"),
                ("SECRET_KEY", "required"),
                ("SERVICE_NAME", "required"),
                ("TIMEOUT", "defaulted"),
            ])
        );
    }

    #[test]
    fn pydantic_settings() {
        let src = r#"
from pydantic import Field, AliasChoices
from pydantic_settings import BaseSettings, SettingsConfigDict
class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")
    port: int = 8000
    database_url: str
    token: str = Field(..., alias="API_TOKEN")
    region: str = Field("eu", validation_alias=AliasChoices("REGION", "AWS_REGION"))
class NotSettings:
    other: str
"#;
        assert_eq!(
            reads(src),
            names(&[
                ("API_TOKEN", "required"),
                ("APP_DATABASE_URL", "required"),
                ("APP_PORT", "defaulted"),
                ("AWS_REGION", "defaulted"),
                ("REGION", "defaulted"),
            ])
        );
    }

    #[test]
    fn settings_subclasses_and_private_attributes() {
        // mealie: `class AppSettings(AppLoggingSettings)`, the base a `BaseSettings`; a
        // leading `_` is a private attribute, never read from the environment.
        let src = r#"
from pydantic_settings import BaseSettings
class LoggingSettings(BaseSettings):
    log_level: str = "info"
class AppSettings(LoggingSettings):
    base_url: str = "http://localhost"
    _default_email: str = "changeme@example.com"
class DemoSettings(AppSettings):
    is_demo: bool = False
"#;
        assert_eq!(
            reads(src),
            names(&[
                ("BASE_URL", "defaulted"),
                ("IS_DEMO", "defaulted"),
                ("LOG_LEVEL", "defaulted"),
            ])
        );
    }

    #[test]
    fn dynamic_reads_and_errors() {
        let s = scan("import os\nv = os.environ[f\"APP_{k}\"]\nw = os.getenv(name)\nx = (\n");
        let hints: Vec<Option<&str>> = s.dynamic.iter().map(|d| d.hint.as_deref()).collect();
        assert_eq!(hints, [Some("APP_*"), None]);
        assert!(s.warning.is_some());
    }
}
