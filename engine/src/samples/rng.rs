//! Deterministic pseudo-random numbers (xorshift64) for generated inputs and the fuzz-style tests:
//! the same seed gives the same sequence on every machine, and no `rand` dependency is needed.

#[derive(Debug, Clone)]
pub struct XorShift(pub u64);

impl XorShift {
    /// The next number; a zero seed is replaced, since xorshift would stay at zero forever.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        if self.0 == 0 {
            self.0 = 0x9e37_79b9_7f4a_7c15;
        }
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `bound` (0 when `bound` is 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next().checked_rem(bound).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence_and_zero_seed_moves() {
        let a: Vec<u64> = (0..4).scan(XorShift(42), |r, _| Some(r.next())).collect();
        let b: Vec<u64> = (0..4).scan(XorShift(42), |r, _| Some(r.next())).collect();
        assert_eq!(a, b);
        assert_ne!(a[0], a[1]);
        assert_ne!(XorShift(0).next(), 0);
        assert_eq!(XorShift(5).below(0), 0);
        assert!(XorShift(5).below(10) < 10);
    }
}
