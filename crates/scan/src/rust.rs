//! Rust: environment-variable reads found with syn's full parser.
//!
//! What counts as a read (see `docs/read-patterns.md`): `std::env::var` / `var_os` and
//! `dotenvy::var` / `dotenv::var` however they are imported or renamed; names written as
//! string literals or held in constants (file, module and associated constants); the kind
//! from the call chain (`unwrap`, `expect`, `?` make it required; `unwrap_or*`, `map_or*`
//! defaulted; `is_ok` presence; anything else optional); `env!` / `option_env!` (build
//! time, names Cargo sets left out); clap's `#[arg(env …)]` derive and `Arg::env("X")`
//! builder. Reads inside macro arguments are found by parsing the arguments as expressions,
//! or, when that fails (`lazy_static!` bodies), by a token scan. Writes (`set_var`,
//! `Command::env(k, v)`) are not reads and are never matched.
//!
//! Depth: syn recurses as deep as the source nests, so a file is measured first
//! (`crate::nesting`): deeper than the limit, it is scanned by tokens only, with a warning;
//! deeper than the caller's stack allows, it is parsed on a thread with a large stack. The
//! walks of this module do not recurse along method chains (a chain of N calls is N levels
//! of syn's tree), and each chain is classified once, from its outermost call.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, ExprCall, ExprLit, Lit, Token};

use crate::{nesting, DynamicRead, Kind, Language, Reference, Scan};

/// Scans Rust source text.
pub fn scan(src: &str) -> Scan {
    // syn strips a BOM and a shebang line before parsing, which would shift every offset;
    // blank them instead so that byte offsets stay those of `src`.
    let blanked = blank_prelude(src);
    let text = blanked.as_deref().unwrap_or(src);
    // Bound syn's recursion before calling it (see `nesting`): too deep, a token scan;
    // deeper than a small stack allows, a thread with a large one.
    let shape = nesting::measure(text.as_bytes());
    let mut limited = shape.depth > nesting::MAX_DEPTH;
    let (mut scanner, warning) = if limited {
        let line = text[..shape.at].matches('\n').count() + 1;
        let warning = format!(
            "file too deeply nested ({} tokens deep, {} of them brackets, at line {line}; the \
             limit is {}); not parsed, the reads found are those of a token scan",
            shape.depth,
            shape.open,
            nesting::MAX_DEPTH
        );
        (token_scan(text), Some(warning))
    } else if shape.depth <= nesting::INLINE_DEPTH {
        parse(text)
    } else {
        nesting::on_big_stack(|| parse(text)).unwrap_or_else(|| {
            limited = true;
            let warning = "no thread with a stack deep enough for this file; not parsed, the \
                           reads found are those of a token scan";
            (token_scan(text), Some(warning.to_owned()))
        })
    };
    scanner.refs.sort_by_key(|r| (r.span.start, r.span.end));
    scanner.refs.dedup();
    // A read names a variable: an empty name (`env::var("")`) is none.
    scanner.refs.retain(|r| !r.name.is_empty());
    Scan {
        refs: scanner.refs,
        dynamic: scanner.dynamic,
        warning,
        limited,
        helpers: std::mem::take(&mut scanner.helpers),
        calls: std::mem::take(&mut scanner.calls),
    }
}

/// Parses `text` with syn and collects its reads (a token scan when it does not parse).
/// Recurses as deep as the source nests: see `nesting` for where this runs.
fn parse(text: &str) -> (Scanner, Option<String>) {
    let mut scanner = Scanner::default();
    let mut warning = None;
    match syn::parse_str::<syn::File>(text) {
        Ok(file) => {
            scanner.collect(&file.items, None);
            scanner.visit_file(&file);
            scanner.resolve_envy();
        }
        Err(e) => {
            let at = e.span().start();
            warning = Some(format!(
                "not valid Rust at line {}, column {}: {e}; reads were found by a token scan",
                at.line,
                at.column + 1
            ));
            scanner = token_scan(text);
        }
    }
    // Spans are kept per thread by proc-macro2; release them once the file is done.
    proc_macro2::extra::invalidate_current_thread_spans();
    (scanner, warning)
}

/// The reads a scan of tokens (or, when the text does not even lex, of the text) finds.
/// Nothing here recurses: fit for any input.
fn token_scan(text: &str) -> Scanner {
    let mut scanner = Scanner::default();
    match text.parse::<TokenStream>() {
        Ok(tokens) => scanner.scan_tokens(tokens),
        // Not even balanced delimiters: look for the call shapes in the text.
        Err(_) => scanner.scan_text(text),
    }
    proc_macro2::extra::invalidate_current_thread_spans();
    scanner
}

fn blank_prelude(src: &str) -> Option<String> {
    let mut end = 0;
    if src.starts_with('\u{feff}') {
        end = 3;
    }
    let rest = &src[end..];
    if rest.starts_with("#!") && !rest[2..].trim_start().starts_with('[') {
        end += rest.find('\n').unwrap_or(rest.len());
    }
    (end > 0).then(|| {
        let mut s = String::with_capacity(src.len());
        s.extend(std::iter::repeat_n(' ', end));
        s.push_str(&src[end..]);
        s
    })
}

/// Functions that read one variable, by canonical path.
fn read_form(path: &str) -> Option<&'static str> {
    Some(match path {
        "std::env::var" => "std::env::var",
        "std::env::var_os" => "std::env::var_os",
        "dotenvy::var" => "dotenvy::var",
        "dotenv::var" => "dotenv::var",
        _ => return None,
    })
}

