//! Abort codes: every code transpiled code and the shim library abort with, one meaning
//! each, wherever it is raised.
//!
//! | code | raised by | meaning |
//! | --- | --- | --- |
//! | 0 | a fault in any host native; the lowering, after a halt in a function returning words | the frame ended as the host recorded |
//! | 1–3 | typed entry functions (`evmove::abi`): public, documented in the README | the call reverted; an argument or the return data is not of its ABI type |
//! | 4 | `evmove::u256::to_u128` | a word does not fit 128 bits |
//! | 16–18 | the lowering, where the front end found a fault | an EVM exceptional halt |
//! | 21 | the lowering, where a speculative switch matches no case | no EVM end: the frame runs again in universal form |
//!
//! The Move sources restate codes 1–4 as constants of the modules raising them (Move code
//! needs them by name); a test (`tests/tests/shim_interface.rs`) checks they are these.

use std::fmt;

/// An abort code of transpiled code or of the shim library.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u64)]
pub enum AbortCode {
    /// A native ended the frame and the host recorded how (an exceptional halt a native
    /// found, or a halt native in a function returning words, after which the lowering
    /// aborts): the abort unwinds every Move frame of the EVM frame. (A halt in a function
    /// that never returns is followed by a return, up to the entry: no abort.)
    FrameEnded = 0,
    /// A typed entry's call reverted or failed (`evmove::abi::E_REVERTED`).
    Reverted = 1,
    /// A typed entry's argument does not fit its ABI type
    /// (`evmove::abi::E_ARGUMENT_OUT_OF_RANGE`).
    ArgumentOutOfRange = 2,
    /// The return data does not decode as a typed entry's results
    /// (`evmove::abi::E_RESULT_OUT_OF_RANGE`).
    ResultOutOfRange = 3,
    /// A word does not fit the narrower integer asked for (`evmove::u256::E_DOES_NOT_FIT`).
    DoesNotFit = 4,
    /// The code underflows the EVM stack on this path.
    StackUnderflow = 16,
    /// The code overflows the EVM stack (1024 items) on this path.
    StackOverflow = 17,
    /// A jump to an offset that is not a JUMPDEST.
    InvalidJump = 18,
    /// A jump to a value loaded from a computed address, which the static path bounded by
    /// the labels the code uses as data, went to none of them: no EVM end, the runtime
    /// runs the frame again from its start on the code's universal module.
    SpeculationFailed = 21,
}

impl AbortCode {
    /// Every abort code.
    pub const ALL: [AbortCode; 9] = [
        AbortCode::FrameEnded,
        AbortCode::Reverted,
        AbortCode::ArgumentOutOfRange,
        AbortCode::ResultOutOfRange,
        AbortCode::DoesNotFit,
        AbortCode::StackUnderflow,
        AbortCode::StackOverflow,
        AbortCode::InvalidJump,
        AbortCode::SpeculationFailed,
    ];

    /// Its number, as Move aborts with it.
    pub const fn code(self) -> u64 {
        self as u64
    }

    /// The abort code numbered `code`, if there is one.
    pub fn from_code(code: u64) -> Option<AbortCode> {
        Self::ALL.into_iter().find(|known| known.code() == code)
    }

    /// The shim module and the name of its constant in the Move sources, for those Move code
    /// raises by name.
    pub const fn move_constant(self) -> Option<(&'static str, &'static str)> {
        match self {
            AbortCode::Reverted => Some(("abi", "E_REVERTED")),
            AbortCode::ArgumentOutOfRange => Some(("abi", "E_ARGUMENT_OUT_OF_RANGE")),
            AbortCode::ResultOutOfRange => Some(("abi", "E_RESULT_OUT_OF_RANGE")),
            AbortCode::DoesNotFit => Some(("u256", "E_DOES_NOT_FIT")),
            _ => None,
        }
    }
}

impl fmt::Display for AbortCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AbortCode::FrameEnded => "the frame ended as recorded",
            AbortCode::Reverted => "the call reverted",
            AbortCode::ArgumentOutOfRange => "an argument does not fit its ABI type",
            AbortCode::ResultOutOfRange => "the return data does not decode",
            AbortCode::DoesNotFit => "a word does not fit 128 bits",
            AbortCode::StackUnderflow => "stack underflow",
            AbortCode::StackOverflow => "stack overflow",
            AbortCode::InvalidJump => "invalid jump",
            AbortCode::SpeculationFailed => "a speculated jump went elsewhere",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_read_back() {
        for (i, code) in AbortCode::ALL.into_iter().enumerate() {
            assert_eq!(AbortCode::from_code(code.code()), Some(code));
            assert!(!AbortCode::ALL[..i].iter().any(|c| c.code() == code.code()));
        }
        assert_eq!(AbortCode::from_code(7), None);
    }

    #[test]
    fn the_public_codes_keep_their_numbers() {
        let public = [
            AbortCode::FrameEnded,
            AbortCode::Reverted,
            AbortCode::ArgumentOutOfRange,
            AbortCode::ResultOutOfRange,
        ];
        assert_eq!(public.map(AbortCode::code), [0, 1, 2, 3]);
    }
}
