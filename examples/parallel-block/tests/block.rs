//! The example's block, small: Block-STM and sequential execution give equal results, and
//! every transfer succeeds.

use std::num::NonZeroUsize;

#[test]
fn block_stm_and_sequential_execution_agree() {
    let result = parallel_block::run(600, NonZeroUsize::new(2).unwrap());
    assert!(result.equal);
    assert_eq!(result.succeeded, 600);
}
