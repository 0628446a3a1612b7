//! `plenary import akn FILE...` and `plenary import votes FILE...`: public records into the
//! store, through the ordinary use cases (so on the log), as the system actor. One file is
//! one batch: a bad file is reported (`FILE:LINE: what`) and nothing of it is stored; the
//! other files are still imported, and the exit code is 1 when any failed.

use std::path::PathBuf;
use std::process::ExitCode;

use plenary_app::App;
use plenary_app::import::{FileReport, ImportError, SourceFile};
use plenary_domain::access::Actor;

/// What to import.
#[derive(clap::Subcommand, Debug)]
pub enum ImportWhat {
    /// Akoma Ntoso files (UN General Assembly and Security Council resolutions and drafts,
    /// ITU Final Acts): instruments, revisions and their records.
    Akn(ImportFiles),
    /// Voting records as JSON Lines (UN Digital Library extracts): votes and sponsors, kept
    /// by document symbol.
    Votes(ImportFiles),
}

/// The files to import, and where the record is.
#[derive(clap::Args, Debug)]
pub struct ImportFiles {
    /// The files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    store: crate::StoreArgs,
}

impl ImportWhat {
    /// Where the record is.
    pub fn store(&self) -> &crate::StoreArgs {
        match self {
            Self::Akn(f) | Self::Votes(f) => &f.store,
        }
    }
}

fn name_of(path: &std::path::Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `a, b, c`.
fn listed<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn print_report(r: &FileReport) {
    if r.already_imported {
        println!(
            "{}: already imported (same SHA-256); nothing written",
            r.file
        );
        return;
    }
    if r.events == 0 {
        println!(
            "{}: nothing new: {} already recorded from another file; nothing written",
            r.file,
            listed(&r.already_recorded)
        );
        return;
    }
    let mut parts = Vec::new();
    if r.votes > 0 || r.votes_unchanged > 0 {
        parts.push(plural(r.votes, "vote record", "vote records"));
    } else {
        parts.push(plural(r.instruments, "instrument", "instruments"));
        parts.push(plural(r.revisions.len(), "revision", "revisions"));
        if r.translations > 0 {
            parts.push(plural(r.translations, "translation", "translations"));
        }
        parts.push(plural(r.warnings.len(), "warning", "warnings"));
    }
    println!(
        "{}: imported {} ({} events)",
        r.file,
        parts.join(", "),
        r.events
    );
    if r.votes_unchanged > 0 {
        println!(
            "{}: {} superseded by a later line or unchanged",
            r.file,
            plural(r.votes_unchanged, "vote line", "vote lines")
        );
    }
    if !r.already_recorded.is_empty() {
        println!(
            "{}: already recorded from another file: {}",
            r.file,
            listed(&r.already_recorded)
        );
    }
    for w in &r.warnings {
        eprintln!("{}: warning: {w}", r.file);
    }
    if !r.unmapped_names.is_empty() {
        eprintln!(
            "{}: {} kept as written (no member id): {}",
            r.file,
            plural(r.unmapped_names.len(), "state name", "state names"),
            listed(
                &r.unmapped_names
                    .iter()
                    .map(|n| format!("\"{n}\""))
                    .collect::<Vec<_>>()
            )
        );
    }
}

/// Runs an import against an open application.
pub async fn import(app: &App, what: ImportWhat) -> ExitCode {
    let system = Actor::system();
    let (files, votes) = match what {
        ImportWhat::Akn(f) => (f.files, false),
        ImportWhat::Votes(f) => (f.files, true),
    };
    let mut results: Vec<Result<FileReport, ImportError>> = Vec::new();
    let mut sources = Vec::new();
    for path in files {
        match std::fs::read(&path) {
            Ok(bytes) => sources.push(SourceFile {
                name: name_of(&path),
                bytes,
            }),
            Err(e) => results.push(Err(ImportError {
                file: path.display().to_string(),
                at: None,
                message: format!("cannot read: {e}"),
            })),
        }
    }
    if votes {
        for f in sources {
            results.push(app.import_votes(&system, f).await);
        }
    } else {
        results.extend(app.import_akn(&system, sources).await);
    }
    // A large import leaves the search index in many pieces; searches are faster once it
    // is merged. The import itself is done: a failure here only slows searches down.
    if results.iter().any(Result::is_ok)
        && let Err(e) = app.store().compact_search_index().await
    {
        eprintln!("warning: the search index was not compacted ({e}); searches still work");
    }
    let mut failed = 0;
    for r in &results {
        match r {
            Ok(report) => print_report(report),
            Err(e) => {
                failed += 1;
                eprintln!("{e}; nothing of this file was stored");
            }
        }
    }
    if failed > 0 {
        eprintln!(
            "plenary import: {} of {} failed",
            plural(failed, "file", "files"),
            results.len()
        );
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
