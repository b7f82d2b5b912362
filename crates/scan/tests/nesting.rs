//! Pathological shapes of source code, in every language the scanner reads, at the sizes
//! that used to abort the process with a stack overflow (or an assertion in tree-sitter) or
//! take seconds: nested parentheses, brackets, braces, blocks, functions, objects, arrays,
//! types and JSX; long operator sums; long method chains (issue 13, items 8, 9 and 17).
//!
//! Each test builds its input at run time and asserts that the scan returns, that the
//! ordinary reads before and after the odd part (`BEFORE`, `AFTER`) are found, that the read
//! inside it (`DEEP`) is found when the file was scanned fully, and that a file the scanner
//! gave up on (in part) says so in `Scan::warning`. Timing is left to
//! `scripts/bench-nesting.sh`: no test here measures time.

use std::path::Path;

use envlint_scan::Scan;

/// What the scan of one generated file must give.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expect {
    /// Scanned fully: all three reads, no warning.
    Full,
    /// Given up in part: a warning; the reads around are found, the deep one may not be.
    GivesUp,
    /// Given up in part, and the read inside the deep part is found anyway (Rust's token
    /// scan sees every `env::var`).
    GivesUpButFindsIt,
}

fn scan(file: &str, src: &str) -> Scan {
    envlint_scan::scan(Path::new(file), src).unwrap_or_else(|| unreachable!("{file}: a language"))
}

/// Scans `src` as `file` and checks it against `expect`; gives the scan for more checks.
fn check(file: &str, src: &str, expect: Expect) -> Scan {
    let s = scan(file, src);
    let names: Vec<&str> = s.refs.iter().map(|r| r.name.as_str()).collect();
    for name in ["BEFORE", "AFTER"] {
        assert!(names.contains(&name), "{file}: {name} missing in {names:?}");
    }
    assert!(
        names.iter().all(|n| !n.is_empty()),
        "{file}: an empty name in {names:?}"
    );
    match expect {
        Expect::Full => {
            assert!(names.contains(&"DEEP"), "{file}: DEEP missing in {names:?}");
            assert_eq!(s.warning, None, "{file}");
        }
        Expect::GivesUp | Expect::GivesUpButFindsIt => {
            let warning = s.warning.as_deref().unwrap_or_default();
            assert!(
                warning.contains("too deeply nested") || warning.contains("too long"),
                "{file}: {warning:?}"
            );
            assert!(s.limited, "{file}: a partial scan is marked `limited`");
            if expect == Expect::GivesUpButFindsIt {
                assert!(names.contains(&"DEEP"), "{file}: DEEP missing in {names:?}");
            }
        }
    }
    s
}

/// `text` `n` times, one per line (as a person or a generator would break them).
fn rep(text: &str, n: usize) -> String {
    let mut out = String::with_capacity((text.len() + 1) * n);
    for _ in 0..n {
        out.push_str(text);
        out.push('\n');
    }
    out
}

// Rust: syn recurses, so deep files are parsed on a thread with a large stack, and files
// deeper than the limit (`nesting::MAX_DEPTH`) are scanned by tokens, with a warning.

fn rust(body: &str) -> String {
    format!(
        "use std::env;\nfn before() -> String {{ env::var(\"BEFORE\").unwrap() }}\n{body}\n\
         fn after() -> String {{ env::var(\"AFTER\").unwrap() }}\n"
    )
}

fn rust_parens(n: usize) -> String {
    rust(&format!(
        "fn deep() -> usize {{\n{}env::var(\"DEEP\").unwrap().len()\n{}}}",
        rep("(", n),
        rep(")", n)
    ))
}

#[test]
fn rust_nested_parentheses() {
    // 2,000 levels: parsed fully, on the large stack. 1,800 used to abort the process.
    check("deep.rs", &rust_parens(2_000), Expect::Full);
    check("deep.rs", &rust_parens(50_000), Expect::GivesUpButFindsIt);
}

#[test]
fn rust_nested_brackets_and_braces() {
    let brackets = |n| {
        rust(&format!(
            "fn deep() {{ let x =\n{}env::var(\"DEEP\").unwrap()\n{}; }}",
            rep("[", n),
            rep("]", n)
        ))
    };
    check("deep.rs", &brackets(2_000), Expect::Full);
    check("deep.rs", &brackets(50_000), Expect::GivesUpButFindsIt);
    let blocks = |n| {
        rust(&format!(
            "fn deep() {{\n{}let _ = env::var(\"DEEP\").unwrap();\n{}}}",
            rep("{", n),
            rep("}", n)
        ))
    };
    check("deep.rs", &blocks(2_000), Expect::Full);
    check("deep.rs", &blocks(50_000), Expect::GivesUpButFindsIt);
}

