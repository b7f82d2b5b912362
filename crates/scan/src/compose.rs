//! Docker Compose files: the variables their interpolation reads.
//!
//! Why: a compose file is configuration that reads the environment as surely as code does.
//! `docker compose` substitutes `${POSTGRES_PASSWORD}` from the shell and from the `.env`
//! next to the compose file, so a key used only there is still a key the example must
//! name, and never an unused one. This is a small exact reader of the interpolation syntax
//! compose documents (no YAML parse, no shell evaluation): `$NAME`, `${NAME}`,
//! `${NAME:-default}` / `${NAME-default}` (defaulted), `${NAME:?error}` / `${NAME?error}`
//! (required), `${NAME:+other}` / `${NAME+other}` (only whether it is set), `$$` (a literal
//! dollar). A plain `${NAME}` without a default is required: compose warns and puts an
//! empty string. Comment lines and the comment after a value are not read.

use std::ops::Range;

use crate::{Kind, Language, Reference, Scan};

/// The form of reads made by a compose file's interpolation.
pub const FORM: &str = "compose";

/// Whether `name` (a file name) is a Docker Compose file: `compose.yaml`,
/// `docker-compose.yml`, and the override and per-environment variants
/// (`docker-compose.override.yml`, `compose.prod.yaml`).
pub fn is_compose_file(name: &str) -> bool {
    let Some(stem) = name
        .strip_suffix(".yml")
        .or_else(|| name.strip_suffix(".yaml"))
    else {
        return false;
    };
    let base = stem.split('.').next().unwrap_or(stem);
    matches!(base, "compose" | "docker-compose")
}

/// The reads in a compose file's text.
pub fn scan(src: &str) -> Scan {
    let mut refs = Vec::new();
    let mut offset = 0;
    for line in src.split_inclusive('\n') {
        let body = without_comment(line);
        read_line(body, offset, &mut refs);
        offset += line.len();
    }
    Scan {
        refs,
        ..Scan::default()
    }
}

/// What a compose service says about where its configuration comes from: the env files it
/// loads into the container (`env_file:`) and the folder its image is built from
/// (`build:` or `build.context`), both as written (relative to the compose file's folder).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Service {
    /// The service's name.
    pub name: String,
    /// `env_file:` entries (a string, a list of strings, or a list of `path:` mappings).
    pub env_files: Vec<String>,
    /// The build context, when the service builds an image.
    pub context: Option<String>,
}

/// The services of a compose file, by a reading of its block structure (indentation),
/// enough for `env_file` and `build`: flow mappings (`{…}`) and anchors are not followed.
/// A service that builds the project's code and loads an env file is what ties that env
/// file's example to the code: the container runs the code with those variables.
pub fn services(src: &str) -> Vec<Service> {
    let mut out: Vec<Service> = Vec::new();
    // Indentation of `services:` children, of the current service's keys, and which key of
    // the service a nested line belongs to (`env_file` or `build`), with its indentation.
    let mut in_services = false;
    let mut service_indent: Option<usize> = None;
    let mut key_indent: Option<usize> = None;
    let mut open: Option<(&str, usize)> = None;
    for raw in src.lines() {
        let line = without_comment(raw).trim_end();
        let text = line.trim_start();
        if text.is_empty() || text.starts_with("---") {
            continue;
        }
        let indent = line.len() - text.len();
        if indent == 0 {
            in_services = text == "services:";
            service_indent = None;
            key_indent = None;
            open = None;
            continue;
        }
        if !in_services {
            continue;
        }
        let service = *service_indent.get_or_insert(indent);
        if indent <= service {
            if indent == service {
                if let Some(name) = text.strip_suffix(':') {
                    out.push(Service {
                        name: unquote(name).to_owned(),
                        ..Service::default()
                    });
                }
            }
            key_indent = None;
            open = None;
            continue;
        }
        let Some(current) = out.last_mut() else {
            continue;
        };
        let keys = *key_indent.get_or_insert(indent);
        if indent == keys {
            open = None;
            let Some((key, value)) = text.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match key.trim() {
                "env_file" => {
                    if let Some(list) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
                        current
                            .env_files
                            .extend(list.split(',').map(|v| unquote(v.trim()).to_owned()));
                    } else if value.is_empty() {
                        open = Some(("env_file", indent));
                    } else {
                        current.env_files.push(unquote(value).to_owned());
                    }
                }
                "build" => {
                    if value.is_empty() {
                        // A build mapping without `context` builds the compose folder.
                        current.context = Some(".".to_owned());
                        open = Some(("build", indent));
                    } else if !value.starts_with('{') {
                        current.context = Some(unquote(value).to_owned());
                    }
                }
                _ => {}
            }
            continue;
        }
        match open {
            Some(("env_file", _)) => {
                let item = text.strip_prefix("- ").map(str::trim);
                let path = match item {
                    Some(item) => item.strip_prefix("path:").map_or(item, str::trim),
                    None => match text.strip_prefix("path:") {
                        Some(path) => path.trim(),
                        None => continue,
                    },
                };
                if !path.is_empty() && !path.ends_with(':') && !path.contains(": ") {
                    current.env_files.push(unquote(path).to_owned());
                }
            }
            Some(("build", _)) => {
                if let Some(context) = text.strip_prefix("context:") {
                    current.context = Some(unquote(context.trim()).to_owned());
                }
            }
            _ => {}
        }
    }
    out
}

