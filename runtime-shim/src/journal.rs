//! The transaction's journal: every state value it has read or written, the transient
//! storage, the logs, and the undo entries that let one EVM call frame roll back alone; and
//! the state logic of SELFDESTRUCT ([`Journal::self_destruct`]). It uses only `state`.
//!
//! As revm's journaled state: a [`Checkpoint`] is a pair of lengths (entries, logs);
//! reverting to it undoes the entries after it in reverse order, each entry restoring what
//! it overwrote, and drops the logs after it. Committing a checkpoint keeps everything (the
//! entries stay, so an outer revert still undoes them).
//!
//! **Gas state** (EIP-2929 and refunds, as revm's journal keeps them): the warm accounts and
//! warm slots, each warming undone with its frame's checkpoint (those warmed before the
//! transaction's first frame, [`Journal::warm_for_transaction`], stay warm); the refund
//! counter, whose value a checkpoint keeps (a failed frame's refunds go with it, a
//! successful one's stay, as revm merges a frame's refunds into its caller's only on
//! success); and each slot's original value (its value before the transaction, for
//! EIP-2200's net metering).
//!
//! Reads go to the [`StateView`] once per key; later reads and all writes stay here, in one
//! map from each key to its value and its count of live writes. The write set is the keys
//! written and not rolled back, with their final values.
//!
//! **Allocations and hashing**: the maps a transaction always fills (values, warm keys,
//! entries) start sized for a token transfer's keys, and [`Journal::finish`] empties the
//! journal keeping its buffers, so a runtime that keeps its journal between transactions
//! ([`Journal::restart`]) allocates none of them again; the others are allocated when first
//! used. The maps hash with foldhash, not SipHash: their keys are looked up on every state
//! access, and nothing iterates them into output without sorting (the write set is a
//! B-tree).
//!
//! **Credits without a read** ([`Journal::deferring_credits`], for Block-STM): wei moved to
//! an account whose value the transaction has not read is kept as a pending credit instead of
//! a read-modify-write, and leaves the journal as a credit ([`Credits`]) to be added to
//! whatever the account holds when the transaction is applied, so that transactions paying
//! the same recipient do not conflict. A later read of that account reads the state and adds
//! the pending credit (from then on the account is an ordinary written value). The account
//! is then created as a plain transfer would create it (nonce 0), so the result is the same.

use std::collections::{BTreeMap, HashMap, HashSet};

use alloy_primitives::{Address, Log, U256};
use foldhash::fast::RandomState;
use revm_precompile::primitives::hardfork::SpecId;

use crate::state::{Account, Code, StateError, StateKey, StateValue, StateView, WriteSet};

/// Wei credited to accounts without reading them, by account (empty unless the journal
/// defers credits): each is added, saturating, to the account's balance when applied (an
/// absent account is created with nonce 0).
pub type Credits = BTreeMap<Address, U256>;

/// A point to roll back to: the journal's lengths when the call frame started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    entries: usize,
    logs: usize,
    refund: i64,
}

/// What happened, with what it takes to undo it.
#[derive(Debug)]
enum Entry {
    /// A state value was written; it held `previous` (`None`: it had not been loaded, so
    /// the view holds it); `first_write` if the key had not been written before in this
    /// transaction.
    ValueChanged {
        key: StateKey,
        previous: Option<Option<StateValue>>,
        first_write: bool,
    },
    /// A transient slot was written; it held `previous`.
    TransientChanged {
        address: Address,
        slot: U256,
        previous: U256,
    },
    /// An account was created by CREATE/CREATE2 in this transaction (EIP-6780).
    AccountCreated(Address),
    /// An account self-destructed (and is to be deleted at the transaction's end).
    AccountDestroyed(Address),
    /// `amount` wei were credited to `address` without reading it (a pending credit).
    Credited { address: Address, amount: U256 },
    /// `address` was read: its pending credit of `amount` became part of its value, which
    /// had not been loaded nor written before.
    CreditApplied { address: Address, amount: U256 },
    /// An account ([`StateKey::Account`]) or a slot ([`StateKey::Slot`]) became warm
    /// (EIP-2929).
    Warmed(StateKey),
}

