//! A small assembler for EVM code, so tests and examples can be written as text:
//!
//! ```text
//! PUSH1 0x01 PUSH @done JUMPI   ; mnemonics, immediates in hex or decimal
//! INVALID
//! done:                         ; a label: defines `@done` and emits a JUMPDEST
//! STOP
//! ```
//!
//! `PUSH <value>` picks the shortest PUSH; `PUSH @label` is always PUSH2. `;` starts a comment.

use std::collections::HashMap;

use alloy_primitives::U256;
use revm_bytecode::opcode::{self, OpCode};

/// Text that does not assemble.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AsmError {
    /// A word that is neither a mnemonic nor a label definition.
    #[error("unknown mnemonic `{0}`")]
    UnknownMnemonic(String),
    /// A PUSH without a valid immediate after it.
    #[error("`{0}` needs an immediate: a number or @label")]
    MissingImmediate(String),
    /// An immediate too wide for its PUSH.
    #[error("immediate `{0}` does not fit")]
    ImmediateTooWide(String),
    /// `@label` used but never defined.
    #[error("label `{0}` is not defined")]
    UndefinedLabel(String),
}

/// Assembles `text` into EVM code.
pub fn assemble(text: &str) -> Result<Vec<u8>, AsmError> {
    let mut code = Vec::new();
    let mut labels = HashMap::new();
    let mut fixups = Vec::new();
    let mut words = text
        .lines()
        .flat_map(|line| line.split(';').next().unwrap_or("").split_whitespace());
    while let Some(word) = words.next() {
        if let Some(label) = word.strip_suffix(':') {
            labels.insert(label.to_string(), code.len());
            code.push(opcode::JUMPDEST);
            continue;
        }
        let op = OpCode::parse(&word.to_ascii_uppercase())
            .or_else(|| {
                (word.eq_ignore_ascii_case("PUSH")).then_some(OpCode::new(opcode::PUSH1).unwrap())
            })
            .ok_or_else(|| AsmError::UnknownMnemonic(word.to_string()))?;
        if !op.is_push() || op.get() == opcode::PUSH0 {
            code.push(op.get());
            continue;
        }
        let immediate = words
            .next()
            .ok_or_else(|| AsmError::MissingImmediate(word.to_string()))?;
        if let Some(label) = immediate.strip_prefix('@') {
            code.push(opcode::PUSH2);
            fixups.push((code.len(), label.to_string()));
            code.extend_from_slice(&[0, 0]);
            continue;
        }
        let value =
            parse_number(immediate).ok_or_else(|| AsmError::MissingImmediate(word.to_string()))?;
        let bytes = value.to_be_bytes_trimmed_vec();
        let width = if word.eq_ignore_ascii_case("PUSH") {
            bytes.len().max(1)
        } else {
            usize::from(op.get() - opcode::PUSH0)
        };
        if bytes.len() > width {
            return Err(AsmError::ImmediateTooWide(immediate.to_string()));
        }
        code.push(opcode::PUSH0 + width as u8);
        code.extend(std::iter::repeat_n(0, width - bytes.len()));
        code.extend_from_slice(&bytes);
    }
    for (at, label) in fixups {
        let target = *labels
            .get(&label)
            .ok_or(AsmError::UndefinedLabel(label.clone()))?;
        let target = u16::try_from(target).map_err(|_| AsmError::ImmediateTooWide(label))?;
        code[at..at + 2].copy_from_slice(&target.to_be_bytes());
    }
    Ok(code)
}

fn parse_number(text: &str) -> Option<U256> {
    match text.strip_prefix("0x") {
        Some(hex) => U256::from_str_radix(hex, 16).ok(),
        None => U256::from_str_radix(text, 10).ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assembles_mnemonics_pushes_and_labels() {
        let code = assemble("PUSH 1 PUSH @end JUMPI PUSH2 0x0203 ; comment\n end: STOP").unwrap();
        assert_eq!(
            code,
            [0x60, 0x01, 0x61, 0x00, 0x09, 0x57, 0x61, 0x02, 0x03, 0x5b, 0x00]
        );
    }

    #[test]
    fn reports_what_does_not_assemble() {
        assert_eq!(
            assemble("FOO"),
            Err(AsmError::UnknownMnemonic("FOO".into()))
        );
        assert_eq!(
            assemble("PUSH1"),
            Err(AsmError::MissingImmediate("PUSH1".into()))
        );
        assert_eq!(
            assemble("PUSH1 0x100"),
            Err(AsmError::ImmediateTooWide("0x100".into()))
        );
        assert_eq!(
            assemble("PUSH @x JUMP"),
            Err(AsmError::UndefinedLabel("x".into()))
        );
    }
}