/// Names Cargo sets for `env!` at build time: never "missing from the example".
fn cargo_provided(name: &str) -> bool {
    name == "CARGO"
        || name.starts_with("CARGO_")
        || name.starts_with("DEP_")
        || matches!(
            name,
            "OUT_DIR"
                | "TARGET"
                | "HOST"
                | "PROFILE"
                | "OPT_LEVEL"
                | "DEBUG"
                | "NUM_JOBS"
                | "RUSTC"
                | "RUSTDOC"
                | "RUSTC_LINKER"
                | "RUSTFLAGS"
                | "RUSTC_WRAPPER"
                | "RUSTC_WORKSPACE_WRAPPER"
        )
}

fn range(span: Span) -> Range<usize> {
    span.byte_range()
}

#[derive(Default)]
struct Scanner {
    /// Local name → canonical path (`use std::env::var as v` gives `v` → `std::env::var`).
    aliases: HashMap<String, String>,
    /// `use std::env::*` is in scope.
    env_glob: bool,
    /// String constants: (owner type or module, name) → value; owner `None` at file level.
    consts: HashMap<(Option<String>, String), String>,
    /// The type of the `impl` block being visited (for `Self::NAME`).
    impl_type: Option<String>,
    /// Calls already classified through their method chain.
    handled: HashSet<Range<usize>>,
    refs: Vec<Reference>,
    dynamic: Vec<DynamicRead>,
    /// Structs with named fields, by name: what `envy::from_env::<T>()` reads.
    structs: HashMap<String, Vec<EnvyField>>,
    /// `envy` deserializations: (struct name, prefix).
    envy: Vec<(String, String)>,
    /// The functions being visited, innermost last: name, its span, parameter names (no
    /// `self`; a pattern parameter is an empty name).
    functions: Vec<Function>,
    helpers: Vec<crate::Helper>,
    calls: Vec<crate::Call>,
}

/// A function being visited (for helpers).
struct Function {
    name: String,
    /// Where its name is written.
    span: Range<usize>,
    /// Its parameters' names (no `self`; a pattern parameter is an empty name).
    params: Vec<String>,
    /// The type of its `impl` block, if any.
    owner: Option<String>,
    /// It sets the variable a parameter names (`env::set_var(key, …)`): a guard or a
    /// setter, not a reader.
    sets: bool,
}

/// A field of a struct envy may fill: the variable is the field's (serde-renamed) name in
/// upper case, after the prefix.
#[derive(Clone, Debug)]
struct EnvyField {
    name: String,
    span: Range<usize>,
    kind: Kind,
}

