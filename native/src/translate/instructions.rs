//! The instructions that do not end a block: constants, locals, arithmetic with Move's
//! aborts, bitwise operations, shifts, comparisons and casts.

use cranelift_codegen::ir::{condcodes::IntCC, types, InstBuilder, Value};
use evmove_runtime::natives::direct::Status;
use move_binary_format::file_format::Bytecode;
use move_core_types::value::MoveValue;

use super::{not_compilable, Item, Local, Translator, PTR};
use crate::{helpers, types::Scalar, NotCompilable};

impl Translator<'_, '_> {
    /// An instruction that does not end a block.
    pub(super) fn straight(&mut self, instruction: &Bytecode) -> Result<(), NotCompilable> {
        use Bytecode as B;
        match instruction {
            B::Nop => {}
            B::Pop => {
                self.pop()?;
            }
            B::LdU8(v) => self.push_constant(u128::from(*v), Scalar::U8),
            B::LdU64(v) => self.push_constant(u128::from(*v), Scalar::U64),
            B::LdU128(v) => self.push_constant(*v, Scalar::U128),
            B::LdTrue => self.push_constant(1, Scalar::Bool),
            B::LdFalse => self.push_constant(0, Scalar::Bool),
            B::LdConst(index) => {
                let constant = (self.env.module.constant_pool.get(index.0 as usize))
                    .and_then(|constant| constant.deserialize_constant());
                let (value, scalar) = match constant {
                    Some(MoveValue::U8(v)) => (u128::from(v), Scalar::U8),
                    Some(MoveValue::U64(v)) => (u128::from(v), Scalar::U64),
                    Some(MoveValue::U128(v)) => (v, Scalar::U128),
                    Some(MoveValue::Bool(v)) => (u128::from(v), Scalar::Bool),
                    _ => return Err(not_compilable("a constant outside the subset")),
                };
                self.push_constant(value, scalar);
            }
            B::CopyLoc(local) | B::MoveLoc(local) => match self.local(*local)? {
                Local::Scalar(variable, scalar) => {
                    let value = self.builder.use_var(variable);
                    self.stack.push(Item::Value(value, scalar));
                }
                Local::Vector { .. } => return Err(not_compilable("a vector moved or copied")),
            },
            B::StLoc(local) => match (self.local(*local)?, self.pop()?) {
                (Local::Scalar(variable, _), Item::Value(value, _)) => {
                    self.builder.def_var(variable, value)
                }
                (Local::Vector { len, .. }, Item::NewVector) => {
                    let zero = self.builder.ins().iconst(types::I64, 0);
                    self.builder.def_var(len, zero);
                }
                _ => return Err(not_compilable("a store outside the subset")),
            },
            B::MutBorrowLoc(_)
            | B::ImmBorrowLoc(_)
            | B::FreezeRef
            | B::VecPack(..)
            | B::VecLen(_)
            | B::VecImmBorrow(_)
            | B::VecMutBorrow(_)
            | B::ReadRef
            | B::WriteRef
            | B::VecPushBack(_)
            | B::VecPopBack(_) => self.vector(instruction)?,
            B::CastU8 => self.cast(Scalar::U8)?,
            B::CastU64 => self.cast(Scalar::U64)?,
            B::CastU128 => self.cast(Scalar::U128)?,
            B::Add | B::Sub | B::Mul | B::Div | B::Mod => self.arithmetic(instruction)?,
            B::BitOr | B::BitAnd | B::Xor | B::Or | B::And => {
                let (b, scalar) = self.pop_scalar()?;
                let (a, _) = self.pop_scalar()?;
                let ins = self.builder.ins();
                let value = match instruction {
                    B::BitOr | B::Or => ins.bor(a, b),
                    B::BitAnd | B::And => ins.band(a, b),
                    _ => ins.bxor(a, b),
                };
                self.stack.push(Item::Value(value, scalar));
            }
            B::Not => {
                let (a, scalar) = self.pop_scalar()?;
                let value = self.builder.ins().bxor_imm_u(a, 1);
                self.stack.push(Item::Value(value, scalar));
            }
            B::Shl | B::Shr => {
                let (amount, _) = self.pop_scalar()?;
                let (a, scalar) = self.pop_scalar()?;
                let too_far = (self.builder.ins()).icmp_imm_u(
                    IntCC::UnsignedGreaterThanOrEqual,
                    amount,
                    i64::from(scalar.bits()),
                );
                self.stop_if(too_far, Status::Arithmetic);
                let value = match instruction {
                    B::Shl => self.builder.ins().ishl(a, amount),
                    _ => self.builder.ins().ushr(a, amount),
                };
                self.stack.push(Item::Value(value, scalar));
            }
            B::Lt | B::Gt | B::Le | B::Ge | B::Eq | B::Neq => {
                let (b, _) = self.pop_scalar()?;
                let (a, _) = self.pop_scalar()?;
                let cc = match instruction {
                    B::Lt => IntCC::UnsignedLessThan,
                    B::Gt => IntCC::UnsignedGreaterThan,
                    B::Le => IntCC::UnsignedLessThanOrEqual,
                    B::Ge => IntCC::UnsignedGreaterThanOrEqual,
                    B::Eq => IntCC::Equal,
                    _ => IntCC::NotEqual,
                };
                let value = self.builder.ins().icmp(cc, a, b);
                self.stack.push(Item::Value(value, Scalar::Bool));
            }
            B::Call(handle) => self.call(*handle)?,
            other => return Err(not_compilable(format!("{other:?}"))),
        }
        Ok(())
    }

