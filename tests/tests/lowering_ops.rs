//! The operations the lowering emits as Move arithmetic on u128 halves instead of natives
//! (bitwise operations, equality, signed and unsigned order, shifts by a constant amount: see
//! `evmove::lower::function`), each run as Move and by revm on generated words (edges
//! included): the same result. The operands come from calldata, so no pass folds them.
//! Likewise the operations run as Move's u128 arithmetic on operands proven narrow.
//! Also functions beyond Move's limits, run as Move and by revm: more words live than Move
//! has locals (spilled), more instructions than a Move function may have (split).

use alloy_primitives::{Address, U256};
use evmove::evm::assemble;
use evmove_tests::{
    abi_values::word,
    differential::Differential,
    engine::Engine,
    outcome::{Status, Tx},
};
use move_binary_format::file_format::Bytecode;
use proptest::{prelude::*, strategy::ValueTree, test_runner::TestRunner};

const SENDER: Address = Address::repeat_byte(0x5e);

/// The bytes of the verified Move module `code` compiles to.
fn module_bytes(code: &[u8], name: &str) -> Vec<u8> {
    let address = move_core_types::account_address::AccountAddress::ONE;
    evmove::pipeline::compile_code(code, address, name, &Default::default())
        .expect("compiles")
        .bytes
}

/// The verified Move module `code` compiles to, read back from its bytes.
fn compiled(code: &[u8], name: &str) -> move_binary_format::CompiledModule {
    let bytes = module_bytes(code, name);
    move_binary_format::CompiledModule::deserialize(&bytes).expect("verified bytes")
}

/// Runtime code computing `op` on the words at calldata 0 (top of the stack) and 32, or
/// `op` with a constant `shift` on the word at calldata 0, and returning the result.
fn runtime(op: u8, shift: Option<u16>) -> Vec<u8> {
    let mut code = match shift {
        // value, then the constant shift on top
        Some(shift) => {
            let [hi, lo] = shift.to_be_bytes();
            vec![0x5f, 0x35, 0x61, hi, lo]
        }
        // b (calldata 32), then a (calldata 0) on top
        None => vec![0x60, 0x20, 0x35, 0x5f, 0x35],
    };
    code.push(op);
    // mstore(0, result); return(0, 32)
    code.extend([0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3]);
    code
}

#[test]
fn inlined_operations_match_revm() {
    let binary = [
        (0x10, "lt"),
        (0x11, "gt"),
        (0x12, "slt"),
        (0x13, "sgt"),
        (0x14, "eq"),
        (0x16, "and"),
        (0x17, "or"),
        (0x18, "xor"),
    ];
    let mut cases: Vec<(String, Vec<u8>)> = binary
        .iter()
        .map(|&(op, name)| (name.to_string(), runtime(op, None)))
        .collect();
    cases.push((
        "not".into(),
        vec![0x5f, 0x35, 0x19, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3],
    ));
    // A constant operand whose halves decide the operation (all ones, zero) or do not.
    let constants = [
        U256::MAX >> 96,
        U256::MAX << 128,
        U256::MAX >> 128,
        U256::from(0xff),
        U256::ONE << 255,
        U256::from(32),
    ];
    for constant in constants {
        for (op, name) in [
            (0x16, "and"),
            (0x17, "or"),
            (0x18, "xor"),
            (0x12, "slt"),
            (0x13, "sgt"),
        ] {
            // PUSH32 constant, then the word at calldata 0 on top.
            let mut code = vec![0x7f];
            code.extend(constant.to_be_bytes::<32>());
            code.extend([0x5f, 0x35, op, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3]);
            cases.push((format!("{name} {constant:#x}"), code));
        }
    }
    for shift in [0, 1, 8, 64, 127, 128, 129, 160, 224, 255, 256, 300] {
        for (op, name) in [(0x1b, "shl"), (0x1c, "shr")] {
            cases.push((format!("{name} {shift}"), runtime(op, Some(shift))));
        }
    }
    let mut engines = Differential::new();
    engines.fund(SENDER, U256::from(10).pow(U256::from(20)));
    let mut runner = TestRunner::deterministic();
    for (name, code) in cases {
        let created = engines.execute(&Tx::deploy(SENDER, &code)).unwrap();
        let address = created
            .created
            .unwrap_or_else(|| panic!("{name}: {created:?}"));
        let words = (word(256), word(256));
        for _ in 0..128 {
            let (a, b) = words.new_tree(&mut runner).unwrap().current();
            succeeds_as_on_revm(&mut engines, address, a, b, &name);
        }
    }
}

