//! The import graph of a crate's source files: which file uses which, read from the sources,
//! so a test can assert that the graph has no circles and that a layer imports nothing from
//! another (`DESIGN.md` §1: data flows one way; no stage reaches back into an earlier one).
//!
//! **Edges.** Every `use` declaration (nested groups `use a::{b::c, d}`, `pub use`, `self`
//! in groups, renames, globs) and every path written in code that starts with `crate::`,
//! `super::` or `self::` is resolved to the file of the deepest module it names: `a/b.rs` or
//! `a/b/mod.rs` for module `a::b`, else the file of the nearest module above (an item
//! `crate::a::Item` is in `a`'s file). A path whose first segment is a child module of the
//! current one (`use function::lower_function` in `lower/mod.rs`) is resolved from there;
//! other first segments name other crates and make no edge. So a `mod.rs` or `lib.rs` that
//! re-exports its children (`pub use x::Y`) depends on them, and a child that imports an
//! item defined in its `mod.rs` depends on that `mod.rs`. Declaring a module (`mod x;`) is
//! not an edge.
//!
//! **What is left out.** Comments, string and character literals; items under
//! `#[cfg(test)]` (unit tests start from EVM code through the front end, so the test module
//! of a pass may import `lift`: test code is not part of the layering), and the files of
//! modules declared under `#[cfg(test)]`.
//!
//! **Crate roots.** `lib.rs` (or `main.rs`) at the top, and each binary under `bin/`
//! (`bin/x.rs` or `bin/x/main.rs`) is a crate of its own: its `crate::` is its root, and
//! the library is another crate (no edge).

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::Path,
};

/// A crate's files and the files each one imports from, by path relative to `src/`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportGraph {
    /// Per file, the files it imports from (never itself).
    pub edges: BTreeMap<String, BTreeSet<String>>,
}

impl ImportGraph {
    /// The graph of the crate whose sources are in `src` (every `.rs` file under it).
    pub fn of_dir(src: &Path) -> Self {
        let mut files = BTreeMap::new();
        collect(src, src, &mut files);
        Self::of_files(&files)
    }

    /// The graph of the files `files` (path relative to `src/` → source text).
    pub fn of_files(files: &BTreeMap<String, String>) -> Self {
        let cleaned: BTreeMap<&str, Cleaned> = files
            .iter()
            .map(|(path, text)| (path.as_str(), clean(text)))
            .collect();
        // Files declared under #[cfg(test)], and every file below them, are left out.
        let mut test_files = BTreeSet::new();
        for (path, file) in &cleaned {
            let Some(crate_) = crate_of(path) else {
                continue;
            };
            let module = module_of(path, &crate_);
            for name in &file.test_modules {
                let mut child = module.clone();
                child.push(name.clone());
                for candidate in files.keys() {
                    if crate_of(candidate).as_ref() == Some(&crate_)
                        && module_of(candidate, &crate_).starts_with(&child)
                    {
                        test_files.insert(candidate.clone());
                    }
                }
            }
        }
        let mut graph = ImportGraph::default();
        for (path, file) in &cleaned {
            if test_files.contains(*path) {
                continue;
            }
            let Some(crate_) = crate_of(path) else {
                continue;
            };
            let module = module_of(path, &crate_);
            let edges = graph.edges.entry(path.to_string()).or_default();
            for (inline, import) in &file.paths {
                let mut here = module.clone();
                here.extend(inline.iter().cloned());
                let Some(target) = resolve(&here, import, &crate_, files, &test_files) else {
                    continue;
                };
                if target != *path {
                    edges.insert(target);
                }
            }
        }
        graph
    }

