//! What the typed bindings `evmove::build` generates run on (feature `vm`): a contract's
//! code and modules ([`Compiled`]), calls ([`Call`]) and creations ([`Deploy`]) to send on
//! the embedded runtime or turn into a [`Transaction`] for a block, and receipts with the
//! return value, events and revert decoded ([`Receipt`]); or, for a function with a typed
//! entry, to send through it instead of as calldata (`entry.rs`).
//!
//! With the feature `differential`, every transaction sent is also run on revm and must end
//! the same way (`differential.rs`).
//!
//! The generated code reaches the runtime, alloy's primitives and `sol-types` through the
//! re-exports here, so a crate using bindings depends on `evmove` alone.

#[cfg(feature = "differential")]
mod differential;
mod entry;
mod message;
mod receipt;
mod registered;

pub use alloy_primitives as primitives;
pub use alloy_sol_types as sol_types;
pub use evmove_runtime as runtime;

pub use entry::{Entry, EntryError, EntryFunction, TypedCall};
pub use message::{
    Call, Creation, Deploy, DeployError, Function, Kind, Message, DEFAULT_GAS_LIMIT,
};
pub use receipt::{Events, NoEvents, Receipt};

use alloy_primitives::Address;
use evmove_runtime::{ModuleRegistry, ProvidedModule, PublishError, Runtime};
use move_core_types::account_address::AccountAddress;

/// A runtime publishing at `publisher` that runs the modules of `contracts`, and compiles
/// on demand the code they do not cover: runtime code with immutables (the constructor
/// writes their values into it, so it is not the artifact's code; compiled with the
/// contract's typed entries) and code created at run time.
pub fn runtime(contracts: &[Compiled], publisher: Address) -> Result<Runtime, PublishError> {
    let publisher = AccountAddress::new(publisher.into_array());
    Runtime::with_publisher(registered::Registered::new(contracts, publisher), publisher)
}

/// A compiled Move module, as the bindings embed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Module {
    /// Its name.
    pub name: &'static str,
    /// Its bytes.
    pub bytes: &'static [u8],
}

/// A contract's EVM code and the modules compiled from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Compiled {
    /// The contract's name.
    pub name: &'static str,
    /// Its initcode (empty if the artifact had none).
    pub initcode: &'static [u8],
    /// The initcode's module.
    pub initcode_module: Option<Module>,
    /// Its runtime code (empty if the artifact had none).
    pub runtime: &'static [u8],
    /// The runtime code's module.
    pub runtime_module: Option<Module>,
    /// Where its immutables are in the runtime code: (offset, length) each.
    pub immutables: &'static [(usize, usize)],
    /// Its ABI (JSON), for the typed entries of its runtime code with immutables written.
    pub abi: &'static str,
}

impl Compiled {
    /// Registers its modules with `registry`, each for the code it runs.
    pub fn register(&self, registry: &mut ModuleRegistry) {
        let provided = |module: Module| ProvidedModule {
            name: module.name.to_owned(),
            bytes: module.bytes.to_vec(),
        };
        if let Some(module) = self.initcode_module {
            registry.add_initcode(self.initcode, provided(module));
        }
        if let Some(module) = self.runtime_module {
            registry.add_runtime(self.runtime, provided(module));
        }
    }
}