/// Calls `address` with the words `a` and `b` as calldata on both engines: the same
/// outcome, a success.
fn succeeds_as_on_revm(engines: &mut Differential, address: Address, a: U256, b: U256, name: &str) {
    let calldata = [a.to_be_bytes::<32>(), b.to_be_bytes::<32>()].concat();
    let (outcome, difference) = engines
        .compare(&Tx::call(SENDER, address, calldata))
        .unwrap();
    assert_eq!(difference, None, "{name} on {a:#x}, {b:#x}");
    assert_eq!(outcome.status, Status::Success, "{name}");
}

/// A function with more words live at once than Move has locals (200 calldata words on the
/// stack, 400 u128 halves) spills some to a vector and still computes what revm does: the
/// words are folded by SUB, which is sensitive to every word's position.
#[test]
fn words_beyond_the_locals_limit_spill_and_match_revm() {
    const WORDS: u16 = 200;
    let mut code = Vec::new();
    for i in 0..WORDS {
        let [hi, lo] = (32 * i).to_be_bytes();
        code.extend([0x61, hi, lo, 0x35]); // calldataload(32 * i)
    }
    code.extend(std::iter::repeat_n(0x03, usize::from(WORDS) - 1)); // sub
    code.extend([0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3]); // mstore(0, r); return(0, 32)

    let module = compiled(&code, "spills");
    let spill_vector = move_binary_format::file_format::SignatureToken::Vector(Box::new(
        move_binary_format::file_format::SignatureToken::U128,
    ));
    let spills = module.function_defs.iter().any(|definition| {
        let locals = definition.code.as_ref().expect("code").locals;
        module.signatures[locals.0 as usize]
            .0
            .contains(&spill_vector)
    });
    assert!(spills, "the test must need spilling");

    let mut engines = Differential::new();
    engines.fund(SENDER, U256::from(10).pow(U256::from(20)));
    let created = engines.execute(&Tx::deploy(SENDER, &code)).unwrap();
    let address = created.created.expect("deploys");
    let mut runner = TestRunner::deterministic();
    for _ in 0..16 {
        let words = prop::collection::vec(word(256), usize::from(WORDS));
        let words = words.new_tree(&mut runner).unwrap().current();
        let calldata: Vec<u8> = words.iter().flat_map(|w| w.to_be_bytes::<32>()).collect();
        let (outcome, difference) = engines
            .compare(&Tx::call(SENDER, address, calldata))
            .unwrap();
        assert_eq!(difference, None);
        assert_eq!(outcome.status, Status::Success);
    }
}

/// Assembly of `steps` steps mixing the two words on top of the stack, `[a, b]` into
/// `[b, a + b]` (`b - a` for the variant `sub`) and then into `[a + b, b ^ (a + b)]`,
/// invertible so no input is lost; now and then adding a calldata word, storing to memory,
/// or (a branch, so the section is many blocks with the words as block parameters where it
/// joins) adding `a` when `b` is odd.
fn mix(name: &str, steps: usize, sub: bool) -> String {
    let op = if sub { "SUB" } else { "ADD" };
    let mut text = String::new();
    for i in 0..steps {
        text += &format!("SWAP1 DUP2 {op} SWAP1 DUP2 XOR\n");
        if i % 7 == 0 {
            text += &format!("PUSH {} CALLDATALOAD ADD\n", 32 * (i % 16));
        }
        if i % 5 == 0 {
            text += &format!("DUP1 PUSH {} MSTORE\n", 64 + 32 * (i % 64));
        }
        if i % 150 == 149 {
            text +=
                &format!("DUP1 PUSH 1 AND ISZERO PUSH @{name}_{i} JUMPI DUP2 ADD {name}_{i}:\n");
        }
    }
    text
}