impl Scanner {
    /// First pass: `use` aliases and string constants, everywhere in the file.
    fn collect(&mut self, items: &[syn::Item], owner: Option<&str>) {
        for item in items {
            match item {
                syn::Item::Use(u) => self.collect_use(&u.tree, &mut Vec::new()),
                syn::Item::Const(c) => {
                    if let Some(v) = str_lit(&c.expr) {
                        self.consts
                            .insert((owner.map(str::to_owned), c.ident.to_string()), v);
                    }
                }
                syn::Item::Static(s) => {
                    if let Some(v) = str_lit(&s.expr) {
                        self.consts
                            .insert((owner.map(str::to_owned), s.ident.to_string()), v);
                    }
                }
                syn::Item::Mod(m) => {
                    if let Some((_, items)) = &m.content {
                        self.collect(items, Some(&m.ident.to_string()));
                    }
                }
                syn::Item::Struct(st) => {
                    if let syn::Fields::Named(named) = &st.fields {
                        let all_default = serde_flag(&st.attrs, "default");
                        let fields = named
                            .named
                            .iter()
                            .filter_map(|f| {
                                let ident = f.ident.as_ref()?;
                                let name = serde_value(&f.attrs, "rename").unwrap_or_else(|| {
                                    ident.to_string().trim_start_matches("r#").to_owned()
                                });
                                let kind = if all_default
                                    || serde_flag(&f.attrs, "default")
                                    || serde_value(&f.attrs, "default").is_some()
                                {
                                    Kind::Defaulted
                                } else if type_name(&f.ty).as_deref() == Some("Option") {
                                    Kind::Optional
                                } else {
                                    Kind::Required
                                };
                                Some(EnvyField {
                                    name: name.to_ascii_uppercase(),
                                    span: range(ident.span()),
                                    kind,
                                })
                            })
                            .collect();
                        self.structs.insert(st.ident.to_string(), fields);
                    }
                }
                syn::Item::Impl(i) => {
                    let ty = type_name(&i.self_ty);
                    for it in &i.items {
                        if let syn::ImplItem::Const(c) = it {
                            if let Some(v) = str_lit(&c.expr) {
                                self.consts.insert((ty.clone(), c.ident.to_string()), v);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn collect_use(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.collect_use(&p.tree, prefix);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                if name == "self" {
                    if let Some(last) = prefix.last() {
                        self.aliases.insert(last.clone(), prefix.join("::"));
                    }
                } else {
                    let full = [prefix.join("::"), name.clone()].join("::");
                    self.aliases.insert(name, full);
                }
            }
            syn::UseTree::Rename(r) => {
                let full = if r.ident == "self" {
                    prefix.join("::")
                } else {
                    [prefix.join("::"), r.ident.to_string()].join("::")
                };
                self.aliases.insert(r.rename.to_string(), full);
            }
            syn::UseTree::Glob(_) => {
                if prefix.join("::") == "std::env" {
                    self.env_glob = true;
                }
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.collect_use(t, prefix);
                }
            }
        }
    }

    /// The canonical path a call's function path denotes.
    fn canonical(&self, path: &syn::Path) -> String {
        let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let Some(first) = segs.first() else {
            return String::new();
        };
        let mut out = match self.aliases.get(first) {
            Some(full) => full.clone(),
            // Without a `use`, `env::var` can only be std's (edition 2018+ paths).
            None if first == "env" => "std::env".to_owned(),
            None if self.env_glob && segs.len() == 1 => format!("std::env::{first}"),
            None => first.clone(),
        };
        for s in &segs[1..] {
            out.push_str("::");
            out.push_str(s);
        }
        out.strip_prefix("::").map(str::to_owned).unwrap_or(out)
    }

    /// A string constant named by `path` (`NAME`, `Self::NAME`, `Type::NAME`, `m::NAME`).
    fn const_value(&self, path: &syn::Path) -> Option<String> {
        let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        let name = segs.last()?.clone();
        let owner = match segs.len() {
            1 => None,
            _ => {
                let o = &segs[segs.len() - 2];
                if o == "Self" {
                    self.impl_type.clone()
                } else {
                    Some(o.clone())
                }
            }
        };
        self.consts
            .get(&(owner, name.clone()))
            .or_else(|| {
                // A unique constant of that name anywhere (imported from another module).
                let mut found = self.consts.iter().filter(|((_, n), _)| *n == name);
                match (found.next(), found.next()) {
                    (Some((_, v)), None) => Some(v),
                    _ => None,
                }
            })
            .cloned()
    }

    /// Records the read of a call's first argument.
    fn record_call(&mut self, call: &ExprCall, form: &'static str, kind: Kind) {
        let Some(arg) = call.args.first() else { return };
        self.record_name(arg, form, kind);
    }

    fn record_name(&mut self, arg: &Expr, form: &'static str, kind: Kind) {
        match peel(arg) {
            Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) => self.refs.push(Reference {
                name: s.value(),
                span: range(s.span()),
                kind,
                form,
                language: Language::Rust,
                default: None,
            }),
            Expr::Path(p) if p.qself.is_none() => match self.const_value(&p.path) {
                Some(name) => self.refs.push(Reference {
                    name,
                    span: range(p.span()),
                    kind,
                    form,
                    language: Language::Rust,
                    default: None,
                }),
                None => {
                    if let Some(helper) = self.helper_of(&p.path, kind, form) {
                        self.helpers.push(helper);
                        return;
                    }
                    self.dynamic.push(DynamicRead {
                        span: range(p.span()),
                        hint: None,
                        form,
                    });
                }
            },
            other => self.dynamic.push(DynamicRead {
                span: range(other.span()),
                hint: hint_of(other),
                form,
            }),
        }
    }

    /// When `path` (the name of a read) is a parameter of the function being visited,
    /// that function as a helper.
    fn helper_of(&self, path: &syn::Path, kind: Kind, form: &'static str) -> Option<crate::Helper> {
        let ident = path.get_ident()?.to_string();
        let f = self.functions.last()?;
        let param = f.params.iter().position(|p| *p == ident)?;
        Some(crate::Helper {
            name: f.name.clone(),
            owner: f.owner.clone(),
            span: f.span.clone(),
            param,
            default_param: None,
            kind,
            form,
        })
    }

    /// `set_var(arg, …)` in the function being visited: when `arg` is one of its
    /// parameters, the function sets the variable rather than reads it.
    fn mark_setter(&mut self, arg: Option<&Expr>) {
        let Some(Expr::Path(p)) = arg.map(peel) else {
            return;
        };
        let Some(ident) = p.path.get_ident().map(ToString::to_string) else {
            return;
        };
        if let Some(f) = self.functions.last_mut() {
            if f.params.contains(&ident) {
                f.sets = true;
            }
        }
    }

    /// Records a call with a variable-name literal among its arguments.
    fn record_helper_call<'a>(
        &mut self,
        callee: String,
        receiver: Option<String>,
        args: impl Iterator<Item = &'a Expr>,
    ) {
        let args: Vec<Option<(String, Range<usize>)>> = args
            .map(|a| match peel(a) {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => Some((s.value(), range(s.span()))),
                _ => None,
            })
            .collect();
        if args
            .iter()
            .flatten()
            .any(|(v, _)| crate::is_variable_name(v))
        {
            self.calls.push(crate::Call {
                callee,
                receiver,
                args,
                fallback: None,
            });
        }
    }

    /// Visits a function with its name and parameters known (for helpers).
    fn with_function(
        &mut self,
        sig: &syn::Signature,
        owner: Option<String>,
        visit: impl FnOnce(&mut Self),
    ) {
        let params = sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                syn::FnArg::Typed(t) => match &*t.pat {
                    syn::Pat::Ident(i) => Some(i.ident.to_string()),
                    _ => Some(String::new()),
                },
                syn::FnArg::Receiver(_) => None,
            })
            .collect();
        self.functions.push(Function {
            name: sig.ident.to_string(),
            span: range(sig.ident.span()),
            params,
            owner,
            sets: false,
        });
        let before = self.helpers.len();
        visit(self);
        if self.functions.pop().is_some_and(|f| f.sets) {
            self.helpers.truncate(before);
        }
    }

