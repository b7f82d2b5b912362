//! A small seeded random number generator and a byte hash.
//!
//! Why not a crate: the runner must be deterministic for a given seed across machines and
//! releases of any dependency, and the targets derive their choices (which key to edit,
//! where to plant a token) from the input's own hash, so a reproducer file alone replays
//! them. SplitMix64 is a dozen lines, passes the usual statistical tests and is plenty for
//! choosing mutations.

/// SplitMix64: one `u64` of state, a full-period sequence.
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator whose sequence is fixed by `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// A generator seeded from the contents of `data` (the targets' source of choices:
    /// the same input always makes the same choices).
    pub fn from_bytes(data: &[u8]) -> Rng {
        Rng::new(hash64(data))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`0` when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }

    /// `true` with probability `1/n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// A uniformly chosen element (`None` for an empty slice).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        if items.is_empty() {
            None
        } else {
            Some(&items[self.below(items.len())])
        }
    }

    /// A size skewed towards small values (most mutations should be small, a few huge).
    pub fn small_size(&mut self, max: usize) -> usize {
        let bits = self.below(usize::BITS as usize - max.leading_zeros() as usize + 1);
        self.below((1usize << bits).min(max) + 1)
    }
}

/// FNV-1a over the bytes, then one SplitMix64 step to spread the bits: a stable 64-bit
/// hash for seeding and for artifact file names.
pub fn hash64(data: &[u8]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01B3);
    }
    Rng::new(h).next_u64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let a: Vec<u64> = {
            let mut r = Rng::new(7);
            (0..8).map(|_| r.next_u64()).collect()
        };
        let mut r = Rng::new(7);
        assert!(a.iter().all(|&x| x == r.next_u64()));
        assert_ne!(hash64(b"a"), hash64(b"b"));
    }

    #[test]
    fn bounds_hold() {
        let mut r = Rng::new(1);
        for n in 1..100 {
            assert!(r.below(n) < n);
            assert!(r.small_size(n) <= n);
            let x = r.range(n, 2 * n);
            assert!((n..=2 * n).contains(&x));
        }
        assert_eq!(r.below(0), 0);
    }
}
