//! Which Move types carry which ABI types, for typed entry functions: one definition, which
//! the compiler declares its typed entries' signatures with (`evmove::lower::typed`) and the
//! runtime converts values with (`evmove_runtime::abi_value`).
//!
//! | ABI type | Move type |
//! | --- | --- |
//! | `uint8` | `u8` |
//! | `uintN`, 16 <= N <= 64 | `u64` |
//! | `uintN`, 72 <= N <= 128 | `u128` |
//! | `uintN`, N > 128 | `U256` |
//! | `intN` | `U256`, the two's complement word (sign-extended from N bits) |
//! | `bytesN` | `U256`, the left-aligned word (its low 32 - N bytes zero) |
//! | `bool`, `address` | `bool`, `address` (20 bytes in this build) |
//! | `bytes`, `string` | `vector<u8>` (a string's bytes, UTF-8 or not) |
//! | `T[]`, `T[k]` | `vector<M>` for each Move type `M` of `T` (`k` elements) |
//! | `(T1, …, Tn)` | the Move types of `T1`, then those of `T2`, …: flattened |
//!
//! So a tuple (a Solidity struct) is one Move value per component, and an array of tuples is
//! parallel vectors, one per component, of equal lengths: `(uint256,address[])[]` is
//! `vector<U256>` and `vector<vector<address>>`. An array of empty tuples has no Move form,
//! nor has a function type.
//!
//! The natives of `evmove::abi` receive ABI types as the text of a tuple type
//! ([`tuple_text`], read back by [`parse_tuple_text`]).

use alloy_dyn_abi::DynSolType;

use super::{MoveType, BYTES};

/// The Move type of a one-word or byte-string ABI type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scalar {
    /// `uint8`: `u8`.
    U8,
    /// `uintN`, 16 <= N <= 64: `u64`.
    U64,
    /// `uintN`, 72 <= N <= 128: `u128`.
    U128,
    /// `uintN` (N > 128), `intN`, `bytesN`: the `evmove::u256::U256` struct.
    U256,
    /// `bool`.
    Bool,
    /// `address`.
    Address,
    /// `bytes`, `string`: `vector<u8>`.
    Bytes,
}

impl Scalar {
    /// The Move type of one-word or byte-string ABI type `ty`, if it is one.
    pub fn of(ty: &DynSolType) -> Option<Scalar> {
        Some(match ty {
            DynSolType::Uint(8) => Scalar::U8,
            DynSolType::Uint(16..=64) => Scalar::U64,
            DynSolType::Uint(72..=128) => Scalar::U128,
            DynSolType::Uint(_) | DynSolType::Int(_) | DynSolType::FixedBytes(_) => Scalar::U256,
            DynSolType::Bool => Scalar::Bool,
            DynSolType::Address => Scalar::Address,
            DynSolType::Bytes | DynSolType::String => Scalar::Bytes,
            _ => return None,
        })
    }

    /// Its Move type.
    pub const fn move_type(self) -> MoveType {
        match self {
            Scalar::U8 => MoveType::U8,
            Scalar::U64 => MoveType::U64,
            Scalar::U128 => MoveType::U128,
            Scalar::U256 => MoveType::U256,
            Scalar::Bool => MoveType::Bool,
            Scalar::Address => MoveType::Address,
            Scalar::Bytes => BYTES,
        }
    }
}

/// The Move type of one flattened value: a scalar in `vectors` vectors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MoveForm {
    /// The innermost type.
    pub scalar: Scalar,
    /// How many vectors hold it (one per array level).
    pub vectors: usize,
}

/// One Move value of a flattened ABI type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flat {
    /// The indices of the tuple components leading to it, outermost first (empty for a
    /// type that is no tuple).
    pub path: Vec<usize>,
    /// Its Move type.
    pub form: MoveForm,
}

/// The Move values of ABI type `ty`, flattened, in order; or why it has no Move form.
pub fn flatten(ty: &DynSolType) -> Result<Vec<Flat>, String> {
    let mut flat = Vec::new();
    push_flat(ty, &mut Vec::new(), 0, &mut flat)?;
    Ok(flat)
}

