//! Hex text to bytes, as artifacts write it: `0x` optional, ASCII whitespace ignored
//! anywhere, either case, and unlinked library placeholders recognised rather than reported
//! as bad digits.
//!
//! A placeholder is 40 characters standing for a 20-byte address: it starts on a byte
//! boundary with `__`, ends with `__`, and holds only printable ASCII. solc ≥ 0.5 writes
//! `__$<34 hex digits>$__`; older solc and Truffle write `__<library name>___…__`. Decoding
//! goes on past a placeholder (reading it as 20 zero bytes) so that every placeholder is
//! found, and only then reports them.

/// Why hex text did not decode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum HexError {
    /// A byte that is neither a hex digit, whitespace, nor part of a placeholder.
    InvalidDigit {
        /// Byte offset in the text.
        position: usize,
        /// The byte.
        byte: u8,
    },
    /// An odd number of digits (placeholders count as 40).
    OddLength {
        /// The number of digits.
        digits: usize,
    },
    /// Library placeholders, each with the byte offset in the code where it stands.
    Unlinked(Vec<(usize, String)>),
}

/// The length of a placeholder in hex characters: a 20-byte address.
pub(super) const PLACEHOLDER_LEN: usize = 40;

/// Decodes `text` as described in the module doc.
pub(super) fn decode(text: &[u8]) -> Result<Vec<u8>, HexError> {
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let start = if text[start..].starts_with(b"0x") || text[start..].starts_with(b"0X") {
        start + 2
    } else {
        start
    };
    let digits: Vec<(usize, u8)> = text[start..]
        .iter()
        .enumerate()
        .filter(|(_, b)| !b.is_ascii_whitespace())
        .map(|(i, &b)| (start + i, b))
        .collect();

    let mut bytes = Vec::with_capacity(digits.len() / 2);
    let mut placeholders = Vec::new();
    let mut high = None;
    let mut i = 0;
    while let Some(&(position, byte)) = digits.get(i) {
        if byte == b'_' && high.is_none() {
            if let Some(placeholder) = placeholder_at(&digits[i..]) {
                placeholders.push((bytes.len(), placeholder));
                bytes.extend_from_slice(&[0; PLACEHOLDER_LEN / 2]);
                i += PLACEHOLDER_LEN;
                continue;
            }
        }
        let Some(nibble) = nibble(byte) else {
            return Err(HexError::InvalidDigit { position, byte });
        };
        match high.take() {
            None => high = Some(nibble),
            Some(high) => bytes.push(high << 4 | nibble),
        }
        i += 1;
    }
    if high.is_some() {
        return Err(HexError::OddLength {
            digits: digits.len(),
        });
    }
    if !placeholders.is_empty() {
        return Err(HexError::Unlinked(placeholders));
    }
    Ok(bytes)
}

fn nibble(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// The placeholder starting at the beginning of `digits`, if one does.
fn placeholder_at(digits: &[(usize, u8)]) -> Option<String> {
    let window = digits.get(..PLACEHOLDER_LEN)?;
    let text: Vec<u8> = window.iter().map(|&(_, b)| b).collect();
    let framed = text.starts_with(b"__") && text.ends_with(b"__");
    (framed && text.iter().all(u8::is_ascii_graphic))
        .then(|| String::from_utf8_lossy(&text).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_with_or_without_prefix_and_whitespace() {
        assert_eq!(decode(b"0x6080"), Ok(vec![0x60, 0x80]));
        assert_eq!(decode(b"6080"), Ok(vec![0x60, 0x80]));
        assert_eq!(decode(b"  0X60\n8 0\r\n\tAb "), Ok(vec![0x60, 0x80, 0xab]));
        assert_eq!(decode(b""), Ok(vec![]));
        assert_eq!(decode(b"0x"), Ok(vec![]));
    }

    #[test]
    fn reports_the_first_bad_digit_by_offset_in_the_text() {
        assert_eq!(
            decode(b"0x60 8g"),
            Err(HexError::InvalidDigit {
                position: 6,
                byte: b'g'
            })
        );
        // A prefix later in the text is not a prefix.
        assert_eq!(
            decode(b"600x"),
            Err(HexError::InvalidDigit {
                position: 3,
                byte: b'x'
            })
        );
    }

    #[test]
    fn reports_odd_length() {
        assert_eq!(decode(b"0x608"), Err(HexError::OddLength { digits: 3 }));
    }

    #[test]
    fn finds_every_placeholder_of_both_styles() {
        let new = "__$d4c1f2b4e0d7c8a9b3e5f6a7b8c9d0e1f2$__";
        let old = "__Lib.sol:Lib___________________________";
        assert_eq!((new.len(), old.len()), (40, 40));
        let text = format!("0x73{new}6000{old}00");
        assert_eq!(
            decode(text.as_bytes()),
            Err(HexError::Unlinked(vec![
                (1, new.to_owned()),
                (23, old.to_owned())
            ]))
        );
    }

    #[test]
    fn an_underscore_that_is_no_placeholder_is_a_bad_digit() {
        assert_eq!(
            decode(b"60__80"),
            Err(HexError::InvalidDigit {
                position: 2,
                byte: b'_'
            })
        );
        // Not on a byte boundary.
        let text = format!("6{}0", "_".repeat(40));
        assert_eq!(
            decode(text.as_bytes()),
            Err(HexError::InvalidDigit {
                position: 1,
                byte: b'_'
            })
        );
    }
}
