//! A global allocator that counts the heap allocations of each thread, for the counting
//! mode, over the allocator that does the work (the system's unless the binary chooses
//! another). The library only defines it: a binary or test that wants allocations counted
//! installs it (`#[global_allocator] static ALLOC: CountingAllocator =
//! CountingAllocator::over(System);`); without it [`allocations_on_this_thread`] says `None`.
//!
//! Counting costs every allocation a thread-local increment (and a read of a flag that is
//! written once), whether or not a counting run is under way: the price of having it in the
//! `evmove` binary.

use std::{
    alloc::{GlobalAlloc, Layout, System},
    cell::Cell,
    sync::atomic::{AtomicBool, Ordering},
};

/// An allocator `A` (the system's by default), counting the calls that allocate or grow a
/// block (`alloc`, `alloc_zeroed`, `realloc`) per thread.
pub struct CountingAllocator<A = System>(A);

impl<A> CountingAllocator<A> {
    /// Counts the allocations `inner` makes.
    pub const fn over(inner: A) -> Self {
        Self(inner)
    }
}

thread_local! {
    /// Allocations made by this thread so far (const-initialised and without a destructor,
    /// so reaching it never allocates).
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

/// Whether [`CountingAllocator`] is the global allocator (it has allocated).
static INSTALLED: AtomicBool = AtomicBool::new(false);

fn count() {
    // Read before written: after the first allocation the flag's cache line stays shared
    // between cores.
    if !INSTALLED.load(Ordering::Relaxed) {
        INSTALLED.store(true, Ordering::Relaxed);
    }
    // A thread being torn down may no longer reach its counter; it counts nothing then.
    let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
}

// SAFETY: every method forwards to `A` with the same arguments; counting touches no
// allocated memory.
unsafe impl<A: GlobalAlloc> GlobalAlloc for CountingAllocator<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: the caller's guarantees for `alloc` are `A::alloc`'s.
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: as for `alloc`.
        unsafe { self.0.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: `ptr` was allocated by `A` (through this allocator) with `layout`.
        unsafe { self.0.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as for `realloc`.
        unsafe { self.0.dealloc(ptr, layout) }
    }
}

/// How many allocations this thread has made, if [`CountingAllocator`] is the global
/// allocator.
pub fn allocations_on_this_thread() -> Option<u64> {
    let count = ALLOCATIONS.try_with(Cell::get).ok()?;
    INSTALLED.load(Ordering::Relaxed).then_some(count)
}
