//! A lossless, error-tolerant parser for `.env` files.
//!
//! Why it exists: a linter, a fixer and an `.env.example` generator all need the same
//! thing from an env file: *every byte* (so that an edit can leave the rest of the file
//! untouched), *where* each part sits (so that diagnostics can point at it), and *what the
//! real loader would load* (so that rules speak about the program's behaviour, not about a
//! guess). Off-the-shelf loaders give only the last of these and stop at the first error.
//!
//! The reference semantics are those of [dotenvy] 0.15.7, reproduced quirk for quirk (an
//! unbraced `$NAME_X` substitutes `$NAME` then appends `_X`; `"$B"` is rejected; a last
//! line with trailing whitespace and no newline is rejected, …). A differential test suite
//! runs dotenvy itself as the oracle.
//!
//! ```
//! use envlint_dotenv::{Document, ParseOptions};
//!
//! let doc = Document::parse(b"# db\nexport URL=\"pg://${HOST}/app\" # main\nHOST=x\n", &ParseOptions::isolated());
//! let entry = doc.entries().next().unwrap();
//! assert_eq!(entry.key(&doc), "URL");
//! assert_eq!(entry.value(&doc), "pg:///app"); // HOST is defined only later
//! assert_eq!(doc.to_bytes(), b"# db\nexport URL=\"pg://${HOST}/app\" # main\nHOST=x\n");
//! ```
//!
//! [dotenvy]: https://crates.io/crates/dotenvy
#![deny(missing_docs)]

mod document;
mod edit;
mod parse;

pub use document::{
    Document, Entry, EnvLookup, ErrorKind, Line, LineKind, ParseError, ParseOptions, Quote,
    QuoteKind, Quotes, Source, Span, Substitution,
};
pub use edit::{apply_edits, encode_value, is_plain_value, EditError, TextEdit};

/// The UTF-8 byte order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";
