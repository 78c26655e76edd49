//! Transitional: the natives' context moved to [`crate::host::native`]; `natives/abi.rs`
//! (changed on another branch) still imports it from here. Remove this file once it
//! imports from `crate::host`.

pub use crate::host::native::{FrameEnded, FrameExtension, NativeCtx};