    /// A circle of imports, as the files along it (the first repeated at the end), if there
    /// is one.
    pub fn find_cycle(&self) -> Option<Vec<String>> {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            Open,
            Done,
        }
        let mut marks: BTreeMap<&str, Mark> = BTreeMap::new();
        for start in self.edges.keys() {
            if marks.contains_key(start.as_str()) {
                continue;
            }
            // Depth first, with the path from `start` on the stack.
            let mut stack: Vec<(&str, Vec<&str>)> = vec![(start, self.successors(start))];
            marks.insert(start, Mark::Open);
            while let Some((node, pending)) = stack.last_mut() {
                let node = *node;
                match pending.pop() {
                    Some(next) => match marks.get(next) {
                        Some(Mark::Open) => {
                            let from = stack.iter().position(|(n, _)| *n == next).expect("open");
                            let mut cycle: Vec<String> =
                                stack[from..].iter().map(|(n, _)| n.to_string()).collect();
                            cycle.push(next.to_string());
                            return Some(cycle);
                        }
                        Some(Mark::Done) => {}
                        None => {
                            marks.insert(next, Mark::Open);
                            stack.push((next, self.successors(next)));
                        }
                    },
                    None => {
                        marks.insert(node, Mark::Done);
                        stack.pop();
                    }
                }
            }
        }
        None
    }

    /// The imports of files under any of `from` (path prefixes, `ir/`) from files under
    /// `to` (`lift/`), as (importer, imported).
    pub fn imports_between(&self, from: &[&str], to: &str) -> Vec<(String, String)> {
        self.edges
            .iter()
            .filter(|(file, _)| from.iter().any(|prefix| file.starts_with(prefix)))
            .flat_map(|(file, targets)| {
                targets
                    .iter()
                    .filter(|target| target.starts_with(to))
                    .map(move |target| (file.clone(), target.clone()))
            })
            .collect()
    }

    /// The files `file` imports from, in reverse order (popped in order).
    fn successors(&self, file: &str) -> Vec<&str> {
        let mut next: Vec<&str> = self
            .edges
            .get(file)
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        next.reverse();
        next
    }
}

fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<String, String>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(root, &path, files);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let relative = path.strip_prefix(root).expect("under root");
            let relative = relative.to_string_lossy().replace('\\', "/");
            let text = fs::read_to_string(&path).expect("source is UTF-8");
            files.insert(relative, text);
        }
    }
}

/// The crate a file belongs to: the directory of its crate root (`""` for `lib.rs`,
/// `bin/x/` for `bin/x/main.rs`, `bin/x.rs` itself for a one-file binary).
fn crate_of(path: &str) -> Option<String> {
    match path.strip_prefix("bin/") {
        None => Some(String::new()),
        Some(rest) => match rest.split_once('/') {
            Some((name, _)) => Some(format!("bin/{name}/")),
            None => Some(format!("bin/{rest}")),
        },
    }
}

/// The module path of a file in its crate.
fn module_of(path: &str, crate_: &str) -> Vec<String> {
    if path == crate_ {
        return Vec::new();
    }
    let inside = path.strip_prefix(crate_).unwrap_or(path);
    let inside = inside.strip_suffix(".rs").unwrap_or(inside);
    let mut segments: Vec<String> = inside.split('/').map(str::to_string).collect();
    if matches!(
        segments.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        segments.pop();
    }
    segments
}

/// The file of module `module` in crate `crate_`, if there is one.
fn file_of(
    module: &[String],
    crate_: &str,
    files: &BTreeMap<String, String>,
    left_out: &BTreeSet<String>,
) -> Option<String> {
    let candidates: Vec<String> = if module.is_empty() {
        if crate_.ends_with(".rs") {
            vec![crate_.to_string()]
        } else {
            vec![format!("{crate_}lib.rs"), format!("{crate_}main.rs")]
        }
    } else {
        let joined = module.join("/");
        let dir = crate_
            .strip_suffix(".rs")
            .map_or(crate_.to_string(), |_| String::new());
        vec![format!("{dir}{joined}.rs"), format!("{dir}{joined}/mod.rs")]
    };
    candidates
        .into_iter()
        .find(|candidate| files.contains_key(candidate) && !left_out.contains(candidate))
}