/// A function far beyond the 65,535 instructions a Move function may have, split into
/// parts: an internal function `mix(a, b)`, called twice, whose long straight sections, a
/// loop of 1 to 4 turns with a long body (so its back edge crosses parts) and a branch with
/// two long sides (so jumps cross parts forwards) each read calldata and store memory; a
/// calldata word `c` is read before the loop and used after it (a value the parts of the
/// loop carry round). The result is stored and returned with the memory written. The code
/// is installed directly: at about 40 KB it is too large to deploy (24,576 bytes).
#[test]
fn functions_too_large_for_move_split_into_parts_and_match_revm() {
    let text = format!(
        "PUSH 0 CALLDATALOAD PUSH 32 CALLDATALOAD          ; [a, b]
         PUSH @back1 SWAP2 SWAP1 PUSH @mix JUMP
         back1: PUSH @back2 SWAP2 SWAP1 PUSH @mix JUMP
         back2: DUP2 PUSH 0 SSTORE DUP1 PUSH 1 SSTORE      ; [x, y]
         PUSH 0 MSTORE PUSH 32 MSTORE PUSH {size} PUSH 0 RETURN
         mix: {pre}                                         ; [ret, a, b]
         PUSH 128 CALLDATALOAD SWAP2 SWAP1                  ; [ret, c, a, b]
         PUSH 64 CALLDATALOAD PUSH 3 AND SWAP2 SWAP1        ; [ret, c, n, a, b]
         loop: {body}
         DUP3 ISZERO PUSH @done JUMPI
         SWAP2 PUSH 1 SWAP1 SUB SWAP2 PUSH @loop JUMP       ; n - 1
         done: SWAP2 POP SWAP1 DUP3 ADD SWAP2 POP SWAP1     ; [ret, a, b + c]
         PUSH 96 CALLDATALOAD PUSH 1 AND PUSH @odd JUMPI
         {even} PUSH @join JUMP
         odd: {odd}
         join: {post} SWAP2 JUMP                            ; [b', a']",
        size = 64 + 32 * 64,
        pre = mix("pre", 600, false),
        body = mix("body", 2400, false),
        even = mix("even", 1000, false),
        odd = mix("odd", 1000, true),
        post = mix("post", 300, true),
    );
    let code = assemble(&text).expect("assembles");

    let bytes = module_bytes(&code, "split");
    assert_eq!(
        bytes,
        module_bytes(&code, "split"),
        "the same module every time"
    );
    let module = move_binary_format::CompiledModule::deserialize(&bytes).expect("verified bytes");
    let names: Vec<String> = module
        .function_defs
        .iter()
        .map(|definition| {
            let handle = &module.function_handles[definition.function.0 as usize];
            module.identifiers[handle.name.0 as usize].to_string()
        })
        .collect();
    // The parts of a function are named `<its name>_<k>`.
    let parts = names.iter().filter(|name| name.contains('_')).count();
    assert!(parts >= 2, "the function must be split: {names:?}");

    const CONTRACT: Address = Address::repeat_byte(0xc0);
    let mut engines = Differential::new();
    engines.fund(SENDER, U256::from(10).pow(U256::from(20)));
    engines
        .revm
        .set_account(CONTRACT, U256::ZERO, 1, code.clone().into());
    let state = engines.evmove.state_mut();
    let account = evmove_runtime::Account {
        nonce: 1,
        balance: U256::ZERO,
    };
    state.set_account(CONTRACT, account);
    state.set_code(CONTRACT, code.into());
    let mut runner = TestRunner::deterministic();
    for case in 0..8u64 {
        let words = prop::collection::vec(word(256), 16);
        let mut words = words.new_tree(&mut runner).unwrap().current();
        words[2] = U256::from(case % 4); // the loop turns once more than this
        words[3] = U256::from(case / 4); // the branch's side
        let calldata: Vec<u8> = words.iter().flat_map(|w| w.to_be_bytes::<32>()).collect();
        let (outcome, difference) = engines
            .compare(&Tx::call(SENDER, CONTRACT, calldata))
            .unwrap();
        assert_eq!(difference, None, "case {case}");
        assert_eq!(outcome.status, Status::Success);
    }
}