    fn env_call<'e>(&self, e: &'e Expr) -> Option<(&'e ExprCall, &'static str)> {
        let Expr::Call(call) = peel(e) else {
            return None;
        };
        self.env_call_form(call).map(|f| (call, f))
    }

    /// The read form of a call to one of the functions that read a variable.
    fn env_call_form(&self, call: &ExprCall) -> Option<&'static str> {
        let Expr::Path(p) = peel(&call.func) else {
            return None;
        };
        read_form(&self.canonical(&p.path))
    }

    /// `envy::from_env::<T>()` or `envy::prefixed("P_").from_env::<T>()`, through `?`,
    /// `.unwrap()` and the like: (the turbofish type if written, the prefix).
    fn envy_call(&self, e: &Expr) -> Option<(Option<String>, String)> {
        let (links, root) = chain_links(e);
        links
            .iter()
            .rev()
            .fold(self.envy_root(root), |below, link| {
                self.envy_link(link, below)
            })
    }

    /// [`Self::envy_call`] at the root of a chain: `envy::from_env::<T>()`.
    fn envy_root(&self, e: &Expr) -> Option<(Option<String>, String)> {
        let Expr::Call(c) = e else { return None };
        let Expr::Path(p) = &*c.func else { return None };
        if self.canonical(&p.path) != "envy::from_env" {
            return None;
        }
        let args = match &p.path.segments.last()?.arguments {
            syn::PathArguments::AngleBracketed(a) => Some(a),
            _ => None,
        };
        Some((turbofish_type(args), String::new()))
    }

    /// [`Self::envy_call`] at one link of a chain, given its value for the link below.
    fn envy_link(
        &self,
        link: &Expr,
        below: Option<(Option<String>, String)>,
    ) -> Option<(Option<String>, String)> {
        match link {
            Expr::Try(_) | Expr::Paren(_) => below,
            Expr::MethodCall(m) if m.method == "from_env" => {
                let Expr::Call(c) = peel(&m.receiver) else {
                    return None;
                };
                let Expr::Path(p) = &*c.func else { return None };
                if self.canonical(&p.path) != "envy::prefixed" {
                    return None;
                }
                let prefix = c.args.first().and_then(str_lit)?;
                Some((turbofish_type(m.turbofish.as_ref()), prefix))
            }
            Expr::MethodCall(m)
                if matches!(
                    m.method.to_string().as_str(),
                    "unwrap" | "expect" | "unwrap_or_else" | "map_err" | "context" | "with_context"
                ) =>
            {
                below
            }
            _ => None,
        }
    }

    /// The fields of the structs envy fills, as reads.
    fn resolve_envy(&mut self) {
        let mut done = HashSet::new();
        for (ty, prefix) in std::mem::take(&mut self.envy) {
            if !done.insert((ty.clone(), prefix.clone())) {
                continue;
            }
            for f in self.structs.get(&ty).into_iter().flatten() {
                self.refs.push(Reference {
                    name: format!("{prefix}{}", f.name),
                    span: f.span.clone(),
                    kind: f.kind,
                    form: "envy",
                    language: Language::Rust,
                    default: None,
                });
            }
        }
    }

    /// Reads in a token stream, in source order. Groups are entered with a stack of their
    /// own, not by recursion: this runs on files too deep for syn.
    fn scan_tokens(&mut self, tokens: TokenStream) {
        let mut stack: Vec<(Vec<TokenTree>, usize)> = vec![(tokens.into_iter().collect(), 0)];
        while let Some((trees, next)) = stack.last_mut() {
            let i = *next;
            let Some(t) = trees.get(i) else {
                stack.pop();
                continue;
            };
            *next += 1;
            if let TokenTree::Group(g) = t {
                let inner = g.stream().into_iter().collect();
                stack.push((inner, 0));
                continue;
            }
            if let Some((trees, _)) = stack.last() {
                self.scan_token_at(trees, i);
            }
        }
    }

    /// `… var ( "X" )` preceded by `env ::`, `std :: env ::`, `dotenvy ::`, at `trees[i]`.
    fn scan_token_at(&mut self, trees: &[TokenTree], i: usize) {
        let TokenTree::Ident(id) = &trees[i] else {
            return;
        };
        let form = match id.to_string().as_str() {
            "var" => "std::env::var",
            "var_os" => "std::env::var_os",
            _ => return,
        };
        let qualified = i >= 3
            && matches!(&trees[i - 1], TokenTree::Punct(p) if p.as_char() == ':')
            && matches!(&trees[i - 3], TokenTree::Ident(m) if m == "env" || m == "dotenvy" || m == "dotenv");
        if !qualified {
            return;
        }
        let Some(TokenTree::Group(args)) = trees.get(i + 1) else {
            return;
        };
        if args.delimiter() != Delimiter::Parenthesis {
            return;
        }
        let form = match &trees[i - 3] {
            TokenTree::Ident(m) if m == "dotenvy" => "dotenvy::var",
            TokenTree::Ident(m) if m == "dotenv" => "dotenv::var",
            _ => form,
        };
        // syn recurses: parse only an argument small enough for any stack; a larger
        // one is no plain name anyway.
        if token_bound(args.stream(), nesting::INLINE_DEPTH) > nesting::INLINE_DEPTH {
            self.dynamic.push(DynamicRead {
                span: range(args.span()),
                hint: None,
                form,
            });
            return;
        }
        let Ok(arg) = syn::parse2::<Expr>(args.stream()) else {
            return;
        };
        // The method right after the call, if any, decides the kind.
        let next = match (trees.get(i + 2), trees.get(i + 3)) {
            (Some(TokenTree::Punct(p)), Some(TokenTree::Ident(m))) if p.as_char() == '.' => {
                vec![m.to_string()]
            }
            (Some(TokenTree::Punct(p)), _) if p.as_char() == '?' => vec!["?".to_owned()],
            _ => Vec::new(),
        };
        let kind = classify(&next, form == "std::env::var_os");
        self.record_name(&arg, form, kind);
    }

    /// Last resort for text that does not lex: `env::var("X")`, `env::var_os("X")`,
    /// `dotenvy::var("X")` with a plain string literal, wherever they appear.
    fn scan_text(&mut self, text: &str) {
        for (needle, form) in [
            ("env::var(\"", "std::env::var"),
            ("env::var_os(\"", "std::env::var_os"),
            ("dotenvy::var(\"", "dotenvy::var"),
        ] {
            for (at, _) in text.match_indices(needle) {
                // A whole path only: `myenv::var(` and `dotenv::var(` are not std's.
                if text[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
                {
                    continue;
                }
                let start = at + needle.len();
                let Some(len) = text[start..].find('"') else {
                    continue;
                };
                let name = &text[start..start + len];
                if name.is_empty() || name.contains(['\\', '\n', '{']) {
                    continue;
                }
                let after = text[start + len + 1..].trim_start_matches(')').trim_start();
                let steps = if after.starts_with(".unwrap()") || after.starts_with(".expect(") {
                    vec!["unwrap".to_owned()]
                } else if after.starts_with('?') {
                    vec!["?".to_owned()]
                } else {
                    Vec::new()
                };
                self.refs.push(Reference {
                    name: name.to_owned(),
                    span: start - 1..start + len + 1,
                    kind: classify(&steps, form == "std::env::var_os"),
                    form,
                    language: Language::Rust,
                    default: None,
                });
            }
        }
    }

    /// A method / `?` chain from its outermost link `head`, `env::var("X").ok().unwrap_or(…)?`:
    /// classified once, from the call at its root and the steps after it, then visited
    /// link by link without recursion (syn nests a chain of N calls N levels deep; walking
    /// down from every link would take time N², recursing N frames).
    fn visit_chain(&mut self, head: &Expr) {
        let (links, root) = chain_links(head);
        if let Some((call, form)) = self.env_call(root) {
            let span = range(call.span());
            if self.handled.insert(span) {
                let steps: Vec<String> = links
                    .iter()
                    .rev()
                    .filter_map(|link| match link {
                        Expr::MethodCall(m) => Some(m.method.to_string()),
                        Expr::Try(_) => Some("?".to_owned()),
                        _ => None,
                    })
                    .collect();
                let kind = classify(&steps, form == "std::env::var_os");
                let before = self.refs.len();
                self.record_call(call, form, kind);
                crate::set_default(&mut self.refs, before, chain_default(head));
            }
        }
        // `envy::from_env::<T>()` seen through any link of the chain.
        let mut envy = self.envy_root(root);
        for link in links.iter().rev() {
            envy = self.envy_link(link, envy);
            if let Some((Some(ty), prefix)) = &envy {
                self.envy.push((ty.clone(), prefix.clone()));
            }
        }
        // What `visit::visit_expr` would do from the head down, in the same order: each
        // link's attributes (and clap's builder check), the root, then each link's
        // arguments from the innermost out.
        for link in &links {
            if let Expr::MethodCall(m) = link {
                self.clap_builder(m);
            }
            for attr in link_attrs(link) {
                self.visit_attribute(attr);
            }
        }
        self.visit_expr(root);
        for link in links.iter().rev() {
            if let Expr::MethodCall(m) = link {
                let receiver = match peel(&m.receiver) {
                    // `self.get("X")` in `impl Config`: a call of Config's own method.
                    Expr::Path(p) if p.path.is_ident("self") => {
                        self.impl_type.clone().or_else(|| Some("self".to_owned()))
                    }
                    Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                    Expr::Field(f) => match &f.member {
                        syn::Member::Named(n) => Some(n.to_string()),
                        syn::Member::Unnamed(_) => None,
                    },
                    _ => None,
                };
                self.record_helper_call(
                    m.method.to_string(),
                    Some(receiver.unwrap_or_default()),
                    m.args.iter(),
                );
                self.visit_ident(&m.method);
                if let Some(t) = &m.turbofish {
                    self.visit_angle_bracketed_generic_arguments(t);
                }
                for arg in &m.args {
                    self.visit_expr(arg);
                }
            }
        }
    }

    /// clap's builder: `Arg::new("x").env("X")` (one argument; `Command::env` has two).
    fn clap_builder(&mut self, m: &syn::ExprMethodCall) {
        if m.method == "env" && m.args.len() == 1 {
            if let Some(Expr::Lit(ExprLit {
                lit: Lit::Str(_), ..
            })) = m.args.first().map(peel)
            {
                if let Some(arg) = m.args.first() {
                    self.record_name(arg, "clap.builder", Kind::Optional);
                }
            }
        }
    }

    fn clap_field(&mut self, field: &syn::Field, rename: Option<&str>) {
        for attr in &field.attrs {
            if !(attr.path().is_ident("arg") || attr.path().is_ident("clap")) {
                continue;
            }
            let syn::Meta::List(list) = &attr.meta else {
                continue;
            };
            let items = split_commas(list.tokens.clone());
            let defaulted = items.iter().any(|t| {
                matches!(t.first(), Some(TokenTree::Ident(i)) if i.to_string().starts_with("default_"))
            });
            let default = items.iter().find_map(|t| match t.first() {
                Some(TokenTree::Ident(i)) if i == "default_value" || i == "default_value_t" => {
                    let value: TokenStream = t.iter().skip(2).cloned().collect();
                    syn::parse2::<Expr>(value)
                        .ok()
                        .as_ref()
                        .and_then(literal_value)
                }
                _ => None,
            });
            let before = self.refs.len();
            for item in &items {
                let Some(TokenTree::Ident(key)) = item.first() else {
                    continue;
                };
                if key != "env" {
                    continue;
                }
                let kind = if defaulted {
                    Kind::Defaulted
                } else if is_optional_type(&field.ty) {
                    Kind::Optional
                } else {
                    Kind::Required
                };
                if item.len() == 1 {
                    // `env` alone: the field's name in SCREAMING_SNAKE_CASE (or as renamed).
                    let Some(ident) = &field.ident else { continue };
                    self.refs.push(Reference {
                        name: env_case(&ident.to_string(), rename),
                        span: range(ident.span()),
                        kind,
                        form: "clap.derive",
                        language: Language::Rust,
                        default: None,
                    });
                } else {
                    let value: TokenStream = item[2..].iter().cloned().collect();
                    if let Ok(expr) = syn::parse2::<Expr>(value) {
                        self.record_name(&expr, "clap.derive", kind);
                    }
                }
            }
            if self.refs.len() > before {
                for r in &mut self.refs[before..] {
                    if r.kind == Kind::Defaulted {
                        r.default.clone_from(&default);
                    }
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Scanner {
    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let outer = std::mem::replace(&mut self.impl_type, type_name(&i.self_ty));
        visit::visit_item_impl(self, i);
        self.impl_type = outer;
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        // `let config: Config = envy::from_env()?;`
        if let (syn::Pat::Type(pt), Some(init)) = (&local.pat, &local.init) {
            if let Some((None, prefix)) = self.envy_call(&init.expr) {
                if let Some(ty) = type_name(&pt.ty) {
                    self.envy.push((ty, prefix));
                }
            }
        }
        visit::visit_local(self, local);
    }

    fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
        let rename = s.attrs.iter().find_map(|a| {
            let syn::Meta::List(list) = &a.meta else {
                return None;
            };
            split_commas(list.tokens.clone())
                .into_iter()
                .find_map(|item| match item.as_slice() {
                    [TokenTree::Ident(k), TokenTree::Punct(_), TokenTree::Literal(l)]
                        if k == "rename_all_env" =>
                    {
                        Some(l.to_string().trim_matches('"').to_owned())
                    }
                    _ => None,
                })
        });
        for field in &s.fields {
            self.clap_field(field, rename.as_deref());
        }
        visit::visit_item_struct(self, s);
    }

    fn visit_expr(&mut self, e: &'ast Expr) {
        if matches!(e, Expr::MethodCall(_) | Expr::Try(_)) {
            self.visit_chain(e);
            return;
        }
        if let Some((Some(ty), prefix)) = self.envy_call(e) {
            self.envy.push((ty, prefix));
        }
        visit::visit_expr(self, e);
    }

    fn visit_expr_call(&mut self, call: &'ast ExprCall) {
        if let Expr::Path(p) = peel(&call.func) {
            if p.path
                .segments
                .last()
                .is_some_and(|s| s.ident == "set_var" || s.ident == "remove_var")
            {
                self.mark_setter(call.args.first());
            }
        }
        if let Some(form) = self.env_call_form(call) {
            let span = range(call.span());
            if self.handled.insert(span) {
                self.record_call(call, form, classify(&[], form == "std::env::var_os"));
            }
        } else if let Expr::Path(p) = peel(&call.func) {
            let segments = &p.path.segments;
            if let Some(last) = segments.last() {
                // `Config::get("X")`: the type (or module) is the receiver; `Self` is the
                // type of the `impl` block around.
                let receiver = (segments.len() > 1).then(|| {
                    let r = segments[segments.len() - 2].ident.to_string();
                    match (&*r, &self.impl_type) {
                        ("Self", Some(ty)) => ty.clone(),
                        _ => r,
                    }
                });
                self.record_helper_call(last.ident.to_string(), receiver, call.args.iter());
            }
        }
        visit::visit_expr_call(self, call);
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.with_function(&f.sig, None, |s| visit::visit_item_fn(s, f));
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        let owner = self.impl_type.clone();
        self.with_function(&f.sig, owner, |s| visit::visit_impl_item_fn(s, f));
    }
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let name = mac.path.segments.last().map(|s| s.ident.to_string());
        match name.as_deref() {
            Some(m @ ("env" | "option_env")) => {
                let args: Result<Punctuated<Expr, Token![,]>, _> =
                    mac.parse_body_with(Punctuated::parse_terminated);
                if let Some(Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                })) = args.ok().as_ref().and_then(|a| a.first()).map(peel)
                {
                    let value = s.value();
                    if !cargo_provided(&value) {
                        self.refs.push(Reference {
                            name: value,
                            span: range(s.span()),
                            kind: Kind::BuildTime,
                            form: if m == "env" { "env!" } else { "option_env!" },
                            language: Language::Rust,
                            default: None,
                        });
                    }
                }
            }
            _ => {
                // Macro arguments: as expressions when they parse (format!, vec!, assert!…),
                // otherwise a token scan (lazy_static!, thread_local!…).
                match mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated) {
                    Ok(args) => {
                        for a in &args {
                            self.visit_expr(a);
                        }
                    }
                    Err(_) => self.scan_tokens(mac.tokens.clone()),
                }
            }
        }
    }
}