fn unquote(s: &str) -> &str {
    s.trim_matches(|c| c == '"' || c == '\'')
}

/// The part of a YAML line before its comment: a `#` at the start of the line (after
/// indentation) or after a blank, outside quotes.
fn without_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    let mut quote: Option<u8> = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'#') if i == 0 || matches!(bytes[i - 1], b' ' | b'\t') => return &line[..i],
            _ => {}
        }
    }
    line
}

/// The interpolations of one line (without its comment), at `offset` in the file.
fn read_line(line: &str, offset: usize, refs: &mut Vec<Reference>) {
    let bytes = line.as_bytes();
    let mut i = 0;
    while let Some(at) = memchr::memchr(b'$', &bytes[i..]).map(|p| i + p) {
        match bytes.get(at + 1) {
            // `$$` is a dollar sign for the container's shell, not an interpolation.
            Some(b'$') => i = at + 2,
            Some(b'{') => i = braced(line, at + 2, offset, refs),
            Some(_) => {
                let len = name_len(&bytes[at + 1..]);
                if len > 0 {
                    push(
                        refs,
                        line,
                        at + 1..at + 1 + len,
                        offset,
                        Kind::Required,
                        None,
                    );
                }
                i = at + 1 + len;
            }
            None => break,
        }
    }
}

/// `${…}` from just after `{`: the read, and where scanning goes on (after the `}`, or
/// into the default, which may interpolate too).
fn braced(line: &str, start: usize, offset: usize, refs: &mut Vec<Reference>) -> usize {
    let bytes = line.as_bytes();
    let len = name_len(&bytes[start..]);
    if len == 0 {
        return start;
    }
    let name = start..start + len;
    let rest = &bytes[name.end..];
    let (kind, modifier) = match rest {
        [b'}', ..] => (Kind::Required, 0),
        [b':', b'-', ..] => (Kind::Defaulted, 2),
        [b'-', ..] => (Kind::Defaulted, 1),
        [b':', b'?', ..] => (Kind::Required, 2),
        [b'?', ..] => (Kind::Required, 1),
        [b':', b'+', ..] => (Kind::Presence, 2),
        [b'+', ..] => (Kind::Presence, 1),
        // Not compose syntax (`${A B}`): nothing is read.
        _ => return name.end,
    };
    let value_start = name.end + modifier;
    let default = (kind == Kind::Defaulted).then(|| {
        let end = closing_brace(&bytes[value_start..]).map_or(bytes.len(), |p| value_start + p);
        let text = &line[value_start..end];
        // A default that interpolates (`${A:-${B}}`) is no literal.
        (!text.contains('$')).then(|| text.trim_matches(['"', '\'']).to_owned())
    });
    push(refs, line, name, offset, kind, default.flatten());
    // The default and the error text are read on: `${A:-${B}}` reads B as well.
    value_start
}

