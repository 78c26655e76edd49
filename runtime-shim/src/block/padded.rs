//! [`Padded`]: a value alone on its cache lines, so that workers writing neighbouring values
//! (the per-transaction states of the transactions two workers run side by side, the
//! scheduler's counters) do not take the line from each other on every write.

use std::ops::Deref;

/// `T` aligned to a cache line (64 bytes). Not two lines (x86 prefetches lines in pairs):
/// a block allocates several of these per transaction, and a parallel block's set-up is
/// paid by every block, dependent ones included.
#[derive(Default)]
#[repr(align(64))]
pub(super) struct Padded<T>(pub(super) T);

impl<T> Deref for Padded<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}
