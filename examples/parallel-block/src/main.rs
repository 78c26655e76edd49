//! `cargo run --release -p parallel-block [TRANSACTIONS]`: a block of token transfers
//! (default 3,000) executed sequentially and with Block-STM; both times, and whether the
//! results are equal (the exit status says so too).

use std::{num::NonZeroUsize, process::ExitCode, thread::available_parallelism};

fn main() -> ExitCode {
    let transactions = match std::env::args().nth(1).map(|arg| arg.parse::<usize>()) {
        None => 3000,
        Some(Ok(n)) => n,
        Some(Err(error)) => {
            eprintln!("error: the number of transactions: {error}");
            return ExitCode::FAILURE;
        }
    };
    let threads = available_parallelism().unwrap_or(NonZeroUsize::MIN);
    let result = parallel_block::run(transactions, threads);
    println!(
        "{} token transfers ({} succeeded) among {} holders",
        result.transactions,
        result.succeeded,
        parallel_block::HOLDERS
    );
    println!("sequential: {:.3} s", result.sequential.as_secs_f64());
    let (parallel, threads) = result.parallel;
    println!(
        "Block-STM on {threads} threads: {:.3} s",
        parallel.as_secs_f64()
    );
    match result.equal {
        true => {
            println!("the results are equal: every outcome and every write");
            ExitCode::SUCCESS
        }
        false => {
            eprintln!("the results differ");
            ExitCode::FAILURE
        }
    }
}
