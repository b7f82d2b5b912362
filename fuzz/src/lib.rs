//! Fuzzing targets for envlint, and what the runner needs to drive them.
//!
//! Why a crate of its own: the parser, the edit API, the rules, the fixer, the scanners and
//! the maskers all take bytes a user (or an attacker's repository) wrote, and each promises
//! more than "no panic" (lossless documents, edits that dotenvy reads back as asked, masks
//! that hide every value). A target here is a plain `fn(&[u8])` that checks those promises
//! with `assert!`: any panic is a finding. The runner (`src/main.rs`) needs no nightly
//! toolchain and no libFuzzer, so CI and every developer can run it; the same targets are
//! what a coverage-guided fuzzer would call.
//!
//! Nothing here prints (the workspace lints hold library code to that); the runner does.

pub mod corpus;
pub mod mutate;
pub mod oracle;
pub mod plant;
pub mod rng;
pub mod targets;

pub use targets::{target, Target, EXTRA, TARGETS};
