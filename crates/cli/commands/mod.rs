//! One module per command. Each asks the library workspace for a report or a plan, then
//! shows it in the chosen format, writes what the plan changes, and picks the exit code.

pub(crate) mod check;
pub(crate) mod example;
pub(crate) mod fix;
pub(crate) mod init;
pub(crate) mod parse;
pub(crate) mod refs;
pub(crate) mod rules;

pub(crate) use envlint_workspace::list;

/// `n word` or `n words`.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