#[test]
fn rust_nested_functions_modules_and_closures() {
    let fns = |n| {
        rust(&format!(
            "{}let _ = env::var(\"DEEP\").unwrap();\n{}",
            rep("fn f() {", n),
            rep("}", n)
        ))
    };
    check("deep.rs", &fns(500), Expect::Full);
    check("deep.rs", &fns(2_000), Expect::GivesUpButFindsIt);
    let mods = |n| {
        rust(&format!(
            "{}fn g() {{ let _ = env::var(\"DEEP\").unwrap(); }}\n{}",
            rep("mod m {", n),
            rep("}", n)
        ))
    };
    check("deep.rs", &mods(1_000), Expect::Full);
    check("deep.rs", &mods(50_000), Expect::GivesUpButFindsIt);
    let closures = |n| {
        rust(&format!(
            "fn deep() {{ let c =\n{}env::var(\"DEEP\").unwrap()\n{}; }}",
            rep("|| {", n),
            rep("}", n)
        ))
    };
    check("deep.rs", &closures(1_000), Expect::Full);
    check("deep.rs", &closures(50_000), Expect::GivesUpButFindsIt);
}

#[test]
fn rust_nested_types_and_prefix_operators() {
    let generics = |n| {
        rust(&format!(
            "type T =\n{}u8\n{};\nfn deep() {{ let _ = env::var(\"DEEP\").unwrap(); }}",
            rep("Vec<", n),
            rep(">", n)
        ))
    };
    check("deep.rs", &generics(1_000), Expect::Full);
    check("deep.rs", &generics(50_000), Expect::GivesUpButFindsIt);
    let refs = |n| {
        rust(&format!(
            "type T = {}u8;\nfn deep() {{ let _ = env::var(\"DEEP\").unwrap(); }}",
            "&".repeat(n)
        ))
    };
    check("deep.rs", &refs(2_000), Expect::Full);
    check("deep.rs", &refs(50_000), Expect::GivesUpButFindsIt);
    let nots = |n| {
        rust(&format!(
            "fn deep() -> bool {{ {}env::var(\"DEEP\").is_ok() }}",
            "!".repeat(n)
        ))
    };
    check("deep.rs", &nots(2_000), Expect::Full);
    check("deep.rs", &nots(50_000), Expect::GivesUpButFindsIt);
}

#[test]
fn rust_long_sums() {
    let sum = |n| {
        rust(&format!(
            "fn deep() -> usize {{ let x = env::var(\"DEEP\").unwrap().len()\n{}; x }}",
            rep("+ 1", n)
        ))
    };
    check("deep.rs", &sum(2_000), Expect::Full);
    check("deep.rs", &sum(50_000), Expect::GivesUpButFindsIt);
}

#[test]
fn rust_long_method_chains() {
    let chain = |n| {
        rust(&format!(
            "fn deep(a: A) {{ let _ = env::var(\"DEEP\").unwrap(); a\n{}; }}",
            rep(".b()", n)
        ))
    };
    check("deep.rs", &chain(1_500), Expect::Full);
    check("deep.rs", &chain(20_000), Expect::GivesUpButFindsIt);
    check("deep.rs", &chain(50_000), Expect::GivesUpButFindsIt);
    // A chain that starts at a read: classified from its steps, still in linear time.
    let read_chain = rust(&format!(
        "fn deep() {{ let v = env::var(\"DEEP\")\n{}.unwrap_or_default(); }}",
        rep(".map(|v| v)", 1_000)
    ));
    let s = check("deep.rs", &read_chain, Expect::Full);
    let deep = s.refs.iter().find(|r| r.name == "DEEP");
    assert_eq!(deep.map(|r| r.kind.as_str()), Some("defaulted"));
}

#[test]
fn rust_ordinary_code_is_parsed_as_before() {
    // Well below the limits nothing changes: no warning, the kinds from the chains.
    let src =
        rust("fn mid() -> Option<String> { let a = (((env::var(\"DEEP\")))).ok()?; Some(a) }");
    check("mid.rs", &src, Expect::Full);
}

// Python: tree-sitter does not recurse, and the scanner's walks do not either; only
// tree-sitter-python's indentation stack is bounded (see `python.rs`).

