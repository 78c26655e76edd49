//! Opcodes gated by fork, checked by the charge of their section of static gas.
//!
//! One transpiled module serves every fork, so an opcode the block's fork does not have yet
//! (CLZ in a Cancun block) must be refused at run time: revm halts it with `NotActivated`,
//! an exceptional halt, which consumes all the frame's gas and reverts all its effects.
//! Halting earlier on every path that reaches the opcode is therefore the same halt, so the
//! gate costs no instruction of its own: each charge of static gas ([`Charge`]) carries the
//! newest fork its section's opcodes need ([`introduced_in`]), and the charge native halts
//! when the block's fork is older. The lowered charge stays one `u64` (the fork in its top
//! byte, [`Charge::encode`]).
//!
//! [`introduced_in`] is revm's own rule (`check!` in its instructions: e.g. SHL is gated on
//! Petersburg, which revm does not tell apart from Constantinople); a test runs every opcode
//! at every fork in revm and checks it.

use revm_bytecode::{opcode::*, primitives::hardfork::SpecId};

/// The fork from which `op` runs (Frontier for every opcode revm does not gate, undefined
/// ones included: they halt at every fork).
pub const fn introduced_in(op: u8) -> SpecId {
    match op {
        DELEGATECALL => SpecId::HOMESTEAD,
        RETURNDATASIZE | RETURNDATACOPY | STATICCALL | REVERT => SpecId::BYZANTIUM,
        SHL | SHR | SAR | EXTCODEHASH | CREATE2 => SpecId::PETERSBURG,
        CHAINID | SELFBALANCE => SpecId::ISTANBUL,
        BASEFEE => SpecId::LONDON,
        PUSH0 => SpecId::SHANGHAI,
        TLOAD | TSTORE | MCOPY | BLOBHASH | BLOBBASEFEE => SpecId::CANCUN,
        CLZ => SpecId::OSAKA,
        _ => SpecId::FRONTIER,
    }
}

/// A charge of static gas: the gas of a section of EVM code and the newest fork its opcodes
/// need.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Charge {
    /// The gas (below 2^56: a section's static gas is bounded by its code's length).
    pub gas: u64,
    /// The fork the section's opcodes need.
    pub since: SpecId,
}

/// The bits of an encoded charge's gas; the byte above them is its fork.
const GAS_BITS: u32 = 56;

impl Charge {
    /// A charge of `gas` that any fork runs.
    pub const fn gas(gas: u64) -> Self {
        Self {
            gas,
            since: SpecId::FRONTIER,
        }
    }

    /// Whether the charge needs a fork newer than Frontier.
    pub fn is_gated(self) -> bool {
        self.since != SpecId::FRONTIER
    }

    /// The charge as the charge native's one `u64` argument: the fork in the top byte.
    pub const fn encode(self) -> u64 {
        ((self.since as u64) << GAS_BITS) | (self.gas & ((1 << GAS_BITS) - 1))
    }

    /// The charge `encoded` stands for; `None` if its fork is none revm knows (no compiler
    /// encodes one).
    pub fn decode(encoded: u64) -> Option<Self> {
        let since = SpecId::try_from_u8((encoded >> GAS_BITS) as u8)?;
        Some(Self {
            gas: encoded & ((1 << GAS_BITS) - 1),
            since,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_charge_round_trips_and_an_ungated_one_encodes_as_its_gas() {
        let charge = Charge {
            gas: 21,
            since: SpecId::OSAKA,
        };
        assert_eq!(Charge::decode(charge.encode()), Some(charge));
        assert_eq!(Charge::gas(21).encode(), 21);
        assert_eq!(Charge::decode(u64::MAX), None);
    }
}