/// The end of `${…}`'s body from `text` on (nested `${…}` skipped), if it closes.
fn closing_brace(text: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    for (i, &b) in text.iter().enumerate() {
        match b {
            b'{' if i > 0 && text[i - 1] == b'$' => depth += 1,
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The length of the variable name at the start of `text` (`[A-Za-z_][A-Za-z0-9_]*`).
fn name_len(text: &[u8]) -> usize {
    match text.first() {
        Some(b) if b.is_ascii_alphabetic() || *b == b'_' => text
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count(),
        _ => 0,
    }
}

fn push(
    refs: &mut Vec<Reference>,
    line: &str,
    name: Range<usize>,
    offset: usize,
    kind: Kind,
    default: Option<String>,
) {
    refs.push(Reference {
        name: line[name.clone()].to_owned(),
        span: offset + name.start..offset + name.end,
        kind,
        form: FORM,
        language: Language::Compose,
        default,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(src: &str) -> Vec<(String, Kind, Option<String>)> {
        scan(src)
            .refs
            .into_iter()
            .map(|r| {
                assert_eq!(&src[r.span.clone()], r.name);
                (r.name, r.kind, r.default)
            })
            .collect()
    }

    #[test]
    fn every_interpolation_form() {
        let src = "services:\n  db:\n    image: postgres:${PG_VERSION:-16}\n    environment:\n      \
                   POSTGRES_PASSWORD: ${DB_PASSWORD:?set it in .env}\n      POSTGRES_USER: $DB_USER\n      \
                   URL: \"${SCHEME-http}://${HOST}:${PORT:-${DEFAULT_PORT}}\"\n      DEBUG: ${DEBUG:+1}\n      \
                   PRICE: $$5 # ${NOT_READ}\n    # command: ${ALSO_NOT_READ}\n";
        let d = |v: &str| Some(v.to_owned());
        assert_eq!(
            reads(src),
            [
                ("PG_VERSION".into(), Kind::Defaulted, d("16")),
                ("DB_PASSWORD".into(), Kind::Required, None),
                ("DB_USER".into(), Kind::Required, None),
                ("SCHEME".into(), Kind::Defaulted, d("http")),
                ("HOST".into(), Kind::Required, None),
                ("PORT".into(), Kind::Defaulted, None),
                ("DEFAULT_PORT".into(), Kind::Required, None),
                ("DEBUG".into(), Kind::Presence, None),
            ]
        );
    }

    #[test]
    fn services_with_env_files_and_build_contexts() {
        let src = "version: '3'\nservices:\n  db:\n    image: postgres\n    env_file: db.env\n  web:\n    \
                   build:\n      context: ..\n      dockerfile: docker/Dockerfile\n    env_file:\n      \
                   - .env # the app's\n      - path: ./local.env\n        required: false\n  worker:\n    \
                   build: ./worker\n    env_file: [a.env, \"b.env\"]\n    environment:\n      \
                   - X=1\nvolumes:\n  data:\n";
        let s = |name: &str, files: &[&str], context: Option<&str>| Service {
            name: name.to_owned(),
            env_files: files.iter().map(|f| (*f).to_owned()).collect(),
            context: context.map(str::to_owned),
        };
        assert_eq!(
            services(src),
            [
                s("db", &["db.env"], None),
                s("web", &[".env", "./local.env"], Some("..")),
                s("worker", &["a.env", "b.env"], Some("./worker")),
            ]
        );
    }

    #[test]
    fn compose_file_names() {
        for yes in [
            "compose.yaml",
            "compose.yml",
            "docker-compose.yml",
            "docker-compose.override.yml",
            "docker-compose.prod.yaml",
        ] {
            assert!(is_compose_file(yes), "{yes}");
        }
        for no in [
            "config.yml",
            "docker-compose.json",
            "my-compose.yml",
            ".github/ci.yml",
        ] {
            assert!(!is_compose_file(no), "{no}");
        }
    }
}
