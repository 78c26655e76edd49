//! An interpreter of evmove's SSA IR, small and plain, over a host with storage, transient
//! storage, memory, calldata and logs — no calls to other contracts. It checks the front end
//! on its own: lifted IR run here must do what revm does with the EVM code it came from, so a
//! difference is a lifting bug, before any lowering exists.
//!
//! Words are computed by the runtime's own EVM arithmetic (`evmove_runtime::natives::arith`),
//! the code the Move natives run. Stack bases (`evmove::ir::StackBase`) are not checked: the
//! programs it runs recurse far less deep than the EVM's stack allows.

use std::collections::BTreeMap;

use alloy_primitives::{keccak256, Address, Bytes, Log, LogData, B256, U256};
use evmove::ir::{BlockCall, FuncRef, InstData, Module, Terminator, Value};
use evmove_runtime::natives::arith;
use revm::{
    bytecode::opcode::{self, OpCode},
    context_interface::cfg::GasParams,
};

use crate::revm_oracle::SPEC;

/// The frame the code runs in, and the state it sees and changes.
#[derive(Clone, Debug, Default)]
pub struct Host {
    /// The executing contract.
    pub address: Address,
    /// The caller, and the transaction's origin.
    pub caller: Address,
    /// Wei sent along.
    pub value: U256,
    /// The input.
    pub calldata: Bytes,
    /// The executing contract's code, as CODECOPY and CODESIZE read it.
    pub code: Bytes,
    /// The executing contract's balance.
    pub balance: U256,
    /// Persistent storage.
    pub storage: BTreeMap<U256, U256>,
    /// Transient storage.
    pub transient: BTreeMap<U256, U256>,
    /// Logs emitted.
    pub logs: Vec<Log>,
    /// The block: number, timestamp, chain id (others read as revm's defaults: zero).
    pub number: U256,
    /// The block timestamp.
    pub timestamp: U256,
    /// The chain id.
    pub chain_id: U256,
    /// The gas the code charged: its sections' static gas and EXP's dynamic gas at the oracle's
    /// fork (memory, storage and other dynamic costs are not modelled).
    pub gas_charged: u64,
}

/// How the frame ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// STOP, or RETURN with its data.
    Success(Bytes),
    /// REVERT with its data.
    Revert(Bytes),
    /// An exceptional halt: invalid opcode, fault, invalid jump, memory beyond the limit.
    Halt(String),
    /// An operation this interpreter does not model (calls, creations, GAS, ...).
    Unsupported(String),
}

/// Memory beyond this many bytes would cost more gas than any block has: a halt.
const MEMORY_LIMIT: usize = 1 << 25;

/// Instructions and terminators one run may execute before it halts: the interpreter has no
/// gas, and this stands in for running out of it.
pub const STEP_LIMIT: usize = 5_000_000;

/// Runs `module` (its `fn0`) on `host` and reports how it ended.
pub fn run(module: &Module, host: &mut Host) -> Outcome {
    let mut machine = Machine {
        module,
        host,
        memory: Vec::new(),
        stack: Vec::new(),
        steps: 0,
    };
    match machine.call(FuncRef::new(0), Vec::new()) {
        Ok(_) => Outcome::Halt("fn0 returned".into()),
        Err(end) => end,
    }
}

struct Machine<'a> {
    module: &'a Module,
    host: &'a mut Host,
    memory: Vec<u8>,
    /// The EVM stack of code in universal form, bottom first.
    stack: Vec<U256>,
    steps: usize,
}

