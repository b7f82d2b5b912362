//! Does this value look like a real credential?
//!
//! Why hand-written matchers rather than a regex set: each provider format is a fixed prefix
//! followed by a run of one character class with a known length, which a byte scan checks
//! in one pass without compiling anything; the answer must also say *what* was found so the
//! diagnostic can name it without quoting it. Two kinds of evidence count:
//!
//! - a provider format anywhere in the value (OpenAI, Anthropic, Stripe live keys, AWS
//!   access key ids, GitHub, GitLab, Slack, Google API keys, PEM private keys, JWTs,
//!   connection strings with a password);
//! - a long, high-entropy value bound to a secret-sounding name (`*_SECRET`, `*_TOKEN`,
//!   `*PASSWORD`, `*_API_KEY`, …).
//!
//! Placeholders (`changeme`, `your-key-here`, `xxx…`, `<…>`, `sk-...`, `${OTHER}`) are
//! never secrets: a linter that flags documentation gets muted. The caller never prints the
//! value; [`Finding`] carries only a description.

use std::ops::Range;

/// What was found (never the value itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding {
    /// What it looks like, for messages: "an OpenAI API key".
    pub what: &'static str,
    /// Whether browsers may legitimately hold it (Google API keys, JWTs such as Supabase's
    /// anon key): not evidence for `client-exposed-secret`.
    pub browser_safe: bool,
}

/// Looks for a credential in `value`, bound to `name` when known.
pub fn detect(name: Option<&str>, value: &str) -> Option<Finding> {
    let value = value.trim();
    if value.is_empty() || is_placeholder(value) || is_public_by_design(value) {
        return None;
    }
    if let Some(f) = provider_format(value) {
        return Some(f);
    }
    if name.is_some_and(is_secret_name) && looks_random(value) {
        return Some(Finding {
            what: GENERATED,
            browser_safe: false,
        });
    }
    None
}

const GENERATED: &str = "a generated secret (a long random value under a secret name)";

/// Whether `value`, bound to `key`, may be a credential: a format [`detect`] knows, or any
/// real value (not empty, not a placeholder) under a secret name. What may not be copied
/// into a committed file, and what makes a committed file private.
pub fn could_be_secret(key: &str, value: &str) -> bool {
    detect(Some(key), value).is_some()
        || (is_secret_name(key) && !value.trim().is_empty() && !is_placeholder(value))
}

/// Names that say "this is a credential".
pub fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    const WORDS: [&str; 11] = [
        "SECRET",
        "TOKEN",
        "PASSWORD",
        "PASSWD",
        "PRIVATE_KEY",
        "API_KEY",
        "APIKEY",
        "ACCESS_KEY",
        "AUTH_KEY",
        "CREDENTIAL",
        "SERVICE_ROLE",
    ];
    WORDS.iter().any(|w| upper.contains(w))
}

/// Keys their providers publish or ship to browsers: Stripe publishable keys, and Stripe
/// test-mode keys (no real money behind them; Stripe's own docs print them).
fn is_public_by_design(value: &str) -> bool {
    ["pk_live_", "pk_test_", "sk_test_", "rk_test_"]
        .iter()
        .any(|p| value.starts_with(p))
}

/// Documentation stand-ins that must never count as secrets.
pub fn is_placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    const WORDS: [&str; 15] = [
        "changeme",
        "change-me",
        "change_me",
        "your",
        "example",
        "placeholder",
        "dummy",
        "replace",
        "insert",
        "redacted",
        "todo",
        "fixme",
        "xxxx",
        "...",
        "\u{2026}",
    ];
    if WORDS.iter().any(|w| lower.contains(w)) || lower.contains("***") {
        return true;
    }
    if (value.starts_with('<') && value.ends_with('>'))
        || (value.starts_with("${") && value.ends_with('}'))
        || (value.starts_with('{') && value.ends_with('}'))
    {
        return true;
    }
    // One repeated character: `aaaaaaaa`, `00000000`.
    let mut chars = value.chars();
    let first = chars.next();
    chars.all(|c| Some(c) == first)
}

