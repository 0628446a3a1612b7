//! `plenary diff` and `plenary merge`: the text engine on notation files.
//!
//! All formatting lives in `plenary-text`; this file reads files, picks the output
//! format and maps errors to exit codes (2: unreadable input or bad arguments).

use plenary_text::{Instrument, Proposal, render};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `plenary diff`.
#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// The older revision (notation file).
    pub old: PathBuf,
    /// The newer revision (notation file).
    pub new: PathBuf,
    /// Output format.
    #[arg(long, default_value = "text")]
    pub format: String,
}

/// Arguments of `plenary merge`.
#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    /// The base text (notation file).
    pub base: PathBuf,
    /// One or more proposals (notation files of the amended text).
    #[arg(required = true)]
    pub proposals: Vec<PathBuf>,
    /// Output format.
    #[arg(long, default_value = "notation")]
    pub format: String,
}

/// Reads the instruments of one file: Akoma Ntoso XML (first non-space character `<`),
/// or a notation file holding one instrument or a collection separated by `=====`
/// lines. (The one place that knows file formats.)
fn read_instruments(path: &Path) -> Result<Vec<Instrument>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if plenary_akn::looks_like_xml(&bytes) {
        let docs =
            plenary_akn::read_collection(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok(docs.into_iter().map(|d| d.instrument).collect());
    }
    let src = String::from_utf8(bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    plenary_text::parse_collection(&src)
        .map_err(|e| format!("{}:{}:{}: {}", path.display(), e.line, e.column, e.message))
}

fn fail(cmd: &str, msg: &str) -> ExitCode {
    eprintln!("plenary {cmd}: {msg}");
    ExitCode::from(2)
}

fn emit(out: &str) -> ExitCode {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail("", &format!("cannot write output: {e}")),
    }
}

/// Runs `plenary diff`.
pub fn diff(args: &DiffArgs) -> ExitCode {
    if !matches!(args.format.as_str(), "text" | "json" | "html") {
        return fail(
            "diff",
            &format!(
                "unknown format `{}`; expected text, json or html",
                args.format
            ),
        );
    }
    let old = match read_instruments(&args.old) {
        Ok(i) => i,
        Err(e) => return fail("diff", &e),
    };
    let new = match read_instruments(&args.new) {
        Ok(i) => i,
        Err(e) => return fail("diff", &e),
    };
    let d = plenary_text::diff_collections(&old, &new);
    let out = match args.format.as_str() {
        "json" => render::collection_json_string(&d),
        "html" => render::html_page(
            &format!("{} → {}", args.old.display(), args.new.display()),
            &render::collection_html(&d),
        ),
        _ => render::collection_text(&d),
    };
    let code = emit(&out);
    // The process ends here: freeing large collections would only cost time.
    std::mem::forget(d);
    std::mem::forget((old, new, out));
    code
}

/// Runs `plenary merge`.
pub fn merge(args: &MergeArgs) -> ExitCode {
    if !matches!(args.format.as_str(), "notation" | "json") {
        return fail(
            "merge",
            &format!(
                "unknown format `{}`; expected notation or json",
                args.format
            ),
        );
    }
    let base = match read_instruments(&args.base) {
        Ok(i) => i,
        Err(e) => return fail("merge", &e),
    };
    let mut proposals = Vec::new();
    for path in &args.proposals {
        let insts = match read_instruments(path) {
            Ok(i) => i,
            Err(e) => return fail("merge", &e),
        };
        // Without a `sponsors:` line, the file name stands for the sponsors.
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "proposal".into());
        proposals.push(
            insts
                .into_iter()
                .map(|i| Proposal::with_default_sponsor(i, &stem))
                .collect::<Vec<_>>(),
        );
    }
    let merged = match plenary_text::merge::merge_collection(&base, &proposals) {
        Ok(m) => m,
        Err(e) => return fail("merge", &e),
    };
    let out = match args.format.as_str() {
        "json" => render::instruments_json(&merged),
        _ => plenary_text::print_collection(&merged),
    };
    emit(&out)
}
