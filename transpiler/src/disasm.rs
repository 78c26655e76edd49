//! A readable listing of a compiled Move module: each function's signature, its locals and
//! its code, calls named as `module::function` (`module::function<T>` for a generic one),
//! `vector<u8>` constants shown as text when they are printable ASCII, else as bytes, and
//! the `u64` a gas charge takes (`gas::charge`, or last to a native of `evmove::charged`)
//! as the charge it encodes, as the IR writes it (`LdU64 (gas 21)`, `LdU64 (gas 3 since
//! SHANGHAI)`). It is the translation suite's snapshot format for Move output and what
//! `evmove disasm` prints.

use std::fmt::Write as _;

use evmove_word::shim::{
    gate::Charge,
    module::{CHARGED, GAS},
};
use move_binary_format::{
    access::ModuleAccess,
    file_format::{Bytecode, CompiledModule, FunctionHandleIndex, SignatureToken, Visibility},
};

/// The listing of `module`.
pub fn disassemble(module: &CompiledModule) -> String {
    let mut out = String::new();
    let id = module.self_id();
    writeln!(
        out,
        "module {}::{}",
        id.address().to_hex_literal(),
        id.name()
    )
    .unwrap();
    for definition in &module.function_defs {
        let handle = module.function_handle_at(definition.function);
        let visibility = match definition.visibility {
            Visibility::Public => "public ",
            Visibility::Friend => "public(friend) ",
            Visibility::Private => "",
        };
        write!(
            out,
            "\n{visibility}fun {}({})",
            module.identifier_at(handle.name),
            types(module, &module.signature_at(handle.parameters).0)
        )
        .unwrap();
        let returns = &module.signature_at(handle.return_).0;
        if !returns.is_empty() {
            write!(out, ": ({})", types(module, returns)).unwrap();
        }
        let Some(code) = &definition.code else {
            out.push_str(";\n");
            continue;
        };
        writeln!(out, " {{").unwrap();
        writeln!(
            out,
            "    locals: {}",
            types(module, &module.signature_at(code.locals).0)
        )
        .unwrap();
        for (offset, instruction) in code.code.iter().enumerate() {
            match instruction {
                Bytecode::Call(callee) => {
                    writeln!(
                        out,
                        "    {offset:>5}: Call {}",
                        callee_name(module, *callee)
                    )
                }
                Bytecode::CallGeneric(instantiation) => {
                    let instantiation = module.function_instantiation_at(*instantiation);
                    let type_arguments = module.signature_at(instantiation.type_parameters);
                    writeln!(
                        out,
                        "    {offset:>5}: CallGeneric {}<{}>",
                        callee_name(module, instantiation.handle),
                        types(module, &type_arguments.0)
                    )
                }
                Bytecode::LdConst(index) => {
                    // The constants are `vector<u8>`s: a ULEB128 length, then the bytes.
                    let constant = &module.constant_at(*index).data;
                    let bytes = constant.iter().position(|b| b & 0x80 == 0);
                    let bytes = &constant[bytes.map_or(0, |at| at + 1)..];
                    match std::str::from_utf8(bytes) {
                        Ok(text) if text.bytes().all(|b| b.is_ascii_graphic()) => {
                            writeln!(out, "    {offset:>5}: LdConst {text:?}")
                        }
                        _ => writeln!(out, "    {offset:>5}: LdConst {constant:02x?}"),
                    }
                }
                Bytecode::LdU64(encoded) if charges(module, code.code.get(offset + 1)) => {
                    match Charge::decode(*encoded) {
                        Some(charge) if charge.is_gated() => writeln!(
                            out,
                            "    {offset:>5}: LdU64 (gas {} since {:?})",
                            charge.gas, charge.since
                        ),
                        Some(charge) => {
                            writeln!(out, "    {offset:>5}: LdU64 (gas {})", charge.gas)
                        }
                        None => writeln!(out, "    {offset:>5}: {instruction:?}"),
                    }
                }
                other => writeln!(out, "    {offset:>5}: {other:?}"),
            }
            .unwrap();
        }
        out.push_str("}\n");
    }
    out
}

/// Whether `next` calls a native taking a charge last: `gas::charge` or a charged form.
fn charges(module: &CompiledModule, next: Option<&Bytecode>) -> bool {
    let Some(Bytecode::Call(callee)) = next else {
        return false;
    };
    let handle = module.function_handle_at(*callee);
    let owner = module.identifier_at(module.module_handle_at(handle.module).name);
    let name = module.identifier_at(handle.name);
    owner.as_str() == CHARGED || (owner.as_str(), name.as_str()) == (GAS, "charge")
}

/// `module::function`, or `function` for one of the module's own.
fn callee_name(module: &CompiledModule, callee: FunctionHandleIndex) -> String {
    let handle = module.function_handle_at(callee);
    let name = module.identifier_at(handle.name);
    if handle.module == module.self_handle_idx() {
        name.to_string()
    } else {
        let owner = module.module_handle_at(handle.module);
        format!("{}::{name}", module.identifier_at(owner.name))
    }
}

/// A type as Move source writes it; structs as `module::Name`.
fn type_name(module: &CompiledModule, token: &SignatureToken) -> String {
    match token {
        SignatureToken::Bool => "bool".to_string(),
        SignatureToken::U8 => "u8".to_string(),
        SignatureToken::U64 => "u64".to_string(),
        SignatureToken::U128 => "u128".to_string(),
        SignatureToken::Address => "address".to_string(),
        SignatureToken::Vector(element) => format!("vector<{}>", type_name(module, element)),
        SignatureToken::Struct(index) => {
            let handle = module.struct_handle_at(*index);
            let owner = module.module_handle_at(handle.module);
            format!(
                "{}::{}",
                module.identifier_at(owner.name),
                module.identifier_at(handle.name)
            )
        }
        other => format!("{other:?}"),
    }
}

/// A list of types, runs of one type written `u128 ×4`.
fn types(module: &CompiledModule, tokens: &[SignatureToken]) -> String {
    let mut runs: Vec<(String, usize)> = Vec::new();
    for token in tokens {
        let name = type_name(module, token);
        match runs.last_mut() {
            Some((last, count)) if *last == name => *count += 1,
            _ => runs.push((name, 1)),
        }
    }
    runs.into_iter()
        .map(|(name, count)| match count {
            1 => name,
            n => format!("{name} ×{n}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
