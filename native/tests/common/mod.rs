//! Running one function in both tiers on the same arguments and gas, in a frame of its own
//! (an empty state, a block of a given fork, calls that return at once): the Move VM
//! interpreter (the reference) and the native tier, each outcome as the VM would report it.

use std::{cell::Cell, rc::Rc};

use alloy_primitives::{Address, Bytes};
use evmove_native::{NativeModule, Scalar};
use evmove_runtime::{
    exec::{code::ProvidedModule, gas::FrameMeter, modules::Modules, registry::ModuleRegistry},
    host::{
        calls::{CallInputs, Calls, CreateInputs},
        context::{Frame, Host},
        native::FrameExtension,
        outcome::{Fatal, FrameEnd, FrameResult},
    },
    journal::Journal,
    natives::direct::{DirectCtx, Status},
    BlockEnv, InMemoryState, SpecId, Transaction,
};
use move_binary_format::CompiledModule;
use move_core_types::{
    account_address::AccountAddress, identifier::IdentStr, language_storage::ModuleId,
    vm_status::StatusCode,
};
use move_vm_runtime::native_extensions::NativeContextExtensions;

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

    /// `function(args)` with `gas` in a frame of a block of `spec`, compiled; `None` if it
    /// stopped as misdeclared (an invariant broken: nothing to compare).
    pub fn native(&self, function: &str, args: &[u128], gas: u64, spec: SpecId) -> Option<Outcome> {
        let world = World::new(spec);
        let host = world.host();
        let mut extension = world.frame(&host, gas);
        let mut ctx = DirectCtx::new(&mut extension);
        let result = match self.native.call(function, &mut ctx, args).unwrap() {
            Ok(results) => Ok(results),
            Err(Status::Misdeclared) => return None,
            Err(stop) => Err(ctx.vm_status(stop).unwrap()),
        };
        Some((result, ctx.gas().get()))
    }

    /// `function(args)` with `gas` in a frame of a block of `spec`, interpreted.
    pub fn interpreted(&self, function: &str, args: &[u128], gas: u64, spec: SpecId) -> Outcome {
        let (params, _) = self.native.signature(function).unwrap();
        let args: Vec<Vec<u8>> = args.iter().zip(params).map(|(v, t)| bcs(*v, *t)).collect();
        let world = World::new(spec);
        let host = world.host();
        let extension = world.frame(&host, gas);
        let gas = extension.frame.gas.clone();
        let mut meter = FrameMeter::new(gas.clone());
        let mut extensions = NativeContextExtensions::default();
        extensions.add(extension);
        let vm = self.modules.vm();
        let mut session = vm.new_session_with_extensions(self.modules.store(), extensions);
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

    /// Runs `function(args)` with `gas` at `spec` in both tiers and fails if they differ;
    /// false if the native run stopped as misdeclared (nothing compared).
    pub fn compare(&self, function: &str, args: &[u128], gas: u64, spec: SpecId) -> bool {
        let Some(native) = self.native(function, args, gas, spec) else {
            return false;
        };
        let interpreted = self.interpreted(function, args, gas, spec);
        assert_eq!(
            native, interpreted,
            "{function}({args:?}) with gas {gas} at {spec:?}: native vs interpreter"
        );
        true
    }
}

/// What a frame of the harness runs in: an empty state, a block of a fork, a transaction
/// calling [`CONTRACT`].
struct World {
    state: InMemoryState,
    block: BlockEnv,
    tx: Transaction,
}

/// The account whose frame the harness runs.
const CONTRACT: Address = Address::repeat_byte(0xc0);

impl World {
    fn new(spec: SpecId) -> World {
        let block = BlockEnv {
            spec,
            ..BlockEnv::default()
        };
        let tx = Transaction {
            to: Some(CONTRACT),
            ..Transaction::default()
        };
        World {
            state: InMemoryState::new(),
            block,
            tx,
        }
    }

    fn host(&self) -> Host<'_> {
        Host::new(&self.state, &self.block, &self.tx, Journal::new())
    }

    /// A frame of [`CONTRACT`] with `gas`, whose calls and creations [`Calleeless`] runs.
    fn frame<'a>(&self, host: &'a Host<'a>, gas: u64) -> FrameExtension<'a> {
        let frame = Frame {
            address: CONTRACT,
            gas: Rc::new(Cell::new(gas)),
            ..Frame::default()
        };
        FrameExtension {
            host,
            calls: &Calleeless,
            frame,
        }
    }
}

/// Calls and creations that do nothing: every callee returns at once, with its gas.
struct Calleeless;

impl Calls for Calleeless {
    fn call(&self, _: &Host<'_>, inputs: CallInputs) -> Result<FrameResult, Fatal> {
        Ok(FrameResult {
            end: FrameEnd::Return(Bytes::new()),
            gas_left: inputs.gas_limit,
            created: None,
        })
    }

    fn create(&self, _: &Host<'_>, inputs: CreateInputs) -> Result<FrameResult, Fatal> {
        Ok(FrameResult {
            end: FrameEnd::Return(Bytes::new()),
            gas_left: inputs.gas_limit,
            created: None,
        })
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
