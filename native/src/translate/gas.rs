//! `evmove::gas::charge` without a call: the section's static gas is taken from the frame's
//! gas count in place (load, compare, subtract, store), exactly as the direct entry charges
//! it (`evmove_runtime::natives::direct`): all of it, or the count drops to zero and the
//! function stops with `Status::OutOfGas`. A charge gated by fork compares its fork with
//! the block's, read once at the function's entry; when the block's is older, the cold path
//! calls the direct entry, which halts the frame as revm does (or, without a frame, reports
//! the misdeclaration). A charge that is not a constant, or not a charge any compiler
//! encodes, goes through the entry as any other native.
//!
//! A loop's gas count in a Move local (`gas_left`, `settle`) reads and writes the same
//! count in place (the local is a register, its subtraction Move's checked `Sub`), and
//! `fork` is the fork read at the function's entry.

use cranelift_codegen::ir::{condcodes::IntCC, types, Block, InstBuilder, MemFlagsData, Value};
use evmove_runtime::natives::{gas, NativeDecl, Op};
use evmove_word::shim::gate::Charge;

use super::{calls::Callee, Item, Translator};
use crate::types::Scalar;

impl Translator<'_, '_> {
    /// Charges inline if `decl` is `charge` of a constant it can decode, or reads or sets
    /// the gas count or reads the fork for `gas_left`, `settle` or `fork`: whether it did.
    pub(super) fn inline_gas(
        &mut self,
        decl: &'static NativeDecl,
        args: &[(Value, Scalar)],
    ) -> bool {
        match (decl.op, args) {
            (Op::Gas(gas::Op::Left), []) => {
                let flags = MemFlagsData::trusted();
                let left = (self.builder.ins()).load(types::I64, flags, self.gas_left, 0);
                self.stack.push(Item::Value(left, Scalar::U64));
                return true;
            }
            (Op::Gas(gas::Op::Fork), []) => {
                let fork = self.builder.ins().uextend(types::I64, self.fork);
                self.stack.push(Item::Value(fork, Scalar::U64));
                return true;
            }
            (Op::Gas(gas::Op::Settle), [(counted, Scalar::U64)]) => {
                self.settle(decl, *counted, args);
                return true;
            }
            _ => {}
        }
        let (Op::Gas(gas::Op::Charge), [(encoded, Scalar::U64)]) = (decl.op, args) else {
            return false;
        };
        let constant = self.constant_of(*encoded);
        let Some(charge) =
            constant.and_then(|encoded| Charge::decode(u64::try_from(encoded).ok()?))
        else {
            return false;
        };
        if !charge.is_gated() {
            self.charge(charge.gas);
            return true;
        }
        let (activated, refused, after) = (
            self.builder.create_block(),
            self.builder.create_block(),
            self.builder.create_block(),
        );
        self.builder.set_cold_block(refused);
        let fork = self.fork;
        let new_enough = (self.builder.ins()).icmp_imm_u(
            IntCC::UnsignedGreaterThanOrEqual,
            fork,
            i64::from(charge.since as u8),
        );
        (self.builder.ins()).brif(new_enough, activated, &[], refused, &[]);
        self.builder.switch_to_block(refused);
        self.call_through_areas(Callee::Native(decl), args, Vec::new());
        self.builder.ins().jump(after, &[]);
        self.builder.switch_to_block(activated);
        self.charge(charge.gas);
        self.builder.ins().jump(after, &[]);
        self.builder.switch_to_block(after);
        true
    }

    /// Sets the frame's gas count to `counted`, a loop's count in a local; a count above it
    /// (a lowering's bug) goes through the entry, which reports it.
    fn settle(&mut self, decl: &'static NativeDecl, counted: Value, args: &[(Value, Scalar)]) {
        let flags = MemFlagsData::trusted();
        let left = (self.builder.ins()).load(types::I64, flags, self.gas_left, 0);
        let above = (self.builder.ins()).icmp(IntCC::UnsignedGreaterThan, counted, left);
        let (misdeclared, below, after) = (
            self.builder.create_block(),
            self.builder.create_block(),
            self.builder.create_block(),
        );
        self.builder.set_cold_block(misdeclared);
        (self.builder.ins()).brif(above, misdeclared, &[], below, &[]);
        self.builder.switch_to_block(misdeclared);
        self.call_through_areas(Callee::Native(decl), args, Vec::new());
        self.builder.ins().jump(after, &[]);
        self.builder.switch_to_block(below);
        self.builder.ins().store(flags, counted, self.gas_left, 0);
        self.builder.ins().jump(after, &[]);
        self.builder.switch_to_block(after);
    }

    /// Takes `amount` from the frame's gas count, or stops out of gas with nothing left.
    fn charge(&mut self, amount: u64) {
        let flags = MemFlagsData::trusted();
        let left = (self.builder.ins()).load(types::I64, flags, self.gas_left, 0);
        let short = (self.builder.ins()).icmp_imm_u(IntCC::UnsignedLessThan, left, amount as i64);
        let out = self.out_of_gas_block();
        let next = self.builder.create_block();
        self.builder.ins().brif(short, out, &[], next, &[]);
        self.builder.switch_to_block(next);
        let amount = self.builder.ins().iconst(types::I64, amount as i64);
        let rest = self.builder.ins().isub(left, amount);
        self.builder.ins().store(flags, rest, self.gas_left, 0);
    }

    /// The function's cold block emptying the gas count and returning `Status::OutOfGas`
    /// (filled with the other stops, `stops.rs`).
    fn out_of_gas_block(&mut self) -> Block {
        *(self.out_of_gas).get_or_insert_with(|| {
            let block = self.builder.create_block();
            self.builder.set_cold_block(block);
            block
        })
    }
}
