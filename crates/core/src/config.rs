//! Configuration: which rules run and how severe they are.
//!
//! Why here and not in the CLI: the language server and the CLI must agree on what a
//! configuration means. This module turns TOML text into [`Settings`]; finding the file
//! (`envlint.toml`, `.envlint.toml`, `[tool.envlint]` in pyproject.toml,
//! `[workspace.metadata.envlint]` / `[package.metadata.envlint]` in Cargo.toml) is the
//! caller's I/O, helped by [`Config::from_file_text`].

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use crate::diagnostic::Severity;
use crate::rule::rules;

/// The `envlint` table of a configuration file.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Run exactly these rules (`"ALL"` for every rule) instead of the defaults.
    pub select: Option<Vec<String>>,
    /// Run these rules in addition to the selection (e.g. the style rules that are off).
    #[serde(default)]
    pub extend_select: Vec<String>,
    /// Never run these rules.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Per-rule severity: `"error"`, `"warning"`, `"info"` or `"off"`.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    /// Glob patterns of paths the walker skips (relative to the configuration's folder).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Variable names no project rule reports (`LEGACY_*`, `*_DEBUG`, or exact names):
    /// read by tooling outside the code, or deliberately undocumented.
    #[serde(default)]
    pub ignore_keys: Vec<String>,
    /// Names the platform sets (`RENDER_*`, `MY_ORCHESTRATOR_ID`), added to the built-in
    /// list: never missing from the example or the env files.
    #[serde(default)]
    pub platform_keys: Vec<String>,
    /// The severity of a `missing-in-example` finding by how the code reads the variable:
    /// `{ required = "error", build-time = "error", defaulted = "warning", optional =
    /// "warning" }` by default; `"off"` stops reporting that kind.
    #[serde(default)]
    pub read_severity: BTreeMap<String, String>,
    /// Rules not reported in some paths: `{ "tests/**" = ["hardcoded-secret"] }`. Globs
    /// are gitignore-style, relative to the configuration's folder; `"ALL"` for every rule.
    #[serde(default)]
    pub per_file_ignores: BTreeMap<String, Vec<String>>,
}

/// Which kind of file a configuration came from: decides where the `envlint` table is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigFileKind {
    /// `envlint.toml` / `.envlint.toml`: the whole file.
    Envlint,
    /// `pyproject.toml`: `[tool.envlint]`.
    Pyproject,
    /// `Cargo.toml`: `[workspace.metadata.envlint]` or `[package.metadata.envlint]`.
    Cargo,
}

impl ConfigFileKind {
    /// The kind for a file name, if it is one envlint reads.
    pub fn of(file_name: &str) -> Option<Self> {
        match file_name {
            "envlint.toml" | ".envlint.toml" => Some(ConfigFileKind::Envlint),
            "pyproject.toml" => Some(ConfigFileKind::Pyproject),
            "Cargo.toml" => Some(ConfigFileKind::Cargo),
            _ => None,
        }
    }
}

/// A configuration problem. Its message names the file's offending key or rule.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    /// The TOML is malformed or has an unknown key.
    #[error("{0}")]
    Toml(String),
    /// A rule id that does not exist.
    #[error("unknown rule `{rule}` in {field}{}", suggestion(.rule))]
    UnknownRule {
        /// The id as written.
        rule: String,
        /// Where it was written (`select`, `--ignore`, `severity`, …).
        field: String,
    },
    /// A severity that is not error, warning, info or off.
    #[error("unknown severity `{value}` for `{rule}` (expected error, warning, info or off)")]
    UnknownSeverity {
        /// The rule.
        rule: String,
        /// The value as written.
        value: String,
    },
    /// A key pattern that is empty or has more than one `*`.
    #[error(
        "bad pattern `{pattern}` in {field}: write a name, `PREFIX_*`, `*_SUFFIX` or `PRE*SUF`"
    )]
    BadKeyPattern {
        /// `ignore-keys` or `platform-keys`.
        field: &'static str,
        /// The pattern as written.
        pattern: String,
    },
}

fn suggestion(id: &str) -> String {
    let close = rules()
        .iter()
        .map(|r| r.id)
        .find(|r| r.contains(id) || id.contains(r) || strsim_like(r, id));
    match close {
        Some(r) => format!(" (did you mean `{r}`?)"),
        None => " (run `envlint rules` for the list)".to_owned(),
    }
}

/// A cheap "same letters, one edit away" test, enough to catch typos in rule ids.
fn strsim_like(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    prefix + suffix + 1 >= a.len().max(b.len())
}

/// One line: "line N: message", without the multi-line snippet toml renders.
fn describe(text: &str, e: &toml::de::Error, prefix: &str) -> String {
    let message = e.message().trim().replace('\n', " ");
    match e.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("line {line}: {prefix}{message}")
        }
        None => format!("{prefix}{message}"),
    }
}

