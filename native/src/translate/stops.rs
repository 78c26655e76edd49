//! Stopping a function: the cold blocks that return a status, for Move's aborts, for running
//! out of gas at an inline charge, and for a status a callee or a native returned.

use cranelift_codegen::ir::{types, InstBuilder, MemFlagsData, Value};
use evmove_runtime::natives::direct::Status;

use super::Translator;

impl Translator<'_, '_> {
    /// Returns `status` from the function if `condition` holds.
    pub(super) fn stop_if(&mut self, condition: Value, status: Status) {
        let stop =
            *(self.stops.entry(status as u32)).or_insert_with(|| self.builder.create_block());
        self.builder.set_cold_block(stop);
        let next = self.builder.create_block();
        self.builder.ins().brif(condition, stop, &[], next, &[]);
        self.builder.switch_to_block(next);
    }

    /// Returns `status` from the function unless it is [`Status::Continue`].
    pub(super) fn propagate_stop(&mut self, status: Value) {
        let propagate = match self.propagate {
            Some(block) => block,
            None => {
                let block = self.builder.create_block();
                self.builder.set_cold_block(block);
                self.builder.append_block_param(block, types::I32);
                *self.propagate.insert(block)
            }
        };
        let next = self.builder.create_block();
        (self.builder.ins()).brif(status, propagate, &[status.into()], next, &[]);
        self.builder.switch_to_block(next);
    }

    /// Fills the blocks returning stops (after the body: a block being filled cannot be left
    /// for another).
    pub(super) fn stop_blocks(&mut self) {
        for (&status, &block) in &self.stops {
            self.builder.switch_to_block(block);
            let code = self.builder.ins().iconst(types::I32, i64::from(status));
            self.builder.ins().return_(&[code]);
        }
        if let Some(block) = self.out_of_gas {
            // As the direct entry's charge: out of gas leaves nothing.
            self.builder.switch_to_block(block);
            let zero = self.builder.ins().iconst(types::I64, 0);
            (self.builder.ins()).store(MemFlagsData::trusted(), zero, self.gas_left, 0);
            let status = (self.builder.ins()).iconst(types::I32, Status::OutOfGas as i64);
            self.builder.ins().return_(&[status]);
        }
        if let Some(block) = self.propagate {
            self.builder.switch_to_block(block);
            let status = self.builder.block_params(block)[0];
            self.builder.ins().return_(&[status]);
        }
    }
}
