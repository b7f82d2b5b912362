//! One module per command. Each asks the library workspace for a report or a plan, then
//! shows it in the chosen format, writes what the plan changes, and picks the exit code.

pub(crate) mod check;
pub(crate) mod example;
pub(crate) mod fix;
pub(crate) mod init;
pub(crate) mod parse;
pub(crate) mod refs;
pub(crate) mod rules;

/// `n word` or `n words`.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Up to eight items joined with commas, then `and N more`.
pub(crate) fn list(keys: &[String]) -> String {
    const SHOWN: usize = 8;
    let mut s = keys
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if keys.len() > SHOWN {
        s.push_str(&format!(" and {} more", keys.len() - SHOWN));
    }
    s
}
