//! Shared helpers: where the real data lives, and schema validation with xmllint.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// `../shared/data` beside the checkout, or `None` (with a message) when absent; in CI
/// its absence fails the test.
pub fn data_dir() -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if d.is_dir() {
        Some(d)
    } else {
        assert!(
            !in_ci(),
            "real data not found at {} (CI needs it)",
            d.display()
        );
        eprintln!(
            "SKIPPED: real data not found at {} (CI always has it)",
            d.display()
        );
        None
    }
}

/// Every `.xml` file under a directory, sorted.
pub fn xml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("readable data directory") {
            let p = e.expect("directory entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "xml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Whether this run is CI's (`CI` set, as CI services and `.ci/run` set it), where every
/// tool outside Rust is installed and a test that needs one must not skip.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Validates files against the OASIS 2018 schema; panics with xmllint's report. Without
/// xmllint the validation is skipped with a message, except in CI, where it fails.
pub fn validate(files: &[PathBuf]) {
    let data = data_dir().expect("schema needs the shared data");
    let xsd = data.join("akn-schema/oasis-os-2018/akomantoso30.xsd");
    let out = match Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .args(files)
        .output()
    {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !in_ci() => {
            eprintln!(
                "SKIPPED: schema validation of {} file(s): xmllint not found (install it with \
                 `apt-get install -y libxml2-utils`; CI requires it)",
                files.len()
            );
            return;
        }
        Err(e) => panic!(
            "xmllint is needed to validate exports against the schema and could not be run \
             ({e}); install it with `apt-get install -y libxml2-utils`"
        ),
    };
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "schema validation failed:\n{}",
        report.lines().take(40).collect::<Vec<_>>().join("\n")
    );
}
