//! The IR's text form: the snapshot format, meant to be read by people.
//!
//! ```text
//! function fn1 @pc120 -> 1 {
//! block0(v0, v1):                       ; pc120
//!     gas 29
//!     v2 = const 0x20
//!     v3 = add v0, v2
//!     sstore v3, v1
//!     branch v3, block1(v3), block2()
//! ...
//! }
//! ```
//!
//! Code in universal form keeps an EVM stack of its own: `stack.push v1, v2` (bottom first),
//! `v3, v4 = stack.pop` (top first), `stack.check needs 2, grows 1`.
//!
//! Operands are in the EVM's order (first = top of the stack), block parameters and call
//! arguments bottom of the stack first. `-> noreturn` marks a function that never returns.
//!
//! A function in or above a recursion takes its stack base (`function fn1 @pc12 -> 1,
//! base, peak 6`), and each call of one says where the callee's base is, as items above the
//! caller's: `v5 = call fn1(v3, v4) base+2`.

use std::fmt::{self, Write};

use super::entities::{FuncRef, Value};
use super::function::{BlockCall, Fault, Function, InstData, Module, Terminator};

impl fmt::Display for Module {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, function) in self.functions.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write_function(f, FuncRef::new(i), function)?;
        }
        Ok(())
    }
}

/// Writes `function`, which is `func` of its module.
pub fn write_function(out: &mut impl Write, func: FuncRef, function: &Function) -> fmt::Result {
    let results = match function.results {
        Some(n) => n.to_string(),
        None => "noreturn".to_string(),
    };
    let base = match function.stack_base {
        Some(base) => format!(", base, peak {}", base.peak),
        None => String::new(),
    };
    writeln!(
        out,
        "function {func} @{} -> {results}{base} {{",
        function.entry_pc
    )?;
    for &block in function.layout() {
        let data = function.block(block);
        let header = format!("{block}({}):", list(&data.params));
        writeln!(out, "{header:<40}; {}", data.origin)?;
        for inst in &data.insts {
            write!(out, "    ")?;
            if !inst.results.is_empty() {
                write!(out, "{} = ", list(&inst.results))?;
            }
            match &inst.data {
                InstData::Const(value) => writeln!(out, "const {value:#x}")?,
                InstData::Op { op, args } => writeln!(out, "{}", with_args(&op_name(op), args))?,
                InstData::Call { func, args, base } => {
                    writeln!(out, "call {func}({}){}", list(args), base_text(*base))?
                }
                InstData::Gas(charge) => match charge.is_gated() {
                    true => writeln!(out, "gas {} since {:?}", charge.gas, charge.since)?,
                    false => writeln!(out, "gas {}", charge.gas)?,
                },
                InstData::GasExp(exponent) => writeln!(out, "gas_exp {exponent}")?,
                InstData::StackPush(values) => writeln!(out, "stack.push {}", list(values))?,
                InstData::StackPop => writeln!(out, "stack.pop")?,
                InstData::StackCheck { needs, grows } => {
                    writeln!(out, "stack.check needs {needs}, grows {grows}")?
                }
            }
        }
        if let Some(terminator) = &data.terminator {
            writeln!(out, "    {}", terminator_text(terminator))?;
        }
    }
    writeln!(out, "}}")
}

fn terminator_text(terminator: &Terminator) -> String {
    match terminator {
        Terminator::Jump(call) => format!("jump {}", block_call(call)),
        Terminator::Branch {
            cond,
            then,
            otherwise,
        } => format!(
            "branch {cond}, {}, {}",
            block_call(then),
            block_call(otherwise)
        ),
        Terminator::Switch {
            value,
            cases,
            speculative,
        } => {
            let cases: Vec<String> = cases
                .iter()
                .map(|(label, call)| format!("{label}: {}", block_call(call)))
                .collect();
            let kind = if *speculative {
                "switch.speculative"
            } else {
                "switch"
            };
            format!("{kind} {value} [{}]", cases.join(", "))
        }
        Terminator::Return(values) => with_args("return", values),
        Terminator::TailCall { func, args, base } => {
            format!("tailcall {func}({}){}", list(args), base_text(*base))
        }
        Terminator::Halt { op, args } => with_args(&format!("halt {}", op_name(op)), args),
        Terminator::Fault(fault) => format!("fault {}", fault_text(fault)),
    }
}

/// Where a call puts its callee's stack base, if the callee takes one.
fn base_text(base: Option<usize>) -> String {
    match base {
        Some(above) => format!(" base+{above}"),
        None => String::new(),
    }
}

fn fault_text(fault: &Fault) -> String {
    match fault {
        Fault::StackUnderflow => "stack_underflow".to_string(),
        Fault::StackOverflow => "stack_overflow".to_string(),
        Fault::InvalidJumpTarget(target) => format!("invalid_jump {target:#x}"),
        Fault::SpeculationFailed => "speculation_failed".to_string(),
    }
}

fn op_name(op: &revm_bytecode::opcode::OpCode) -> String {
    if op.is_valid() {
        op.as_str().to_ascii_lowercase()
    } else {
        format!("undefined_{:#04x}", op.get())
    }
}

fn block_call(call: &BlockCall) -> String {
    format!("{}({})", call.block, list(&call.args))
}

fn with_args(name: &str, args: &[Value]) -> String {
    if args.is_empty() {
        name.to_string()
    } else {
        format!("{name} {}", list(args))
    }
}

fn list(values: &[Value]) -> String {
    values
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
