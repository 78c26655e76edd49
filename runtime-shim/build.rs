//! Compiles the Move shim library (`../stdlib`) with the Move compiler and embeds the
//! module bytes, so a fresh clone needs no pre-built Move binaries and no manual step.

use std::{collections::BTreeMap, env, fmt::Write as _, fs, path::PathBuf};

use move_compiler::{
    compiled_unit::{AnnotatedCompiledUnit, CompiledUnitEnum},
    diagnostics::report_diagnostics_to_buffer,
    shared::NumericalAddress,
    Compiler,
};

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let stdlib = manifest_dir.join("../stdlib");
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed={}", stdlib.display());

    let mut sources: Vec<String> = fs::read_dir(stdlib.join("sources"))
        .expect("stdlib/sources must exist")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "move"))
        .map(|path| path.display().to_string())
        .collect();
    sources.sort();

    let address = shim_address(&fs::read_to_string(stdlib.join("Move.toml")).unwrap());
    println!("cargo:rustc-env=EVMOVE_SHIM_ADDRESS={address}");
    let named_addresses = BTreeMap::from([(
        "evmove".to_string(),
        NumericalAddress::parse_str(&address).unwrap(),
    )]);
    let (files, result) = Compiler::from_files(sources, vec![], named_addresses)
        .build()
        .expect("the Move compiler could not read stdlib/");
    let units = match result {
        Ok((units, warnings)) if warnings.is_empty() => units,
        Ok((_, diagnostics)) | Err(diagnostics) => panic!(
            "stdlib/ does not compile cleanly:\n{}",
            String::from_utf8_lossy(&report_diagnostics_to_buffer(&files, diagnostics))
        ),
    };

    let mut table = String::from("&[\n");
    for unit in units {
        let AnnotatedCompiledUnit::Module(module) = unit else {
            panic!("stdlib/ must contain modules only");
        };
        let unit = CompiledUnitEnum::Module(module.named_module);
        let name = unit.name().to_string();
        let path = out_dir.join(format!("{name}.mv"));
        fs::write(&path, unit.serialize(None)).unwrap();
        writeln!(
            table,
            "    ({name:?}, include_bytes!({:?})),",
            path.display()
        )
        .unwrap();
    }
    table.push(']');
    fs::write(out_dir.join("stdlib_modules.rs"), table).unwrap();
}

/// The shim library's publisher address: `evmove = "0x.."` in `Move.toml`'s `[addresses]`.
fn shim_address(move_toml: &str) -> String {
    move_toml
        .lines()
        .filter_map(|line| line.split_once('='))
        .find(|(key, _)| key.trim() == "evmove")
        .map(|(_, value)| value.trim().trim_matches('"').to_string())
        .expect("stdlib/Move.toml must name the `evmove` address")
}