fn python(body: &str) -> String {
    format!("import os\nBEFORE = os.environ[\"BEFORE\"]\n{body}\nAFTER = os.getenv(\"AFTER\")\n")
}

fn python_wrapped(open: &str, close: &str, n: usize) -> String {
    python(&format!(
        "x = (\n{}os.environ[\"DEEP\"]\n{})",
        rep(open, n),
        rep(close, n)
    ))
}

#[test]
fn python_nested_parentheses_brackets_and_braces() {
    for n in [2_000, 50_000] {
        check("deep.py", &python_wrapped("(", ")", n), Expect::Full);
        check("deep.py", &python_wrapped("[", "]", n), Expect::Full);
        check("deep.py", &python_wrapped("{\"k\":", "}", n), Expect::Full);
        check(
            "deep.py",
            &python_wrapped("lambda: (", ")", n),
            Expect::Full,
        );
    }
}

#[test]
fn python_nested_functions_and_blocks() {
    let defs = |n: usize, step: &str| {
        let mut body = String::new();
        for level in 0..n {
            body.push_str(&step.repeat(level));
            body.push_str(if level % 2 == 0 {
                "def f():\n"
            } else {
                "if x:\n"
            });
        }
        body.push_str(&step.repeat(n));
        body.push_str("y = os.environ[\"DEEP\"]\n");
        python(&body)
    };
    check("deep.py", &defs(300, " "), Expect::Full);
    // 1,000 levels used to fail an assertion in tree-sitter (the process aborted).
    check("deep.py", &defs(1_000, " "), Expect::GivesUp);
    check("deep.py", &defs(60, "\t"), Expect::GivesUp);
}

#[test]
fn python_long_sums_and_method_chains() {
    for n in [2_000, 50_000] {
        let sum = python(&format!(
            "x = (os.environ[\"DEEP\"]\n{})",
            rep("+ \"1\"", n)
        ));
        check("deep.py", &sum, Expect::Full);
    }
    for n in [20_000, 50_000] {
        let chain = python(&format!("x = (os.environ[\"DEEP\"]\n{})", rep(".b()", n)));
        check("deep.py", &chain, Expect::Full);
    }
}

#[test]
fn python_empty_names_are_not_reads() {
    let s = scan(
        "t.py",
        "import os\nA = os.environ[\"A\"]\nB = os.environ[\"]\nC = os.getenv(\"\")\n",
    );
    let names: Vec<&str> = s.refs.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["A"]);
}

// JavaScript, TypeScript, TSX: tree-sitter does not recurse; ancestors come from
// `crate::tree` (no climb from the root), scopes are resolved once per scope and name.

const JS_AROUND: &str = "const before = process.env.BEFORE;\nconst env = process.env;\n";
const JS_AFTER: &str = "const after = process.env.AFTER;\n";

fn js(body: &str) -> String {
    format!("{JS_AROUND}{body}\n{JS_AFTER}")
}

fn js_wrapped(open: &str, inner: &str, close: &str, n: usize) -> String {
    js(&format!(
        "const x =\n{}{inner}\n{};",
        rep(open, n),
        rep(close, n)
    ))
}

/// The shapes every dialect is checked on. Nesting at `depths`: the scanner used to take
/// time in the square of the depth there (2,000 levels: 0.2 s; 20,000: about 20 s; 32,000:
/// 49 s). Method chains of `chains` calls.
fn js_shapes(file: &str, depths: &[usize], chains: &[usize]) {
    for &n in depths {
        for (open, close) in [("(", ")"), ("[", "]"), ("{a:", "}"), ("() => (", ")")] {
            // The read and an alias's read inside: the alias resolves through every level.
            let src = js_wrapped(open, "process.env.DEEP + env.ALIASED", close, n);
            let s = check(file, &src, Expect::Full);
            assert!(s.refs.iter().any(|r| r.name == "ALIASED"), "{file} {open}");
        }
        let functions = js(&format!(
            "{}return process.env.DEEP ?? env.ALIASED;\n{}",
            rep("function f(x) {", n),
            rep("}", n)
        ));
        let s = check(file, &functions, Expect::Full);
        assert!(s.refs.iter().any(|r| r.name == "ALIASED"), "{file}");
        // A parameter named `env` high up shadows the alias for everything inside it.
        let shadowed = js(&format!(
            "function g(env) {{\n{}const y = env.SHADOWED + process.env.DEEP;\n{}}}",
            rep("if (y) {", n),
            rep("}", n)
        ));
        let s = check(file, &shadowed, Expect::Full);
        assert!(!s.refs.iter().any(|r| r.name == "SHADOWED"), "{file}");
        let sum = js(&format!(
            "const x = process.env.DEEP\n{};",
            rep("+ process.env.AGAIN", n)
        ));
        let s = check(file, &sum, Expect::Full);
        assert_eq!(s.refs.iter().filter(|r| r.name == "AGAIN").count(), n);
    }
    for &n in chains {
        let chain = js(&format!("const x = process.env.DEEP\n{};", rep(".b()", n)));
        check(file, &chain, Expect::Full);
        let reads = js(&format!(
            "const x = f()\n{};",
            rep(".g(process.env.DEEP)", n)
        ));
        check(file, &reads, Expect::Full);
    }
}