/// A key's current value in the journal, how many live writes it has (a key read and not
/// written has none; it leaves the write set when a revert takes its count to 0), and for a
/// slot its value before the transaction once known (EIP-2200's original value).
#[derive(Debug)]
struct Tracked {
    value: Option<StateValue>,
    writes: u32,
    original: Option<U256>,
}

/// The capacities the journal starts with (see the module doc): a token transfer reads
/// about eight keys and records about a dozen entries.
const KEYS: usize = 8;
const ENTRIES: usize = 16;

/// The most keys a journal kept between transactions holds room for: after a transaction
/// that touched more, [`Journal::restart`] gives the memory back.
const KEPT_KEYS: usize = 1024;

/// An EIP-2930 access list: accounts, each with slots, warm from the transaction's start.
pub type AccessList = [(Address, Vec<U256>)];

/// The state as one transaction sees it, with undo entries for call-frame rollback.
#[derive(Debug, Default)]
pub struct Journal {
    /// The current value of every key read or written, with its live writes.
    values: HashMap<StateKey, Tracked, RandomState>,
    transient: HashMap<(Address, U256), U256, RandomState>,
    created: HashSet<Address, RandomState>,
    /// Accounts to delete at the transaction's end, each with the keys the state holds for
    /// it (none for an account created in this transaction).
    destroyed: HashMap<Address, Vec<StateKey>, RandomState>,
    logs: Vec<Log>,
    entries: Vec<Entry>,
    /// Whether wei moved to an account not read is a pending credit (see the module doc).
    defer_credits: bool,
    /// Pending credits: never for an account in `values`.
    credits: Credits,
    /// The accounts ([`StateKey::Account`], precompiles aside: always warm, the host's) and
    /// the slots ([`StateKey::Slot`]) accessed so far (EIP-2929).
    warm: HashSet<StateKey, RandomState>,
    /// The refund counter (may go below zero within a frame, as revm's).
    refund: i64,
}

impl Journal {
    /// An empty journal.
    pub fn new() -> Self {
        Self {
            values: HashMap::with_capacity_and_hasher(KEYS, RandomState::default()),
            warm: HashSet::with_capacity_and_hasher(KEYS, RandomState::default()),
            entries: Vec::with_capacity(ENTRIES),
            ..Self::default()
        }
    }

    /// An empty journal that keeps wei moved to an account it has not read as a pending
    /// credit (see the module doc).
    pub fn deferring_credits() -> Self {
        Self {
            defer_credits: true,
            ..Self::new()
        }
    }

    /// Empties the journal for the next transaction, keeping its buffers (up to
    /// [`KEPT_KEYS`] keys), and sets whether it defers credits (see the module doc).
    pub fn restart(&mut self, defer_credits: bool) {
        self.clear();
        if self.values.capacity() > KEPT_KEYS {
            self.values.shrink_to(KEYS);
            self.warm.shrink_to(KEYS);
            self.entries.shrink_to(ENTRIES);
        }
        self.defer_credits = defer_credits;
    }

    /// Forgets everything, keeping the buffers.
    fn clear(&mut self) {
        self.values.clear();
        self.transient.clear();
        self.created.clear();
        self.destroyed.clear();
        self.logs.clear();
        self.entries.clear();
        self.credits.clear();
        self.warm.clear();
        self.refund = 0;
    }

    /// The current value under `key`, reading `view` the first time.
    pub fn read(
        &mut self,
        view: &dyn StateView,
        key: &StateKey,
    ) -> Result<Option<StateValue>, StateError> {
        if let Some(tracked) = self.values.get(key) {
            return Ok(tracked.value.clone());
        }
        let value = view.read(key)?;
        let original = match key {
            StateKey::Account(address) => match self.credits.remove(address) {
                Some(amount) => return Ok(self.apply_credit(*address, amount, value)),
                None => None,
            },
            StateKey::Slot(..) => Some(slot_value(key, &value)?),
            StateKey::Code(_) => None,
        };
        let tracked = Tracked {
            value: value.clone(),
            writes: 0,
            original,
        };
        self.values.insert(key.clone(), tracked);
        Ok(value)
    }