/// Runtime code computing `op` on `a` (on top) and `b`, each operand the calldata word at 0
/// or 32 masked to its width in bits, or a constant; returning the result.
fn masked_runtime(op: u8, a: Operand, b: Operand) -> Vec<u8> {
    let mut code = Vec::new();
    for (operand, offset) in [(b, 0x20), (a, 0x00)] {
        code.push(0x7f); // push32
        match operand {
            Operand::Masked(bits) => {
                code.extend((U256::MAX >> (256 - bits)).to_be_bytes::<32>());
                code.extend([0x60, offset, 0x35, 0x16]); // calldataload(offset); and
            }
            Operand::Const(c) => code.extend(c.to_be_bytes::<32>()),
        }
    }
    code.push(op);
    code.extend([0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3]); // mstore(0, r); return(0, 32)
    code
}

#[derive(Clone, Copy, Debug)]
enum Operand {
    /// The calldata word masked to this many low bits.
    Masked(usize),
    Const(U256),
}

/// Operations whose operands (or result) are proven to fit 128 bits run as Move's own u128
/// arithmetic on the low halves (`evmove::lower::ranges`), and compute what revm does,
/// at the edges of the widths that allow it and just past them (where the 256-bit path
/// must be taken instead).
#[test]
fn narrow_operations_match_revm() {
    use Operand::{Const, Masked};
    let c = |v: u64| Const(U256::from(v));
    let (add, mul, div, rem, shl, shr) = (0x01, 0x02, 0x04, 0x06, 0x1b, 0x1c);
    let (lt, gt, eq, and, or, xor) = (0x10, 0x11, 0x14, 0x16, 0x17, 0x18);
    let cases: Vec<(u8, Operand, Operand, Option<Bytecode>)> = vec![
        (add, Masked(127), Masked(127), Some(Bytecode::Add)),
        (add, Masked(1), Masked(127), Some(Bytecode::Add)),
        (add, Masked(128), Masked(1), None),
        (add, Masked(128), Masked(128), None),
        (mul, Masked(64), Masked(64), Some(Bytecode::Mul)),
        (mul, Masked(100), Masked(28), Some(Bytecode::Mul)),
        (mul, Masked(65), Masked(64), None),
        (div, Masked(128), c(7), Some(Bytecode::Div)),
        (div, Masked(128), c(0), None),
        (rem, Masked(90), c(1_000_003), Some(Bytecode::Mod)),
        (rem, Masked(129), c(1_000_003), None),
        (shl, c(60), Masked(68), Some(Bytecode::Shl)),
        (shl, c(61), Masked(68), None),
        (shr, c(127), Masked(128), Some(Bytecode::Shr)),
        (lt, Masked(128), Masked(100), Some(Bytecode::Lt)),
        (gt, Masked(8), Masked(128), Some(Bytecode::Gt)),
        (eq, Masked(128), Masked(3), None),
        (and, Masked(256), Masked(128), None),
        (or, Masked(128), Masked(60), None),
        (xor, Masked(120), Masked(128), None),
    ];
    let mut engines = Differential::new();
    engines.fund(SENDER, U256::from(10).pow(U256::from(20)));
    let mut runner = TestRunner::deterministic();
    for (op, a, b, narrow) in cases {
        let code = masked_runtime(op, a, b);
        let name = format!("op {op:#04x} on {a:?}, {b:?}");
        if let Some(instr) = narrow {
            let module = compiled(&code, "narrow");
            let uses = module.function_defs.iter().any(|definition| {
                let code = &definition.code.as_ref().expect("code").code;
                code.contains(&instr)
            });
            assert!(uses, "{name} must run as Move's {instr:?}");
        }
        let created = engines.execute(&Tx::deploy(SENDER, &code)).unwrap();
        let address = created.created.expect("deploys");
        // Edge words (all ones, zero, ...) come often from `word`.
        for _ in 0..64 {
            let (x, y) = (word(256), word(256))
                .new_tree(&mut runner)
                .unwrap()
                .current();
            let calldata = [x.to_be_bytes::<32>(), y.to_be_bytes::<32>()].concat();
            let (outcome, difference) = engines
                .compare(&Tx::call(SENDER, address, calldata))
                .unwrap();
            assert_eq!(difference, None, "{name}");
            assert_eq!(outcome.status, Status::Success, "{name}");
        }
    }
}

