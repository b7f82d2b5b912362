//! Credential-shaped values made at run time, for the masking checks to plant and look for.
//!
//! Why generated and never written out: a literal token in the repository is itself what
//! secret scanners (ours included) flag, and a fixed token would let a masker pass by
//! special-casing it. Each format's prefix is assembled from pieces and its body drawn
//! from the input's random stream; a value is kept only when
//! [`envlint_core::secret::detect`] recognises it (a random body can spell a placeholder
//! word such as `todo`), so every planted value is one the product promises to hide.

use crate::rng::Rng;

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_DIGIT: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const TOKEN: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/// One provider format: prefix pieces (joined at run time), body alphabet and length.
struct Shape {
    prefix: &'static [&'static str],
    alphabet: &'static [u8],
    len: usize,
}

const SHAPES: &[Shape] = &[
    Shape {
        prefix: &["gh", "p", "_"],
        alphabet: ALNUM,
        len: 36,
    },
    Shape {
        prefix: &["AK", "IA"],
        alphabet: UPPER_DIGIT,
        len: 16,
    },
    Shape {
        prefix: &["sk", "_li", "ve_"],
        alphabet: ALNUM,
        len: 24,
    },
    Shape {
        prefix: &["xo", "xb", "-"],
        alphabet: TOKEN,
        len: 30,
    },
    Shape {
        prefix: &["gl", "pat", "-"],
        alphabet: TOKEN,
        len: 22,
    },
    Shape {
        prefix: &["git", "hub_", "pat_"],
        alphabet: ALNUM,
        len: 62,
    },
    Shape {
        prefix: &["sk", "-pr", "oj-"],
        alphabet: TOKEN,
        len: 48,
    },
];

/// A credential-shaped value that [`envlint_core::secret::detect`] recognises, drawn from
/// `rng`.
pub fn credential(rng: &mut Rng) -> String {
    for _ in 0..10_000 {
        let shape = &SHAPES[rng.below(SHAPES.len())];
        let mut s: String = shape.prefix.concat();
        for i in 0..shape.len {
            let mut b = shape.alphabet[rng.below(shape.alphabet.len())];
            // A body starting or ending in `-`/`_` is fine for the formats, but keep the
            // token's ends alphanumeric so that no quoting or word boundary rule is tested
            // by accident here.
            if (i == 0 || i + 1 == shape.len) && !b.is_ascii_alphanumeric() {
                b = b'7';
            }
            s.push(char::from(b));
        }
        if envlint_core::secret::detect(None, &s).is_some()
            && envlint_core::text::credential_like(&s)
        {
            return s;
        }
    }
    panic!("the secret detector recognises none of the provider shapes planted here");
}

/// A marker no input holds by chance: 24 random letters and digits with a lower-case
/// letter (so it is never a conventional variable name that a masker may show).
pub fn marker(rng: &mut Rng) -> String {
    let mut s = String::from("q");
    for _ in 0..23 {
        s.push(char::from(ALNUM[rng.below(ALNUM.len())]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_is_detected() {
        let mut rng = Rng::new(3);
        for _ in 0..200 {
            let c = credential(&mut rng);
            assert!(envlint_core::secret::detect(None, &c).is_some(), "{c}");
        }
        assert_eq!(marker(&mut rng).len(), 24);
    }
}
