//! Names of typed entries: the Move name of an ABI function, and the names of its flattened
//! Move parameters.

use std::collections::BTreeSet;

use alloy_json_abi::Param;
use move_core_types::identifier::Identifier;

use super::super::is_internal_name;

/// The Move name of ABI function `name`: itself when it is a Move identifier that names
/// nothing else in the module, else suffixed with its selector.
pub(super) fn move_name(
    name: &str,
    selector: u32,
    overloaded: bool,
    taken: &BTreeSet<Identifier>,
) -> Identifier {
    let internal = is_internal_name(name);
    let plain = Identifier::new(name).ok().filter(|id| !taken.contains(id));
    match plain {
        Some(id) if !overloaded && !internal => id,
        _ => {
            let base = if Identifier::is_valid(name) {
                name
            } else {
                "abi"
            };
            Identifier::new(format!("{base}_{selector:08x}")).expect("an identifier")
        }
    }
}

/// The name of ABI parameter `param`, the `index`th: its own, or `arg<index>`.
pub(super) fn param_name(param: &Param, index: usize) -> String {
    match param.name.as_str() {
        "" => format!("arg{index}"),
        name => name.to_string(),
    }
}

/// The name of the flattened value at tuple path `path` of parameter `name` whose tuple
/// components are `components`: `<name>_<component>` per tuple level, a component without a
/// name by its index.
pub(super) fn flat_name(name: &str, mut components: &[Param], path: &[usize]) -> String {
    let mut flat = name.to_string();
    for &index in path {
        let component = components.get(index);
        match component.map(|c| c.name.as_str()) {
            Some(label) if !label.is_empty() => flat = format!("{flat}_{label}"),
            _ => flat = format!("{flat}_{index}"),
        }
        components = component.map_or(&[][..], |c| &c.components[..]);
    }
    flat
}
