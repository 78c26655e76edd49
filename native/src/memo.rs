//! A thread's memo of the modules a [`JitTier`](crate::JitTier) has compiled, consulted
//! before the tier's shared map: a frame of a module its thread has run before takes
//! neither the map's lock nor a hash of the module's id (`tier.rs` keeps one memo per
//! thread). It remembers one tier at a time (a thread runs one runtime's frames at a time;
//! another tier's frame makes it forget) and a few modules (the most a transaction's frames
//! usually run), weakly, so that a dropped tier's machine code is freed as before.

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc, Weak,
};

use move_core_types::language_storage::ModuleId;

/// A tier's identity, never reused in the process (an address could be, and a memo keyed
/// by it would then run a dropped tier's module for a new one's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TierId(u64);

impl Default for TierId {
    fn default() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        TierId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// The most modules a memo holds: looked up one by one, so few (it starts over when full).
const CAPACITY: usize = 8;

/// The modules of one tier a thread has run.
pub(crate) struct Memo<T> {
    tier: Option<TierId>,
    modules: Vec<(ModuleId, Weak<T>)>,
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Self {
            tier: None,
            modules: Vec::new(),
        }
    }
}

impl<T> Memo<T> {
    /// `module` of `tier`, if this memo has it.
    pub(crate) fn get(&self, tier: TierId, module: &ModuleId) -> Option<Arc<T>> {
        if self.tier != Some(tier) {
            return None;
        }
        let (_, known) = self.modules.iter().find(|(id, _)| id == module)?;
        known.upgrade()
    }

    /// Remembers that `module` of `tier` is `known`.
    pub(crate) fn learn(&mut self, tier: TierId, module: &ModuleId, known: &Arc<T>) {
        if self.tier != Some(tier) || self.modules.len() == CAPACITY {
            self.tier = Some(tier);
            self.modules.clear();
        }
        self.modules.retain(|(id, _)| id != module);
        self.modules.push((module.clone(), Arc::downgrade(known)));
    }
}

#[cfg(test)]
mod tests {
    use move_core_types::{account_address::AccountAddress, identifier::Identifier};

    use super::*;

    fn id(name: &str) -> ModuleId {
        ModuleId::new(AccountAddress::ONE, Identifier::new(name).unwrap())
    }

    #[test]
    fn a_memo_answers_for_its_tier_only_and_forgets_dropped_modules() {
        let (tier, other) = (TierId::default(), TierId::default());
        let mut memo = Memo::default();
        let module = Arc::new(7);
        memo.learn(tier, &id("a"), &module);
        assert_eq!(memo.get(tier, &id("a")).as_deref(), Some(&7));
        assert_eq!(memo.get(tier, &id("b")), None);
        assert_eq!(memo.get(other, &id("a")), None);
        drop(module);
        assert_eq!(memo.get(tier, &id("a")), None, "held weakly");
    }

    #[test]
    fn another_tier_or_a_full_memo_starts_over() {
        let (tier, other) = (TierId::default(), TierId::default());
        let mut memo = Memo::default();
        let modules: Vec<Arc<usize>> = (0..=CAPACITY).map(Arc::new).collect();
        memo.learn(tier, &id("m0"), &modules[0]);
        memo.learn(other, &id("m1"), &modules[1]);
        assert_eq!(memo.get(tier, &id("m0")), None);
        for (i, module) in modules.iter().enumerate() {
            memo.learn(other, &id(&format!("m{i}")), module);
        }
        assert_eq!(memo.get(other, &id("m0")), None, "started over when full");
        let last = format!("m{CAPACITY}");
        assert_eq!(memo.get(other, &id(&last)).as_deref(), Some(&CAPACITY));
    }
}