/// The file that `path`, written in module `here` of crate `crate_`, names: that of the
/// deepest module along it. `None` for a path into another crate.
fn resolve(
    here: &[String],
    path: &[String],
    crate_: &str,
    files: &BTreeMap<String, String>,
    left_out: &BTreeSet<String>,
) -> Option<String> {
    let mut module: Vec<String> = Vec::new();
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") => rest = &path[1..],
        Some("self" | "super") => {
            module = here.to_vec();
            while let Some(first) = rest.first() {
                match first.as_str() {
                    "self" => {}
                    "super" => {
                        module.pop();
                    }
                    _ => break,
                }
                rest = &rest[1..];
            }
        }
        Some(first) => {
            // A child module of the current one (uniform paths), else another crate.
            let mut child = here.to_vec();
            child.push(first.to_string());
            file_of(&child, crate_, files, left_out)?;
            module = here.to_vec();
        }
        None => return None,
    }
    // The deepest module along the path that has a file; inline modules live in their
    // parent's file.
    let mut deepest = file_of(&module, crate_, files, left_out);
    for segment in rest {
        module.push(segment.clone());
        match file_of(&module, crate_, files, left_out) {
            Some(file) => deepest = Some(file),
            None => break,
        }
    }
    deepest
}

/// A source file's imports, comments, literals and test code removed.
struct Cleaned {
    /// Each path used, with the inline modules it is written in (relative to the file's).
    paths: Vec<(Vec<String>, Vec<String>)>,
    /// Modules declared under `#[cfg(test)]` (`mod tests;`).
    test_modules: Vec<String>,
}

/// A token: an identifier or keyword, `::`, or one punctuation character.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Ident(String),
    PathSep,
    Punct(char),
}

fn clean(text: &str) -> Cleaned {
    let tokens = tokenize(text);
    let tokens = remove_test_items(&tokens);
    let mut paths = Vec::new();
    let mut test_modules = Vec::new();
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Punct('{') => depth += 1,
            Token::Punct('}') => {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
            }
            Token::Ident(word) if word == "mod" => {
                if let (Some(Token::Ident(name)), Some(Token::Punct('{'))) =
                    (tokens.get(i + 1), tokens.get(i + 2))
                {
                    inline.push((name.clone(), depth));
                    depth += 1;
                    i += 3;
                    continue;
                }
            }
            Token::Ident(word) if word == "use" => {
                let end = (i..tokens.len())
                    .find(|&j| tokens[j] == Token::Punct(';'))
                    .unwrap_or(tokens.len());
                let within: Vec<String> = inline.iter().map(|(name, _)| name.clone()).collect();
                for path in use_tree(&tokens[i + 1..end]) {
                    paths.push((within.clone(), path));
                }
                i = end + 1;
                continue;
            }
            Token::Ident(word)
                if matches!(word.as_str(), "crate" | "super" | "self")
                    && tokens.get(i + 1) == Some(&Token::PathSep)
                    && !(i > 0 && tokens[i - 1] == Token::PathSep) =>
            {
                let mut path = vec![word.clone()];
                let mut j = i + 1;
                while tokens.get(j) == Some(&Token::PathSep) {
                    match tokens.get(j + 1) {
                        Some(Token::Ident(next)) => path.push(next.clone()),
                        _ => break,
                    }
                    j += 2;
                }
                let within: Vec<String> = inline.iter().map(|(name, _)| name.clone()).collect();
                paths.push((within, path));
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    for window in tokens.windows(3) {
        if let [Token::Ident(marker), Token::Ident(name), Token::Punct(';')] = window {
            if marker == "\u{0}testmod" {
                test_modules.push(name.clone());
            }
        }
    }
    Cleaned {
        paths,
        test_modules,
    }
}

/// The paths a use tree (what follows `use`, up to its `;`) imports, each a list of
/// segments; `a::{self, b}` gives `a` and `a::b`, a glob the module itself.
fn use_tree(tokens: &[Token]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut i = 0;
    expand(tokens, &mut i, &[], &mut out);
    out
}

fn expand(tokens: &[Token], i: &mut usize, prefix: &[String], out: &mut Vec<Vec<String>>) {
    let mut path = prefix.to_vec();
    // A leading `::` (2015-style absolute path).
    if tokens.get(*i) == Some(&Token::PathSep) {
        *i += 1;
    }
    loop {
        match tokens.get(*i) {
            Some(Token::Ident(word)) if word == "self" && !path.is_empty() => *i += 1,
            Some(Token::Ident(word)) if word == "as" => {
                *i += 2; // the rename
            }
            Some(Token::Ident(word)) => {
                path.push(word.clone());
                *i += 1;
            }
            Some(Token::Punct('*')) => *i += 1,
            Some(Token::PathSep) => *i += 1,
            Some(Token::Punct('{')) => {
                *i += 1;
                loop {
                    match tokens.get(*i) {
                        Some(Token::Punct('}')) => {
                            *i += 1;
                            break;
                        }
                        Some(Token::Punct(',')) => *i += 1,
                        None => break,
                        _ => expand(tokens, i, &path, out),
                    }
                }
                return;
            }
            _ => break,
        }
    }
    if !path.is_empty() {
        out.push(path);
    }
}

/// Removes every item after `#[cfg(test)]`: to its `;` or through its braces. A module
/// declared so (`mod tests;`) is left as the marker `\0testmod tests ;`.
fn remove_test_items(tokens: &[Token]) -> Vec<Token> {
    let attribute: Vec<Token> = ["#", "[", "cfg", "(", "test", ")", "]"]
        .iter()
        .map(|t| match t.chars().next().expect("non-empty") {
            c if c.is_alphabetic() => Token::Ident(t.to_string()),
            c => Token::Punct(c),
        })
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !tokens[i..].starts_with(&attribute) {
            out.push(tokens[i].clone());
            i += 1;
            continue;
        }
        i += attribute.len();
        // The item: a declaration `mod x;`, or anything up to its `;` or closing brace.
        if let (Some(Token::Ident(m)), Some(Token::Ident(name)), Some(Token::Punct(';'))) =
            (tokens.get(i), tokens.get(i + 1), tokens.get(i + 2))
        {
            if m == "mod" {
                out.push(Token::Ident("\u{0}testmod".to_string()));
                out.push(Token::Ident(name.clone()));
                out.push(Token::Punct(';'));
                i += 3;
                continue;
            }
        }
        let mut depth = 0usize;
        while i < tokens.len() {
            match tokens[i] {
                Token::Punct('{') => depth += 1,
                Token::Punct('}') => {
                    depth -= 1;
                    if depth == 0 {
                        i += 1;
                        break;
                    }
                }
                Token::Punct(';') if depth == 0 => {
                    i += 1;
                    break;
                }
                _ => {}
            }
            i += 1;
        }
    }
    out
}

