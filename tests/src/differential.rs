//! revm and evmove side by side: every transaction runs in both, and anything observable that
//! differs — status, output, created address, logs, gas used, changed balances, nonces, code
//! or storage — fails at once, naming the transaction. The reasons of exceptional halts are
//! not compared (only that both halted).

use alloy_primitives::{Address, Bytes, U256};
use evmove::provider::OnDemand;
use evmove_native::Tier;
use evmove_runtime::{Account, SpecId, DEFAULT_PUBLISHER};

use crate::{
    engine::Engine,
    evmove_engine::EvmoveEngine,
    outcome::{Status, Tx, TxOutcome},
    revm_oracle::RevmOracle,
};

/// Both engines, on states kept equal.
#[derive(Default)]
pub struct Differential {
    /// The reference.
    pub revm: RevmOracle,
    /// The engine under test.
    pub evmove: EvmoveEngine,
    /// Transactions compared so far.
    pub compared: usize,
}

impl Differential {
    /// Both engines on empty states.
    pub fn new() -> Self {
        Self::default()
    }

    /// Both engines on empty states, evmove in `tier` whatever the environment says.
    pub fn in_tier(tier: Tier) -> Self {
        Self {
            evmove: EvmoveEngine::in_tier(OnDemand::new(DEFAULT_PUBLISHER), tier),
            ..Self::default()
        }
    }

    /// [`Differential::in_tier`], with `sender` holding 10^20 wei in both.
    pub fn funded_in_tier(tier: Tier, sender: Address) -> Self {
        let mut engines = Self::in_tier(tier);
        engines.fund(sender, U256::from(10).pow(U256::from(20)));
        engines
    }

    /// In the native tier, fails unless some frame ran as machine code.
    pub fn assert_ran_natively(&self) {
        if let Some(native) = self.evmove.native_tier() {
            let stats = native.stats();
            assert!(stats.native_frames > 0, "{stats:?}");
        }
    }
}

/// Executes `call` at `spec` in revm and in evmove's `tier`, the state holding `contracts`
/// (address and code; nonce 1, no balance): revm's outcome and evmove's. In the native
/// tier, fails unless some frame ran as machine code.
pub fn execute_both_at(
    spec: SpecId,
    tier: Tier,
    contracts: &[(Address, &[u8])],
    call: &Tx,
) -> (TxOutcome, TxOutcome) {
    let (mut revm, mut evmove) = engines_at(spec, tier, contracts);
    execute_both(&mut revm, &mut evmove, call)
}

/// revm and evmove's `tier` at `spec`, their states holding `contracts` (address and code;
/// nonce 1, no balance), for [`execute_both`].
pub fn engines_at(
    spec: SpecId,
    tier: Tier,
    contracts: &[(Address, &[u8])],
) -> (RevmOracle, EvmoveEngine) {
    let mut revm = RevmOracle::with_spec(spec);
    let mut evmove = EvmoveEngine::with_spec_in_tier(spec, tier);
    for &(address, code) in contracts {
        let code = Bytes::copy_from_slice(code);
        revm.set_account(address, U256::ZERO, 1, code.clone());
        let account = Account {
            nonce: 1,
            balance: U256::ZERO,
        };
        evmove.state_mut().set_account(address, account);
        evmove.state_mut().set_code(address, code);
    }
    (revm, evmove)
}

/// Executes `call` in `revm` and in `evmove` (of [`engines_at`]): revm's outcome and
/// evmove's. In the native tier, fails unless some frame ran as machine code.
pub fn execute_both(
    revm: &mut RevmOracle,
    evmove: &mut EvmoveEngine,
    call: &Tx,
) -> (TxOutcome, TxOutcome) {
    let expected = Engine::execute(revm, call).expect("revm runs it");
    let actual = evmove.execute(call).expect("evmove runs it");
    if let Some(native) = evmove.native_tier() {
        let stats = native.stats();
        assert!(stats.native_frames > 0, "{stats:?}");
    }
    (expected, actual)
}

/// Fails unless evmove's outcome is revm's (an exceptional halt's reason as a halt: the
/// engines word some differently), naming `what` and the first difference.
pub fn assert_agree(expected: &TxOutcome, actual: &TxOutcome, what: &str) {
    assert_eq!(difference(expected, actual), None, "{what}");
}

impl Differential {
    /// Empties both states; evmove keeps the modules it compiled.
    pub fn clear_state(&mut self) {
        self.revm = RevmOracle::new();
        self.evmove.clear_state();
    }

    /// Runs `tx` in both engines: revm's outcome, and the first difference of evmove's from
    /// it, if any (after which the two states may differ too).
    pub fn compare(&mut self, tx: &Tx) -> Result<(TxOutcome, Option<String>), String> {
        let expected = Engine::execute(&mut self.revm, tx)?;
        let actual = self.evmove.execute(tx)?;
        self.compared += 1;
        let difference = difference(&expected, &actual);
        Ok((expected, difference))
    }
}

/// The first observable difference between two outcomes of the same transaction, revm's
/// and evmove's.
pub fn difference(expected: &TxOutcome, actual: &TxOutcome) -> Option<String> {
    difference_between(["revm", "evmove"], expected, actual)
}

/// The first observable difference between two outcomes of the same transaction, the
/// engines that gave them named by `sides` (the expected one first).
pub fn difference_between(
    sides: [&str; 2],
    expected: &TxOutcome,
    actual: &TxOutcome,
) -> Option<String> {
    let [e, a] = sides;
    let same_status = match (&expected.status, &actual.status) {
        (Status::Halt(_), Status::Halt(_)) => true,
        (expected, actual) => expected == actual,
    };
    if !same_status {
        return Some(format!(
            "status: {e} {:?}, {a} {:?} (output {})",
            expected.status, actual.status, actual.output
        ));
    }
    if expected.output != actual.output {
        return Some(format!(
            "output: {e} {}, {a} {}",
            expected.output, actual.output
        ));
    }
    if expected.created != actual.created {
        return Some(format!(
            "created: {e} {:?}, {a} {:?}",
            expected.created, actual.created
        ));
    }
    if expected.logs != actual.logs {
        return Some(format!(
            "logs: {e} {:?}, {a} {:?}",
            expected.logs, actual.logs
        ));
    }
    if expected.gas_used != actual.gas_used {
        return Some(format!(
            "gas used: {e} {}, {a} {}",
            expected.gas_used, actual.gas_used
        ));
    }
    if expected.changes != actual.changes {
        return Some(format!(
            "state changes: {e} {:?}, {a} {:?}",
            expected.changes, actual.changes
        ));
    }
    None
}

impl Engine for Differential {
    fn fund(&mut self, account: Address, wei: U256) {
        self.revm.fund(account, wei);
        self.evmove.fund(account, wei);
    }

    fn execute(&mut self, tx: &Tx) -> Result<TxOutcome, String> {
        let (expected, difference) = self.compare(tx)?;
        if let Some(difference) = difference {
            panic!("evmove differs from revm on {tx:?}:\n{difference}");
        }
        Ok(expected)
    }

    fn balance(&self, account: Address) -> U256 {
        Engine::balance(&self.revm, account)
    }

    fn storage(&self, account: Address, slot: U256) -> U256 {
        Engine::storage(&self.revm, account, slot)
    }
}
