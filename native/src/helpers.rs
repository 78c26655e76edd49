//! What compiled code calls besides the natives' entries (`call_native`, and `call_word`
//! for word operations): the u128 operations Cranelift has no
//! instruction for on x86-64 (overflow-checked multiplication, division, remainder) and
//! Move's `Abort`. The operands travel through a small array in the caller's frame, so no
//! 128-bit value crosses the C calling convention.

use evmove_runtime::natives::direct::{DirectCtx, Status};

/// The operands `[a, b, _]` and the result `[_, _, out]` of a u128 helper.
pub type Operands = [u128; 3];

/// `a * b`; true on overflow (the result is then unspecified).
pub extern "C" fn mul_u128(operands: &mut Operands) -> bool {
    let [a, b, _] = *operands;
    let (product, overflow) = a.overflowing_mul(b);
    operands[2] = product;
    overflow
}

/// `a / b`; true if `b` is zero.
pub extern "C" fn div_u128(operands: &mut Operands) -> bool {
    let [a, b, _] = *operands;
    operands[2] = a.checked_div(b).unwrap_or_default();
    b == 0
}

/// `a % b`; true if `b` is zero.
pub extern "C" fn rem_u128(operands: &mut Operands) -> bool {
    let [a, b, _] = *operands;
    operands[2] = a.checked_rem(b).unwrap_or_default();
    b == 0
}

/// Move's `Abort` with `code`.
pub extern "C" fn abort(ctx: &mut DirectCtx<'_, '_>, code: u64) -> Status {
    ctx.abort(code)
}

/// The helpers and the natives' direct entry, by the symbol compiled code imports them as.
pub fn symbols() -> [(&'static str, *const u8); 6] {
    use evmove_runtime::natives::direct::{call_native, call_word};
    [
        (MUL_U128, mul_u128 as *const u8),
        (DIV_U128, div_u128 as *const u8),
        (REM_U128, rem_u128 as *const u8),
        (ABORT, abort as *const u8),
        (CALL_NATIVE, call_native as *const u8),
        (CALL_WORD, call_word as *const u8),
    ]
}

pub const MUL_U128: &str = "evmove_mul_u128";
pub const DIV_U128: &str = "evmove_div_u128";
pub const REM_U128: &str = "evmove_rem_u128";
pub const ABORT: &str = "evmove_abort";
pub const CALL_NATIVE: &str = "evmove_call_native";
pub const CALL_WORD: &str = "evmove_call_word";
