//! The Move instructions the counting meter tells apart: one per `charge_*` call of the
//! Move VM 0.3.2 interpreter, named as the bytecode (`move_binary_format`'s `Bytecode`).
//! Generic and non-generic forms are one opcode wherever the interpreter charges both
//! through one call with an `is_generic` flag (Pack, Unpack, the global-storage ones); the
//! generic field borrows and `CallGeneric` are charged apart and counted apart.

use move_vm_types::gas::SimpleInstruction;

/// Declares [`Opcode`] and [`Opcode::ALL`] from one list, so the two cannot drift apart.
macro_rules! opcodes {
    ($($name:ident,)*) => {
        /// A counted Move instruction.
        #[allow(missing_docs)] // each variant is the Move bytecode of the same name
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
        pub enum Opcode {
            $($name,)*
        }

        impl Opcode {
            /// Every opcode, in declaration order (`ALL[op as usize] == op`).
            pub const ALL: [Opcode; [$(Opcode::$name),*].len()] = [$(Opcode::$name),*];

            /// How many opcodes there are.
            pub const COUNT: usize = Self::ALL.len();
        }
    };
}

opcodes! {
    Nop,
    Ret,
    BrTrue,
    BrFalse,
    Branch,
    Pop,
    LdU8,
    LdU64,
    LdU128,
    LdTrue,
    LdFalse,
    LdConst,
    CopyLoc,
    MoveLoc,
    StLoc,
    FreezeRef,
    MutBorrowLoc,
    ImmBorrowLoc,
    ImmBorrowField,
    MutBorrowField,
    ImmBorrowFieldGeneric,
    MutBorrowFieldGeneric,
    ReadRef,
    WriteRef,
    CastU8,
    CastU64,
    CastU128,
    Add,
    Sub,
    Mul,
    Mod,
    Div,
    BitOr,
    BitAnd,
    Xor,
    Shl,
    Shr,
    Or,
    And,
    Not,
    Lt,
    Gt,
    Le,
    Ge,
    Eq,
    Neq,
    Abort,
    Call,
    CallGeneric,
    Pack,
    Unpack,
    MutBorrowGlobal,
    ImmBorrowGlobal,
    Exists,
    MoveFrom,
    MoveTo,
    VecPack,
    VecLen,
    VecImmBorrow,
    VecMutBorrow,
    VecPushBack,
    VecPopBack,
    VecUnpack,
    VecSwap,
}

impl From<SimpleInstruction> for Opcode {
    fn from(instruction: SimpleInstruction) -> Self {
        use SimpleInstruction as S;
        match instruction {
            S::Nop => Self::Nop,
            S::Ret => Self::Ret,
            S::BrTrue => Self::BrTrue,
            S::BrFalse => Self::BrFalse,
            S::Branch => Self::Branch,
            S::Pop => Self::Pop,
            S::LdU8 => Self::LdU8,
            S::LdU64 => Self::LdU64,
            S::LdU128 => Self::LdU128,
            S::LdTrue => Self::LdTrue,
            S::LdFalse => Self::LdFalse,
            S::FreezeRef => Self::FreezeRef,
            S::MutBorrowLoc => Self::MutBorrowLoc,
            S::ImmBorrowLoc => Self::ImmBorrowLoc,
            S::ImmBorrowField => Self::ImmBorrowField,
            S::MutBorrowField => Self::MutBorrowField,
            S::ImmBorrowFieldGeneric => Self::ImmBorrowFieldGeneric,
            S::MutBorrowFieldGeneric => Self::MutBorrowFieldGeneric,
            S::CastU8 => Self::CastU8,
            S::CastU64 => Self::CastU64,
            S::CastU128 => Self::CastU128,
            S::Add => Self::Add,
            S::Sub => Self::Sub,
            S::Mul => Self::Mul,
            S::Mod => Self::Mod,
            S::Div => Self::Div,
            S::BitOr => Self::BitOr,
            S::BitAnd => Self::BitAnd,
            S::Xor => Self::Xor,
            S::Shl => Self::Shl,
            S::Shr => Self::Shr,
            S::Or => Self::Or,
            S::And => Self::And,
            S::Not => Self::Not,
            S::Lt => Self::Lt,
            S::Gt => Self::Gt,
            S::Le => Self::Le,
            S::Ge => Self::Ge,
            S::Abort => Self::Abort,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_every_opcode_at_its_index() {
        for (index, opcode) in Opcode::ALL.iter().enumerate() {
            assert_eq!(*opcode as usize, index, "{opcode:?}");
        }
        assert_eq!(Opcode::VecSwap as usize + 1, Opcode::COUNT);
    }
}