/// Identifiers, `::` and punctuation, without comments and literals.
fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == '"' {
            i = skip_string(&chars, i + 1);
        } else if (c == 'r' || c == 'b')
            && raw_string_start(&chars, i).is_some()
            && !(i > 0 && is_ident(chars[i - 1]))
        {
            let (hashes, quote) = raw_string_start(&chars, i).expect("checked");
            i = quote + 1;
            loop {
                if i >= chars.len() {
                    break;
                }
                if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
                    i += 1 + hashes;
                    break;
                }
                i += 1;
            }
        } else if c == '\'' {
            // A character literal ('x', '\n', '\''), or a lifetime ('a).
            if next == Some('\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
                while i < chars.len() && is_ident(chars[i]) {
                    i += 1;
                }
            }
        } else if is_ident(c) {
            let start = i;
            while i < chars.len() && is_ident(chars[i]) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            // A byte string b"..." is a string.
            if word == "b" && chars.get(i) == Some(&'"') {
                i = skip_string(&chars, i + 1);
            } else {
                tokens.push(Token::Ident(word));
            }
        } else if c == ':' && next == Some(':') {
            tokens.push(Token::PathSep);
            i += 2;
        } else {
            if !c.is_whitespace() {
                tokens.push(Token::Punct(c));
            }
            i += 1;
        }
    }
    tokens
}