    /// The pending credit of `amount` to `address`, just read as `value`, becomes part of its
    /// value: a write of the credited account.
    fn apply_credit(
        &mut self,
        address: Address,
        amount: U256,
        value: Option<StateValue>,
    ) -> Option<StateValue> {
        let mut account = match value {
            Some(StateValue::Account(account)) => account,
            _ => Account::default(),
        };
        account.balance = account.balance.saturating_add(amount);
        let credited = Some(StateValue::Account(account));
        // Not loaded before, so not written before: this is its first write.
        let tracked = Tracked {
            value: credited.clone(),
            writes: 1,
            original: None,
        };
        self.values.insert(StateKey::Account(address), tracked);
        self.entries.push(Entry::CreditApplied { address, amount });
        credited
    }

    /// Writes `value` under `key` (`None` deletes).
    pub fn write(&mut self, key: StateKey, value: Option<StateValue>) {
        // Every account write follows a read of the account, which applied any pending credit.
        debug_assert!(
            !matches!(&key, StateKey::Account(address) if self.credits.contains_key(address)),
            "{key:?} written with a pending credit"
        );
        let (previous, first_write) = match self.values.get_mut(&key) {
            Some(tracked) => {
                tracked.writes += 1;
                let previous = std::mem::replace(&mut tracked.value, value);
                (Some(previous), tracked.writes == 1)
            }
            None => {
                let tracked = Tracked {
                    value,
                    writes: 1,
                    original: None,
                };
                self.values.insert(key.clone(), tracked);
                (None, true)
            }
        };
        self.entries.push(Entry::ValueChanged {
            key,
            previous,
            first_write,
        });
    }

    /// `address`'s nonce and balance, if the account exists.
    pub fn account(
        &mut self,
        view: &dyn StateView,
        address: Address,
    ) -> Result<Option<Account>, StateError> {
        match self.read(view, &StateKey::Account(address))? {
            None => Ok(None),
            Some(StateValue::Account(account)) => Ok(Some(account)),
            Some(other) => Err(mismatch(&StateKey::Account(address), &other)),
        }
    }

    /// Sets `address`'s nonce and balance (creating the account).
    pub fn set_account(&mut self, address: Address, account: Account) {
        self.write(
            StateKey::Account(address),
            Some(StateValue::Account(account)),
        );
    }

    /// `address`'s EVM code, if it has any.
    pub fn code(
        &mut self,
        view: &dyn StateView,
        address: Address,
    ) -> Result<Option<Code>, StateError> {
        match self.read(view, &StateKey::Code(address))? {
            None => Ok(None),
            Some(StateValue::Code(code)) => Ok(Some(code)),
            Some(other) => Err(mismatch(&StateKey::Code(address), &other)),
        }
    }

    /// Sets `address`'s EVM code.
    pub fn set_code(&mut self, address: Address, code: Code) {
        self.write(StateKey::Code(address), Some(StateValue::Code(code)));
    }

    /// A storage slot of `address` (zero if it has no value).
    pub fn slot(
        &mut self,
        view: &dyn StateView,
        address: Address,
        slot: U256,
    ) -> Result<U256, StateError> {
        let key = StateKey::Slot(address, slot);
        let value = self.read(view, &key)?;
        slot_value(&key, &value)
    }

    /// A storage slot's value before the transaction (EIP-2200's original value).
    pub fn original_slot(
        &mut self,
        view: &dyn StateView,
        address: Address,
        slot: U256,
    ) -> Result<U256, StateError> {
        let key = StateKey::Slot(address, slot);
        let known = self.values.get(&key).and_then(|tracked| tracked.original);
        if let Some(original) = known {
            return Ok(original);
        }
        // Never read (written first, or not touched): the view still holds the original.
        let original = slot_value(&key, &view.read(&key)?)?;
        if let Some(tracked) = self.values.get_mut(&key) {
            tracked.original = Some(original);
        }
        Ok(original)
    }

    /// Whether `address` is empty (EIP-161: no code, nonce 0, balance 0; or absent).
    pub fn is_empty(&mut self, view: &dyn StateView, address: Address) -> Result<bool, StateError> {
        let account = self.account(view, address)?.unwrap_or_default();
        if account.nonce != 0 || !account.balance.is_zero() {
            return Ok(false);
        }
        Ok(self
            .code(view, address)?
            .is_none_or(|code| code.bytes.is_empty()))
    }