#[test]
fn javascript_nesting_sums_and_chains() {
    js_shapes("deep.js", &[2_000, 50_000], &[20_000, 50_000]);
    // The audit's file: 32,000 nested parentheses (128 KB) took 49 s.
    check(
        "deep.js",
        &js_wrapped("(", "process.env.DEEP", ")", 32_000),
        Expect::Full,
    );
}

#[test]
fn typescript_nesting_sums_chains_and_types() {
    js_shapes("deep.ts", &[2_000, 20_000], &[20_000]);
    for n in [2_000, 50_000] {
        let types = js(&format!(
            "type T =\n{}string\n{};\nconst x = process.env.DEEP as T;",
            rep("A<", n),
            rep(">", n)
        ));
        check("deep.ts", &types, Expect::Full);
        let non_null = js(&format!(
            "const x = {}process.env.DEEP{};",
            "(".repeat(n),
            ")!".repeat(n)
        ));
        let s = check("deep.ts", &non_null, Expect::Full);
        let deep = s.refs.iter().find(|r| r.name == "DEEP");
        assert_eq!(deep.map(|r| r.kind.as_str()), Some("required"));
    }
}

#[test]
fn tsx_nesting_and_jsx() {
    js_shapes("deep.tsx", &[2_000, 20_000], &[20_000]);
    for n in [2_000, 20_000] {
        let jsx = js(&format!(
            "const el = (\n{}{{process.env.DEEP}}\n{});",
            rep("<div>", n),
            rep("</div>", n)
        ));
        check("deep.tsx", &jsx, Expect::Full);
    }
}

#[test]
fn javascript_empty_names_are_not_reads() {
    for (file, src) in [
        ("t.js", "const a = process.env.A;\nconst b = Bun.env.[\n"),
        (
            "t.ts",
            "const a = process.env.A;\nconst b = process.env[\"\"];\nconst c = process.env.;\n",
        ),
    ] {
        let s = scan(file, src);
        let names: Vec<&str> = s.refs.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["A"], "{file}");
    }
}

// Slow error recovery: tree-sitter takes time in the square of some malformed inputs (the
// fuzzer's findings, `fuzz/tests/findings.rs`). The parse runs on a time budget; past it,
// the file is read by a text search, which still finds the plain reads, and the scan says
// it is partial (`limited`), which `check` reports as a note.

#[test]
fn a_parse_past_its_budget_falls_back_to_a_text_search() {
    let cases = [
        (
            "x.py",
            format!(
                "import os\nos.environ[\"BEFORE\"]\n{}\nos.getenv('AFTER')\n",
                "-:".repeat(3_000)
            ),
        ),
        (
            "x.js",
            format!(
                "process.env.BEFORE;\n(:{}\nprocess.env[\"AFTER\"];\n",
                "+:".repeat(3_000)
            ),
        ),
    ];
    for (file, src) in cases {
        let s = scan(file, &src);
        let names: Vec<&str> = s.refs.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["BEFORE", "AFTER"], "{file}");
        assert!(s.limited, "{file}: {:?}", s.warning);
        let warning = s.warning.as_deref().unwrap_or_default();
        assert!(warning.contains("text search"), "{file}: {warning:?}");
    }
}

#[test]
fn syntax_errors_alone_do_not_make_a_scan_partial() {
    for (file, src) in [
        ("x.py", "import os\nos.environ[\"A\"]\ndef (:\n"),
        ("x.js", "process.env.A;\nfunction (\n"),
        ("x.rs", "fn f() { std::env::var(\"A\") ; let = ; }\n"),
    ] {
        let s = scan(file, src);
        assert!(s.warning.is_some(), "{file}");
        assert!(!s.limited, "{file}: {:?}", s.warning);
    }
}