    pub(super) fn arithmetic(&mut self, instruction: &Bytecode) -> Result<(), NotCompilable> {
        let (b, scalar) = self.pop_scalar()?;
        let (a, _) = self.pop_scalar()?;
        let value = match (instruction, scalar) {
            (Bytecode::Add, _) => {
                let sum = self.builder.ins().iadd(a, b);
                let overflow = self.builder.ins().icmp(IntCC::UnsignedLessThan, sum, a);
                self.stop_if(overflow, Status::Arithmetic);
                sum
            }
            (Bytecode::Sub, _) => {
                let underflow = self.builder.ins().icmp(IntCC::UnsignedLessThan, a, b);
                self.stop_if(underflow, Status::Arithmetic);
                self.builder.ins().isub(a, b)
            }
            (Bytecode::Mul, Scalar::U128) => self.helper(helpers::MUL_U128, a, b),
            (Bytecode::Div, Scalar::U128) => self.helper(helpers::DIV_U128, a, b),
            (Bytecode::Mod, Scalar::U128) => self.helper(helpers::REM_U128, a, b),
            (Bytecode::Mul, _) => {
                let (a, b) = (self.widen_to(a, types::I64), self.widen_to(b, types::I64));
                let product = self.builder.ins().imul(a, b);
                let high = self.builder.ins().umulhi(a, b);
                let max = scalar.max() as i64;
                let wide = self.builder.ins().icmp_imm_u(IntCC::NotEqual, high, 0);
                let over =
                    (self.builder.ins()).icmp_imm_u(IntCC::UnsignedGreaterThan, product, max);
                let overflow = self.builder.ins().bor(wide, over);
                self.stop_if(overflow, Status::Arithmetic);
                self.narrow(product, scalar)
            }
            (Bytecode::Div | Bytecode::Mod, _) => {
                let zero = self.builder.ins().icmp_imm_u(IntCC::Equal, b, 0);
                self.stop_if(zero, Status::Arithmetic);
                match instruction {
                    Bytecode::Div => self.builder.ins().udiv(a, b),
                    _ => self.builder.ins().urem(a, b),
                }
            }
            _ => return Err(not_compilable(format!("{instruction:?}"))),
        };
        self.stack.push(Item::Value(value, scalar));
        Ok(())
    }

    /// A u128 helper on `a` and `b`: its result, after returning its failure as
    /// [`Status::Arithmetic`].
    pub(super) fn helper(&mut self, name: &'static str, a: Value, b: Value) -> Value {
        let scratch = match self.scratch {
            Some(slot) => slot,
            None => {
                let slot = self.slot(48);
                *self.scratch.insert(slot)
            }
        };
        let ins = self.builder.ins();
        ins.stack_store(PTR, a, scratch, 0);
        let ins = self.builder.ins();
        ins.stack_store(PTR, b, scratch, 16);
        let address = self.builder.ins().stack_addr(PTR, scratch, 0);
        let call = self.builder.ins().call(self.imports[name], &[address]);
        let failed = self.builder.inst_results(call)[0];
        self.stop_if(failed, Status::Arithmetic);
        self.builder.ins().stack_load(PTR, types::I128, scratch, 32)
    }

    pub(super) fn cast(&mut self, to: Scalar) -> Result<(), NotCompilable> {
        let (value, from) = self.pop_scalar()?;
        let value = if from.bits() > to.bits() {
            let max = self.constant(to.max(), from);
            let over = self
                .builder
                .ins()
                .icmp(IntCC::UnsignedGreaterThan, value, max);
            self.stop_if(over, Status::Arithmetic);
            self.builder.ins().ireduce(to.clif(), value)
        } else if from.bits() < to.bits() {
            self.builder.ins().uextend(to.clif(), value)
        } else {
            value
        };
        self.stack.push(Item::Value(value, to));
        Ok(())
    }
}
