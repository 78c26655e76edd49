//! Whether the engines agree on the block: every evmove run (each tier, sequential and
//! parallel) on every transaction's result and write, and revm on every transaction's
//! success and on the value of every key evmove wrote.

use evmove_runtime::{block::evm::EvmBlockOutput, StateKey, StateValue, Status};

use super::revm_side::{self, RevmRun};

/// Checks `runs` (named, the first the reference) against each other and against revm; the
/// number of keys compared.
pub fn check(runs: &[(String, &EvmBlockOutput<'_>)], revm: &RevmRun) -> Result<usize, String> {
    let Some(&(ref first_name, first)) = runs.first() else {
        return Err("no evmove run".into());
    };
    for (name, run) in &runs[1..] {
        let differs =
            (0..first.outputs.len()).find(|&i| first.outputs.get(i) != run.outputs.get(i));
        if let Some(index) = differs {
            return Err(format!(
                "transaction {index}: {first_name} and {name} results differ"
            ));
        }
        if first.writes != run.writes {
            return Err(format!("{first_name} and {name} final states differ"));
        }
    }
    for (index, (result, &revm_success)) in first.outputs.iter().zip(&revm.success).enumerate() {
        if (result.status == Status::Success) != revm_success {
            return Err(format!(
                "transaction {index}: evmove says {:?}, revm says success = {revm_success}",
                result.status
            ));
        }
    }
    for (key, value) in &first.writes {
        let agrees = match (key, value) {
            (StateKey::Account(address), value) => {
                let (balance, nonce) = match value {
                    Some(StateValue::Account(account)) => (account.balance, account.nonce),
                    _ => Default::default(),
                };
                revm_side::account(&revm.db, *address) == (balance, nonce)
            }
            (StateKey::Slot(address, slot), value) => {
                let word = match value {
                    Some(StateValue::Slot(word)) => *word,
                    _ => Default::default(),
                };
                revm_side::slot(&revm.db, *address, *slot) == word
            }
            (StateKey::Code(_), _) => true,
        };
        if !agrees {
            return Err(format!("revm and evmove disagree on {key:?}"));
        }
    }
    Ok(first.writes.len())
}
