//! `plenary convert`: Akoma Ntoso ↔ the notation ↔ JSON, on one instrument or a
//! collection (Final Acts). All conversion lives in `plenary-akn` and `plenary-text`;
//! this file reads the file, selects and prints.

use plenary_akn::AknDocument;
use plenary_text::{Part, Section};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `plenary convert`.
#[derive(clap::Args, Debug)]
pub struct ConvertArgs {
    /// The input: Akoma Ntoso XML or a notation file (detected from the content).
    pub file: PathBuf,
    /// Output format: akn, notation or json (default: notation for XML input, akn
    /// otherwise).
    #[arg(long)]
    pub to: Option<String>,
    /// List the instruments in the file (kind, number, title, provision counts).
    #[arg(long)]
    pub list: bool,
    /// Pick one instrument by its citation, e.g. "Resolution 101".
    #[arg(long)]
    pub select: Option<String>,
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("plenary convert: {msg}");
    ExitCode::from(2)
}

/// Reads a file as AKN (XML) or notation.
pub fn read_documents(path: &std::path::Path) -> Result<(bool, Vec<AknDocument>), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if plenary_akn::looks_like_xml(&bytes) {
        let docs =
            plenary_akn::read_collection(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        return Ok((true, docs));
    }
    let src =
        String::from_utf8(bytes).map_err(|e| format!("{}: not UTF-8: {e}", path.display()))?;
    let insts = plenary_text::parse_collection(&src)
        .map_err(|e| format!("{}:{}:{}: {}", path.display(), e.line, e.column, e.message))?;
    Ok((false, insts.into_iter().map(AknDocument::new).collect()))
}

/// Does this instrument answer to `sel` ("Resolution 101", "Resolution 101 (Rev. Dubai,
/// 2018)", "A/RES/77/211")?
pub fn matches(d: &AknDocument, sel: &str) -> bool {
    let sel = sel.trim();
    let i = &d.instrument;
    let short = format!("{} {}", i.kind, i.number);
    short.eq_ignore_ascii_case(sel)
        || i.citation().eq_ignore_ascii_case(sel)
        || d.meta.symbol.as_deref() == Some(sel)
}

/// Runs `plenary convert`.
pub fn convert(args: &ConvertArgs) -> ExitCode {
    let (was_xml, mut docs) = match read_documents(&args.file) {
        Ok(d) => d,
        Err(e) => return fail(&e),
    };
    if let Some(sel) = &args.select {
        docs.retain(|d| matches(d, sel));
        if docs.is_empty() {
            return fail(&format!(
                "no instrument `{sel}` in {}; use --list to see them",
                args.file.display()
            ));
        }
    }
    for d in &docs {
        for w in &d.meta.warnings {
            eprintln!("plenary convert: {}: warning: {w}", d.instrument.citation());
        }
    }
    if args.list {
        let mut out = String::new();
        for d in &docs {
            let i = &d.instrument;
            let count = |part: Part| -> (usize, usize) {
                let secs: Vec<&Section> = i.sections.iter().filter(|s| s.part() == part).collect();
                let provs = secs
                    .iter()
                    .map(|s| {
                        fn n(p: &[plenary_text::Provision]) -> usize {
                            p.iter().map(|x| 1 + n(&x.children)).sum()
                        }
                        n(&s.provisions)
                    })
                    .sum();
                (secs.len(), provs)
            };
            let (ps, pp) = count(Part::Preamble);
            let (os, op) = count(Part::Operative);
            out.push_str(&format!(
                "{}\t{}\tpreamble: {ps} sections, {pp} provisions; operative: {os} sections, {op} provisions; footnotes: {}\n",
                i.citation(),
                i.title,
                i.footnotes.len()
            ));
        }
        return emit(&out);
    }
    let to = args.to.clone().unwrap_or_else(|| {
        if was_xml {
            "notation".into()
        } else {
            "akn".into()
        }
    });
    let out = match to.as_str() {
        "akn" | "xml" => plenary_akn::write_collection(&docs),
        "notation" | "txt" => {
            let insts: Vec<_> = docs.into_iter().map(|d| d.instrument).collect();
            plenary_text::print_collection(&insts)
        }
        "json" => {
            let r = if docs.len() == 1 {
                serde_json::to_string_pretty(&docs[0])
            } else {
                serde_json::to_string_pretty(&docs)
            };
            match r {
                Ok(mut s) => {
                    s.push('\n');
                    s
                }
                Err(e) => return fail(&format!("cannot render JSON: {e}")),
            }
        }
        other => {
            return fail(&format!(
                "unknown format `{other}`; expected akn, notation or json"
            ));
        }
    };
    emit(&out)
}

fn emit(out: &str) -> ExitCode {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(&format!("cannot write output: {e}")),
    }
}