/// An upper bound of the depth syn reaches parsing `stream`: every token counts one, every
/// group `LEVEL_COST` more; counting stops past `cap`.
fn token_bound(stream: TokenStream, cap: usize) -> usize {
    let mut total = 0;
    let mut stack = vec![stream.into_iter()];
    while let Some(tokens) = stack.last_mut() {
        match tokens.next() {
            None => {
                stack.pop();
            }
            Some(TokenTree::Group(g)) => {
                total += 1 + nesting::LEVEL_COST;
                stack.push(g.stream().into_iter());
            }
            Some(_) => total += 1,
        }
        if total > cap {
            break;
        }
    }
    total
}

/// The links of a method / `?` chain from `e` down (method calls, `?`, parentheses), and
/// the expression at its root.
fn chain_links(e: &Expr) -> (Vec<&Expr>, &Expr) {
    let mut links = Vec::new();
    let mut cur = e;
    loop {
        match cur {
            Expr::MethodCall(m) => {
                links.push(cur);
                cur = &m.receiver;
            }
            Expr::Try(t) => {
                links.push(cur);
                cur = &t.expr;
            }
            Expr::Paren(p) => {
                links.push(cur);
                cur = &p.expr;
            }
            _ => return (links, cur),
        }
    }
}

/// The attributes of a chain link.
fn link_attrs(link: &Expr) -> &[syn::Attribute] {
    match link {
        Expr::MethodCall(m) => &m.attrs,
        Expr::Try(t) => &t.attrs,
        Expr::Paren(p) => &p.attrs,
        _ => &[],
    }
}