impl Config {
    /// Reads the envlint table from the text of a configuration file. `Ok(None)` when a
    /// pyproject.toml or Cargo.toml has no envlint table (the search goes on upwards).
    pub fn from_file_text(kind: ConfigFileKind, text: &str) -> Result<Option<Config>, ConfigError> {
        match kind {
            ConfigFileKind::Envlint => toml::from_str(text)
                .map(Some)
                .map_err(|e| ConfigError::Toml(describe(text, &e, ""))),
            ConfigFileKind::Pyproject | ConfigFileKind::Cargo => {
                let value: toml::Table =
                    toml::from_str(text).map_err(|e| ConfigError::Toml(describe(text, &e, "")))?;
                let paths: &[&[&str]] = if kind == ConfigFileKind::Pyproject {
                    &[&["tool", "envlint"]]
                } else {
                    &[
                        &["workspace", "metadata", "envlint"],
                        &["package", "metadata", "envlint"],
                    ]
                };
                for path in paths {
                    let mut node = Some(&value);
                    for part in *path {
                        node = node
                            .and_then(|t| t.get(*part))
                            .and_then(toml::Value::as_table);
                    }
                    if let Some(table) = node {
                        let prefix = format!("[{}] ", path.join("."));
                        return Config::deserialize(toml::Value::Table(table.clone()))
                            .map(Some)
                            .map_err(|e| ConfigError::Toml(describe(text, &e, &prefix)));
                    }
                }
                Ok(None)
            }
        }
    }
}

/// The severity a missing variable gets by how the code reads it; `None`: not reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadSeverity {
    /// `.unwrap()`, `os.environ[...]`, `process.env.X!`: the program fails without it.
    pub required: Option<Severity>,
    /// `env!`: the build fails without it.
    pub build_time: Option<Severity>,
    /// A fallback value in the code.
    pub defaulted: Option<Severity>,
    /// Read, absence handled.
    pub optional: Option<Severity>,
}

impl Default for ReadSeverity {
    fn default() -> Self {
        ReadSeverity {
            required: Some(Severity::Error),
            build_time: Some(Severity::Error),
            defaulted: Some(Severity::Warning),
            optional: Some(Severity::Warning),
        }
    }
}

impl ReadSeverity {
    /// The severity for a read of `kind` (presence checks and declarations: never).
    pub fn of(&self, kind: envlint_scan::Kind) -> Option<Severity> {
        use envlint_scan::Kind;
        match kind {
            Kind::Required => self.required,
            Kind::BuildTime => self.build_time,
            Kind::Defaulted => self.defaulted,
            Kind::Optional => self.optional,
            Kind::Presence | Kind::Declared => None,
        }
    }
}

/// Resolved settings: the set of enabled rules and severity overrides.
#[derive(Clone, Debug)]
pub struct Settings {
    enabled: HashMap<&'static str, bool>,
    severity: HashMap<&'static str, Severity>,
    /// See [`Config::ignore_keys`].
    pub ignore_keys: Vec<String>,
    /// See [`Config::platform_keys`].
    pub platform_keys: Vec<String>,
    /// See [`Config::read_severity`].
    pub read_severity: ReadSeverity,
}

impl Default for Settings {
    fn default() -> Self {
        Settings::resolve(&Config::default(), &[], &[]).unwrap_or_else(|_| Settings {
            enabled: HashMap::new(),
            severity: HashMap::new(),
            ignore_keys: Vec::new(),
            platform_keys: Vec::new(),
            read_severity: ReadSeverity::default(),
        })
    }
}

fn known(id: &str, field: &str) -> Result<&'static str, ConfigError> {
    rules()
        .iter()
        .map(|r| r.id)
        .find(|r| *r == id)
        .ok_or_else(|| ConfigError::UnknownRule {
            rule: id.to_owned(),
            field: field.to_owned(),
        })
}

fn apply_select(
    enabled: &mut HashMap<&'static str, bool>,
    list: &[String],
    field: &str,
    replace: bool,
) -> Result<(), ConfigError> {
    if replace {
        enabled.values_mut().for_each(|v| *v = false);
    }
    for id in list {
        if id.eq_ignore_ascii_case("ALL") {
            enabled.values_mut().for_each(|v| *v = true);
        } else {
            enabled.insert(known(id, field)?, true);
        }
    }
    Ok(())
}

