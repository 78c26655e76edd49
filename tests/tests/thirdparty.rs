//! The front end on real contracts compiled by others (`evmove_tests::thirdparty`): Uniswap
//! v2, v3 and v4, OpenZeppelin presets, from solc 0.5.16 to 0.8.26, legacy and via-IR, as
//! published on npm. Every code blob — runtime code, initcode, and the code either carries
//! and copies (a factory's child initcode, and that child's runtime code) — lifts with every
//! jump resolved and no fault on any path, its internal functions recovered, IR that
//! verifies after the optimisation passes, and a Move module the bytecode verifier accepts. (A region CODECOPY copies is taken for code when
//! it starts as every contract solc compiles does, by setting the free memory pointer
//! `mstore(0x40, 0x80)` (higher in a constructor with immutables); other copied
//! regions are data, such as long string constants, and are only checked to lift without
//! error.)
//!
//! The packages are installed by `tests/thirdparty/install.sh` (`.ci/run` runs it); without
//! them this test fails and says so.

use std::collections::HashSet;

use evmove::{
    evm::{split_metadata, Code},
    ir::verify_module,
    lift::lift,
    lower::{self, typed::TypedEntries},
    opt::optimize,
    pipeline::compile_code,
};
use evmove_tests::thirdparty::{node_modules, Pipeline, ThirdParty, CONTRACTS, INSTALL};
use move_binary_format::{file_format::Visibility, CompiledModule};
use move_core_types::account_address::AccountAddress;

/// Whether `code` starts as solc starts every runtime code and initcode: `PUSH1 0x80`
/// (`PUSH2` in a constructor with immutables) `PUSH1 0x40 MSTORE`.
fn starts_like_solc(code: &[u8]) -> bool {
    let rest = match code {
        [0x60, _, rest @ ..] => rest,
        [0x61, _, _, rest @ ..] => rest,
        _ => return false,
    };
    rest.starts_with(&[0x60, 0x40, 0x52])
}

/// What lifting one blob found.
struct Blob {
    label: String,
    bytes: usize,
    functions: usize,
    jumps: usize,
}

/// Lifts `bytes` and every blob it carries, checking each; returns what each held.
fn lift_all(label: &str, bytes: &[u8], seen: &mut HashSet<Vec<u8>>) -> Vec<Blob> {
    let mut pending = vec![(label.to_string(), bytes.to_vec(), true)];
    let mut blobs = Vec::new();
    while let Some((label, bytes, is_code)) = pending.pop() {
        if !seen.insert(bytes.clone()) {
            continue; // the runtime code an initcode copies is lifted as the runtime
        }
        let code = Code::new(bytes.clone());
        let lifted = lift(&code).unwrap_or_else(|err| panic!("{label}: {err}"));
        assert!(
            lifted.jumps.faults.is_empty() || !is_code,
            "{label}: faults {:?}",
            lifted.jumps.faults
        );
        assert_eq!(
            lifted.module.functions.len(),
            lifted.functions.len(),
            "{label}"
        );
        let mut module = lifted.module;
        optimize(&mut module);
        if let Err(err) = verify_module(&module) {
            panic!("{label} after optimisation: {err}");
        }
        if is_code {
            let publisher = AccountAddress::from_hex_literal("0x2").expect("an address");
            if let Err(err) =
                lower::module::compile(&module, publisher, "blob", &Default::default())
            {
                panic!("{label} does not compile to a verified Move module: {err}");
            }
        }
        for (offset, carried) in lifted.jumps.embedded_code(&code) {
            let is_code = starts_like_solc(carried);
            pending.push((
                format!("{label} copy at {offset}"),
                carried.to_vec(),
                is_code,
            ));
        }
        if !is_code {
            continue;
        }
        blobs.push(Blob {
            label,
            bytes: bytes.len(),
            functions: lifted.functions.len(),
            jumps: lifted.jumps.targets.len(),
        });
    }
    blobs
}

/// The solc version recorded in the code's metadata trailer (`"solc": h'000816'`).
fn solc_version(code: &[u8]) -> Option<String> {
    let trailer = split_metadata(code).1?;
    let at = trailer.windows(4).position(|w| w == b"solc")?;
    match trailer.get(at + 4..at + 8)? {
        [0x43, major, minor, patch] => Some(format!("{major}.{minor}.{patch}")),
        _ => None,
    }
}

