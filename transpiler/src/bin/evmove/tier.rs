//! `--tier`, the option of every command that runs code, and what the native tier did.

use clap::Args;
use evmove_native::{JitTier, Tier};

/// The tier modules run in.
#[derive(Args)]
pub struct TierArg {
    /// `native`: machine code for every module that compiles (the interpreter runs the
    /// rest, module by module); `interpreter`: the Move VM interpreter for every module.
    #[arg(long, default_value_t = Tier::Native)]
    pub tier: Tier,
}

/// What the native tier did, in one line (none for the interpreter): modules compiled,
/// the time that took, frames run as machine code and left to the interpreter.
pub fn summary(native: Option<&JitTier>) -> Option<String> {
    let stats = native?.stats();
    Some(format!(
        "native tier: {} of {} modules compiled in {:.1} ms; {} frames native, {} interpreted",
        stats.native_modules,
        stats.modules,
        stats.compile_time.as_secs_f64() * 1e3,
        stats.native_frames,
        stats.interpreted_frames
    ))
}