impl Settings {
    /// Resolves a configuration plus command-line `--select` / `--ignore` (which win).
    pub fn resolve(
        config: &Config,
        cli_select: &[String],
        cli_ignore: &[String],
    ) -> Result<Settings, ConfigError> {
        let mut enabled: HashMap<&'static str, bool> =
            rules().iter().map(|r| (r.id, r.default_enabled)).collect();
        if let Some(select) = &config.select {
            apply_select(&mut enabled, select, "select", true)?;
        }
        apply_select(&mut enabled, &config.extend_select, "extend-select", false)?;
        for id in &config.ignore {
            enabled.insert(known(id, "ignore")?, false);
        }
        // The command line wins: `--select` replaces whatever the file chose.
        if !cli_select.is_empty() {
            apply_select(&mut enabled, cli_select, "--select", true)?;
        }
        for id in cli_ignore {
            enabled.insert(known(id, "--ignore")?, false);
        }
        let mut read_severity = ReadSeverity::default();
        for (kind, value) in &config.read_severity {
            let sev = match value.as_str() {
                "error" => Some(Severity::Error),
                "warning" => Some(Severity::Warning),
                "info" => Some(Severity::Info),
                "off" => None,
                _ => {
                    return Err(ConfigError::UnknownSeverity {
                        rule: format!("read-severity.{kind}"),
                        value: value.clone(),
                    })
                }
            };
            match kind.as_str() {
                "required" => read_severity.required = sev,
                "build-time" => read_severity.build_time = sev,
                "defaulted" => read_severity.defaulted = sev,
                "optional" => read_severity.optional = sev,
                _ => {
                    return Err(ConfigError::Toml(format!(
                        "unknown read kind `{kind}` in read-severity (expected required, build-time, defaulted or optional)"
                    )))
                }
            }
        }
        let mut severity = HashMap::new();
        for (id, value) in &config.severity {
            let id = known(id, "severity")?;
            let sev = match value.as_str() {
                "error" => Severity::Error,
                "warning" => Severity::Warning,
                "info" => Severity::Info,
                "off" => {
                    if cli_select.iter().all(|s| s != id) {
                        enabled.insert(id, false);
                    }
                    continue;
                }
                _ => {
                    return Err(ConfigError::UnknownSeverity {
                        rule: id.to_owned(),
                        value: value.clone(),
                    })
                }
            };
            severity.insert(id, sev);
        }
        for ids in config.per_file_ignores.values() {
            for id in ids.iter().filter(|id| !id.eq_ignore_ascii_case("ALL")) {
                known(id, "per-file-ignores")?;
            }
        }
        for (field, patterns) in [
            ("ignore-keys", &config.ignore_keys),
            ("platform-keys", &config.platform_keys),
        ] {
            if let Some(bad) = patterns
                .iter()
                .find(|p| p.is_empty() || p.matches('*').count() > 1)
            {
                return Err(ConfigError::BadKeyPattern {
                    field,
                    pattern: bad.clone(),
                });
            }
        }
        Ok(Settings {
            enabled,
            severity,
            ignore_keys: config.ignore_keys.clone(),
            platform_keys: config.platform_keys.clone(),
            read_severity,
        })
    }

    /// Whether the rule runs.
    pub fn is_enabled(&self, id: &str) -> bool {
        self.enabled.get(id).copied().unwrap_or(false)
    }

    /// The configured severity of a rule, if any.
    pub fn severity_override(&self, id: &str) -> Option<Severity> {
        self.severity.get(id).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_named() {
        let err = Config::from_file_text(ConfigFileKind::Envlint, "selec = []\n").unwrap_err();
        assert!(err.to_string().contains("selec"), "{err}");
    }

    #[test]
    fn pyproject_and_cargo_tables() {
        let py = "[tool.envlint]\nignore = [\"bom\"]\n";
        let c = Config::from_file_text(ConfigFileKind::Pyproject, py)
            .unwrap()
            .unwrap();
        assert_eq!(c.ignore, vec!["bom"]);
        assert_eq!(
            Config::from_file_text(ConfigFileKind::Pyproject, "[tool.black]\n").unwrap(),
            None
        );
        let cargo =
            "[package]\nname='x'\n[package.metadata.envlint]\nextend-select=[\"unordered-key\"]\n";
        let c = Config::from_file_text(ConfigFileKind::Cargo, cargo)
            .unwrap()
            .unwrap();
        assert_eq!(c.extend_select, vec!["unordered-key"]);
        let bad = "[workspace.metadata.envlint]\nwat = 1\n";
        let e = Config::from_file_text(ConfigFileKind::Cargo, bad)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("wat") && e.contains("workspace.metadata.envlint"),
            "{e}"
        );
    }

    #[test]
    fn selection_and_severity() {
        let c = Config {
            extend_select: vec!["unordered-key".into()],
            ignore: vec!["lowercase-key".into()],
            severity: [
                ("bom".to_owned(), "error".to_owned()),
                ("trailing-whitespace".to_owned(), "off".to_owned()),
            ]
            .into_iter()
            .collect(),
            ..Config::default()
        };
        let s = Settings::resolve(&c, &[], &[]).unwrap();
        assert!(s.is_enabled("unordered-key"));
        assert!(!s.is_enabled("lowercase-key"));
        assert!(!s.is_enabled("trailing-whitespace"));
        assert_eq!(s.severity_override("bom"), Some(Severity::Error));
        let s = Settings::resolve(&c, &["bom".into()], &[]).unwrap();
        assert!(s.is_enabled("bom") && !s.is_enabled("duplicated-key"));
    }

    #[test]
    fn unknown_rule_suggests() {
        let e = Settings::resolve(&Config::default(), &["lowercase-keys".into()], &[]).unwrap_err();
        assert!(
            e.to_string().contains("did you mean `lowercase-key`"),
            "{e}"
        );
    }
}