#[test]
fn third_party_contracts_lift_and_compile_to_verified_move() {
    assert!(
        node_modules().exists(),
        "the third-party npm packages are not installed: run {INSTALL}"
    );
    let mut report = Vec::new();
    let mut largest = 0;
    for contract in CONTRACTS {
        let ThirdParty { name, solc, .. } = *contract;
        let (initcode, runtime) = contract.code();
        assert_eq!(solc_version(&runtime).as_deref(), Some(solc), "{name}");
        largest = largest.max(runtime.len());
        let mut seen = HashSet::new();
        let mut blobs = lift_all(&format!("{name} runtime"), &runtime, &mut seen);
        blobs.extend(lift_all(&format!("{name} initcode"), &initcode, &mut seen));
        let runtime_blob = &blobs[0];
        assert!(
            runtime_blob.functions > 1,
            "{name}: no internal function recovered"
        );
        for blob in blobs {
            report.push(format!(
                "{:<60} {:>6} bytes {:>4} functions {:>5} jumps",
                blob.label, blob.bytes, blob.functions, blob.jumps
            ));
        }
    }
    println!("{}", report.join("\n"));
    assert!(largest >= 20_000, "no contract near the 24 KB limit");
    let pipelines: HashSet<_> = CONTRACTS.iter().map(|c| c.pipeline).collect();
    assert_eq!(pipelines.len(), 2, "legacy and via-IR");
    let minors: HashSet<_> = CONTRACTS.iter().map(|c| &c.solc[..3]).collect();
    assert_eq!(minors, HashSet::from(["0.5", "0.6", "0.7", "0.8"]));
}

/// The typed entries of each third-party contract's ABI: every function has one (arrays
/// such as UniswapV2Router02's `address[] path`, structs such as PoolManager's `PoolKey`
/// and TimelockController's batches included).
const TYPED_ENTRIES: &[(&str, usize)] = &[
    ("UniswapV2Pair", 27),
    ("UniswapV2Factory", 8),
    ("UniswapV2Router02", 24),
    ("WETH9", 11),
    ("UniswapV3Pool", 26),
    ("UniswapV3Factory", 7),
    ("ERC20PresetMinterPauser", 28),
    ("ERC721PresetMinterPauserAutoId", 31),
    ("TimelockController", 28),
    ("PoolManager", 33),
];

/// Real ABIs give typed entry functions that link and verify: the runtime code of every
/// third-party contract compiles with the typed entries of its ABI, one per function
/// ([`TYPED_ENTRIES`]; a function without one would be listed as skipped, never an error).
#[test]
fn third_party_runtime_code_compiles_with_the_typed_entries_of_its_abi() {
    let mut report = Vec::new();
    let mut counts = Vec::new();
    for contract in CONTRACTS {
        let loaded = contract.contract();
        let abi = loaded.abi.as_ref().expect("npm artifacts carry an ABI");
        let typed = TypedEntries::of(abi);
        let runtime = loaded.runtime().expect("runtime code");
        let publisher = AccountAddress::from_hex_literal("0x2").expect("an address");
        let compiled = compile_code(runtime, publisher, contract.name, &typed)
            .unwrap_or_else(|err| panic!("{}: {err}", contract.name));
        let module = CompiledModule::deserialize(&compiled.bytes).expect("verified bytes");
        let public = module
            .function_defs
            .iter()
            .filter(|definition| definition.visibility == Visibility::Public)
            .count();
        assert_eq!(public, 1 + typed.entries.len(), "{}", contract.name);
        assert_eq!(
            typed.entries.len() + typed.skipped.len(),
            abi.functions().count(),
            "{}",
            contract.name
        );
        report.push(format!(
            "{:<32} {:>3} typed entries, {:>3} functions without",
            contract.name,
            typed.entries.len(),
            typed.skipped.len()
        ));
        counts.push((contract.name, typed.entries.len()));
        assert!(
            typed.skipped.is_empty(),
            "{}: {:?}",
            contract.name,
            typed.skipped
        );
    }
    println!("{}", report.join("\n"));
    assert_eq!(counts, TYPED_ENTRIES);
}

#[test]
fn the_via_ir_contract_says_it_was_compiled_via_ir() {
    let contract = CONTRACTS
        .iter()
        .find(|c| c.pipeline == Pipeline::ViaIr)
        .expect("one via-IR contract");
    let path = contract.path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("{}: {err}: run {INSTALL}", path.display()));
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(
        json["metadata"]["settings"]["viaIR"], true,
        "{}",
        contract.name
    );
}