/// `prefix` followed by at least `min` (at most `max`) bytes of `class`, not glued to a
/// word before it.
struct Format {
    prefix: &'static str,
    class: fn(u8) -> bool,
    min: usize,
    max: usize,
    what: &'static str,
    browser_safe: bool,
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}
fn token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}
fn upper_digit(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}
fn word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[rustfmt::skip]
const FORMATS: &[Format] = &[
    Format { prefix: "sk-ant-", class: token, min: 80, max: usize::MAX, what: "an Anthropic API key", browser_safe: false },
    Format { prefix: "sk-proj-", class: token, min: 40, max: usize::MAX, what: "an OpenAI project API key", browser_safe: false },
    Format { prefix: "sk-svcacct-", class: token, min: 40, max: usize::MAX, what: "an OpenAI service-account key", browser_safe: false },
    Format { prefix: "sk-", class: alnum, min: 32, max: usize::MAX, what: "an OpenAI API key", browser_safe: false },
    Format { prefix: "sk_live_", class: alnum, min: 20, max: usize::MAX, what: "a Stripe live secret key", browser_safe: false },
    Format { prefix: "rk_live_", class: alnum, min: 20, max: usize::MAX, what: "a Stripe live restricted key", browser_safe: false },
    Format { prefix: "whsec_", class: alnum, min: 24, max: usize::MAX, what: "a Stripe webhook secret", browser_safe: false },
    Format { prefix: "AKIA", class: upper_digit, min: 16, max: 16, what: "an AWS access key id", browser_safe: false },
    Format { prefix: "ASIA", class: upper_digit, min: 16, max: 16, what: "an AWS temporary access key id", browser_safe: false },
    Format { prefix: "ghp_", class: alnum, min: 36, max: 36, what: "a GitHub personal access token", browser_safe: false },
    Format { prefix: "gho_", class: alnum, min: 36, max: 36, what: "a GitHub OAuth token", browser_safe: false },
    Format { prefix: "ghu_", class: alnum, min: 36, max: 36, what: "a GitHub user-to-server token", browser_safe: false },
    Format { prefix: "ghs_", class: alnum, min: 36, max: 36, what: "a GitHub server-to-server token", browser_safe: false },
    Format { prefix: "ghr_", class: alnum, min: 36, max: 36, what: "a GitHub refresh token", browser_safe: false },
    Format { prefix: "github_pat_", class: word, min: 60, max: usize::MAX, what: "a GitHub fine-grained token", browser_safe: false },
    Format { prefix: "glpat-", class: token, min: 20, max: usize::MAX, what: "a GitLab personal access token", browser_safe: false },
    Format { prefix: "xoxb-", class: token, min: 20, max: usize::MAX, what: "a Slack bot token", browser_safe: false },
    Format { prefix: "xoxp-", class: token, min: 20, max: usize::MAX, what: "a Slack user token", browser_safe: false },
    Format { prefix: "xoxa-", class: token, min: 20, max: usize::MAX, what: "a Slack app token", browser_safe: false },
    Format { prefix: "xoxr-", class: token, min: 20, max: usize::MAX, what: "a Slack refresh token", browser_safe: false },
    Format { prefix: "AIza", class: token, min: 35, max: 35, what: "a Google API key", browser_safe: true },
];

fn provider_format(value: &str) -> Option<Finding> {
    let mut found = None;
    provider_spans(value, &mut |_, f| {
        found = found.or(Some(f));
    });
    found
}

/// Where the scan for each format starts: every prefix, then the markers of PEM blocks,
/// JWTs and URLs. One Aho-Corasick pass finds them all (the corpus check spends most of
/// its secret-scan time here; 24 separate `find` passes were 2x slower).
static STARTS: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
    let patterns = FORMATS
        .iter()
        .map(|f| f.prefix)
        .chain(["-----BEGIN", "eyJ", "://"]);
    aho_corasick::AhoCorasick::new(patterns).expect("fixed patterns build")
});

