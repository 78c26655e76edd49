//! The Move types of the subset and their machine representation.

use cranelift_codegen::ir::{types, Type};
use move_binary_format::file_format::SignatureToken;

use crate::NotCompilable;

/// A Move value compiled code holds in a register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    /// `bool`, as 0 or 1 in a byte.
    Bool,
    /// `u8`.
    U8,
    /// `u64`.
    U64,
    /// `u128`.
    U128,
}

impl Scalar {
    /// Its Cranelift type.
    pub fn clif(self) -> Type {
        match self {
            Scalar::Bool | Scalar::U8 => types::I8,
            Scalar::U64 => types::I64,
            Scalar::U128 => types::I128,
        }
    }

    /// Its width in bits (a shift by this much or more is a Move arithmetic error).
    pub fn bits(self) -> u32 {
        self.clif().bits()
    }

    /// The largest value of the type.
    pub fn max(self) -> u128 {
        match self {
            Scalar::Bool => 1,
            Scalar::U8 => u8::MAX.into(),
            Scalar::U64 => u64::MAX.into(),
            Scalar::U128 => u128::MAX,
        }
    }

    /// The scalar of a Move type, if it is one.
    pub fn of(token: &SignatureToken) -> Result<Scalar, NotCompilable> {
        match token {
            SignatureToken::Bool => Ok(Scalar::Bool),
            SignatureToken::U8 => Ok(Scalar::U8),
            SignatureToken::U64 => Ok(Scalar::U64),
            SignatureToken::U128 => Ok(Scalar::U128),
            other => Err(NotCompilable::new(format!("a value of type {other:?}"))),
        }
    }
}

/// A local of a compiled function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocalType {
    /// A scalar, in a Cranelift variable.
    Scalar(Scalar),
    /// A `vector<u128>` (the spill vector), in a stack slot with its length in a variable.
    Vector,
}

impl LocalType {
    /// The local type of a Move type, if the subset has it.
    pub fn of(token: &SignatureToken) -> Result<LocalType, NotCompilable> {
        match token {
            SignatureToken::Vector(element) if **element == SignatureToken::U128 => {
                Ok(LocalType::Vector)
            }
            other => Scalar::of(other).map(LocalType::Scalar),
        }
    }
}
