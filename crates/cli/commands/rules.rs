//! `envlint rules`: the rules, or one rule's documentation.

use serde_json::json;

use crate::output::emit;
use crate::{Cli, Fatal, Format};

pub(crate) fn run(cli: &Cli, id: Option<&str>) -> Result<u8, Fatal> {
    let all = envlint_core::rules();
    let chosen: Vec<_> = match id {
        Some(id) => vec![envlint_core::rule(id).ok_or_else(|| {
            Fatal(format!(
                "unknown rule `{id}` (run `envlint rules` for the list)"
            ))
        })?],
        None => all.iter().collect(),
    };
    if cli.format == Format::Json {
        let list: Vec<_> = chosen
            .iter()
            .map(|r| json!({"id": r.id, "summary": r.summary, "severity": r.severity.as_str(), "default_enabled": r.default_enabled, "fix": r.fix.as_str(), "docs": r.docs}))
            .collect();
        emit(&format!("{}\n", json!({"version": 1, "rules": list})));
        return Ok(0);
    }
    let mut out = String::new();
    if let [r] = chosen.as_slice() {
        if id.is_some() {
            out.push_str(&format!(
                "# {}\n\n{}\nDefault: {}, {}. Fix: {}.\n\n{}",
                r.id,
                r.summary,
                if r.default_enabled { "on" } else { "off" },
                r.severity.as_str(),
                r.fix,
                r.docs
            ));
            emit(&out);
            return Ok(0);
        }
    }
    let width = chosen.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for r in chosen {
        out.push_str(&format!(
            "{:width$}  {:3}  {:7}  fix: {:10}  {}\n",
            r.id,
            if r.default_enabled { "on" } else { "off" },
            r.severity.as_str(),
            r.fix,
            r.summary,
        ));
    }
    emit(&out);
    Ok(0)
}
