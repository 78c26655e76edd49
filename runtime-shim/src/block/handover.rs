//! When the parallel executor hands the rest of a block to the sequential one
//! ([`Fallback`]): decided by the committer at each commit, from how the committed
//! transactions were executed.
//!
//! Block-STM gains only from executions that overlap one below them and still validate.
//! When a block is a chain of dependent transactions, the speculation window closes
//! (`scheduler.rs`) and almost every execution starts after the one below it is committed:
//! the block runs in order anyway, but pays for the multi-version memory, the scheduler's
//! locks and the hand-offs between workers (measured: a chain ran at 0.65–0.87× of
//! sequential). So the committed transactions are counted in samples; a sample in which
//! fewer than an eighth ran in parallel with one below them ends the parallel execution, and
//! the sequential executor runs the rest. A chain is found in its first sample, so it loses
//! at most that sample's overhead; a block without conflicts on two workers has about half
//! of its commits in parallel, and never hands over.

use super::config::Fallback;

/// Commits per sample.
const SAMPLE: usize = 64;

/// A sample with fewer commits executed in parallel than this hands the block over.
const MIN_PARALLEL: usize = SAMPLE / 8;

/// The committer's count of the current sample.
pub(super) struct HandOver {
    fallback: Fallback,
    sampled: usize,
    parallel: usize,
}

impl HandOver {
    pub(super) fn new(fallback: Fallback) -> Self {
        Self {
            fallback,
            sampled: 0,
            parallel: 0,
        }
    }

    /// Records a commit, the `committed`-th of the block: `parallel` when its execution
    /// started before every transaction below it was committed (and validated). Whether to
    /// hand the rest of the block over now. Commits made before `all_started` (every worker
    /// at work) are not sampled: the first worker alone runs transactions in order while the
    /// others start (a thread, its VM), which says nothing about the block.
    pub(super) fn after_commit(
        &mut self,
        committed: usize,
        parallel: bool,
        all_started: bool,
    ) -> bool {
        match self.fallback {
            Fallback::Never => false,
            Fallback::AfterCommits(commits) => committed >= commits,
            Fallback::WhenDependent if !all_started => false,
            Fallback::WhenDependent => {
                self.sampled += 1;
                self.parallel += usize::from(parallel);
                if self.sampled < SAMPLE {
                    return false;
                }
                let dependent = self.parallel < MIN_PARALLEL;
                (self.sampled, self.parallel) = (0, 0);
                dependent
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The commit at which `hand_over` hands over, if it does, given each commit's
    /// parallelism.
    fn hands_over_at(mut hand_over: HandOver, parallel: impl Fn(usize) -> bool) -> Option<usize> {
        (1..=10 * SAMPLE)
            .find(|&committed| hand_over.after_commit(committed, parallel(committed), true))
    }

    #[test]
    fn commits_before_every_worker_started_are_not_sampled() {
        let mut hand_over = HandOver::new(Fallback::WhenDependent);
        assert!((1..=10 * SAMPLE).all(|committed| !hand_over.after_commit(committed, false, false)));
        let first = (1..=SAMPLE).find(|&committed| hand_over.after_commit(committed, false, true));
        assert_eq!(first, Some(SAMPLE));
    }

    #[test]
    fn a_chain_hands_over_after_its_first_sample() {
        let when_dependent = HandOver::new(Fallback::WhenDependent);
        assert_eq!(hands_over_at(when_dependent, |_| false), Some(SAMPLE));
    }

    #[test]
    fn a_block_half_in_parallel_never_hands_over() {
        let when_dependent = HandOver::new(Fallback::WhenDependent);
        assert_eq!(hands_over_at(when_dependent, |k| k % 2 == 0), None);
    }

    #[test]
    fn a_sample_just_below_an_eighth_in_parallel_hands_over() {
        let when_dependent = HandOver::new(Fallback::WhenDependent);
        let few = |k: usize| k % SAMPLE < MIN_PARALLEL - 1;
        assert_eq!(hands_over_at(when_dependent, few), Some(SAMPLE));
        let enough = HandOver::new(Fallback::WhenDependent);
        assert_eq!(hands_over_at(enough, |k| k % SAMPLE < MIN_PARALLEL), None);
    }

    #[test]
    fn the_other_fallbacks() {
        assert_eq!(
            hands_over_at(HandOver::new(Fallback::Never), |_| false),
            None
        );
        let after = HandOver::new(Fallback::AfterCommits(5));
        assert_eq!(hands_over_at(after, |_| true), Some(5));
    }
}
