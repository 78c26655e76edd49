//! Unlinked libraries: naming the library behind each placeholder that [`super::hex`] finds.
//!
//! A library's name is taken, in order of preference, from the artifact's link references
//! (`{"file.sol": {"Lib": [{"start": 12, "length": 20}]}}`, matched by offset), from the
//! placeholder's hash (solc ≥ 0.5 writes the first 17 bytes of
//! `keccak256("file.sol:Lib")`, matched against the names the link references give), or
//! from the placeholder itself (older solc writes the name, padded with `_`).

use alloy_primitives::{hex, keccak256};
use serde_json::Value;

use super::error::Placeholder;

/// Groups placeholder occurrences (code offset, text) by text, in order of first
/// occurrence, and names their libraries.
pub(super) fn describe(
    occurrences: Vec<(usize, String)>,
    link_references: Option<&Value>,
) -> Vec<Placeholder> {
    let libraries = library_offsets(link_references);
    let mut placeholders: Vec<Placeholder> = Vec::new();
    for (offset, text) in occurrences {
        match placeholders.iter_mut().find(|p| p.text == text) {
            Some(placeholder) => placeholder.offsets.push(offset),
            None => placeholders.push(Placeholder {
                library: library_of(&text, offset, &libraries),
                text,
                offsets: vec![offset],
            }),
        }
    }
    placeholders
}

/// Every (fully qualified library name, code offset) the link references list; anything
/// malformed is skipped, since the names only improve an error message.
fn library_offsets(link_references: Option<&Value>) -> Vec<(String, Option<u64>)> {
    let Some(files) = link_references.and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (file, libraries) in files {
        for (library, ranges) in libraries.as_object().into_iter().flatten() {
            let name = format!("{file}:{library}");
            let starts: Vec<u64> = ranges
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|range| range.get("start")?.as_u64())
                .collect();
            if starts.is_empty() {
                found.push((name, None));
            } else {
                found.extend(starts.into_iter().map(|start| (name.clone(), Some(start))));
            }
        }
    }
    found
}

fn library_of(text: &str, offset: usize, libraries: &[(String, Option<u64>)]) -> Option<String> {
    let by_offset = libraries
        .iter()
        .find(|(_, start)| *start == Some(offset as u64));
    let by_hash = || {
        let hash = text.strip_prefix("__$")?.strip_suffix("$__")?;
        libraries
            .iter()
            .find(|(name, _)| hex::encode(&keccak256(name)[..17]) == hash.to_ascii_lowercase())
    };
    if let Some((name, _)) = by_offset.or_else(by_hash) {
        return Some(name.clone());
    }
    if text.starts_with("__$") {
        return None;
    }
    let name = text.trim_matches('_');
    (!name.is_empty()).then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn solc_placeholder(name: &str) -> String {
        format!("__${}$__", &hex::encode(keccak256(name))[..34])
    }

    #[test]
    fn names_libraries_by_offset_hash_and_old_style_name() {
        let links = serde_json::json!({
            "src/A.sol": {"A": [{"start": 1, "length": 20}]},
            "src/B.sol": {"B": [{"start": 999, "length": 20}]},
        });
        let a = solc_placeholder("src/A.sol:A");
        let b = solc_placeholder("src/B.sol:B");
        let unknown = solc_placeholder("src/C.sol:C");
        let old = "__Old.sol:Old___________________________".to_owned();
        let placeholders = describe(
            vec![
                (1, a.clone()),
                (30, b.clone()),
                (60, unknown.clone()),
                (90, old.clone()),
                (120, a.clone()),
            ],
            Some(&links),
        );
        let summary: Vec<_> = placeholders
            .iter()
            .map(|p| (p.text.clone(), p.library.clone(), p.offsets.clone()))
            .collect();
        assert_eq!(
            summary,
            [
                (a, Some("src/A.sol:A".to_owned()), vec![1, 120]),
                (b, Some("src/B.sol:B".to_owned()), vec![30]),
                (unknown, None, vec![60]),
                (old, Some("Old.sol:Old".to_owned()), vec![90]),
            ]
        );
    }

    #[test]
    fn ignores_malformed_link_references() {
        let links = serde_json::json!({"a.sol": 3, "b.sol": {"L": "x"}});
        let placeholders = describe(vec![(0, solc_placeholder("x:Y"))], Some(&links));
        assert_eq!(placeholders[0].library, None);
    }
}
