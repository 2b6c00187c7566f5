//! Tidy: the invariants ARCHITECTURE.md states, checked over the mock's sources on every
//! `cargo test` (as rust-analyzer's `tidy.rs` does). Each check is a function over file texts, so
//! the planted-violation tests below prove it can fail.
//!
//! * Layers: a top-level module imports only modules earlier in [`LAYERS`], so the areas form no
//!   cycle; within an area, sibling submodules form no cycle either.
//! * The engines (`flow`, `oauth`) and the stores know no HTTP: no `axum` under them.
//! * 4xx/5xx statuses are chosen only in `error.rs`.
//! * No source file over 600 lines unless [`LONG_FILES`] says why; no handler over 60 lines.
//! * ARCHITECTURE.md names every top-level module.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every top-level module, bottom-up: a module may import only those before it.
const LAYERS: &[&str] = &[
    "clock",
    "ids",
    "wire",
    "config",
    "password",
    "graph",
    "schema",
    "permission",
    "tokens",
    "webauthn",
    "openid4vp",
    "fixtures",
    "bundled",
    "store",
    "flow",
    "oauth",
    "error",
    "journal",
    "extract",
    "cors",
    "correlation",
    "faults",
    "state",
    "security",
    "service",
    "routes",
    "app",
    "server",
    "tls",
    "cli",
    "lib",
    "main",
];

/// Modules that must not know HTTP.
const HTTP_FREE: &[&str] = &[
    "flow",
    "oauth",
    "store",
    "graph",
    "schema",
    "permission",
    "fixtures",
    "tokens",
    "webauthn",
    "openid4vp",
    "ids",
];

/// Files allowed over [`MAX_LINES`], and why.
const LONG_FILES: &[(&str, &str)] = &[
    (
        "fixtures.rs",
        "the whole fixture format: one documented struct per file, kept together so the README table and the types match",
    ),
    (
        "routes.rs",
        "the one route table: every path the mock answers in one list, so the router, CORS, the security rules and discovery cannot drift apart",
    ),
    (
        "flow/engine.rs",
        "the step function and its node semantics read top to bottom; splitting it scatters one algorithm",
    ),
];

const MAX_LINES: usize = 600;
const MAX_HANDLER_LINES: usize = 60;

