//! Zipf sampling for the `flash` scenario: rank `k` of `n` is drawn with probability proportional
//! to `1 / k^s`, so a few seats get most of the requests, as in an on-sale where everyone wants
//! the front row. A cumulative table and a binary search: exact, and the table is bounded by the
//! seats of one event.
//!
//! Request `i` draws from its own generator seeded with `(seed, i)`, so a seed fixes the seat of
//! every request whichever worker happens to send it.

use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

#[derive(Debug, Clone)]
pub struct Zipf {
    /// `cdf[k]`: the probability of drawing rank `k` or a lower one; the last entry is 1.
    cdf: Vec<f64>,
}

impl Zipf {
    /// The distribution over `n` ranks (at least one) with exponent `exponent` (0: uniform).
    pub fn new(n: usize, exponent: f64) -> Self {
        let n = n.max(1);
        let mut cdf = Vec::with_capacity(n);
        let mut total = 0.0;
        for k in 1..=n {
            total += (k as f64).powf(-exponent);
            cdf.push(total);
        }
        for p in &mut cdf {
            *p /= total;
        }
        Self { cdf }
    }

    /// The rank (0-based) that a uniform number in [0, 1) falls on.
    pub fn rank(&self, uniform: f64) -> usize {
        self.cdf.partition_point(|&p| p <= uniform).min(self.cdf.len() - 1)
    }

    /// The rank of request `i` in the run seeded with `seed`.
    pub fn draw(&self, seed: u64, i: u64) -> usize {
        // The golden-ratio multiplier spreads neighbouring request numbers over the seed space.
        let mut rng = SmallRng::seed_from_u64(seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        self.rank(rng.random::<f64>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The probability of rank `k` (0-based).
    fn probability(zipf: &Zipf, k: usize) -> f64 {
        let below = if k == 0 { 0.0 } else { zipf.cdf[k - 1] };
        zipf.cdf[k] - below
    }

    #[test]
    fn the_first_ranks_take_most_draws_in_their_expected_share() {
        let zipf = Zipf::new(1_000, 1.2);
        let draws = 100_000;
        let mut counts = vec![0u32; 1_000];
        for i in 0..draws {
            counts[zipf.draw(42, i)] += 1;
        }
        for k in [0, 1, 9, 99] {
            let expected = probability(&zipf, k) * draws as f64;
            let tolerance = 5.0 * expected.sqrt() + 5.0;
            assert!(
                (counts[k] as f64 - expected).abs() < tolerance,
                "rank {k}: {} draws, expected {expected:.0}",
                counts[k]
            );
        }
        let top_ten: u32 = counts[..10].iter().sum();
        assert!(top_ten as f64 > 0.5 * draws as f64, "the top ten seats took {top_ten}");
        assert!(counts.windows(2).take(5).all(|w| w[0] > w[1]), "{:?}", &counts[..6]);
    }

    #[test]
    fn a_seed_fixes_every_draw() {
        let zipf = Zipf::new(500, 1.0);
        let first: Vec<usize> = (0..1_000).map(|i| zipf.draw(7, i)).collect();
        let again: Vec<usize> = (0..1_000).rev().map(|i| zipf.draw(7, i)).rev().collect();
        let other: Vec<usize> = (0..1_000).map(|i| zipf.draw(8, i)).collect();
        assert_eq!(first, again);
        assert_ne!(first, other);
    }

    #[test]
    fn edge_cases_stay_in_range() {
        let one = Zipf::new(1, 1.2);
        assert_eq!((one.rank(0.0), one.rank(0.999_999)), (0, 0));
        let uniform = Zipf::new(4, 0.0);
        assert!((probability(&uniform, 3) - 0.25).abs() < 1e-12);
        assert_eq!((uniform.rank(0.0), uniform.rank(0.5), uniform.rank(0.999)), (0, 2, 3));
        assert!((Zipf::new(10, 2.0).cdf[9] - 1.0).abs() < 1e-12);
    }
}