/// Every provider-format credential in `text`, with its byte range.
fn provider_spans(text: &str, out: &mut dyn FnMut(Range<usize>, Finding)) {
    let bytes = text.as_bytes();
    let found = |what, browser_safe| Finding { what, browser_safe };
    for m in STARTS.find_overlapping_iter(text) {
        let at = m.start();
        match m.pattern().as_usize().checked_sub(FORMATS.len()) {
            None => {
                let f = &FORMATS[m.pattern().as_usize()];
                let from = m.end();
                if at > 0 && word(bytes[at - 1]) {
                    continue;
                }
                let run = bytes[from..].iter().take_while(|&&b| (f.class)(b)).count();
                // A longer run than the format allows is some other string (`max`
                // formats end at a non-class byte).
                let ends = from + run == bytes.len() || !(f.class)(bytes[from + run]);
                if run >= f.min && run <= f.max && ends && !is_placeholder(&text[from..from + run])
                {
                    out(at..from + run, found(f.what, f.browser_safe));
                }
            }
            Some(0) => {
                if let Some(end) = private_key_end(text, at) {
                    out(at..end, found("a private key", false));
                }
            }
            Some(1) => {
                if at > 0 && (token(bytes[at - 1]) || bytes[at - 1] == b'.') {
                    continue;
                }
                let len = bytes[at..]
                    .iter()
                    .take_while(|&&b| token(b) || b == b'.')
                    .count();
                if is_jwt(&text[at..at + len]) {
                    out(at..at + len, found("a JSON Web Token", true));
                }
            }
            Some(_) => {
                let start = at
                    - bytes[..at]
                        .iter()
                        .rev()
                        .take_while(|&&b| b.is_ascii_alphanumeric() || b"+.-".contains(&b))
                        .count();
                let from = m.end();
                let end = from
                    + bytes[from..]
                        .iter()
                        .take_while(|&&b| !b.is_ascii_whitespace() && !b"\"'`/?#<>".contains(&b))
                        .count();
                if connection_password(&text[start..end]) {
                    out(
                        start..end,
                        found("a connection string with a password", false),
                    );
                }
            }
        }
    }
}

/// The end of the PEM private-key block starting at `at`, if it is one with a body.
fn private_key_end(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let header_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    if !text[at..header_end].contains("PRIVATE KEY") {
        return None;
    }
    // A key has a body: mentions in docs (`starts with -----BEGIN PRIVATE KEY-----`) and
    // empty test blocks do not.
    let end_marker = text[at + 10..].find("-----END").map(|e| at + 10 + e)?;
    let body_start = text[at + 10..end_marker]
        .find("-----")
        .map_or(end_marker, |i| at + 10 + i + 5);
    // The body is base64 lines, possibly inside a string literal (`\n`, quotes) or
    // comments (`//!`, `#`, `*`), with PEM headers (`Proc-Type: 4,ENCRYPTED`). Code in
    // between means the BEGIN was a mention and the END belongs to something else.
    let between = &bytes[body_start..end_marker];
    let pem_like = between.len() <= 16 << 10
        && between.iter().all(|&b| {
            b.is_ascii_alphanumeric() || b.is_ascii_whitespace() || b"+/=\\\"'!#*:,-".contains(&b)
        });
    let body = between
        .iter()
        .filter(|b| b.is_ascii_alphanumeric() || b"+/=".contains(b))
        .count();
    if !pem_like || body < 64 {
        return None;
    }
    Some(
        text[end_marker + 8..]
            .find("-----")
            .map_or(end_marker + 8, |i| end_marker + 8 + i + 5),
    )
}

/// A credential found in a text, by byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Where it is (the credential only, not the surrounding literal).
    pub span: Range<usize>,
    /// What it looks like.
    pub finding: Finding,
}

