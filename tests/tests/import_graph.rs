//! The import graph of the sources (`evmove_tests::import_graph`): no file reaches back
//! into a file that reaches it (no circles), and the IR and the stages after lifting stand
//! without the front end (`DESIGN.md` §1: data flows one way).

use std::path::{Path, PathBuf};

use evmove_tests::import_graph::ImportGraph;

fn src(package: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(package)
        .join("src")
}

fn assert_no_cycle(package: &str) {
    let graph = ImportGraph::of_dir(&src(package));
    assert!(graph.edges.len() > 10, "{package}: too few files read");
    if let Some(cycle) = graph.find_cycle() {
        panic!("{package}/src imports in a circle: {}", cycle.join(" → "));
    }
}

#[test]
fn the_transpiler_imports_in_no_circle() {
    assert_no_cycle("transpiler");
}

#[test]
fn the_runtime_imports_in_no_circle() {
    assert_no_cycle("runtime-shim");
}

#[test]
fn the_ir_the_passes_and_the_lowering_import_nothing_from_lift() {
    let graph = ImportGraph::of_dir(&src("transpiler"));
    assert!(graph.edges.contains_key("ir/mod.rs") && graph.edges.contains_key("lift/mod.rs"));
    let imports = graph.imports_between(&["ir/", "opt/", "lower/"], "lift/");
    assert!(imports.is_empty(), "imports from lift/: {imports:?}");
}
