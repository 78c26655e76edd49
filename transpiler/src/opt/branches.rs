//! Branches that do not choose: a `branch` whose two sides are the same block called with
//! the same arguments is a `jump` (left behind when the passes remove the parameters that
//! told the two sides apart).

use crate::ir::{Function, Terminator};

/// Turns such branches into jumps; returns whether it changed any.
pub fn simplify_branches(function: &mut Function) -> bool {
    let mut changed = false;
    for block in function.layout().to_vec() {
        let terminator = &mut function.block_mut(block).terminator;
        if let Some(Terminator::Branch {
            then, otherwise, ..
        }) = terminator
        {
            if then == otherwise {
                *terminator = Some(Terminator::Jump(then.clone()));
                changed = true;
            }
        }
    }
    changed
}