/// The 4xx/5xx status constants of `http::StatusCode`.
const ERROR_STATUSES: &[&str] = &[
    "BAD_REQUEST",
    "UNAUTHORIZED",
    "PAYMENT_REQUIRED",
    "FORBIDDEN",
    "NOT_FOUND",
    "METHOD_NOT_ALLOWED",
    "NOT_ACCEPTABLE",
    "REQUEST_TIMEOUT",
    "CONFLICT",
    "GONE",
    "LENGTH_REQUIRED",
    "PAYLOAD_TOO_LARGE",
    "URI_TOO_LONG",
    "UNSUPPORTED_MEDIA_TYPE",
    "UNPROCESSABLE_ENTITY",
    "TOO_MANY_REQUESTS",
    "INTERNAL_SERVER_ERROR",
    "NOT_IMPLEMENTED",
    "BAD_GATEWAY",
    "SERVICE_UNAVAILABLE",
    "GATEWAY_TIMEOUT",
];

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every source file, by its path under `src/` (`flow/engine.rs`).
fn sources() -> BTreeMap<String, String> {
    fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("the source directory")
            .map(|e| e.expect("an entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let name = path
                    .strip_prefix(root)
                    .expect("under src")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(
                    name,
                    std::fs::read_to_string(&path).expect("a readable file"),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&src_dir(), &src_dir(), &mut out);
    out
}

/// The module path of a file: `flow/engine.rs` → `["flow", "engine"]`, `lib.rs` → `["lib"]`.
fn module_of(file: &str) -> Vec<String> {
    file.trim_end_matches(".rs")
        .split('/')
        .map(str::to_owned)
        .collect()
}

/// The code of a file without its `#[cfg(test)]` module (tests may reach anywhere) and comments.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|line| match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The crate modules a file refers to (`crate::a::b…`, `super::…`, and `use` groups such as
/// `super::{a, b::c}`), as module paths resolved to the longest prefix that is a module.
fn references(file: &str, text: &str, modules: &BTreeSet<Vec<String>>) -> BTreeSet<Vec<String>> {
    let own = module_of(file);
    let parent = own[..own.len().saturating_sub(1)].to_vec();
    let mut found = BTreeSet::new();
    let code = code(text);
    for (prefix, base) in [("crate::", Vec::new()), ("super::", parent)] {
        let mut rest = code.as_str();
        while let Some(i) = rest.find(prefix) {
            let before = rest[..i].chars().last();
            rest = &rest[i + prefix.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            for path in use_tree(&mut rest.chars().peekable()) {
                let mut full = base.clone();
                let mut longest = None;
                for segment in path {
                    full.push(segment);
                    if modules.contains(&full) {
                        longest = Some(full.clone());
                    }
                }
                // `super::x` where x is an item of the parent module refers to the parent.
                if let Some(module) = longest.or_else(|| (!base.is_empty()).then(|| base.clone())) {
                    found.insert(module);
                }
            }
        }
    }
    found.remove(&own);
    found
}

/// The paths of a use tree starting at `chars`: `a::b::{c, d::e}` → `[a,b,c]`, `[a,b,d,e]`.
fn use_tree(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Vec<Vec<String>> {
    let mut prefix = Vec::new();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek() == Some(&'{') {
            chars.next();
            let mut paths = Vec::new();
            loop {
                for tail in use_tree(chars) {
                    let mut full = prefix.clone();
                    full.extend(tail);
                    paths.push(full);
                }
                while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
                    chars.next();
                }
                match chars.peek() {
                    Some('}') => {
                        chars.next();
                        return paths;
                    }
                    None => return paths,
                    Some(_) => {}
                }
            }
        }
        let ident: String =
            std::iter::from_fn(|| chars.next_if(|c| c.is_alphanumeric() || *c == '_')).collect();
        if ident.is_empty() {
            return vec![prefix];
        }
        prefix.push(ident);
        if chars.peek() == Some(&':') {
            chars.next();
            chars.next_if_eq(&':');
        } else {
            return vec![prefix];
        }
    }
}

fn all_modules(files: &BTreeMap<String, String>) -> BTreeSet<Vec<String>> {
    files.keys().map(|f| module_of(f)).collect()
}

/// Imports that point up the layers: `(file, the module it imports)`.
fn layer_violations(files: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let modules = all_modules(files);
    let rank = |top: &str| LAYERS.iter().position(|l| *l == top);
    let mut violations = Vec::new();
    for (file, text) in files {
        let own = module_of(file);
        let own_rank = rank(&own[0]).unwrap_or_else(|| panic!("{file}: add its module to LAYERS"));
        for target in references(file, text, &modules) {
            let target_rank =
                rank(&target[0]).unwrap_or_else(|| panic!("{}: not in LAYERS", target[0]));
            if target_rank > own_rank {
                violations.push((file.clone(), target.join("::")));
            }
        }
    }
    violations
}

/// Cycles among sibling submodules of one area (edges between a module and its ancestors are the
/// parent's own items and do not count).
fn sibling_cycles(files: &BTreeMap<String, String>) -> Vec<Vec<String>> {
    let modules = all_modules(files);
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (file, text) in files {
        let own = module_of(file);
        for target in references(file, text, &modules) {
            let related = own.starts_with(&target) || target.starts_with(&own);
            if !related && own[0] == target[0] {
                // Compare the siblings under the deepest common ancestor.
                let common = own.iter().zip(&target).take_while(|(a, b)| a == b).count();
                let from = own[..=common.min(own.len() - 1)].to_vec();
                let to = target[..=common.min(target.len() - 1)].to_vec();
                if from != to {
                    edges.entry(from).or_default().insert(to);
                }
            }
        }
    }
    let mut cycles = Vec::new();
    for start in edges.keys() {
        let mut stack = vec![(start.clone(), vec![start.join("::")])];
        let mut seen = BTreeSet::new();
        while let Some((node, path)) = stack.pop() {
            for next in edges.get(&node).into_iter().flatten() {
                if next == start {
                    let mut cycle = path.clone();
                    cycle.push(next.join("::"));
                    cycles.push(cycle);
                } else if seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.join("::"));
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    cycles
}

/// HTTP types under the HTTP-free modules.
fn http_in_engines(files: &BTreeMap<String, String>) -> Vec<String> {
    files
        .iter()
        .filter(|(file, _)| HTTP_FREE.contains(&module_of(file)[0].as_str()))
        .filter(|(_, text)| code(text).contains("axum::"))
        .map(|(file, _)| file.clone())
        .collect()
}

/// 4xx/5xx statuses chosen outside `error.rs`.
fn statuses_outside_error(files: &BTreeMap<String, String>) -> Vec<String> {
    let mut found = Vec::new();
    for (file, text) in files.iter().filter(|(f, _)| f.as_str() != "error.rs") {
        let code = code(text);
        for status in ERROR_STATUSES {
            if code.contains(&format!("StatusCode::{status}")) {
                found.push(format!("{file}: StatusCode::{status}"));
            }
        }
    }
    found
}

fn long_files(files: &BTreeMap<String, String>) -> Vec<String> {
    files
        .iter()
        .filter(|(file, text)| {
            text.lines().count() > MAX_LINES && !LONG_FILES.iter().any(|(f, _)| f == file)
        })
        .map(|(file, text)| format!("{file}: {} lines", text.lines().count()))
        .collect()
}

/// Handlers (`async fn` under `routes/`) longer than [`MAX_HANDLER_LINES`].
fn long_handlers(files: &BTreeMap<String, String>) -> Vec<String> {
    let mut found = Vec::new();
    for (file, text) in files.iter().filter(|(f, _)| f.starts_with("routes")) {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if !line.contains("async fn ") || line.starts_with(' ') {
                continue;
            }
            let end = lines[i..]
                .iter()
                .position(|l| *l == "}")
                .map_or(lines.len(), |j| i + j);
            if end - i + 1 > MAX_HANDLER_LINES {
                found.push(format!("{file}:{}: {} lines", i + 1, end - i + 1));
            }
        }
    }
    found
}

fn unmapped_modules(files: &BTreeMap<String, String>, architecture: &str) -> Vec<String> {
    files
        .keys()
        .map(|f| module_of(f)[0].clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .filter(|m| !matches!(m.as_str(), "lib" | "main"))
        .filter(|m| !architecture.contains(&format!("`{m}")))
        .collect()
}

#[test]
fn layers_point_one_way() {
    let violations = layer_violations(&sources());
    assert!(violations.is_empty(), "upward imports: {violations:#?}");
}

#[test]
fn sibling_modules_form_no_cycle() {
    let cycles = sibling_cycles(&sources());
    assert!(cycles.is_empty(), "import cycles: {cycles:#?}");
}

#[test]
fn the_engines_and_stores_know_no_http() {
    let files = http_in_engines(&sources());
    assert!(
        files.is_empty(),
        "axum under an HTTP-free module: {files:?}"
    );
}

#[test]
fn error_statuses_are_chosen_only_in_error_rs() {
    let found = statuses_outside_error(&sources());
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn files_and_handlers_stay_small() {
    let files = sources();
    let long = long_files(&files);
    assert!(long.is_empty(), "files over {MAX_LINES} lines: {long:#?}");
    let handlers = long_handlers(&files);
    assert!(
        handlers.is_empty(),
        "handlers over {MAX_HANDLER_LINES} lines: {handlers:#?}"
    );
}

#[test]
fn architecture_md_maps_every_module() {
    let architecture = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ARCHITECTURE.md"),
    )
    .expect("ARCHITECTURE.md");
    let missing = unmapped_modules(&sources(), &architecture);
    assert!(missing.is_empty(), "not in ARCHITECTURE.md: {missing:?}");
}

// Planted violations: each check fails on a file that breaks its rule.

fn planted(files: &[(&str, &str)]) -> BTreeMap<String, String> {
    files
        .iter()
        .map(|(f, t)| ((*f).to_owned(), (*t).to_owned()))
        .collect()
}

#[test]
fn a_planted_upward_import_is_caught() {
    let files = planted(&[
        ("flow.rs", "mod engine;"),
        ("flow/engine.rs", "use crate::state::AppState;\n"),
        ("state.rs", "pub struct AppState;"),
    ]);
    assert_eq!(
        layer_violations(&files),
        [("flow/engine.rs".to_owned(), "state".to_owned())]
    );
}

#[test]
fn a_planted_sibling_cycle_is_caught() {
    let files = planted(&[
        ("oauth.rs", "mod a; mod b;"),
        ("oauth/a.rs", "use super::b::X;\n"),
        ("oauth/b.rs", "use crate::oauth::a::Y;\n"),
    ]);
    assert!(!sibling_cycles(&files).is_empty());
}

#[test]
fn planted_http_statuses_and_long_code_are_caught() {
    let files = planted(&[
        ("flow/engine.rs", "use axum::Router;\n"),
        ("service/x.rs", "let s = StatusCode::BAD_REQUEST;\n"),
        (
            "routes/y.rs",
            &format!("async fn h() {{\n{}}}\n", "    a();\n".repeat(70)),
        ),
        ("service/z.rs", &"x\n".repeat(700)),
    ]);
    assert_eq!(http_in_engines(&files), ["flow/engine.rs"]);
    assert_eq!(
        statuses_outside_error(&files),
        ["service/x.rs: StatusCode::BAD_REQUEST"]
    );
    assert_eq!(long_handlers(&files).len(), 1);
    assert_eq!(long_files(&files), ["service/z.rs: 700 lines"]);
    assert_eq!(unmapped_modules(&files, "`flow` `routes`"), ["service"]);
}
