//! Mutations of EVM code (a bit flipped, a truncation, a byte inserted or deleted), for the
//! suites that run code no compiler wrote: `universal_mutants` (against revm) and the
//! native tier's fuzzer (between the tiers).

use proptest::{prelude::RngExt, test_runner::TestRng};

/// One mutation of `code`.
pub fn mutate(code: &[u8], rng: &mut TestRng) -> Vec<u8> {
    let mut code = code.to_vec();
    let at = rng.random_range(0..code.len().max(1));
    match rng.random_range(0..4) {
        0 if !code.is_empty() => code[at] ^= 1 << rng.random_range(0..8),
        1 => code.truncate(at),
        2 => code.insert(at.min(code.len()), rng.random()),
        _ if !code.is_empty() => drop(code.remove(at)),
        _ => code.push(rng.random()),
    }
    code
}
