//! The verified Move module a piece of EVM code compiles to, read back, for the tests that
//! check what the lowering emitted: the module, its listing, and the calls it makes.

use move_binary_format::{
    access::ModuleAccess,
    file_format::{Bytecode, FunctionHandleIndex},
    CompiledModule,
};

/// The verified Move module `code` compiles to.
pub fn module(code: &[u8]) -> CompiledModule {
    let address = move_core_types::account_address::AccountAddress::ONE;
    let bytes = evmove::pipeline::compile_code(code, address, "m", &Default::default())
        .expect("compiles")
        .bytes;
    CompiledModule::deserialize(&bytes).expect("verified bytes")
}

/// The listing of the Move module `code` compiles to (`evmove disasm`'s).
pub fn listing(code: &[u8]) -> String {
    evmove::disasm::disassemble(&module(code))
}

/// How many calls of function `name` (a native, in any module of the shim library, or the
/// module's own) `module`'s code makes.
pub fn calls_of(module: &CompiledModule, name: &str) -> usize {
    let named = |handle: FunctionHandleIndex| {
        module
            .identifier_at(module.function_handle_at(handle).name)
            .as_str()
            == name
    };
    (module.function_defs.iter())
        .filter_map(|def| def.code.as_ref())
        .flat_map(|code| code.code.iter())
        .filter(|instr| matches!(instr, Bytecode::Call(handle) if named(*handle)))
        .count()
}