/// Looks for credentials anywhere in a source text: provider formats wherever they
/// appear (comments included: a key in a comment is as public as one in code), and
/// quoted random-looking values assigned to a secret-named identifier or key
/// (`API_SECRET = "…"`, `"client_secret": "…"`, `token: '…'`). Hits do not overlap.
pub fn scan_text(text: &str) -> Vec<Hit> {
    let mut hits: Vec<Hit> = Vec::new();
    provider_spans(text, &mut |span, finding| hits.push(Hit { span, finding }));
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let q = bytes[i];
        if !matches!(q, b'"' | b'\'' | b'`') {
            i += 1;
            continue;
        }
        // The literal runs to the matching quote on the same line.
        let mut j = i + 1;
        while j < bytes.len() && bytes[j] != q && bytes[j] != b'\n' {
            j += if bytes[j] == b'\\' { 2 } else { 1 };
        }
        if j >= bytes.len() || bytes[j] != q {
            i = j.max(i + 1);
            continue;
        }
        let value = &text[i + 1..j];
        if value.len() >= 16 {
            if let Some(name) = assigned_name(&text[..i]) {
                if is_secret_name(name) && !is_placeholder(value) && looks_random(value) {
                    hits.push(Hit {
                        span: i + 1..j,
                        finding: Finding {
                            what: GENERATED,
                            browser_safe: false,
                        },
                    });
                }
            }
        }
        i = j + 1;
    }
    hits.sort_by_key(|h| (h.span.start, std::cmp::Reverse(h.span.end)));
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    for h in hits {
        if kept.last().is_none_or(|k| h.span.start >= k.span.end) {
            kept.push(h);
        }
    }
    kept
}

/// The identifier or quoted key that `before` assigns: `NAME = `, `name: `, `"name": `,
/// `name := `, `name => `.
fn assigned_name(before: &str) -> Option<&str> {
    let t = before.trim_end_matches([' ', '\t']);
    let t = t
        .strip_suffix(":=")
        .or_else(|| t.strip_suffix("=>"))
        .or_else(|| t.strip_suffix('='))
        .or_else(|| t.strip_suffix(':'))?;
    let t = t.trim_end_matches([' ', '\t']);
    if let Some(inner) = t.strip_suffix(['"', '\'']) {
        let start = inner.rfind(['"', '\'', '\n'])? + 1;
        return Some(&inner[start..]);
    }
    let len = t
        .bytes()
        .rev()
        .take_while(|&b| b.is_ascii_alphanumeric() || b == b'_')
        .count();
    (len > 0).then(|| &t[t.len() - len..])
}

/// Three base64url segments, the first two JSON objects (`eyJ` is `{"`).
fn is_jwt(value: &str) -> bool {
    let parts: Vec<&str> = value.split('.').collect();
    parts.len() == 3
        && parts[0].starts_with("eyJ")
        && parts[1].starts_with("eyJ")
        && parts[2].len() >= 16
        && parts.iter().all(|p| p.bytes().all(token))
}

/// `scheme://user:password@host` with a password that is not a stand-in.
fn connection_password(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once("://") else {
        return false;
    };
    if scheme.is_empty()
        || !scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b))
    {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let Some((userinfo, _host)) = authority.rsplit_once('@') else {
        return false;
    };
    let Some((user, password)) = userinfo.split_once(':') else {
        return false;
    };
    // Documentation passwords: the user name again (`guest:guest`), a spelling of
    // "password" (`p@ssw0rd`, `mypassword`), a stock word, or a single word of letters.
    let lower = password.to_ascii_lowercase();
    const DEMO: [&str; 11] = [
        "pass", "pwd", "ssw", "secret", "test", "demo", "sample", "admin", "root", "1234", "key_",
    ];
    let classes = [
        password.bytes().any(|b| b.is_ascii_lowercase()),
        password.bytes().any(|b| b.is_ascii_uppercase()),
        password.bytes().any(|b| b.is_ascii_digit()),
        password.bytes().any(|b| !b.is_ascii_alphanumeric()),
    ];
    password.len() >= 8
        && classes.iter().filter(|&&c| c).count() >= 2
        && password != user
        && !is_placeholder(password)
        && !password.starts_with('$')
        && !password.contains('\\')
        && !DEMO.iter().any(|w| lower.contains(w))
}

