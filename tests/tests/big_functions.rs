//! A large function lowers on the static path in about linear time and space: generated code
//! keeping 130 words live (more than Move's locals hold: some spill) across a chain of
//! diamonds, thousands of blocks, compiles, its module grows linearly with the chain, and it
//! runs as on revm. (Dense per-block sets listed bit by bit made such a lowering take
//! minutes; the sizes here would show a quadratic step as a test that does not finish.)

use alloy_primitives::{Address, Bytes, U256};
use evmove_tests::{
    engine::Engine,
    evmove_engine::EvmoveEngine,
    outcome::{Status, Tx},
    revm_oracle::RevmOracle,
};

const SENDER: Address = Address::repeat_byte(0x5e);

/// How many words the code keeps on the stack through the chain.
const LIVE: usize = 130;

/// Code that loads [`LIVE`] calldata words, then runs `diamonds` blocks each branching on a
/// calldata word to a block that writes memory or past it, then adds the words up and
/// returns the sum with the memory written.
fn chain(diamonds: usize) -> Vec<u8> {
    let mut code = Vec::new();
    for i in 0..LIVE {
        let offset = u16::try_from(32 * i).unwrap().to_be_bytes();
        code.extend([0x61, offset[0], offset[1], 0x35]); // PUSH2 offset CALLDATALOAD
    }
    for k in 0..diamonds {
        let at = u16::try_from(k).unwrap().to_be_bytes();
        let join = u16::try_from(code.len() + 13).unwrap().to_be_bytes();
        code.extend([0x61, at[0], at[1], 0x35]); // PUSH2 k CALLDATALOAD
        code.extend([0x61, join[0], join[1], 0x57]); // PUSH2 join JUMPI
        code.extend([0x61, at[0], at[1], 0x80, 0x52]); // PUSH2 k DUP1 MSTORE
        code.push(0x5b); // join: JUMPDEST
    }
    code.extend(std::iter::repeat_n(0x01, LIVE - 1)); // ADD
    let size = u16::try_from(diamonds + 64).unwrap().to_be_bytes();
    // PUSH1 0 MSTORE PUSH2 size PUSH1 0 RETURN
    code.extend([0x60, 0x00, 0x52, 0x61, size[0], size[1], 0x60, 0x00, 0xf3]);
    code
}

/// The module's size, compiled on the static path.
fn module_bytes(code: &[u8]) -> usize {
    let address = move_core_types::account_address::AccountAddress::ONE;
    let blob =
        evmove::pipeline::compile_code(code, address, "m", &Default::default()).expect("compiles");
    assert_eq!(blob.universal, None, "lowered statically");
    blob.bytes.len()
}

#[test]
fn many_live_words_across_thousands_of_blocks_lower_linearly_and_run_as_on_revm() {
    let (small, large) = (chain(250), chain(1000));
    let (small_bytes, large_bytes) = (module_bytes(&small), module_bytes(&large));
    assert!(
        large_bytes <= 5 * small_bytes,
        "four times the blocks, {large_bytes} bytes against {small_bytes}"
    );
    // Words of every kind: zero (their diamonds write memory), small, large.
    let calldata: Vec<u8> = (0..LIVE as u64)
        .flat_map(|i| {
            let word = match i % 3 {
                0 => U256::ZERO,
                1 => U256::from(i),
                _ => U256::MAX - U256::from(i),
            };
            word.to_be_bytes::<32>()
        })
        .collect();
    let (mut revm, mut evmove) = (RevmOracle::new(), EvmoveEngine::new());
    let deploy = Tx::deploy(SENDER, &large);
    let created = Engine::execute(&mut revm, &deploy)
        .unwrap()
        .created
        .unwrap();
    assert_eq!(evmove.execute(&deploy).unwrap().created, Some(created));
    let call = Tx::call(SENDER, created, Bytes::from(calldata));
    let expected = Engine::execute(&mut revm, &call).unwrap();
    let actual = evmove.execute(&call).unwrap();
    assert_eq!(expected.status, Status::Success);
    assert_eq!(actual.status, expected.status);
    assert_eq!(actual.output, expected.output);
    assert_eq!(actual.gas_used, expected.gas_used);
}
