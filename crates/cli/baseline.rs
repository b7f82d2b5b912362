//! Baselines: adopt envlint in a repository that already has problems and fail only on
//! new ones.
//!
//! Why counts per (rule, path, key) rather than line numbers: lines move with every edit,
//! and a baseline that breaks on an unrelated commit gets deleted. Each entry says "this
//! file had N findings of this rule about this key"; a check hides up to N of them and
//! reports the rest. Keys are names, never values, so the file is safe to commit.
//! Findings about no key (blank lines, parse errors) are counted per rule and path.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use envlint_core::Diagnostic;
use serde_json::{json, Value};

type Fingerprint = (String, String, Option<String>);

/// Known findings, counted by fingerprint.
#[derive(Default)]
pub(crate) struct Baseline {
    counts: BTreeMap<Fingerprint, u64>,
    /// How many findings the baseline hid so far.
    pub(crate) hidden: u64,
}

impl Baseline {
    /// Reads a baseline written by `--write-baseline`.
    pub(crate) fn load(path: &Path) -> Result<Baseline, String> {
        let shown = path.display();
        let bytes = crate::fs()
            .read(path)
            .map_err(|e| format!("{shown}: {}", envlint_workspace::io_reason(&e)))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| format!("{shown}: stream did not contain valid UTF-8"))?;
        let v: Value = serde_json::from_str(&text)
            .map_err(|e| format!("{shown}: not a baseline (invalid JSON: {e})"))?;
        if v["version"] != 1 {
            return Err(format!(
                "{shown}: not an envlint baseline of version 1 (write one with --write-baseline)"
            ));
        }
        let entries = v["findings"]
            .as_array()
            .ok_or_else(|| format!("{shown}: `findings` must be a list"))?;
        let mut counts = BTreeMap::new();
        for (i, e) in entries.iter().enumerate() {
            let bad = || {
                format!("{shown}: finding {} needs `rule`, `path` (strings), `key` (string or null) and `count` (a number)", i + 1)
            };
            let rule = e["rule"].as_str().ok_or_else(bad)?;
            let file = e["path"].as_str().ok_or_else(bad)?;
            let key = match &e["key"] {
                Value::Null => None,
                Value::String(k) => Some(k.clone()),
                _ => return Err(bad()),
            };
            let count = e["count"].as_u64().ok_or_else(bad)?;
            *counts
                .entry((rule.to_owned(), file.to_owned(), key))
                .or_insert(0) += count;
        }
        Ok(Baseline { counts, hidden: 0 })
    }

    /// Drops the findings of `path` the baseline knows, in order, up to each count.
    pub(crate) fn filter(&mut self, path: &str, diagnostics: &mut Vec<Diagnostic>) {
        if self.counts.is_empty() {
            return;
        }
        diagnostics.retain(|d| {
            let fp = fingerprint(path, d);
            match self.counts.get_mut(&fp) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    self.hidden += 1;
                    false
                }
                _ => true,
            }
        });
    }
}

fn fingerprint(path: &str, d: &Diagnostic) -> Fingerprint {
    // A key that looks like a credential is recorded masked (never a value in the file).
    (
        d.rule.to_owned(),
        path.to_owned(),
        d.key.as_ref().map(|k| k.masked().into_owned()),
    )
}

/// Collects findings for `--write-baseline`.
#[derive(Default)]
pub(crate) struct Recorder {
    counts: BTreeMap<Fingerprint, u64>,
}

impl Recorder {
    pub(crate) fn add(&mut self, path: &str, diagnostics: &[Diagnostic]) {
        for d in diagnostics {
            *self.counts.entry(fingerprint(path, d)).or_insert(0) += 1;
        }
    }

    /// How many findings were recorded.
    pub(crate) fn total(&self) -> u64 {
        self.counts.values().sum()
    }

    /// Writes the baseline (sorted, one finding per line for readable diffs) through a
    /// temporary file renamed into place.
    pub(crate) fn write(&self, path: &Path) -> Result<(), String> {
        let mut text = String::from("{\n  \"version\": 1,\n  \"findings\": [");
        for (i, ((rule, file, key), count)) in self.counts.iter().enumerate() {
            let entry = json!({"rule": rule, "path": file, "key": key, "count": count});
            text.push_str(if i == 0 { "\n    " } else { ",\n    " });
            text.push_str(&entry.to_string());
        }
        text.push_str(if self.counts.is_empty() {
            "]\n}\n"
        } else {
            "\n  ]\n}\n"
        });
        let fail = |e: std::io::Error| {
            format!(
                "{}: cannot write: {}",
                path.display(),
                envlint_workspace::io_reason(&e)
            )
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let mut tmp = tempfile::Builder::new()
            .prefix(".envlint-baseline-")
            .tempfile_in(dir)
            .map_err(fail)?;
        tmp.write_all(text.as_bytes()).map_err(fail)?;
        tmp.as_file().sync_all().map_err(fail)?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(tmp.path(), meta.permissions()).map_err(fail)?;
        }
        tmp.persist(path).map_err(|e| fail(e.error))?;
        Ok(())
    }
}
