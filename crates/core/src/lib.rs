//! envlint-core: the linter behind the `envlint` command.
//!
//! Why a separate crate: the rules, their diagnostics and fixes, the configuration model and
//! suppression comments are plain data transformations. Keeping them free of I/O (no file
//! reads, no printing, no exit codes) lets the CLI, the language server and tests drive the
//! same code over files on disk, unsaved editor buffers or strings.
//!
//! The entry point for one env file is [`lint_env_file`]; [`fix::fix_env_file`] applies the
//! fixes the diagnostics carry.
#![deny(missing_docs)]

pub mod config;
pub mod diagnostic;
pub mod example;
pub mod fix;
pub mod line_index;
mod lint;
pub mod mask;
pub mod project;
pub mod rule;
mod rules;
pub mod secret;
pub mod suppress;
pub mod text;

pub use config::{Config, ConfigError, Settings};
pub use diagnostic::{
    Applicability, Diagnostic, Fix, Label, ProjectEdit, ProjectFix, Related, Severity,
};
pub use line_index::{Encoding, LineIndex, Position};
pub use lint::{lint_env_file, EnvFileReport};
pub use rule::{rule, rules, FixAvailability, Rule};
pub use text::Text;