    /// Makes `addresses` and the access list's accounts and slots warm for the whole
    /// transaction (never undone: revm warms them before the first frame's checkpoint).
    pub fn warm_for_transaction(
        &mut self,
        addresses: impl IntoIterator<Item = Address>,
        access_list: &AccessList,
    ) {
        self.warm
            .extend(addresses.into_iter().map(StateKey::Account));
        for (address, slots) in access_list {
            self.warm.insert(StateKey::Account(*address));
            self.warm
                .extend(slots.iter().map(|&slot| StateKey::Slot(*address, slot)));
        }
    }

    /// Makes `address` warm; whether it was cold (EIP-2929).
    pub fn warm_account(&mut self, address: Address) -> bool {
        self.warm_key(StateKey::Account(address))
    }

    /// Makes a slot of `address` warm; whether it was cold (EIP-2929).
    pub fn warm_slot(&mut self, address: Address, slot: U256) -> bool {
        self.warm_key(StateKey::Slot(address, slot))
    }

    fn warm_key(&mut self, key: StateKey) -> bool {
        let cold = self.warm.insert(key.clone());
        if cold {
            self.entries.push(Entry::Warmed(key));
        }
        cold
    }

    /// Adds `refund` (negative: takes it back) to the refund counter.
    pub fn record_refund(&mut self, refund: i64) {
        self.refund += refund;
    }

    /// The refund counter: what the frames that did not roll back have earned, uncapped.
    pub fn refund(&self) -> i64 {
        self.refund
    }

    /// Whether `address` is already marked for deletion in this transaction.
    pub fn is_destroyed(&self, address: Address) -> bool {
        self.destroyed.contains_key(&address)
    }

    /// Sets a storage slot of `address`.
    pub fn set_slot(&mut self, address: Address, slot: U256, value: U256) {
        let value = (!value.is_zero()).then_some(StateValue::Slot(value));
        self.write(StateKey::Slot(address, slot), value);
    }

    /// A transient slot of `address` (zero if not written in this transaction).
    pub fn transient(&self, address: Address, slot: U256) -> U256 {
        self.transient
            .get(&(address, slot))
            .copied()
            .unwrap_or(U256::ZERO)
    }

    /// Sets a transient slot of `address`.
    pub fn set_transient(&mut self, address: Address, slot: U256, value: U256) {
        let previous = self
            .transient
            .insert((address, slot), value)
            .unwrap_or(U256::ZERO);
        self.entries.push(Entry::TransientChanged {
            address,
            slot,
            previous,
        });
    }

    /// Moves `value` wei from `from` to `to` (creating `to` if needed); `false`, and nothing
    /// changed, if `from` has less. Moving nothing still touches `to` ([`Journal::touch`]).
    pub fn transfer(
        &mut self,
        view: &dyn StateView,
        from: Address,
        to: Address,
        value: U256,
        spec: SpecId,
    ) -> Result<bool, StateError> {
        let mut sender = self.account(view, from)?.unwrap_or_default();
        let Some(balance) = sender.balance.checked_sub(value) else {
            return Ok(false);
        };
        if value.is_zero() {
            if from != to {
                self.touch(view, to, spec)?;
            }
            return Ok(true);
        }
        sender.balance = balance;
        self.set_account(from, sender);
        self.credit(view, to, value)?;
        Ok(true)
    }

    /// Touches `address` under the rules of the fork `spec`: before EIP-161 (Spurious Dragon)
    /// a touch makes its account, empty, where there was none (revm's touch, kept by its
    /// pre-EIP-161 rule; geth's `CreateAccount`), which is a credit of nothing (no read, so
    /// no conflict in a block); from EIP-161 on it changes nothing evmove keeps.
    pub fn touch(
        &mut self,
        view: &dyn StateView,
        address: Address,
        spec: SpecId,
    ) -> Result<(), StateError> {
        match spec.is_enabled_in(SpecId::SPURIOUS_DRAGON) {
            true => Ok(()),
            false => self.credit(view, address, U256::ZERO),
        }
    }

    /// Adds `value` wei to `to`'s balance (creating it if needed), saturating: a pending
    /// credit if the journal defers credits and has not read `to` (see the module doc).
    pub fn credit(
        &mut self,
        view: &dyn StateView,
        to: Address,
        value: U256,
    ) -> Result<(), StateError> {
        if self.defer_credits && !self.values.contains_key(&StateKey::Account(to)) {
            let pending = self.credits.entry(to).or_default();
            *pending = pending.saturating_add(value);
            self.entries.push(Entry::Credited {
                address: to,
                amount: value,
            });
            return Ok(());
        }
        let mut receiver = self.account(view, to)?.unwrap_or_default();
        receiver.balance = receiver.balance.saturating_add(value);
        self.set_account(to, receiver);
        Ok(())
    }

