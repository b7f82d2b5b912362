//! The seed corpus: the project's own test inputs, read at run time, plus snippets built in.
//!
//! Why these: mutating real env files and the scanners' own fixtures reaches the deep
//! states (a quoted value over lines, a `${…}` with a default, a `process.env` read in a
//! TSX component) that random bytes almost never spell. Files are read when the runner
//! starts rather than compiled in, so a fixture added by another test grows the corpus
//! without touching this crate; when the tree is absent (an installed binary), the
//! built-in snippets alone still cover every construct.

use std::path::{Path, PathBuf};

/// Which inputs a target starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seeds {
    /// `.env` text.
    Env,
    /// Source code in the scanned languages.
    Source,
    /// Both.
    Any,
}

/// Seed inputs by kind, in a fixed order (the runner's determinism depends on it).
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    /// `.env` files, their single lines and the parser's differential cases.
    pub env: Vec<Vec<u8>>,
    /// Rust, Python, JavaScript and TypeScript sources.
    pub source: Vec<Vec<u8>>,
}

/// The repository root this crate was built in (`fuzz/..`).
pub fn default_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

impl Corpus {
    /// The built-in snippets only.
    pub fn builtin() -> Corpus {
        let mut c = Corpus {
            env: ENV_SNIPPETS.iter().map(|s| s.as_bytes().to_vec()).collect(),
            source: SOURCE_SNIPPETS
                .iter()
                .map(|s| s.as_bytes().to_vec())
                .collect(),
        };
        c.env.push(b"\xEF\xBB\xBFA=1\r\nB=\xff\xfe\r\n".to_vec());
        c.env.push(b"A=\"\xe2\x82\"\nB=\x00\n".to_vec());
        c
    }

    /// The built-in snippets plus the test inputs found under `root` (a repository
    /// checkout): env files and source files below `tests/fixtures`, `examples` and
    /// `crates/scan/tests/fixtures`, and the cases of `crates/dotenv/tests/cases.txt`.
    pub fn load(root: &Path) -> Corpus {
        let mut c = Corpus::builtin();
        let mut files = Vec::new();
        for dir in ["tests/fixtures", "examples", "crates/scan/tests/fixtures"] {
            walk(&root.join(dir), &mut files);
        }
        files.sort();
        for path in files {
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            if bytes.len() > 256 << 10 {
                continue;
            }
            if name.starts_with(".env") || name.ends_with(".env") {
                for line in bytes.split_inclusive(|&b| b == b'\n') {
                    c.env.push(line.to_vec());
                }
                c.env.push(bytes);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("rs" | "py" | "js" | "jsx" | "mjs" | "cjs" | "ts" | "tsx")
            ) {
                c.source.push(bytes);
            }
        }
        if let Ok(cases) = std::fs::read_to_string(root.join("crates/dotenv/tests/cases.txt")) {
            c.env.extend(
                cases
                    .lines()
                    .filter(|l| !l.starts_with("//") && !l.is_empty())
                    .map(unescape),
            );
        }
        let mut seen = std::collections::HashSet::new();
        c.env.retain(|e| seen.insert(e.clone()));
        c
    }

    /// The seeds of a kind.
    pub fn seeds(&self, kind: Seeds) -> Vec<&[u8]> {
        match kind {
            Seeds::Env => self.env.iter().map(Vec::as_slice).collect(),
            Seeds::Source => self.source.iter().map(Vec::as_slice).collect(),
            Seeds::Any => self
                .env
                .iter()
                .chain(&self.source)
                .map(Vec::as_slice)
                .collect(),
        }
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&path, out),
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
}

/// The escapes of `cases.txt`: `\n \r \t \0 \\ \" \xNN \u{…}`.
fn unescape(line: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut chars = line.chars();
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
                out.push(u8::from_str_radix(&hex, 16).unwrap_or(b'?'));
            }
            Some('u') => {
                let _ = chars.next();
                let hex: String = chars.by_ref().take_while(|&c| c != '}').collect();
                let c = u32::from_str_radix(&hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .unwrap_or('?');
                let mut buf = [0; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            Some(other) => {
                out.push(b'\\');
                let mut buf = [0; 4];
                out.extend_from_slice(other.encode_utf8(&mut buf).as_bytes());
            }
            None => out.push(b'\\'),
        }
    }
    out
}

