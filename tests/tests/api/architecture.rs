//! The shape of the workspace, checked: the rules in `domain/` know no HTTP or SQL, the use
//! cases in `app/` know no HTTP, route modules never call each other, and statuses cross the
//! layers as enums rather than string literals.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The `[dependencies]` section of a crate's manifest.
fn dependencies(krate: &str) -> String {
    let manifest = read(&root().join(krate).join("Cargo.toml"));
    let start = manifest.find("[dependencies]").unwrap_or(manifest.len());
    let rest = &manifest[start..];
    let end = rest[1..].find("\n[").map_or(rest.len(), |i| i + 1);
    rest[..end].to_owned()
}

#[test]
fn layers_depend_only_downwards() {
    let domain = dependencies("domain");
    for forbidden in ["actix", "diesel", "tokio", "utoipa", "praxis-"] {
        assert!(
            !domain.contains(forbidden),
            "domain/ depends on {forbidden}"
        );
    }
    let persistence = dependencies("persistence");
    for forbidden in ["actix", "utoipa", "praxis-app", "praxis-api"] {
        assert!(
            !persistence.contains(forbidden),
            "persistence/ depends on {forbidden}"
        );
    }
    let app = dependencies("app");
    for forbidden in ["actix", "utoipa", "praxis-api", "tokio"] {
        assert!(!app.contains(forbidden), "app/ depends on {forbidden}");
    }
}

#[test]
fn no_route_module_imports_another_route_module() {
    let mut files = Vec::new();
    rust_files(&root().join("api/src/routes"), &mut files);
    assert!(files.len() > 20, "route modules not found");
    for file in files {
        let text = read(&file);
        for line in text.lines() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            assert!(
                !code.contains("crate::routes::") && !code.contains("super::"),
                "{} imports another route module: {code}",
                file.display()
            );
        }
    }
}

/// Lines of code outside tests, comments, attributes and OpenAPI examples.
fn code_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut example_depth: i32 = 0;
    for line in text.lines() {
        let code = line.trim_start();
        if code.starts_with("#[cfg(test)]") {
            break;
        }
        if example_depth > 0 || code.contains("example") {
            example_depth += i32::try_from(line.matches('(').count()).unwrap_or(0);
            example_depth -= i32::try_from(line.matches(')').count()).unwrap_or(0);
            example_depth = example_depth.max(0);
            continue;
        }
        if code.starts_with("//") || code.starts_with("#[") {
            continue;
        }
        lines.push(line.to_owned());
    }
    lines
}

#[test]
fn statuses_cross_the_layers_as_enums_not_strings() {
    let mut files = Vec::new();
    rust_files(&root().join("api/src"), &mut files);
    rust_files(&root().join("app/src"), &mut files);
    let statuses = [
        "\"active\"",
        "\"pending_payment\"",
        "\"cancelled\"",
        "\"expired\"",
        "\"submitted\"",
        "\"approved\"",
    ];
    let mut found = Vec::new();
    for file in files {
        for line in code_lines(&read(&file)) {
            if statuses.iter().any(|s| line.contains(s)) {
                found.push(format!("{}: {}", file.display(), line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "status literals outside domain enums:\n{}",
        found.join("\n")
    );
}
