//! Where the Move module for some EVM code comes from: the [`CodeProvider`] trait.
//!
//! The runtime knows code only by its EVM bytes (an account's deployed code, the initcode of
//! a creation). When it must run bytes it has not run before, it asks its provider for the
//! Move module, publishes it, and remembers the module by the code's hash. The AOT
//! [`ModuleRegistry`](super::registry::ModuleRegistry) answers from modules given up front;
//! the transpiler implements this trait to compile on demand (the runtime crate never
//! depends on the transpiler).

use alloy_primitives::B256;

/// What the code is run as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CodeKind {
    /// An account's deployed code.
    Runtime,
    /// The initcode of a creation: the code part may be followed by constructor arguments
    /// (data the constructor reads with CODECOPY), which must not change the module found.
    Initcode,
}

/// A Move module for some EVM code, as the provider hands it over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvidedModule {
    /// The module's name; its address must be the runtime's publisher address.
    pub name: String,
    /// The serialized module (verified again when the runtime publishes it).
    pub bytes: Vec<u8>,
}

/// Finds or makes the Move module that runs some EVM code.
pub trait CodeProvider: Send + Sync {
    /// The module running `code` (whose Keccak-256 hash is `hash`) as `kind`. Its entry is
    /// `public fun run()`. An error fails the call or creation that needed the code, with the
    /// error's message as the reason.
    fn module_for(
        &self,
        code: &[u8],
        hash: B256,
        kind: CodeKind,
    ) -> Result<ProvidedModule, ProviderError>;
}

/// The provider has no module for the code, or could not make one.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ProviderError(pub String);
