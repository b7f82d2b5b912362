//! End-to-end tests of the `envlint` binary over real temporary git repositories.
//!
//! Each test copies a fixture (or writes files) into a fresh temp folder with `git init`,
//! runs the built binary there, and checks exit code, stdout and stderr. Human output is
//! snapshot-tested with insta (no colour: the output is not a terminal and NO_COLOR is set).
//!
//! Layout: one test binary, `cli` (Cargo finds `tests/cli/main.rs` as that target), with a
//! module per command and the shared helpers in [`support`]. Each `tests/*.rs` file would be
//! a crate and a binary of its own: the helpers would be compiled and the harness linked
//! once per file, and a helper unused by one file would warn as dead code there. Modules
//! keep one build, share the helpers plainly, and `cargo test --test cli example::` runs
//! one command's tests. A test that runs several commands lives with its main assertion.
//!
//! Snapshots are named after the module, `tests/cli/snapshots/cli__<module>__<name>.snap`;
//! fixtures stay in `tests/fixtures/`, found from `CARGO_MANIFEST_DIR`.

#![allow(clippy::print_stderr)]

mod support;

mod check;
mod config;
mod example;
mod fix;
mod hostile;
mod init;
mod leaks;
mod library;
mod parse;
mod project;
mod refs;
mod rules;
mod writes;
