//! Timing the engines: the fastest of several runs, with the CPU time it took, and the
//! machine's load, printed beside every figure.

use std::time::Duration;

/// The CPU time the process has used so far, all threads, exactly
/// (`CLOCK_PROCESS_CPUTIME_ID`); zero where that clock cannot be read.
#[cfg(unix)]
fn cpu_time() -> Duration {
    let mut time = std::mem::MaybeUninit::<libc::timespec>::uninit();
    // SAFETY: `clock_gettime` writes one `timespec` through the pointer, which points to
    // writable space for one; it is read only when the call says it succeeded.
    let time = unsafe {
        if libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, time.as_mut_ptr()) != 0 {
            return Duration::ZERO;
        }
        time.assume_init()
    };
    Duration::new(
        u64::try_from(time.tv_sec).unwrap_or(0),
        u32::try_from(time.tv_nsec).unwrap_or(0),
    )
}

/// The CPU time of the process: not measured on this platform.
#[cfg(not(unix))]
fn cpu_time() -> Duration {
    Duration::ZERO
}

/// The fastest run of an engine: wall time, CPU time, and what the run gave.
pub struct Timed<T> {
    pub wall: Duration,
    pub cpu: Duration,
    pub result: T,
}

/// The fastest run of an engine so far.
pub struct Best<T>(Option<Timed<T>>);

impl<T> Default for Best<T> {
    fn default() -> Self {
        Self(None)
    }
}

impl<T> Best<T> {
    /// Runs `f` once and keeps it if it is the fastest so far.
    pub fn measure(
        &mut self,
        f: impl FnOnce() -> Result<(Duration, T), String>,
    ) -> Result<(), String> {
        let cpu = cpu_time();
        let (wall, result) = f()?;
        let cpu = cpu_time().saturating_sub(cpu);
        if self.0.as_ref().is_none_or(|best| wall < best.wall) {
            self.0 = Some(Timed { wall, cpu, result });
        }
        Ok(())
    }

    /// The fastest run (`None` before any).
    pub fn into_inner(self) -> Option<Timed<T>> {
        self.0
    }
}

impl<T> Timed<T> {
    /// Transactions per second for a block of `txns`.
    pub fn per_second(&self, txns: usize) -> f64 {
        txns as f64 / self.wall.as_secs_f64()
    }
}

/// A duration rounded to milliseconds, for the table.
pub fn ms(duration: Duration) -> Duration {
    Duration::from_millis(duration.as_millis() as u64)
}

/// The load averages of the machine (empty where unknown): figures mean something only on
/// otherwise idle cores.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}
