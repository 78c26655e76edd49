//! Running one function in both tiers on the same arguments and gas: the Move VM
//! interpreter (the reference) and the native tier, each outcome as the VM would report it.

use std::{cell::Cell, rc::Rc};

use evmove_native::{NativeModule, Scalar};
use evmove_runtime::{
    exec::{code::ProvidedModule, gas::FrameMeter, modules::Modules, registry::ModuleRegistry},
    natives::direct::{DirectCtx, Status},
};
use move_binary_format::CompiledModule;
use move_core_types::{
    account_address::AccountAddress, identifier::IdentStr, language_storage::ModuleId,
    vm_status::StatusCode,
};

/// How a call ended: its results, or the VM status (and sub-status) it stopped with; and the
/// gas left.
pub type Outcome = (Result<Vec<u128>, (StatusCode, Option<u64>)>, u64);

/// A module loaded in both tiers.
pub struct Tiers {
    modules: Modules,
    id: ModuleId,
    pub native: NativeModule,
}

impl Tiers {
    /// `module` (at 0x2) published for the interpreter and compiled natively.
    pub fn new(module: &CompiledModule) -> Tiers {
        let publisher = AccountAddress::from_hex_literal("0x2").unwrap();
        let modules = Modules::new(Box::new(ModuleRegistry::new()), publisher).unwrap();
        let mut bytes = Vec::new();
        module.serialize(&mut bytes).unwrap();
        let name = module.self_id().name().to_string();
        let id = modules.publish(&ProvidedModule { name, bytes }).unwrap();
        let native = NativeModule::compile(module).unwrap();
        Tiers {
            modules,
            id,
            native,
        }
    }

    /// `function(args)` with `gas`, compiled; `None` if it reached a native that needs a
    /// frame (these runs have none).
    pub fn native(&self, function: &str, args: &[u128], gas: u64) -> Option<Outcome> {
        let mut ctx = DirectCtx {
            gas: Rc::new(Cell::new(gas)),
            extension: None,
            abort_code: 0,
        };
        let result = match self.native.call(function, &mut ctx, args).unwrap() {
            Ok(results) => Ok(results),
            Err(Status::Misdeclared) => return None,
            Err(stop) => Err(ctx.vm_status(stop).unwrap()),
        };
        Some((result, ctx.gas.get()))
    }

    /// `function(args)` with `gas`, interpreted (it must not reach a native that needs a
    /// frame: the session has none).
    pub fn interpreted(&self, function: &str, args: &[u128], gas: u64) -> Outcome {
        let (params, _) = self.native.signature(function).unwrap();
        let args: Vec<Vec<u8>> = args.iter().zip(params).map(|(v, t)| bcs(*v, *t)).collect();
        let gas = Rc::new(Cell::new(gas));
        let mut meter = FrameMeter::new(gas.clone());
        let mut session = self.modules.vm().new_session(self.modules.store());
        let function = IdentStr::new(function).unwrap();
        let result = session
            .execute_function_bypass_visibility(&self.id, function, vec![], args, &mut meter)
            .map(|values| {
                (values.return_values.iter())
                    .map(|(bytes, _)| from_le(bytes))
                    .collect()
            })
            .map_err(|error| (error.major_status(), error.sub_status()));
        (result, gas.get())
    }

    /// Runs `function(args)` with `gas` in both tiers and fails if they differ; false if the
    /// native run reached a native needing a frame (nothing compared).
    pub fn compare(&self, function: &str, args: &[u128], gas: u64) -> bool {
        let Some(native) = self.native(function, args, gas) else {
            return false;
        };
        let interpreted = self.interpreted(function, args, gas);
        assert_eq!(
            native, interpreted,
            "{function}({args:?}) with gas {gas}: native vs interpreter"
        );
        true
    }
}

/// `value`'s BCS encoding as a `scalar`.
fn bcs(value: u128, scalar: Scalar) -> Vec<u8> {
    let bytes = value.to_le_bytes();
    let len = match scalar {
        Scalar::Bool | Scalar::U8 => 1,
        Scalar::U64 => 8,
        Scalar::U128 => 16,
    };
    bytes[..len].to_vec()
}

fn from_le(bytes: &[u8]) -> u128 {
    let mut wide = [0; 16];
    wide[..bytes.len()].copy_from_slice(bytes);
    u128::from_le_bytes(wide)
}

/// `value` made a value of `scalar` (its low bits).
pub fn fit(value: u128, scalar: Scalar) -> u128 {
    value & scalar.max()
}
