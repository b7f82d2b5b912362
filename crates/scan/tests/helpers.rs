//! The project's own helpers (issue 14): a function whose parameter names the variable it
//! reads is found as a [`Helper`], calls passing variable names as [`Call`]s, and
//! [`HelperIndex`] turns the calls of a helper into reads, with the kind the helper
//! gives and the fallback the call passes. In all four languages; across files, the
//! workspace does the matching (see `tests/fixtures/projects/helpers`).

use std::path::Path;

use envlint_scan::{scan, HelperIndex, Kind, Language, Scan};

fn scanned(file: &str, src: &str) -> Scan {
    scan(Path::new(file), src).unwrap_or_else(|| unreachable!("{file}: a language"))
}

/// The reads `src` makes through the helpers it defines: (name, kind, default, helper).
fn reads(file: &str, src: &str) -> Vec<(String, Kind, Option<String>, String)> {
    let s = scanned(file, src);
    let language = Language::of(Path::new(file)).unwrap_or(Language::Rust);
    let helpers: Vec<_> = s.helpers.iter().map(|h| (language, h)).collect();
    HelperIndex::new(helpers)
        .resolve(language, &s.calls)
        .into_iter()
        .map(|r| {
            (
                r.reference.name,
                r.reference.kind,
                r.reference.default,
                s.helpers[r.helper].name.clone(),
            )
        })
        .collect()
}

fn read(
    name: &str,
    kind: Kind,
    default: Option<&str>,
    helper: &str,
) -> (String, Kind, Option<String>, String) {
    (name.into(), kind, default.map(Into::into), helper.into())
}

#[test]
fn python_helpers_with_fallback_parameters_and_methods() {
    let src = r#"
import os

def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default) == "True"

def required(key):
    return os.environ[key]

def optional(key, fallback=None):
    return os.environ.get(key, fallback)

class Config:
    def get(self, key):
        return os.environ.get(key)

def set_default(key, value):
    if key not in os.environ:
        os.environ[key] = value

DEBUG = envbool("DEBUG", "False")
SECRET = required("SECRET_KEY")
PORT = optional("PORT", "8000")
HOST = optional("HOST")
config = Config()
REDIS = config.get("REDIS_URL")
HEADER = request.headers.get("X_REAL_IP")
set_default("WRITTEN", "1")
other("NOT_A_HELPER")
"#;
    assert_eq!(
        reads("settings.py", src),
        [
            read("DEBUG", Kind::Defaulted, Some("False"), "envbool"),
            read("SECRET_KEY", Kind::Required, None, "required"),
            read("PORT", Kind::Defaulted, Some("8000"), "optional"),
            read("HOST", Kind::Optional, None, "optional"),
            read("REDIS_URL", Kind::Optional, None, "get"),
        ]
    );
    // The helpers' own reads of a parameter are no dynamic reads (the setter writes).
    let s = scanned("settings.py", src);
    assert_eq!(s.dynamic, [], "{:?}", s.dynamic);
}

#[test]
fn javascript_and_typescript_helpers() {
    let src = r#"
export function env(name: string, fallback?: string) {
  return process.env[name] ?? fallback;
}
export const need = (key: string): string => {
  const value = process.env[key];
  if (!value) throw new Error(key);
  return value;
};
function setEnvDefault(key: string, value: string) {
  if (!process.env[key]) process.env[key] = value;
}
class Settings {
  get(key: string) { return process.env[key]; }
}
const settings = new Settings();
const a = env("API_URL", "http://localhost");
const b = env("API_TOKEN");
const c = need("DATABASE_URL");
const d = settings.get("REDIS_URL");
const e = headers.get("X_TOKEN");
setEnvDefault("WRITTEN", "1");
"#;
    let got = reads("env.ts", src);
    let names: Vec<&str> = got.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        names,
        ["API_URL", "API_TOKEN", "DATABASE_URL", "REDIS_URL"],
        "{got:?}"
    );
    assert_eq!(got[0].1, Kind::Defaulted);
    assert_eq!(got[0].2.as_deref(), Some("http://localhost"));
    assert_eq!(got[1].1, Kind::Optional);
}

#[test]
fn rust_helpers_functions_and_methods() {
    let src = r#"
use std::env;
fn get_env(name: &str) -> String { env::var(name).expect("set it") }
pub fn maybe(name: &str) -> Option<String> { std::env::var(name).ok() }
struct Config;
impl Config { fn get(&self, key: &str) -> Option<String> { env::var(key).ok() } }
fn main() {
    let a = get_env("DATABASE_URL");
    let b = maybe("PORT");
    let c = Config.get("REDIS_URL");
    let d = map.get("NOT_CONFIG");
}
"#;
    let got = reads("main.rs", src);
    let names: Vec<(&str, Kind)> = got.iter().map(|r| (r.0.as_str(), r.1)).collect();
    assert_eq!(
        names,
        [
            ("DATABASE_URL", Kind::Required),
            ("PORT", Kind::Optional),
            ("REDIS_URL", Kind::Optional)
        ]
    );
}

#[test]
fn calls_are_found_in_files_without_reads() {
    // No marker of a read: the names it calls with a variable literal tell whether the
    // file is worth parsing for calls once the helpers are known.
    let src = "from app.settings import envbool\nDEBUG = envbool(\n    \"DEBUG\", \"False\")\n";
    assert_eq!(envlint_scan::literal_callees(src.as_bytes()), ["envbool"]);
    assert_eq!(
        envlint_scan::literal_callees(b"envbool(x)\n"),
        Vec::<String>::new()
    );
    let s = scanned("views.py", src);
    assert_eq!(s.calls.len(), 1);
    assert_eq!(s.calls[0].callee, "envbool");
}

#[test]
fn rust_guards_that_set_the_variable_and_self_calls() {
    // `EnvGuard::new(key, value)` reads the old value and sets the new one: it provides the
    // variable (a test guard), so its calls are no reads. `Self::new` in another type is not
    // `Guard::new`; `self.get` in `impl Config` is Config's own method.
    let src = r#"
use std::env;
struct EnvGuard { key: String }
impl EnvGuard {
    fn new(key: &str, value: &str) -> Self {
        let old = env::var(key).ok();
        env::set_var(key, value);
        Self { key: key.to_owned() }
    }
}
struct Credentials;
impl Credentials {
    fn new(id: &str) -> Self { Credentials }
    fn for_tests() -> Self { Self::new("NOT_A_READ") }
}
struct Config;
impl Config {
    fn get(&self, key: &str) -> Option<String> { env::var(key).ok() }
    fn port(&self) -> Option<String> { self.get("PORT") }
}
fn main() {
    let _g = EnvGuard::new("SET_BY_A_GUARD", "1");
    let ar = Command::new("ar");
    ar.env("ZERO_AR_DATE", "1");
}
"#;
    let got = reads("main.rs", src);
    let names: Vec<&str> = got.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(names, ["PORT"], "{got:?}");
}