/// Whether `module` calls a function (a native of the shim) named `name`.
fn calls_named(module: &move_binary_format::CompiledModule, name: &str) -> bool {
    (module.function_handles.iter())
        .any(|handle| module.identifiers[handle.name.0 as usize].as_str() == name)
}

/// Adding or subtracting a constant below 2^128 in a loop runs inline on the halves (no
/// native), and computes what revm does on words whose low half sits at the carry's (the
/// borrow's) edge and whose high half wraps: a constant of 2^128 or more still takes the
/// native. The loop turns once (32 bytes of calldata, shifted right by 5: a count the
/// lifter cannot know, so the loop stays one), counting down (its own `sub` runs inline).
#[test]
fn constants_added_and_subtracted_inline_in_loops_match_revm() {
    let mut engines = Differential::new();
    engines.fund(SENDER, U256::from(10).pow(U256::from(20)));
    let mut runner = TestRunner::deterministic();
    let x = "PUSH0 CALLDATALOAD";
    let mut cases: Vec<(String, &str, U256, bool)> = Vec::new();
    for c in [1, 3, 32, 1 << 127, u128::MAX].map(U256::from) {
        let c_text = format!("PUSH {c:#x}");
        // `a` on top: x + c, c + x, x - c.
        cases.push((format!("{c_text} {x} ADD"), "add", c, true));
        cases.push((format!("{x} {c_text} ADD"), "add", c, true));
        cases.push((format!("{c_text} {x} SUB"), "sub", c, true));
    }
    let wide = U256::ONE << 128;
    cases.push((format!("PUSH {wide:#x} {x} ADD"), "add", wide, false));
    cases.push((format!("PUSH {wide:#x} {x} SUB"), "sub", wide, false));
    for (operation, native, c, inline) in cases {
        let text = format!(
            "CALLDATASIZE PUSH 5 SHR
             turn: {operation} PUSH0 MSTORE
             PUSH 1 SWAP1 SUB DUP1 PUSH @turn JUMPI
             PUSH 0x20 PUSH0 RETURN"
        );
        let code = assemble(&text).expect("assembles");
        let name = format!("{operation} in a loop");
        assert_eq!(
            calls_named(&compiled(&code, "constant"), native),
            !inline,
            "{name}: inline {inline}"
        );
        let created = engines.execute(&Tx::deploy(SENDER, &code)).unwrap();
        let address = created.created.expect("deploys");
        let c = u128::try_from(c).unwrap_or(u128::MAX);
        let lows = [0, 1, c - 1, c, u128::MAX - c, u128::MAX - c + 1, u128::MAX];
        let highs = [0, 1, u128::MAX - 1, u128::MAX];
        let edges =
            (lows.iter()).flat_map(|&lo| highs.map(|hi| (U256::from(hi) << 128) | U256::from(lo)));
        let random: Vec<U256> = (0..16)
            .map(|_| word(256).new_tree(&mut runner).unwrap().current())
            .collect();
        for x in edges.chain(random) {
            let (outcome, difference) = engines
                .compare(&Tx::call(SENDER, address, x.to_be_bytes::<32>().to_vec()))
                .unwrap();
            assert_eq!(difference, None, "{name} on {x:#x}");
            assert_eq!(outcome.status, Status::Success, "{name} on {x:#x}");
        }
    }
}