/// The type named first in a turbofish, `::<Config>`.
fn turbofish_type(args: Option<&syn::AngleBracketedGenericArguments>) -> Option<String> {
    args.and_then(|a| a.args.first()).and_then(|g| match g {
        syn::GenericArgument::Type(t) => type_name(t),
        _ => None,
    })
}

/// The literal an `unwrap_or("x")` / `unwrap_or_else(|_| "x".into())` in a call chain falls
/// back to.
fn chain_default(e: &Expr) -> Option<String> {
    let mut cur = e;
    loop {
        match cur {
            Expr::MethodCall(m) => {
                if m.method == "unwrap_or" || m.method == "unwrap_or_else" {
                    return m.args.first().and_then(literal_value);
                }
                cur = &m.receiver;
            }
            Expr::Try(t) => cur = &t.expr,
            Expr::Paren(p) => cur = &p.expr,
            _ => return None,
        }
    }
}

/// A string, number or bool literal, through `.to_string()`, `.into()`, `String::from`,
/// and closures returning one.
fn literal_value(e: &Expr) -> Option<String> {
    match peel(e) {
        Expr::Lit(ExprLit { lit, .. }) => match lit {
            Lit::Str(s) => Some(s.value()),
            Lit::Int(i) => Some(i.base10_digits().to_owned()),
            Lit::Float(f) => Some(f.base10_digits().to_owned()),
            Lit::Bool(b) => Some(b.value.to_string()),
            _ => None,
        },
        Expr::MethodCall(m)
            if m.args.is_empty()
                && matches!(
                    m.method.to_string().as_str(),
                    "to_string" | "to_owned" | "into" | "to_os_string"
                ) =>
        {
            literal_value(&m.receiver)
        }
        Expr::Call(c) if c.args.len() == 1 => match &*c.func {
            Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "from") => {
                c.args.first().and_then(literal_value)
            }
            _ => None,
        },
        Expr::Closure(c) => literal_value(&c.body),
        Expr::Block(b) => match b.block.stmts.as_slice() {
            [syn::Stmt::Expr(e, None)] => literal_value(e),
            _ => None,
        },
        _ => None,
    }
}

