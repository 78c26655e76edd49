//! A frame's EVM memory: bytes that grow in 32-byte words, paid for as the EVM pays.

use revm_interpreter::context_interface::cfg::GasParams;

/// The bytes a frame's memory reserves when it first grows (see [`Memory::grow`]).
const FIRST_CAPACITY: usize = 1024;

/// A frame's memory; its length is always a multiple of 32.
#[derive(Clone, Debug, Default)]
pub struct Memory {
    bytes: Vec<u8>,
}

impl Memory {
    /// Its size in bytes (MSIZE).
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether nothing has been touched yet.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The bytes its buffer holds room for.
    pub fn capacity(&self) -> usize {
        self.bytes.capacity()
    }

    /// Back to no memory, keeping the buffer (for another frame).
    pub fn clear(&mut self) {
        self.bytes.clear();
    }

    /// The gas to grow from the current size to cover `end` bytes: the difference of revm's
    /// memory cost (`3·words + words²/512`, saturating) between the new and current sizes.
    pub fn growth_cost(&self, params: &GasParams, end: u64) -> u64 {
        let words = usize::try_from(end.div_ceil(32)).unwrap_or(usize::MAX);
        let current = self.bytes.len() / 32;
        if words <= current {
            return 0;
        }
        params.memory_cost(words) - params.memory_cost(current)
    }

    /// Grows (if needed) to cover `end` bytes, rounded up to a word. The caller has paid
    /// [`Memory::growth_cost`], which bounds `end` by what the gas budget can pay for.
    pub fn grow(&mut self, end: usize) {
        let size = end.div_ceil(32) * 32;
        if size > self.bytes.len() {
            // Solidity's first writes (the free-memory pointer at 0x40, then its data from
            // 0x80) would grow a small buffer several times: start with room for them.
            self.bytes
                .reserve(size.max(FIRST_CAPACITY) - self.bytes.len());
            self.bytes.resize(size, 0);
        }
    }

    /// The bytes of `range` (already grown to cover it).
    pub fn get(&self, range: std::ops::Range<usize>) -> &[u8] {
        &self.bytes[range]
    }

    /// The bytes of `range`, to write (already grown to cover it).
    pub fn get_mut(&mut self, range: std::ops::Range<usize>) -> &mut [u8] {
        &mut self.bytes[range]
    }

    /// Copies `len` bytes within memory from `source` to `dest` (both already covered).
    pub fn copy_within(&mut self, source: usize, dest: usize, len: usize) {
        self.bytes.copy_within(source..source + len, dest);
    }
}

/// Writes `source[offset..]` into `dest`, zero past the end of `source` (CALLDATACOPY,
/// CODECOPY and EXTCODECOPY semantics); `offset` may be anything.
pub fn copy_padded(dest: &mut [u8], source: &[u8], offset: Option<usize>) {
    let available = offset
        .and_then(|offset| source.get(offset..))
        .unwrap_or(&[]);
    let n = available.len().min(dest.len());
    dest[..n].copy_from_slice(&available[..n]);
    dest[n..].fill(0);
}