    /// Records that `address` was created by CREATE/CREATE2 in this transaction.
    pub fn mark_created(&mut self, address: Address) {
        if self.created.insert(address) {
            self.entries.push(Entry::AccountCreated(address));
        }
    }

    /// Whether `address` was created in this transaction (EIP-6780's SELFDESTRUCT rule).
    pub fn was_created(&self, address: Address) -> bool {
        self.created.contains(&address)
    }

    /// Marks `address` for deletion at the transaction's end: `stored`, the keys the state
    /// holds for it (its account, code and slots; none if this transaction created it), and
    /// every key of it the transaction writes. A second mark of the same account changes
    /// nothing.
    pub fn mark_destroyed(&mut self, address: Address, stored: Vec<StateKey>) {
        if let std::collections::hash_map::Entry::Vacant(vacant) = self.destroyed.entry(address) {
            vacant.insert(stored);
            self.entries.push(Entry::AccountDestroyed(address));
        }
    }

    /// SELFDESTRUCT of `address` to `beneficiary`: the whole balance moves to the
    /// beneficiary, and the account is marked for deletion at the transaction's end (balance,
    /// nonce, code, storage) when the rules of the fork `spec` say so:
    ///
    /// - from Cancun on (EIP-6780), only if this transaction created it;
    /// - before Cancun, always: the slots `view` holds for it are listed now (the state does
    ///   not change during a transaction), to be deleted with those the transaction writes.
    ///
    /// A marked account's balance is zero from now on (as revm's journal does it): if it was
    /// its own beneficiary, the balance is burnt. Until the transaction ends the account keeps
    /// its code and storage, so later calls in the same transaction still run it.
    pub fn self_destruct(
        &mut self,
        view: &dyn StateView,
        address: Address,
        beneficiary: Address,
        spec: SpecId,
    ) -> Result<(), StateError> {
        // The whole balance, just read: the transfer cannot fall short.
        let balance = self.account(view, address)?.unwrap_or_default().balance;
        self.transfer(view, address, beneficiary, balance, spec)?;
        let stored = if self.was_created(address) {
            // Created in this transaction: the state holds nothing of it.
            Vec::new()
        } else if !spec.is_enabled_in(SpecId::CANCUN) {
            let mut keys = vec![StateKey::Account(address), StateKey::Code(address)];
            let slots = view.storage_slots(address)?;
            keys.extend(slots.into_iter().map(|slot| StateKey::Slot(address, slot)));
            keys
        } else {
            return Ok(());
        };
        self.mark_destroyed(address, stored);
        if let Some(mut account) = self.account(view, address)? {
            if !account.balance.is_zero() {
                account.balance = U256::ZERO;
                self.set_account(address, account);
            }
        }
        Ok(())
    }

    /// Appends a log.
    pub fn log(&mut self, log: Log) {
        self.logs.push(log);
    }