/// The kind a chain of steps after the call gives (`var_os` returns an `Option`).
fn classify(steps: &[String], option: bool) -> Kind {
    let mut option = option;
    for s in steps {
        match s.as_str() {
            "is_ok" | "is_err" | "is_some" | "is_none" => return Kind::Presence,
            "unwrap_or" | "unwrap_or_else" | "unwrap_or_default" | "map_or" | "map_or_else"
            | "or" | "or_else" => return Kind::Defaulted,
            "unwrap" | "expect" => return Kind::Required,
            // `?` on the `Result` fails the caller; on an `Option` it only returns `None`.
            "?" => {
                return if option {
                    Kind::Optional
                } else {
                    Kind::Required
                }
            }
            "ok" => option = true,
            _ => {}
        }
    }
    Kind::Optional
}

fn peel(mut e: &Expr) -> &Expr {
    loop {
        e = match e {
            Expr::Paren(p) => &p.expr,
            Expr::Reference(r) => &r.expr,
            Expr::Group(g) => &g.expr,
            _ => return e,
        };
    }
}

fn str_lit(e: &Expr) -> Option<String> {
    match peel(e) {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Some(s.value()),
        _ => None,
    }
}

fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Whether a `#[serde(...)]` attribute has the bare flag `name` (`default`).
fn serde_flag(attrs: &[syn::Attribute], name: &str) -> bool {
    serde_items(attrs)
        .iter()
        .any(|item| matches!(item.as_slice(), [TokenTree::Ident(i)] if i == name))
}

/// The string value of `name = "…"` in a `#[serde(...)]` attribute.
fn serde_value(attrs: &[syn::Attribute], name: &str) -> Option<String> {
    serde_items(attrs)
        .into_iter()
        .find_map(|item| match item.as_slice() {
            [TokenTree::Ident(i), TokenTree::Punct(p), TokenTree::Literal(l)]
                if i == name && p.as_char() == '=' =>
            {
                Some(l.to_string().trim_matches('"').to_owned())
            }
            _ => None,
        })
}

fn serde_items(attrs: &[syn::Attribute]) -> Vec<Vec<TokenTree>> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .filter_map(|a| match &a.meta {
            syn::Meta::List(list) => Some(split_commas(list.tokens.clone())),
            _ => None,
        })
        .flatten()
        .collect()
}

/// `format!("APP_{}", x)` → `APP_*`; `format!("{}_URL", x)` → `*_URL`.
fn hint_of(e: &Expr) -> Option<String> {
    let Expr::Macro(m) = e else { return None };
    if !m.mac.path.is_ident("format") {
        return None;
    }
    let args: Punctuated<Expr, Token![,]> =
        m.mac.parse_body_with(Punctuated::parse_terminated).ok()?;
    let template = str_lit(args.first()?)?;
    let (prefix, rest) = template.split_once('{')?;
    let suffix = rest.rsplit_once('}').map_or("", |(_, s)| s);
    if prefix.is_empty() && suffix.is_empty() {
        return None;
    }
    let suffix = if suffix.contains(['{', '}']) {
        ""
    } else {
        suffix
    };
    Some(format!("{prefix}*{suffix}"))
}

fn is_optional_type(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| matches!(s.ident.to_string().as_str(), "Option" | "bool" | "Vec")),
        _ => false,
    }
}

/// The environment name clap derives from a field name.
fn env_case(field: &str, rename: Option<&str>) -> String {
    let field = field.trim_start_matches("r#");
    match rename {
        Some("kebab-case") => field.replace('_', "-"),
        Some("snake_case" | "lower") => field.to_owned(),
        Some("SCREAMING-KEBAB-CASE") => field.to_ascii_uppercase().replace('_', "-"),
        _ => field.to_ascii_uppercase(),
    }
}

