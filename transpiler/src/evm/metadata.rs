//! The CBOR metadata trailer solc (and vyper) append to code: a CBOR map followed by its
//! length as a big-endian u16. It is data, never executed; the front end splits it off
//! so it is neither decoded as instructions nor mistaken for part of the program.

/// Splits `code` into the program and its metadata trailer, if it has a well-formed one.
///
/// The trailer is recognised only if the last two bytes give a length that covers a
/// non-empty CBOR map whose keys are all text strings and whose values are byte strings, text strings or
/// booleans (what compilers write), ending exactly at the length bytes.
pub fn split_metadata(code: &[u8]) -> (&[u8], Option<&[u8]>) {
    let Some((rest, length)) = code.split_last_chunk::<2>() else {
        return (code, None);
    };
    let length = usize::from(u16::from_be_bytes(*length));
    if length == 0 || length > rest.len() {
        return (code, None);
    }
    let (program, trailer) = rest.split_at(rest.len() - length);
    if is_metadata_map(trailer) {
        (program, Some(&code[program.len()..]))
    } else {
        (code, None)
    }
}

fn is_metadata_map(bytes: &[u8]) -> bool {
    let mut reader = CborReader { bytes };
    let Some((MAJOR_MAP, entries @ 1..)) = reader.head() else {
        return false;
    };
    (0..entries).all(|_| {
        matches!(reader.head(), Some((MAJOR_TEXT, n)) if reader.skip(n))
            && match reader.head() {
                Some((MAJOR_BYTES | MAJOR_TEXT, n)) => reader.skip(n),
                Some((MAJOR_SIMPLE, n)) => n == SIMPLE_FALSE || n == SIMPLE_TRUE,
                _ => false,
            }
    }) && reader.bytes.is_empty()
}

const MAJOR_BYTES: u8 = 2;
const MAJOR_TEXT: u8 = 3;
const MAJOR_MAP: u8 = 5;
const MAJOR_SIMPLE: u8 = 7;
const SIMPLE_FALSE: u64 = 20;
const SIMPLE_TRUE: u64 = 21;

/// Just enough CBOR to walk a flat map: item heads with definite lengths.
struct CborReader<'a> {
    bytes: &'a [u8],
}

impl CborReader<'_> {
    /// Reads an item head: its major type and its argument (a length, or a simple value).
    fn head(&mut self) -> Option<(u8, u64)> {
        let (&first, rest) = self.bytes.split_first()?;
        let (major, info) = (first >> 5, first & 0x1f);
        let width = match info {
            0..=23 => 0,
            24 => 1,
            25 => 2,
            26 => 4,
            27 => 8,
            _ => return None,
        };
        let argument = rest.get(..width)?;
        self.bytes = &rest[width..];
        let value = if width == 0 {
            u64::from(info)
        } else {
            argument.iter().fold(0, |acc, &b| acc << 8 | u64::from(b))
        };
        Some((major, value))
    }

    fn skip(&mut self, n: u64) -> bool {
        match usize::try_from(n).ok().filter(|&n| n <= self.bytes.len()) {
            Some(n) => {
                self.bytes = &self.bytes[n..];
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `{"ipfs": h'00..', "solc": h'000811'}` followed by its length, as solc 0.8.17 writes.
    fn solc_trailer() -> Vec<u8> {
        let mut map = vec![0xa2, 0x64];
        map.extend_from_slice(b"ipfs");
        map.extend_from_slice(&[0x58, 0x22]);
        map.extend_from_slice(&[0x12; 34]);
        map.push(0x64);
        map.extend_from_slice(b"solc");
        map.extend_from_slice(&[0x43, 0x00, 0x08, 0x11]);
        let length = u16::try_from(map.len()).unwrap();
        map.extend_from_slice(&length.to_be_bytes());
        map
    }

    #[test]
    fn splits_a_solc_trailer() {
        let program = [0x60, 0x80, 0x60, 0x40, 0x52, 0xfe];
        let code = [&program[..], &solc_trailer()].concat();
        assert_eq!(
            split_metadata(&code),
            (&program[..], Some(&solc_trailer()[..]))
        );
    }

    #[test]
    fn splits_a_trailer_with_a_boolean_value() {
        let mut map = vec![0xa1, 0x6c];
        map.extend_from_slice(b"experimental");
        map.push(0xf5);
        let length = u16::try_from(map.len()).unwrap();
        map.extend_from_slice(&length.to_be_bytes());
        let code = [&[0x00][..], &map].concat();
        assert_eq!(split_metadata(&code).0, &[0x00]);
    }

    #[test]
    fn keeps_code_without_a_trailer() {
        for code in [
            &[][..],
            &[0x00],
            &[0x60, 0x01, 0x00, 0x02],
            &[0xa0, 0x00, 0x01],
        ] {
            assert_eq!(split_metadata(code), (code, None), "{code:02x?}");
        }
    }

    #[test]
    fn keeps_code_whose_trailer_length_does_not_cover_a_map() {
        let mut code = solc_trailer();
        let n = code.len();
        code[n - 1] -= 1; // the length now points one byte into the map
        assert_eq!(split_metadata(&code).1, None);
    }
}