    /// The point to roll back to if the frame starting now fails.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            entries: self.entries.len(),
            logs: self.logs.len(),
            refund: self.refund,
        }
    }

    /// Undoes everything after `checkpoint`.
    pub fn revert(&mut self, checkpoint: Checkpoint) {
        self.logs.truncate(checkpoint.logs);
        self.refund = checkpoint.refund;
        while self.entries.len() > checkpoint.entries {
            let Some(entry) = self.entries.pop() else {
                break;
            };
            match entry {
                Entry::ValueChanged {
                    key,
                    previous,
                    first_write,
                } => {
                    match (previous, self.values.get_mut(&key)) {
                        (Some(previous), Some(tracked)) => {
                            tracked.value = previous;
                            tracked.writes = if first_write { 0 } else { tracked.writes - 1 };
                        }
                        (None, _) => {
                            self.values.remove(&key);
                        }
                        // Every entry after it was undone first: the key is there.
                        (Some(_), None) => {}
                    }
                }
                Entry::TransientChanged {
                    address,
                    slot,
                    previous,
                } => {
                    self.transient.insert((address, slot), previous);
                }
                Entry::AccountCreated(address) => {
                    self.created.remove(&address);
                }
                Entry::AccountDestroyed(address) => {
                    self.destroyed.remove(&address);
                }
                Entry::Credited { address, amount } => {
                    // Any later application of the credit was undone first.
                    if let Some(pending) = self.credits.get_mut(&address) {
                        *pending = pending.saturating_sub(amount);
                        if pending.is_zero() {
                            self.credits.remove(&address);
                        }
                    }
                }
                Entry::CreditApplied { address, amount } => {
                    self.values.remove(&StateKey::Account(address));
                    self.credits.insert(address, amount);
                }
                Entry::Warmed(key) => {
                    self.warm.remove(&key);
                }
            }
        }
    }

    /// The transaction's write set, pending credits and logs. Accounts destroyed in the
    /// transaction lose their account, code and every slot: those written, and those the
    /// state held ([`Journal::mark_destroyed`]). They have no pending credits (SELFDESTRUCT
    /// and creation read the account, and later credits to an account read are no longer
    /// deferred). The journal is left empty, its buffers kept for the next transaction.
    pub fn finish(&mut self) -> (WriteSet, Credits, Vec<Log>) {
        // Inserted one by one: collecting into a B-tree sorts in a buffer of its own first.
        let mut writes = WriteSet::new();
        for (key, tracked) in self.values.drain() {
            if tracked.writes > 0 {
                writes.insert(key, tracked.value);
            }
        }
        for (key, value) in &mut writes {
            let owner = match key {
                StateKey::Account(a) | StateKey::Code(a) | StateKey::Slot(a, _) => a,
            };
            if self.destroyed.contains_key(owner) {
                *value = None;
            }
        }
        for (_, stored) in self.destroyed.drain() {
            writes.extend(stored.into_iter().map(|key| (key, None)));
        }
        let finished = (
            writes,
            std::mem::take(&mut self.credits),
            std::mem::take(&mut self.logs),
        );
        self.clear();
        finished
    }
}

/// The value of a slot read as `value` under `key` (absent: zero).
fn slot_value(key: &StateKey, value: &Option<StateValue>) -> Result<U256, StateError> {
    match value {
        None => Ok(U256::ZERO),
        Some(StateValue::Slot(value)) => Ok(*value),
        Some(other) => Err(mismatch(key, other)),
    }
}

