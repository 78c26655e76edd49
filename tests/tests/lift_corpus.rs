//! The front end over the whole corpus: every contract's runtime code and initcode, in every
//! compiler setting, has every reachable jump resolved, and the resolved targets include
//! every jump revm takes while running the scripted scenarios.

use evmove::{
    evm::{Code, Pc},
    ir::verify_module,
    lift::{lift, resolve_jumps, JumpAnalysis},
    opt::optimize,
};
use evmove_tests::{
    corpus::{self, Contract, Setting, SolcFunction},
    revm_oracle::RevmOracle,
    scenarios::{self, Chain},
};

fn analyse(label: &str, bytes: &[u8]) -> JumpAnalysis {
    resolve_jumps(&Code::new(bytes.to_vec())).unwrap_or_else(|err| panic!("{label}: {err}"))
}

#[test]
fn every_corpus_jump_resolves_without_faults() {
    let blobs = corpus::blobs();
    assert_eq!(
        blobs.len(),
        4 * 2 * 13,
        "four settings × two blobs × thirteen contracts with code"
    );
    for (label, _, bytes, _) in blobs {
        let analysis = analyse(&label, &bytes);
        assert!(analysis.faults.is_empty(), "{label}: {:?}", analysis.faults);
        assert!(analysis.blocks.contains_key(&Pc(0)), "{label}");
    }
}

#[test]
fn resolved_targets_cover_every_jump_revm_takes() {
    let mut checked = 0;
    for setting in Setting::ALL {
        let mut revm = RevmOracle::tracing_jumps();
        let mut chain = Chain::on(&mut revm, setting);
        for (_, scenario) in scenarios::ALL {
            scenario(&mut chain);
        }
        drop(chain);
        let trace = revm.jump_trace().expect("traced").taken();
        assert!(
            trace.len() >= 12,
            "{setting}: only {} code blobs ran",
            trace.len()
        );
        for (code, taken) in trace {
            let analysis = analyse(&format!("{setting} traced code"), code);
            for &(jump, target) in taken {
                let resolved = analysis.targets.get(&Pc(jump));
                assert!(
                    resolved.is_some_and(|targets| targets.contains(&Pc(target))),
                    "{setting}: revm jumped pc{jump} → pc{target}, resolved {resolved:?}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 2_000, "only {checked} taken jumps were checked");
}

#[test]
fn recovered_functions_match_solcs_own_account() {
    let mut mismatches = Vec::new();
    let mut matched = 0;
    for (label, contract, bytes, solc_functions) in corpus::blobs() {
        let lifted = lift(&Code::new(bytes)).unwrap_or_else(|err| panic!("{label}: {err}"));
        let (jumps, functions) = (lifted.jumps, lifted.functions);
        for (name, solc) in &solc_functions {
            let Some(entry) = solc.entry_point.map(Pc) else {
                continue; // inlined everywhere
            };
            if !jumps.blocks.contains_key(&entry) {
                continue; // unreachable in this code
            }
            if is_getter(&contract, name, solc) {
                continue; // solc records no slots for public state variable getters
            }
            let ours = functions.get(&entry).map(|f| (f.inputs, f.outputs));
            let agrees = match ours {
                Some((inputs, Some(outputs))) => {
                    inputs == solc.parameter_slots + 1 && outputs == solc.return_slots
                }
                // A function that never returns takes only what it reads.
                Some((inputs, None)) => inputs <= solc.parameter_slots,
                None => false,
            };
            if agrees {
                matched += 1;
            } else {
                mismatches.push(format!(
                    "{label} {name}@{entry}: solc {}→{}, ours {ours:?}",
                    solc.parameter_slots, solc.return_slots
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    assert!(matched > 500, "only {matched} functions checked");
}

/// Whether solc's entry `name` is the getter of a public state variable: `@<variable>_<id>`
/// recorded as taking and returning nothing, while the ABI function of that name returns a
/// value (a real function's record counts its ABI outputs).
fn is_getter(contract: &Contract, name: &str, solc: &SolcFunction) -> bool {
    let Some((variable, _id)) = name.strip_prefix('@').and_then(|n| n.rsplit_once('_')) else {
        return false;
    };
    let abi_outputs = contract.abi.function(variable).map(|f| f[0].outputs.len());
    (solc.parameter_slots, solc.return_slots) == (0, 0) && abi_outputs.is_some_and(|n| n > 0)
}

#[test]
fn every_corpus_blob_lifts_to_ir_that_verifies_before_and_after_optimisation() {
    let (mut before, mut after) = (0, 0);
    for (label, _, bytes, _) in corpus::blobs() {
        let lifted = lift(&Code::new(bytes)).unwrap_or_else(|err| panic!("{label}: {err}"));
        assert_eq!(
            lifted.module.functions.len(),
            lifted.functions.len(),
            "{label}"
        );
        let mut module = lifted.module;
        before += size(&module);
        optimize(&mut module);
        after += size(&module);
        if let Err(err) = verify_module(&module) {
            panic!("{label} after optimisation: {err}\n{module}");
        }
    }
    assert!(
        after * 10 < before * 9,
        "the passes remove little: {before} → {after}"
    );
}

/// Instructions, block parameters and block arguments: what the passes shrink.
fn size(module: &evmove::ir::Module) -> usize {
    module
        .functions
        .iter()
        .flat_map(|f| f.layout().iter().map(move |&b| f.block(b)))
        .map(|block| {
            let args: usize = block
                .terminator
                .iter()
                .flat_map(|t| t.successors())
                .map(|c| c.args.len())
                .sum();
            block.insts.len() + block.params.len() + args
        })
        .sum()
}

#[test]
fn initcode_carries_the_runtime_code_and_a_factory_its_childs_initcode() {
    for (label, contract, bytes, _) in corpus::blobs() {
        if !label.ends_with("/initcode") {
            continue;
        }
        let code = Code::new(bytes);
        let jumps = resolve_jumps(&code).unwrap();
        assert!(
            jumps
                .embedded_code(&code)
                .iter()
                .any(|(_, bytes)| *bytes == &contract.runtime_code[..]),
            "{label}: the initcode copies no region equal to the runtime code"
        );
    }
    for setting in Setting::ALL {
        let factory = Contract::load(setting, "Factory", "Factory");
        let child = Contract::load(setting, "Factory", "Child");
        let code = Code::new(factory.runtime_code.to_vec());
        let jumps = resolve_jumps(&code).unwrap();
        assert!(
            jumps
                .embedded_code(&code)
                .iter()
                .any(|(_, bytes)| *bytes == &child.initcode[..]),
            "{setting}: Factory's runtime does not carry Child's initcode"
        );
    }
}