/// A branch on a subtraction tests for inequality (`evmove::opt::conditions`), and solc's
/// check that a product by a constant did not overflow, `sub(div(mul(c, x), c), x)` either
/// way round, a bound on `x`: no division left, and what revm does on factors at the bound
/// and past it; a branch on `x - c` compares `x` with `c`.
#[test]
fn branches_on_subtractions_and_product_checks_match_revm() {
    let checks = [
        // mul(c, x), sub(x, q)
        "PUSH0 CALLDATALOAD DUP1 PUSH {c} MUL PUSH {c} DUP2 DIV DUP3 SUB",
        // mul(x, c), sub(q, x)
        "PUSH0 CALLDATALOAD DUP1 PUSH {c} SWAP1 MUL PUSH {c} DUP2 DIV DUP3 SWAP1 SUB",
    ];
    // The product (or `x - c` for the inequality) is returned, or the branch reverts.
    let tail = "PUSH @out JUMPI PUSH0 MSTORE PUSH 0x20 PUSH0 RETURN
                out: PUSH0 PUSH0 REVERT";
    let inequality = "PUSH0 CALLDATALOAD DUP1 PUSH {c} SWAP1 SUB";
    let mut engines = Differential::new();
    engines.fund(SENDER, U256::from(10).pow(U256::from(20)));
    let mut runner = TestRunner::deterministic();
    let constants = [
        U256::from(2),
        U256::from(3),
        U256::from(7),
        U256::from(10).pow(U256::from(18)),
        U256::ONE << 200,
    ];
    for c in constants {
        let shapes = checks
            .iter()
            .map(|check| (check, "div"))
            .chain([(&inequality, "sub")]);
        for (shape, gone) in shapes {
            let text = format!("{} {tail}", shape.replace("{c}", &format!("{c:#x}")));
            let code = assemble(&text).expect("assembles");
            let name = format!("{shape} with c = {c:#x}");
            assert!(
                !calls_named(&compiled(&code, "check"), gone),
                "{name}: a {gone} is left"
            );
            let created = engines.execute(&Tx::deploy(SENDER, &code)).unwrap();
            let address = created.created.expect("deploys");
            let bound = U256::MAX / c;
            let edges = [
                U256::ZERO,
                U256::ONE,
                c - U256::ONE,
                c,
                c + U256::ONE,
                bound - U256::ONE,
                bound,
                bound + U256::ONE,
                U256::MAX,
            ];
            let random: Vec<U256> = (0..16)
                .map(|_| word(256).new_tree(&mut runner).unwrap().current())
                .collect();
            for x in edges.into_iter().chain(random) {
                let (_, difference) = engines
                    .compare(&Tx::call(SENDER, address, x.to_be_bytes::<32>().to_vec()))
                    .unwrap();
                assert_eq!(difference, None, "{name} on {x:#x}");
            }
        }
    }
}

/// Words at the edges of the halves: zero and all ones in either half, the sign bit, and
/// neighbours of 2^128 and 2^160.
fn edge_words() -> Vec<U256> {
    let mut words = vec![U256::ZERO, U256::ONE, U256::MAX, U256::MAX - U256::ONE];
    for bits in [128, 160, 255] {
        let power = U256::ONE << bits;
        words.extend([power - U256::ONE, power, power + U256::ONE]);
    }
    words
}

