//! The project's contracts (`contracts/`), compiled to Move by `build.rs`: a typed handle
//! per contract ([`Token`]) and [`runtime`] to run them on.

include!(concat!(env!("OUT_DIR"), "/evmove/contracts.rs"));