/// Splits an attribute's tokens at top-level commas.
fn split_commas(tokens: TokenStream) -> Vec<Vec<TokenTree>> {
    let mut out = vec![Vec::new()];
    for t in tokens {
        match &t {
            TokenTree::Punct(p) if p.as_char() == ',' => out.push(Vec::new()),
            _ => {
                if let Some(last) = out.last_mut() {
                    last.push(t);
                }
            }
        }
    }
    out.retain(|v| !v.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(src: &str) -> Vec<(String, &'static str, &'static str)> {
        scan(src)
            .refs
            .into_iter()
            .map(|r| (r.name, r.kind.as_str(), r.form))
            .collect()
    }

    #[test]
    fn kinds_from_the_call_chain() {
        let src = r#"
            use std::env;
            fn f() -> Result<(), Box<dyn std::error::Error>> {
                let a = env::var("A").unwrap();
                let b = env::var("B").unwrap_or_else(|_| "b".into());
                let c = env::var("C").ok();
                let d = env::var("D").is_ok();
                let e = env::var("E")?;
                let f = env::var_os("F").unwrap_or_default();
                let g = std::env::var("G").ok().map(|v| v.len()).unwrap_or(0);
                if let Ok(h) = env::var("H") {}
                Ok(())
            }
        "#;
        assert_eq!(
            reads(src),
            [
                ("A".into(), "required", "std::env::var"),
                ("B".into(), "defaulted", "std::env::var"),
                ("C".into(), "optional", "std::env::var"),
                ("D".into(), "presence", "std::env::var"),
                ("E".into(), "required", "std::env::var"),
                ("F".into(), "defaulted", "std::env::var_os"),
                ("G".into(), "defaulted", "std::env::var"),
                ("H".into(), "optional", "std::env::var"),
            ]
        );
    }

    #[test]
    fn what_grep_gets_wrong() {
        let src = r#"
            // env::var("IN_COMMENT").unwrap()
            const DOC: &str = "std::env::var(\"IN_STRING\")";
            fn f(cmd: &mut std::process::Command) {
                std::env::set_var("WRITTEN", "1");
                cmd.env("CHILD_ONLY", "1");
                let env = Env::default();
                env.var("NOT_STD");
            }
        "#;
        assert_eq!(reads(src), []);
    }

    #[test]
    fn aliases_constants_and_macros() {
        let src = r#"
            use std::env::{self as e, var as read, var_os};
            use dotenvy;
            const NAME: &str = "FROM_CONST";
            struct EnvVars;
            impl EnvVars { const CACHE: &str = "ASSOC"; fn f() { let _ = e::var(Self::CACHE); } }
            mod keys { pub const PORT: &str = "PORT"; }
            fn f() {
                read(NAME).unwrap();
                var_os(EnvVars::CACHE);
                e::var(keys::PORT).expect("port");
                dotenvy::var("DOTENVY").unwrap();
                println!("{}", std::env::var("IN_FORMAT").unwrap());
                let _ = env!("BUILD_ONLY");
                let _ = env!("CARGO_PKG_VERSION");
                let _ = option_env!("MAYBE");
            }
            lazy_static! { static ref URL: String = std::env::var("LAZY").unwrap(); }
        "#;
        let mut got = reads(src);
        got.sort();
        assert_eq!(
            got,
            [
                ("ASSOC".into(), "optional", "std::env::var"),
                ("ASSOC".into(), "optional", "std::env::var_os"),
                ("BUILD_ONLY".into(), "build_time", "env!"),
                ("DOTENVY".into(), "required", "dotenvy::var"),
                ("FROM_CONST".into(), "required", "std::env::var"),
                ("IN_FORMAT".into(), "required", "std::env::var"),
                ("LAZY".into(), "required", "std::env::var"),
                ("MAYBE".into(), "build_time", "option_env!"),
                ("PORT".into(), "required", "std::env::var"),
            ]
        );
    }

    #[test]
    fn clap_derive_and_builder() {
        let src = r#"
            #[derive(Parser)]
            struct Cli {
                #[arg(long, env = "DATABASE_URL")]
                database: String,
                #[arg(long, env)]
                log_level: Option<String>,
                #[arg(long, env, default_value_t = 8080)]
                port: u16,
                #[arg(long, env = PREFIX_KEY)]
                prefix: String,
            }
            const PREFIX_KEY: &str = "APP_PREFIX";
            fn f() { Arg::new("x").env("BUILDER"); }
        "#;
        let mut got = reads(src);
        got.sort();
        assert_eq!(
            got,
            [
                ("APP_PREFIX".into(), "required", "clap.derive"),
                ("BUILDER".into(), "optional", "clap.builder"),
                ("DATABASE_URL".into(), "required", "clap.derive"),
                ("LOG_LEVEL".into(), "optional", "clap.derive"),
                ("PORT".into(), "defaulted", "clap.derive"),
            ]
        );
    }

    #[test]
    fn dynamic_reads_with_hints_and_exact_spans() {
        let src = "\u{feff}fn f(k: &str) { std::env::var(format!(\"APP_{}\", k)).ok(); std::env::var(\"X\").unwrap(); }";
        let s = scan(src);
        assert_eq!(s.dynamic.len(), 1);
        assert_eq!(s.dynamic[0].hint.as_deref(), Some("APP_*"));
        assert_eq!(&src[s.refs[0].span.clone()], "\"X\"");
    }

    #[test]
    fn unparseable_source_gives_partial_results_and_a_warning() {
        // Lexes but does not parse: token scan.
        let src = "fn f() { let x = ; let y = std::env::var(\"BY_TOKENS\").unwrap(); }";
        let s = scan(src);
        assert!(s.warning.is_some());
        assert_eq!(
            reads(src),
            [("BY_TOKENS".into(), "required", "std::env::var")]
        );
        // Does not even lex (unbalanced): text scan, exact span.
        let src = "fn f( { let x = std::env::var(\"BY_TEXT\")?; }";
        let s = scan(src);
        assert!(s.warning.is_some());
        assert_eq!(
            reads(src),
            [("BY_TEXT".into(), "required", "std::env::var")]
        );
        assert_eq!(&src[s.refs[0].span.clone()], "\"BY_TEXT\"");
    }
}