fn push_flat(
    ty: &DynSolType,
    path: &mut Vec<usize>,
    vectors: usize,
    flat: &mut Vec<Flat>,
) -> Result<(), String> {
    match ty {
        DynSolType::Array(element) | DynSolType::FixedArray(element, _) => {
            let before = flat.len();
            push_flat(element, path, vectors + 1, flat)?;
            if flat.len() == before {
                return Err(format!("`{ty}` is an array of empty tuples"));
            }
        }
        DynSolType::Tuple(components) => {
            for (index, component) in components.iter().enumerate() {
                path.push(index);
                push_flat(component, path, vectors, flat)?;
                path.pop();
            }
        }
        _ => {
            let scalar = Scalar::of(ty).ok_or_else(|| format!("`{ty}` has no Move type"))?;
            flat.push(Flat {
                path: path.clone(),
                form: MoveForm { scalar, vectors },
            });
        }
    }
    Ok(())
}

/// The text of the tuple of `types`, `(address,uint256[])`, as the natives of `evmove::abi`
/// take ABI types.
pub fn tuple_text(types: &[DynSolType]) -> String {
    DynSolType::Tuple(types.to_vec()).to_string()
}

/// The components of the tuple type whose text is `text` ([`tuple_text`]), if it is one.
pub fn parse_tuple_text(text: &[u8]) -> Option<Vec<DynSolType>> {
    match DynSolType::parse(std::str::from_utf8(text).ok()?).ok()? {
        DynSolType::Tuple(types) => Some(types),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(text: &str) -> DynSolType {
        DynSolType::parse(text).unwrap()
    }

    fn forms(text: &str) -> Vec<(Vec<usize>, Scalar, usize)> {
        let flat = flatten(&ty(text)).unwrap();
        (flat.into_iter())
            .map(|f| (f.path, f.form.scalar, f.form.vectors))
            .collect()
    }

    #[test]
    fn types_map_to_flattened_move_types() {
        let cases = [
            ("uint256", Scalar::U256, 0),
            ("int24", Scalar::U256, 0),
            ("bytes4", Scalar::U256, 0),
            ("uint160", Scalar::U256, 0),
            ("uint8", Scalar::U8, 0),
            ("uint32", Scalar::U64, 0),
            ("uint64", Scalar::U64, 0),
            ("uint72", Scalar::U128, 0),
            ("uint112", Scalar::U128, 0),
            ("uint136", Scalar::U256, 0),
            ("bool", Scalar::Bool, 0),
            ("address", Scalar::Address, 0),
            ("string", Scalar::Bytes, 0),
            ("bytes", Scalar::Bytes, 0),
            ("address[]", Scalar::Address, 1),
            ("bytes[]", Scalar::Bytes, 1),
            ("uint256[2][]", Scalar::U256, 2),
        ];
        for (text, scalar, vectors) in cases {
            assert_eq!(forms(text), [(vec![], scalar, vectors)], "{text}");
        }
        assert_eq!(
            forms("(address,(uint24,bool)[2])[]"),
            [
                (vec![0], Scalar::Address, 1),
                (vec![1, 0], Scalar::U64, 2),
                (vec![1, 1], Scalar::Bool, 2),
            ]
        );
        assert!(flatten(&ty("()[]")).is_err());
        assert!(flatten(&ty("function")).is_err());
        assert_eq!(flatten(&ty("()")).unwrap(), []);
    }

    #[test]
    fn tuple_texts_read_back() {
        let types = ["address", "(uint8,bytes)[2]", "uint256[][]"].map(ty);
        let text = tuple_text(&types);
        assert_eq!(text, "(address,(uint8,bytes)[2],uint256[][])");
        assert_eq!(parse_tuple_text(text.as_bytes()), Some(types.to_vec()));
        assert_eq!(tuple_text(&[]), "()");
        assert_eq!(parse_tuple_text(b"()"), Some(vec![]));
        assert_eq!(parse_tuple_text(b"uint256"), None);
        assert_eq!(parse_tuple_text(b"(uint7)"), None);
    }
}
