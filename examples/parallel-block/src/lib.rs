//! A block of token transfers between many holders, built with the token project's typed
//! bindings, executed sequentially and with Block-STM on the same state: [`run`] gives both
//! times and whether the two results (every transaction's outcome, every write) are equal.

use std::{
    num::NonZeroUsize,
    time::{Duration, Instant},
};

use evmove::bindings::{
    primitives::{Address, U256},
    runtime::{
        block::{evm::execute_block, Config, Mode},
        Account, BlockEnv, InMemoryState, Runtime, Status, Transaction,
    },
};
use token_project::Token;

/// How many accounts hold the token and send the block's transfers.
pub const HOLDERS: u64 = 256;

/// What running the block both ways gave.
pub struct Comparison {
    /// Transactions in the block.
    pub transactions: usize,
    /// How many succeeded.
    pub succeeded: usize,
    /// Wall time, sequentially.
    pub sequential: Duration,
    /// Wall time with Block-STM, and on how many threads.
    pub parallel: (Duration, usize),
    /// Whether both gave the same outcomes and writes.
    pub equal: bool,
}

/// Holder `n`'s address.
fn holder(n: u64) -> Address {
    Address::left_padding_from(&(0x1000 + n).to_be_bytes())
}

/// A token deployed by holder 0, who gives every holder 1,000 units; the runtime, the state.
fn setup() -> (Runtime, InMemoryState, Token) {
    let runtime = token_project::runtime().expect("the modules publish");
    let mut state = InMemoryState::new();
    let wei = U256::from(10).pow(U256::from(21));
    for n in 0..HOLDERS {
        state.set_account(
            holder(n),
            Account {
                nonce: 0,
                balance: wei,
            },
        );
    }
    let supply = U256::from(1000 * HOLDERS);
    let token = Token::deploy(
        &runtime,
        &mut state,
        holder(0),
        "Coin".into(),
        "C".into(),
        supply,
    )
    .expect("the token deploys");
    for n in 1..HOLDERS {
        let funded =
            token
                .transfer(holder(n), U256::from(1000))
                .send(&runtime, &mut state, holder(0));
        assert!(funded.is_ok_and(|receipt| receipt.success()));
    }
    (runtime, state, token)
}

/// `transactions` transfers: holder `i % HOLDERS` pays one unit to a holder a stride away,
/// so that most transactions touch different balances and some touch the same.
pub fn transfers(token: Token, transactions: usize) -> Vec<Transaction> {
    (0..transactions as u64)
        .map(|i| {
            let from = holder(i % HOLDERS);
            let to = holder((i * 7 + 1) % HOLDERS);
            token.transfer(to, U256::from(1)).tx(from)
        })
        .collect()
}

/// Runs a block of `transactions` transfers sequentially and with Block-STM on `threads`.
pub fn run(transactions: usize, threads: NonZeroUsize) -> Comparison {
    let (runtime, state, token) = setup();
    let txns = transfers(token, transactions);
    let block = BlockEnv::default();
    let timed = |mode: Mode| {
        let config = Config {
            mode,
            ..Config::default()
        };
        let start = Instant::now();
        let output =
            execute_block(&runtime, &state, &block, &txns, &config).expect("the block runs");
        (start.elapsed(), output)
    };
    let (sequential, one) = timed(Mode::Sequential);
    let (parallel, other) = timed(Mode::Parallel { threads });
    Comparison {
        transactions,
        succeeded: one
            .outputs
            .iter()
            .filter(|out| out.status == Status::Success)
            .count(),
        sequential,
        parallel: (parallel, threads.get()),
        equal: one.outputs == other.outputs && one.writes == other.writes,
    }
}
