//! The work per transaction of the workload, from a counting run of the block on the Move
//! VM interpreter (`Runtime::execute_counting`, one transaction after the other), apart from
//! the timed runs: Move instructions by opcode, natives by name, Move function calls and
//! heap allocations (the `evmove` binary installs the counting allocator).

use std::collections::BTreeMap;

use evmove_runtime::{
    block::evm::{EvmBlockOutput, TxResult},
    exec::counting::WorkCounts,
    BlockEnv, InMemoryState, Runtime, Transaction,
};
use serde_json::{json, Value};

/// How many of each the transactions of a block did, in all.
#[derive(Default)]
pub struct BlockWork {
    transactions: u64,
    move_instructions: u64,
    natives: u64,
    move_calls: u64,
    /// `None` if any transaction's allocations were not counted.
    allocations: Option<u64>,
    by_opcode: BTreeMap<String, u64>,
    by_native: BTreeMap<String, u64>,
}

impl BlockWork {
    fn add(&mut self, counts: &WorkCounts) {
        let first = self.transactions == 0;
        self.transactions += 1;
        self.move_instructions += counts.move_instructions();
        self.natives += counts.natives();
        self.move_calls += counts.move_calls;
        self.allocations = match (first, self.allocations, counts.allocations) {
            (true, _, counted) => counted,
            (false, Some(so_far), Some(counted)) => Some(so_far + counted),
            (false, _, _) => None,
        };
        for (opcode, count) in counts.by_opcode() {
            *self.by_opcode.entry(format!("{opcode:?}")).or_default() += count;
        }
        for (native, count) in counts.by_native() {
            let name = format!("{}::{}", native.module, native.name);
            *self.by_native.entry(name).or_default() += count;
        }
    }

    /// `total` per transaction.
    fn per_tx(&self, total: u64) -> f64 {
        total as f64 / self.transactions.max(1) as f64
    }

    /// The `per_tx` object of `evmove bench --json`.
    pub fn json(&self) -> Value {
        let per_tx = |counts: &BTreeMap<String, u64>| -> serde_json::Map<String, Value> {
            (counts.iter())
                .map(|(name, &count)| (name.clone(), json!(self.per_tx(count))))
                .collect()
        };
        json!({
            "move_instructions": self.per_tx(self.move_instructions),
            "natives": self.per_tx(self.natives),
            "move_calls": self.per_tx(self.move_calls),
            "allocations": self.allocations.map(|n| self.per_tx(n)),
            "by_opcode": per_tx(&self.by_opcode),
            "by_native": per_tx(&self.by_native),
        })
    }

    /// Two lines for the text output: the totals per transaction, then the most frequent
    /// opcodes and natives.
    pub fn summary(&self) -> String {
        let allocations = match self.allocations {
            Some(n) => format!("{:.1} allocations", self.per_tx(n)),
            None => "allocations not counted".to_string(),
        };
        let top = |counts: &BTreeMap<String, u64>| {
            let mut sorted: Vec<(&String, &u64)> = counts.iter().collect();
            sorted.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            (sorted.iter().take(5))
                .map(|(name, &count)| format!("{name} {:.1}", self.per_tx(count)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "work/tx    {:.1} Move instructions, {:.1} natives, {:.1} Move calls, {allocations}\n\
             \x20          most: {}; {}",
            self.per_tx(self.move_instructions),
            self.per_tx(self.natives),
            self.per_tx(self.move_calls),
            top(&self.by_opcode),
            top(&self.by_native),
        )
    }
}

/// Runs `txns` on `state` one after the other, counting, and checks that each ends as in
/// the sequential block run `seq`.
pub fn count(
    runtime: &Runtime,
    state: &InMemoryState,
    block: &BlockEnv,
    txns: &[Transaction],
    seq: &EvmBlockOutput<'_>,
) -> Result<BlockWork, String> {
    let mut state = state.clone();
    let mut work = BlockWork::default();
    for (index, (tx, expected)) in txns.iter().zip(&seq.outputs).enumerate() {
        let (outcome, counts) = (runtime.execute_counting(&state, block, tx))
            .map_err(|e| format!("transaction {index}, counting: {e}"))?;
        if TxResult::of(&outcome) != *expected {
            return Err(format!(
                "transaction {index}: the counting run and the sequential run differ"
            ));
        }
        outcome.apply_to(&mut state);
        work.add(&counts);
    }
    Ok(work)
}
