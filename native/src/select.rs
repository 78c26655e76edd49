//! Choosing the tier a runtime runs its modules in: [`Tier::Native`] (the default) or
//! [`Tier::Interpreter`]. The choice is per runtime; within the native tier the fallback is
//! per module and never an error (a module whose `run()` does not compile is interpreted).

use std::{fmt, str::FromStr, sync::Arc};

use evmove_runtime::Runtime;

use crate::JitTier;

/// Which tier runs a runtime's modules.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Tier {
    /// Machine code for every module whose `run()` compiles, the interpreter for the rest.
    #[default]
    Native,
    /// The Move VM interpreter for every module (the reference).
    Interpreter,
}

impl Tier {
    /// Both tiers, the default first.
    pub const ALL: [Tier; 2] = [Tier::Native, Tier::Interpreter];

    /// The tier's name, as [`FromStr`] reads it.
    pub fn name(self) -> &'static str {
        match self {
            Tier::Native => "native",
            Tier::Interpreter => "interpreter",
        }
    }

    /// Has `runtime` run its modules in this tier from now on: the [`JitTier`] it was
    /// given (to read what it did), none for the interpreter.
    pub fn install(self, runtime: &mut Runtime) -> Option<Arc<JitTier>> {
        match self {
            Tier::Native => {
                let tier = Arc::new(JitTier::new());
                runtime.set_native_tier(Box::new(Arc::clone(&tier)));
                Some(tier)
            }
            Tier::Interpreter => None,
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Tier {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        (Tier::ALL.into_iter())
            .find(|tier| tier.name() == text)
            .ok_or_else(|| format!("`{text}` is not a tier (native or interpreter)"))
    }
}