/// A backend returned a value of another kind than its key's.
fn mismatch(key: &StateKey, value: &StateValue) -> StateError {
    StateError::new(format!("state key {key:?} holds {value:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{memory::InMemoryState, StateView};

    const A: Address = Address::repeat_byte(0xa);
    const B: Address = Address::repeat_byte(0xb);
    const C: Address = Address::repeat_byte(0xc);

    #[test]
    fn a_revert_restores_values_the_view_holds_and_drops_later_writes() {
        let mut state = InMemoryState::new();
        state.set_slot(A, U256::from(1), U256::from(10));
        let mut journal = Journal::new();
        let outer = journal.checkpoint();
        // Written without being read first: the revert must fall back to the view.
        journal.set_slot(A, U256::from(1), U256::from(11));
        let inner = journal.checkpoint();
        journal.set_slot(A, U256::from(1), U256::from(12));
        journal.set_slot(A, U256::from(2), U256::from(20));
        journal.set_transient(A, U256::from(3), U256::from(30));
        journal.log(Log::new_unchecked(A, vec![], Default::default()));
        journal.revert(inner);
        assert_eq!(
            journal.slot(&state, A, U256::from(1)).unwrap(),
            U256::from(11)
        );
        assert_eq!(journal.slot(&state, A, U256::from(2)).unwrap(), U256::ZERO);
        assert_eq!(journal.transient(A, U256::from(3)), U256::ZERO);
        journal.revert(outer);
        assert_eq!(
            journal.slot(&state, A, U256::from(1)).unwrap(),
            U256::from(10)
        );
        let (writes, _, logs) = journal.finish();
        assert!(writes.is_empty() && logs.is_empty());
    }

    #[test]
    fn the_write_set_holds_final_values_and_deletions() {
        let mut state = InMemoryState::new();
        state.set_slot(A, U256::from(1), U256::from(10));
        let mut journal = Journal::new();
        journal.set_slot(A, U256::from(1), U256::ZERO);
        journal.set_slot(A, U256::from(2), U256::from(5));
        let checkpoint = journal.checkpoint();
        journal.set_slot(A, U256::from(2), U256::from(6));
        journal.revert(checkpoint);
        let (writes, _, _) = journal.finish();
        assert_eq!(
            writes.into_iter().collect::<Vec<_>>(),
            [
                (StateKey::Slot(A, U256::from(1)), None),
                (
                    StateKey::Slot(A, U256::from(2)),
                    Some(StateValue::Slot(U256::from(5)))
                ),
            ]
        );
    }

    #[test]
    fn a_destroyed_account_loses_what_the_state_held_and_what_was_written() {
        let mut state = InMemoryState::new();
        state.set_account(
            A,
            Account {
                nonce: 1,
                balance: U256::from(5),
            },
        );
        state.set_code(A, alloy_primitives::Bytes::from_static(&[0x00]));
        state.set_slot(A, U256::from(1), U256::from(10));
        state.set_slot(A, U256::from(2), U256::from(20));
        let mut stored = vec![StateKey::Account(A), StateKey::Code(A)];
        let mut slots = state.storage_slots(A).unwrap();
        slots.sort();
        assert_eq!(slots, [U256::from(1), U256::from(2)]);
        stored.extend(slots.into_iter().map(|slot| StateKey::Slot(A, slot)));
        let mut journal = Journal::new();
        let checkpoint = journal.checkpoint();
        journal.mark_destroyed(A, stored.clone());
        journal.revert(checkpoint);
        assert!(
            journal.finish().0.is_empty(),
            "a reverted destruction deletes nothing"
        );
        let mut journal = Journal::new();
        journal.mark_destroyed(A, stored);
        // Until the transaction ends, the account is still there.
        assert_eq!(
            journal.slot(&state, A, U256::from(1)).unwrap(),
            U256::from(10)
        );
        journal.set_slot(A, U256::from(3), U256::from(30));
        let (writes, _, _) = journal.finish();
        let expected = [
            StateKey::Account(A),
            StateKey::Code(A),
            StateKey::Slot(A, U256::from(1)),
            StateKey::Slot(A, U256::from(2)),
            StateKey::Slot(A, U256::from(3)),
        ];
        assert_eq!(
            writes.into_iter().collect::<Vec<_>>(),
            expected.map(|key| (key, None))
        );
    }

    #[test]
    fn a_revert_undoes_warming_and_refunds_but_not_the_transactions_warm_set() {
        let mut journal = Journal::new();
        journal.warm_for_transaction([A], &[(B, vec![U256::from(7)])]);
        journal.record_refund(100);
        let checkpoint = journal.checkpoint();
        assert!(!journal.warm_account(A) && !journal.warm_account(B));
        assert!(!journal.warm_slot(B, U256::from(7)));
        assert!(journal.warm_account(C) && journal.warm_slot(A, U256::from(1)));
        assert!(!journal.warm_account(C), "warm once accessed");
        journal.record_refund(-4_900);
        assert_eq!(journal.refund(), -4_800, "the counter may go below zero");
        journal.revert(checkpoint);
        assert_eq!(journal.refund(), 100);
        assert!(journal.warm_account(C) && journal.warm_slot(A, U256::from(1)));
        assert!(!journal.warm_account(A) && !journal.warm_slot(B, U256::from(7)));
    }

    #[test]
    fn a_slots_original_value_is_the_states_whatever_the_transaction_wrote() {
        let mut state = InMemoryState::new();
        state.set_slot(A, U256::from(1), U256::from(10));
        let mut journal = Journal::new();
        // Written before any read: the original still comes from the state.
        journal.set_slot(A, U256::from(1), U256::from(11));
        let original = journal.original_slot(&state, A, U256::from(1)).unwrap();
        assert_eq!(original, U256::from(10));
        journal.set_slot(A, U256::from(2), U256::from(5));
        assert_eq!(
            journal.slot(&state, A, U256::from(2)).unwrap(),
            U256::from(5)
        );
        assert_eq!(
            journal.original_slot(&state, A, U256::from(2)).unwrap(),
            U256::ZERO
        );
    }
}
