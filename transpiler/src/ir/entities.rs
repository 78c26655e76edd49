//! The IR's entities: small typed indices, printed as the text form spells them.
//!
//! `v3` is a value, `block2` a block, `fn1` a function of the module. They index into the
//! tables of their [`Function`](super::Function) or [`Module`](super::Module); a value of
//! one function means nothing in another. An EVM offset is a [`Pc`](crate::evm::Pc)
//! (`pc42`), a different thing again.

use std::fmt;

macro_rules! entity {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u32);

        impl $name {
            /// The entity with index `index`.
            pub fn new(index: usize) -> Self {
                Self(u32::try_from(index).expect("fewer than 2^32 entities"))
            }

            /// Its index in its table.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

entity!(
    /// An SSA value: a block parameter or an instruction's result.
    Value,
    "v"
);
entity!(
    /// A basic block of a function.
    Block,
    "block"
);
entity!(
    /// A function of a module.
    FuncRef,
    "fn"
);