/// Where a raw string starting at `i` (`r"`, `r#"`, `br"`) has its opening quote, and how
/// many `#` it has.
fn raw_string_start(chars: &[char], i: usize) -> Option<(usize, usize)> {
    let mut j = i;
    if chars.get(j) == Some(&'b') {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let mut hashes = 0;
    while chars.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    (chars.get(j) == Some(&'"')).then_some((hashes, j))
}

/// Past the end of a string whose contents start at `i`.
fn skip_string(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(files: &[(&str, &str)]) -> ImportGraph {
        let files = files
            .iter()
            .map(|(path, text)| (path.to_string(), text.to_string()))
            .collect();
        ImportGraph::of_files(&files)
    }

    fn edges(graph: &ImportGraph, file: &str) -> Vec<String> {
        graph.edges[file].iter().cloned().collect()
    }

    #[test]
    fn nested_groups_self_super_and_inline_paths_resolve_to_files() {
        let graph = graph(&[
            ("lib.rs", "pub mod a; pub mod b; pub mod c;"),
            ("a/mod.rs", "pub mod x; pub mod y; pub use x::X;"),
            (
                "a/x.rs",
                "use super::{y::{self, Y}, Z as _};\npub struct X;",
            ),
            (
                "a/y.rs",
                "pub struct Y; // use crate::c::C;\nconst S: &str = \"crate::c::C\";",
            ),
            (
                "b.rs",
                "fn f() { let _ = crate::c::deep::Item::new(); use std::fmt; }",
            ),
            (
                "c.rs",
                "#[cfg(test)]\nmod tests { use crate::b; }\npub struct C;",
            ),
        ]);
        assert_eq!(edges(&graph, "a/mod.rs"), ["a/x.rs"]);
        assert_eq!(edges(&graph, "a/x.rs"), ["a/mod.rs", "a/y.rs"]);
        assert!(edges(&graph, "a/y.rs").is_empty(), "comments and strings");
        assert_eq!(
            edges(&graph, "b.rs"),
            ["c.rs"],
            "an item below a module file"
        );
        assert!(edges(&graph, "c.rs").is_empty(), "test code is left out");
        assert_eq!(
            graph.find_cycle(),
            Some(vec!["a/mod.rs".into(), "a/x.rs".into(), "a/mod.rs".into()])
        );
    }

    #[test]
    fn a_planted_cycle_is_found_and_printed_along_its_files() {
        let graph = graph(&[
            ("lib.rs", "mod p; mod q; mod r;"),
            ("p.rs", "use crate::q::Q;"),
            ("q.rs", "pub struct Q; fn f() -> crate::r::R { todo!() }"),
            ("r.rs", "pub use super::p;\npub struct R;"),
        ]);
        assert_eq!(
            graph.find_cycle(),
            Some(vec![
                "p.rs".into(),
                "q.rs".into(),
                "r.rs".into(),
                "p.rs".into()
            ])
        );
        assert_eq!(
            graph.imports_between(&["p"], "q"),
            [("p.rs".to_string(), "q.rs".to_string())]
        );
    }

    #[test]
    fn layers_without_circles_have_none() {
        let graph = graph(&[
            ("lib.rs", "pub mod ir; pub mod lift;"),
            ("ir/mod.rs", "pub mod entities; pub use entities::Value;"),
            ("ir/entities.rs", "pub struct Value;"),
            ("lift/mod.rs", "use crate::ir::{self, Value};"),
            ("bin/tool/main.rs", "mod cmd; use evmove::lift;"),
            ("bin/tool/cmd.rs", "use crate::cmd as _; use super::x;"),
        ]);
        assert_eq!(graph.find_cycle(), None);
        assert_eq!(edges(&graph, "lift/mod.rs"), ["ir/mod.rs"]);
        assert_eq!(edges(&graph, "bin/tool/cmd.rs"), ["bin/tool/main.rs"]);
        assert!(graph.imports_between(&["ir/"], "lift/").is_empty());
    }

    #[test]
    fn test_modules_declared_apart_are_left_out() {
        let graph = graph(&[
            ("lib.rs", "mod a;"),
            ("a/mod.rs", "#[cfg(test)]\nmod tests;\npub struct A;"),
            ("a/tests.rs", "use super::*;"),
        ]);
        assert!(!graph.edges.contains_key("a/tests.rs"));
        assert_eq!(graph.find_cycle(), None);
    }
}
