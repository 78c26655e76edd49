//! The EVM's static gas tiers the native table charges, as the Yellow Paper and revm name
//! them (`revm_interpreter::gas`; a test checks they are revm's).

/// BASE: environment reads.
pub const BASE: u64 = 2;
/// VERYLOW: arithmetic, memory and calldata access.
pub const VERY_LOW: u64 = 3;
/// LOW: multiplication, division, SELFBALANCE.
pub const LOW: u64 = 5;
/// MID: ADDMOD, MULMOD.
pub const MID: u64 = 8;
/// EXP's base (HIGH).
pub const EXP: u64 = 10;
/// KECCAK256's base.
pub const KECCAK256: u64 = 30;
/// Account and slot reads, calls: the EIP-2929 warm price.
pub const WARM_ACCESS: u64 = 100;
/// BLOCKHASH.
pub const BLOCKHASH: u64 = 20;
/// LOG's base.
pub const LOG: u64 = 375;
/// CREATE and CREATE2's base.
pub const CREATE: u64 = 32_000;

#[cfg(test)]
mod tests {
    use revm_interpreter::gas;

    #[test]
    fn the_tiers_are_revms() {
        let ours = [
            super::BASE,
            super::VERY_LOW,
            super::LOW,
            super::MID,
            super::EXP,
            super::KECCAK256,
            super::WARM_ACCESS,
            super::BLOCKHASH,
            super::LOG,
            super::CREATE,
        ];
        let revms = [
            gas::BASE,
            gas::VERYLOW,
            gas::LOW,
            gas::MID,
            gas::EXP,
            gas::KECCAK256,
            gas::WARM_STORAGE_READ_COST,
            gas::BLOCKHASH,
            gas::LOG,
            gas::CREATE,
        ];
        assert_eq!(ours, revms);
    }
}