/// Long, unbroken and varied enough to be generated rather than typed: only characters of
/// base64/hex/url-safe alphabets, letters and digits interleaved (identifiers such as
/// `parseToken2` or `API_KEY_V2` have one or two letter/digit switches, random strings many),
/// and a high Shannon entropy per character.
fn looks_random(value: &str) -> bool {
    let bytes = value.as_bytes();
    if bytes.len() < 16
        || !bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"+/=_-".contains(&b))
    {
        return false;
    }
    let switches = bytes
        .windows(2)
        .filter(|w| w[0].is_ascii_digit() != w[1].is_ascii_digit())
        .filter(|w| w[0].is_ascii_alphanumeric() && w[1].is_ascii_alphanumeric())
        .count();
    // `SOME_CONSTANT_V2`: an upper-case identifier, not a key.
    let constant = value.contains('_')
        && bytes
            .iter()
            .all(|&b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if switches < 4 || constant {
        return false;
    }
    let mut counts = [0u32; 256];
    for &b in bytes {
        counts[b as usize] += 1;
    }
    let n = bytes.len() as f64;
    let entropy: f64 = counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum();
    let hex = bytes.iter().all(|b| b.is_ascii_hexdigit());
    // Hex carries at most 4 bits per character, so it needs length instead.
    if hex {
        bytes.len() >= 32 && entropy >= 3.0
    } else {
        entropy >= 3.5
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn what(name: Option<&str>, value: &str) -> Option<&'static str> {
        detect(name, value).map(|f| f.what)
    }

    #[test]
    fn provider_formats() {
        let cases = [
            (
                format!("sk-proj-{}", "Ab3_".repeat(12)),
                "an OpenAI project API key",
            ),
            (format!("sk-{}", "aB3d".repeat(12)), "an OpenAI API key"),
            (
                format!("sk-ant-api03-{}", "x9Y-".repeat(22)),
                "an Anthropic API key",
            ),
            (
                format!("sk_live_{}", "4eC39HqLyjWDarjt".repeat(2)),
                "a Stripe live secret key",
            ),
            ("AKIAQ3EGRQXZ7KPLM2ZD".to_owned(), "an AWS access key id"),
            (
                format!("ghp_{}", "a1B2".repeat(9)),
                "a GitHub personal access token",
            ),
            (
                format!("glpat-{}", "k3Jd9".repeat(4)),
                "a GitLab personal access token",
            ),
            (
                format!("xoxb-1234-5678-{}", "qWe7".repeat(6)),
                "a Slack bot token",
            ),
            (
                format!("AIza{}", "Sy9_k2LmQp4rT7vXz1B3c5D8fG0hJ6nW-ab"),
                "a Google API key",
            ),
            (
                format!(
                    "-----BEGIN RSA PRIVATE KEY-----\nMIIE{}\n-----END RSA PRIVATE KEY-----",
                    "q8Xv2LmZ".repeat(8)
                ),
                "a private key",
            ),
            (
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLWJ5dGVzLWhlcmU".to_owned(),
                "a JSON Web Token",
            ),
            (
                "postgres://app:Zq8vLk2pWx@db.internal:5432/app".to_owned(),
                "a connection string with a password",
            ),
        ];
        for (value, expected) in cases {
            assert_eq!(what(None, &value), Some(expected), "{value}");
        }
    }

    #[test]
    fn stand_ins_and_near_misses_are_not_secrets() {
        for value in [
            "",
            "sk-...",
            "sk-your-key-here",
            "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
            "<your OpenAI key>",
            "${OPENAI_API_KEY}",
            "changeme",
            "xxxxxxxxxxxxxxxxxxxxxxxx",
            "AKIAIOSFODNN7EXAMPLE",
            "postgres://postgres:postgres@localhost:5432/app",
            "postgres://user:password@localhost/app",
            "amqp://guest:guest@rabbitmq:5672/",
            "postgres://username:p@ssw0rd@hostname:5432/database",
            "http://Aladdin:opensesame@y.ep",
            "dotenv://:key_1234\u{2026}@dotenvx.com/vault/.env.vault",
            "dotenv://:key_1234@dotenvx.com/vault/.env.vault",
            "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----",
            "starts with `-----BEGIN PRIVATE KEY-----`",
            "if !key.starts_with(b\"-----BEGIN PRIVATE KEY-----\") { return Err(e(\"not a PKCS#8 key in base64 form ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789\")); }\n-----END X-----",
            "postgres://app:${DB_PASSWORD}@db/app",
        ] {
            assert_eq!(what(Some("API_KEY"), value), None, "{value}");
        }
        // Too short, too long, glued to a word; URLs without passwords.
        for value in [
            "AKIA1234",
            "AKIAQ3EGRQXZ7KPLM2ZDQQ",
            "xghp_a1B2a1B2a1B2a1B2a1B2a1B2a1B2a1B2a1B2",
            "https://example.com/path",
            "redis://localhost:6379",
        ] {
            assert_eq!(what(None, value), None, "{value}");
        }
    }

    #[test]
    fn entropy_counts_only_under_secret_names() {
        let random = "q8Xv2LmZ9tPw4RkN7bYc";
        assert_eq!(
            what(Some("SESSION_SECRET"), random),
            Some("a generated secret (a long random value under a secret name)")
        );
        assert_eq!(what(Some("BUILD_ID"), random), None);
        // Typed words, URLs and short values are not random.
        for value in [
            "correct horse battery",
            "development",
            "http://localhost:3000",
            "abc123",
            "sourceCode.getTokenBefore(node",
            "APORIA_API_KEY_2",
            "isOpeningBraceToken",
            "TLS13_CHACHA20_POLY1305_SHA256_INTERNAL",
        ] {
            assert_eq!(what(Some("SESSION_SECRET"), value), None, "{value}");
        }
        let hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assert!(what(Some("JWT_SECRET"), hex).is_some());
    }

    #[test]
    fn scan_text_finds_credentials_in_code() {
        let key = format!("sk-proj-{}", "Ab3_".repeat(12));
        let src = format!(
            "const client = new OpenAI({{ apiKey: \"{key}\" }});\n\
             API_SECRET = 'q8Xv2LmZ9tPw4RkN7bYc'\n\
             config = {{\"client_secret\": \"Zt7Qm2Vx9Lp4Rk8Nw3Yb\"}}\n\
             # ghp_a1B2a1B2a1B2a1B2a1B2a1B2a1B2a1B2a1B2 in a comment\n\
             let build_id = \"q8Xv2LmZ9tPw4RkN7bYc\";\n\
             API_KEY = os.environ['API_KEY']\n\
             token = \"<your token here, 32 characters>\"\n"
        );
        let hits = scan_text(&src);
        let found: Vec<(&str, &str)> = hits
            .iter()
            .map(|h| (&src[h.span.clone()], h.finding.what))
            .collect();
        assert_eq!(
            found,
            [
                (key.as_str(), "an OpenAI project API key"),
                ("q8Xv2LmZ9tPw4RkN7bYc", GENERATED),
                ("Zt7Qm2Vx9Lp4Rk8Nw3Yb", GENERATED),
                (
                    "ghp_a1B2a1B2a1B2a1B2a1B2a1B2a1B2a1B2a1B2",
                    "a GitHub personal access token"
                ),
            ]
        );
    }

    #[test]
    fn scan_text_survives_any_input() {
        for text in [
            "\"",
            "'\\",
            "x = \"\\",
            "é'\\é'",
            "-----BEGIN",
            "a://",
            "eyJ.eyJ.",
            "=\"\n\"",
            "\"é\\\"",
        ] {
            let _ = scan_text(text);
        }
    }
}