/// Env constructs the parser, the rules and the edit API distinguish.
const ENV_SNIPPETS: &[&str] = &[
    "A=1\nB=2\n",
    "# comment\nexport KEY=\"value with spaces\" # trailing\n",
    "URL=\"pg://${HOST}/app\"\nHOST=localhost\n",
    "A='single $NOT \\n'\nB=\"double \\\"q\\\" \\n \\$X\"\n",
    "MULTI=\"line one\nline two\"\nNEXT=1\n",
    "A=${UNSET:-fallback}\nB=${A:+alt}\nC=$A_SUFFIX\n",
    "lower_key=1\n  INDENTED=2\nSPACED = 3\nA=two words\n",
    "KEY_WITHOUT_VALUE\nA=1 \nB=\"open\nC=3",
    "A=1\r\nB=2\r\n\r\n\r\n",
    "DB_PASSWORD=\nAPI_TOKEN=changeme\n# envlint: ignore[lowercase-key] because\nx=1\n",
    "A=\"$B\"\nC=\"${D\"\nE=\\\n",
    "export\tA=1\nexport  B = '2'\nexportC=3\n",
    "A=`backtick`\nB=#not comment\nC=x #comment\nD=\"q\"tail\n",
    "\u{feff}A=1\n\u{feff}B=2\n",
    "Z=1\nY=2\nA=3\nA=4\n",
    "A=\u{a0}1\nB=\u{2003}\nC=\u{1d7d8}\n",
    "K.DOT=1\n_U=2\n9BAD=3\n-DASH=4\n*STAR=5\n",
    "A=\"a\\tb\"\nB=\"\\u0041\"\nC='it''s'\n",
    "SECRET_KEY=\"0123456789abcdefABCDEF+/=\"\n",
    "A=${A}${A}${A}\nB=$$\nC=${}\nD=${ }\n",
];

/// One snippet per language, each with the read forms its scanner knows.
const SOURCE_SNIPPETS: &[&str] = &[
    // Rust
    "use std::env;\nfn main() {\n    let a = env::var(\"DATABASE_URL\").unwrap_or(\"x\".into());\n    let b = std::env::var_os(\"PORT\");\n    let c = env!(\"CARGO_PKG_NAME\");\n    let d = option_env!(\"BUILD\");\n    let e = dotenvy::var(\"HOST\");\n    let name = format!(\"APP_{}\", 1);\n    let f = env::var(&name);\n}\n",
    "#[derive(clap::Parser)]\nstruct Args {\n    #[arg(long, env = \"LOG_LEVEL\", default_value = \"info\")]\n    level: String,\n}\n#[derive(serde::Deserialize)]\nstruct Config { database_url: String }\nfn f() { let c: Config = envy::from_env().unwrap(); }\n",
    // Python
    "import os\nfrom decouple import config\na = os.environ[\"SECRET_KEY\"]\nb = os.environ.get(\"DEBUG\", \"0\")\nc = os.getenv('PORT', 8000)\nd = config('EMAIL_HOST', default='localhost')\ne = os.environ.get(f\"APP_{name}\")\n",
    "from pydantic_settings import BaseSettings\nclass Settings(BaseSettings):\n    database_url: str\n    redis_url: str = \"redis://localhost\"\n    class Config:\n        env_prefix = \"APP_\"\n",
    // JavaScript
    "require('dotenv').config();\nconst a = process.env.API_URL;\nconst { PORT = 3000, HOST } = process.env;\nconst b = process.env['NODE_ENV'] ?? 'development';\nconst c = import.meta.env.VITE_KEY;\nconst d = process.env[`APP_${x}`];\n",
    // TypeScript
    "const port: number = Number(process.env.PORT ?? \"3000\");\nexport const url = process.env.NEXT_PUBLIC_URL as string;\ninterface Env { readonly VITE_A: string }\nconst v = import.meta.env.VITE_A;\nfunction f<T>(x: T): T { return x; }\n",
    // TSX
    "export default function Page() {\n  const key = process.env.NEXT_PUBLIC_KEY;\n  return <div className=\"a\">{key}{process.env.NEXT_PUBLIC_B}</div>;\n}\n",
    "API_SECRET = \"not-a-real-value\"\nconst token = 'x';\n// TODO: password = \"...\"\n",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescape_reads_the_case_syntax() {
        assert_eq!(unescape("A=1\\n\\x00\\u{a0}"), b"A=1\n\0\xc2\xa0");
    }

    #[test]
    fn the_repository_corpus_is_found() {
        let c = Corpus::load(&default_root());
        assert!(c.env.len() > ENV_SNIPPETS.len() + 100, "{}", c.env.len());
        assert!(c.source.len() > SOURCE_SNIPPETS.len(), "{}", c.source.len());
    }
}