/// Branches on comparisons of words run half by half (`evmove::lower::function`'s
/// `short_circuit`), with the halves a constant decides left out, and on the conditions
/// `evmove::opt::conditions` rewrites (a sum with a constant that wrapped, an address
/// check): where revm branches, on operands equal in one half and not the other, at the
/// bounds and past them.
#[test]
fn branches_on_word_comparisons_and_checks_match_revm() {
    // The branch on `{test}` (its operands pushed before it) returns 2 or, not taken, 1.
    let tail = "PUSH @t JUMPI PUSH 1 PUSH0 MSTORE PUSH 0x20 PUSH0 RETURN
                t: PUSH 2 PUSH0 MSTORE PUSH 0x20 PUSH0 RETURN";
    // Each with whether it reads a second word (at calldata 32).
    let mut shapes: Vec<(String, bool)> = ["LT", "GT", "SLT", "SGT", "EQ"]
        .iter()
        .map(|op| {
            (
                format!("PUSH 0x20 CALLDATALOAD PUSH0 CALLDATALOAD {op}"),
                true,
            )
        })
        .collect();
    let mut one = |shape: String| shapes.push((shape, false));
    for c in edge_words() {
        for op in ["LT", "GT", "SLT", "SGT", "EQ"] {
            one(format!("PUSH {c:#x} PUSH0 CALLDATALOAD {op}"));
            one(format!("PUSH0 CALLDATALOAD PUSH {c:#x} {op}"));
        }
    }
    for c in [1, 5].map(U256::from).into_iter().chain(edge_words()) {
        // `x > x + c`, and `x + c < x`.
        one(format!("PUSH0 CALLDATALOAD DUP1 PUSH {c:#x} ADD SWAP1 GT"));
        one(format!("PUSH0 CALLDATALOAD DUP1 PUSH {c:#x} ADD LT"));
    }
    for bits in [8, 127, 128, 129, 160, 255] {
        let mask = (U256::ONE << bits) - U256::ONE;
        // `x == x & mask`, either way round.
        one(format!("PUSH0 CALLDATALOAD PUSH {mask:#x} DUP2 AND EQ"));
        one(format!(
            "PUSH0 CALLDATALOAD DUP1 PUSH {mask:#x} AND SWAP1 EQ"
        ));
    }
    let mut engines = Differential::new();
    engines.fund(SENDER, U256::from(10).pow(U256::from(20)));
    let words: Vec<U256> = edge_words()
        .into_iter()
        .chain([U256::from(5), U256::MAX - U256::from(5)])
        .collect();
    for (shape, two) in shapes {
        let code = assemble(&format!("{shape} {tail}")).expect("assembles");
        let created = engines.execute(&Tx::deploy(SENDER, &code)).unwrap();
        let address = created.created.expect("deploys");
        for &a in &words {
            let seconds = if two { &words[..] } else { &words[..1] };
            for &b in seconds {
                succeeds_as_on_revm(&mut engines, address, a, b, &shape);
            }
        }
    }
}

/// A counter going round a loop by `+ 1` lives in one u128 where it starts narrow enough
/// (`evmove::lower::inductions`: no transaction turns a loop 2^64 times), and counts as revm
/// does from starts below 2^64, just below 2^128 (crossing it: a word) and just below 2^256
/// (wrapping), for one to five turns.
#[test]
fn counters_in_loops_count_as_revm() {
    let mut engines = Differential::new();
    engines.fund(SENDER, U256::from(10).pow(U256::from(20)));
    let starts = [
        U256::ZERO,
        U256::from(u64::MAX),
        (U256::ONE << 128) - U256::from(3),
        U256::MAX - U256::from(2),
    ];
    for start in starts {
        // The counter below the turns left (calldata's size / 32), counted down to zero.
        let text = format!(
            "PUSH {start:#x} CALLDATASIZE PUSH 5 SHR
             turn: SWAP1 PUSH 1 ADD SWAP1 PUSH 1 SWAP1 SUB DUP1 PUSH @turn JUMPI
             POP PUSH0 MSTORE PUSH 0x20 PUSH0 RETURN"
        );
        let code = assemble(&text).expect("assembles");
        let created = engines.execute(&Tx::deploy(SENDER, &code)).unwrap();
        let address = created.created.expect("deploys");
        for turns in 1..=5 {
            let calldata = vec![0; 32 * turns];
            let (outcome, difference) = engines
                .compare(&Tx::call(SENDER, address, calldata))
                .unwrap();
            assert_eq!(difference, None, "from {start:#x}, {turns} turns");
            assert_eq!(outcome.status, Status::Success, "from {start:#x}");
        }
    }
}