impl Machine<'_> {
    /// Runs a function; `Err` carries the end of the whole frame.
    fn call(&mut self, func: FuncRef, args: Vec<U256>) -> Result<Vec<U256>, Outcome> {
        let function = &self.module.functions[func.index()];
        let mut values = vec![U256::ZERO; function.value_count()];
        let mut block = function.entry();
        let mut incoming = args;
        loop {
            let data = function.block(block);
            self.steps += data.insts.len() + 1;
            if self.steps > STEP_LIMIT {
                return Err(Outcome::Halt("step limit".into()));
            }
            for (&param, value) in data.params.iter().zip(incoming.drain(..)) {
                values[param.index()] = value;
            }
            for inst in &data.insts {
                let operands: Vec<U256> = inst
                    .data
                    .operands()
                    .iter()
                    .map(|v| values[v.index()])
                    .collect();
                let results = match &inst.data {
                    InstData::Const(value) => vec![*value],
                    InstData::Op { op, .. } => self.op(*op, &operands)?.into_iter().collect(),
                    InstData::Call { func, .. } => self.call(*func, operands)?,
                    // Every fork's opcodes are active at the latest fork (`SPEC`).
                    InstData::Gas(charge) => {
                        self.host.gas_charged += charge.gas;
                        vec![]
                    }
                    InstData::GasExp(_) => {
                        let params = GasParams::new_spec(SPEC);
                        self.host.gas_charged += params.exp_cost(operands[0]);
                        vec![]
                    }
                    InstData::StackPush(_) => {
                        self.stack.extend(operands);
                        Vec::new()
                    }
                    InstData::StackPop => {
                        let keep = self.stack.len() - inst.results.len();
                        self.stack.drain(keep..).rev().collect()
                    }
                    InstData::StackCheck { needs, grows } => {
                        if self.stack.len() < *needs {
                            return Err(Outcome::Halt("stack underflow".into()));
                        }
                        if self.stack.len() + grows > 1024 {
                            return Err(Outcome::Halt("stack overflow".into()));
                        }
                        Vec::new()
                    }
                };
                for (&result, value) in inst.results.iter().zip(results) {
                    values[result.index()] = value;
                }
            }
            let get = |v: &Value| values[v.index()];
            let goto = |call: &BlockCall| (call.block, call.args.iter().map(get).collect());
            let terminator = data.terminator.as_ref().expect("verified IR");
            (block, incoming) = match terminator {
                Terminator::Jump(call) => goto(call),
                Terminator::Branch {
                    cond,
                    then,
                    otherwise,
                } => goto(if get(cond).is_zero() { otherwise } else { then }),
                Terminator::Switch { value, cases, .. } => {
                    let target = get(value);
                    match cases
                        .iter()
                        .find(|(label, _)| U256::from(label.0) == target)
                    {
                        Some((_, call)) => goto(call),
                        None => return Err(Outcome::Halt(format!("invalid jump to {target:#x}"))),
                    }
                }
                Terminator::Return(results) => return Ok(results.iter().map(get).collect()),
                Terminator::TailCall { func, args, .. } => {
                    self.call(*func, args.iter().map(get).collect())?;
                    return Err(Outcome::Halt(format!("{func} returned")));
                }
                Terminator::Halt { op, args } => {
                    return Err(self.halt(*op, &args.iter().map(get).collect::<Vec<_>>()))
                }
                Terminator::Fault(fault) => return Err(Outcome::Halt(format!("{fault:?}"))),
            };
        }
    }

    fn halt(&mut self, op: OpCode, args: &[U256]) -> Outcome {
        match op.get() {
            opcode::STOP => Outcome::Success(Bytes::new()),
            opcode::RETURN => match self.read(args[0], args[1]) {
                Ok(data) => Outcome::Success(data.into()),
                Err(end) => end,
            },
            opcode::REVERT => match self.read(args[0], args[1]) {
                Ok(data) => Outcome::Revert(data.into()),
                Err(end) => end,
            },
            opcode::SELFDESTRUCT => Outcome::Unsupported("SELFDESTRUCT".into()),
            _ => Outcome::Halt(format!("{:#04x}", op.get())),
        }
    }

    /// One EVM operation on words; `a` is the top of the stack.
    fn op(&mut self, op: OpCode, a: &[U256]) -> Result<Option<U256>, Outcome> {
        let word = |b: bool| U256::from(b);
        let value = match op.get() {
            opcode::ADD => arith::add(a[0], a[1]),
            opcode::MUL => arith::mul(a[0], a[1]),
            opcode::SUB => arith::sub(a[0], a[1]),
            opcode::DIV => arith::div(a[0], a[1]),
            opcode::SDIV => arith::sdiv(a[0], a[1]),
            opcode::MOD => arith::rem(a[0], a[1]),
            opcode::SMOD => arith::smod(a[0], a[1]),
            opcode::ADDMOD => arith::addmod(a[0], a[1], a[2]),
            opcode::MULMOD => arith::mulmod(a[0], a[1], a[2]),
            opcode::EXP => arith::exp(a[0], a[1]),
            opcode::SIGNEXTEND => arith::signextend(a[0], a[1]),
            opcode::LT => word(arith::lt(a[0], a[1])),
            opcode::GT => word(arith::gt(a[0], a[1])),
            opcode::SLT => word(arith::slt(a[0], a[1])),
            opcode::SGT => word(arith::sgt(a[0], a[1])),
            opcode::EQ => word(arith::eq(a[0], a[1])),
            opcode::ISZERO => word(arith::iszero(a[0])),
            opcode::AND => arith::and(a[0], a[1]),
            opcode::OR => arith::or(a[0], a[1]),
            opcode::XOR => arith::xor(a[0], a[1]),
            opcode::NOT => arith::not(a[0]),
            opcode::BYTE => arith::byte(a[0], a[1]),
            opcode::SHL => arith::shl(a[0], a[1]),
            opcode::SHR => arith::shr(a[0], a[1]),
            opcode::SAR => arith::sar(a[0], a[1]),
            opcode::KECCAK256 => keccak256(self.read(a[0], a[1])?).into(),
            opcode::ADDRESS => self.host.address.into_word().into(),
            opcode::ORIGIN | opcode::CALLER => self.host.caller.into_word().into(),
            opcode::CALLVALUE => self.host.value,
            opcode::CALLDATALOAD => {
                let mut bytes = [0u8; 32];
                copy_padded(&mut bytes, &self.host.calldata, a[0]);
                U256::from_be_bytes(bytes)
            }
            opcode::CALLDATASIZE => U256::from(self.host.calldata.len()),
            opcode::CALLDATACOPY => {
                let source = self.host.calldata.clone();
                return self.copy_in(a[0], &source, a[1], a[2]).map(|()| None);
            }
            opcode::CODESIZE => U256::from(self.host.code.len()),
            opcode::CODECOPY => {
                let source = self.host.code.clone();
                return self.copy_in(a[0], &source, a[1], a[2]).map(|()| None);
            }
            opcode::RETURNDATASIZE => U256::ZERO,
            opcode::RETURNDATACOPY if a[2].is_zero() && a[1].is_zero() => return Ok(None),
            opcode::RETURNDATACOPY => {
                return Err(Outcome::Halt("return data out of bounds".into()))
            }
            opcode::SELFBALANCE => self.host.balance,
            opcode::BALANCE if a[0] == U256::from_be_slice(self.host.address.as_slice()) => {
                self.host.balance
            }
            opcode::TIMESTAMP => self.host.timestamp,
            opcode::NUMBER => self.host.number,
            opcode::CHAINID => self.host.chain_id,
            opcode::COINBASE | opcode::DIFFICULTY | opcode::BASEFEE | opcode::GASPRICE => {
                U256::ZERO
            }
            opcode::MLOAD => U256::from_be_slice(&self.read(a[0], U256::from(32))?),
            opcode::MSTORE => return self.write(a[0], &a[1].to_be_bytes::<32>()).map(|()| None),
            opcode::MSTORE8 => return self.write(a[0], &[a[1].byte(0)]).map(|()| None),
            opcode::MSIZE => U256::from(self.memory.len()),
            opcode::MCOPY => {
                let source = self.read(a[1], a[2])?;
                return self.write(a[0], &source).map(|()| None);
            }
            opcode::SLOAD => self.host.storage.get(&a[0]).copied().unwrap_or_default(),
            opcode::SSTORE => {
                self.host.storage.insert(a[0], a[1]);
                return Ok(None);
            }
            opcode::TLOAD => self.host.transient.get(&a[0]).copied().unwrap_or_default(),
            opcode::TSTORE => {
                self.host.transient.insert(a[0], a[1]);
                return Ok(None);
            }
            opcode::LOG0..=opcode::LOG4 => {
                let data = self.read(a[0], a[1])?;
                let topics = a[2..].iter().map(|t| B256::from(*t)).collect();
                let data = LogData::new(topics, data.into()).expect("at most four topics");
                self.host.logs.push(Log {
                    address: self.host.address,
                    data,
                });
                return Ok(None);
            }
            _ => return Err(Outcome::Unsupported(op.to_string())),
        };
        Ok(Some(value))
    }

    /// Grows memory, as the EVM does, to cover `size` bytes at `offset`.
    fn reach(&mut self, offset: U256, size: U256) -> Result<usize, Outcome> {
        if size.is_zero() {
            return Ok(0);
        }
        let end = offset
            .checked_add(size)
            .filter(|end| *end <= U256::from(MEMORY_LIMIT))
            .ok_or_else(|| Outcome::Halt("memory beyond the limit".into()))?
            .to::<usize>();
        let words = end.div_ceil(32) * 32;
        if self.memory.len() < words {
            self.memory.resize(words, 0);
        }
        Ok(offset.to::<usize>())
    }

    fn read(&mut self, offset: U256, size: U256) -> Result<Vec<u8>, Outcome> {
        let start = self.reach(offset, size)?;
        Ok(self.memory[start..start + size.to::<usize>()].to_vec())
    }

    fn write(&mut self, offset: U256, bytes: &[u8]) -> Result<(), Outcome> {
        let start = self.reach(offset, U256::from(bytes.len()))?;
        self.memory[start..start + bytes.len()].copy_from_slice(bytes);
        Ok(())
    }

    /// CALLDATACOPY and CODECOPY: `size` bytes of `source` from `from` (zero past its end).
    fn copy_in(&mut self, to: U256, source: &[u8], from: U256, size: U256) -> Result<(), Outcome> {
        let start = self.reach(to, size)?;
        copy_padded(
            &mut self.memory[start..start + size.to::<usize>()],
            source,
            from,
        );
        Ok(())
    }
}

/// Fills `out` with `source` from `from`, reading zero past the end of `source`.
fn copy_padded(out: &mut [u8], source: &[u8], from: U256) {
    out.fill(0);
    if let Ok(from) = usize::try_from(from) {
        if from < source.len() {
            let available = &source[from..];
            let n = available.len().min(out.len());
            out[..n].copy_from_slice(&available[..n]);
        }
    }
}
