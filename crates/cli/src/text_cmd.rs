//! `plenary diff` and `plenary merge`: the text engine on notation files.
//! (Owned by the text-engine work; filled in there.)

use std::path::PathBuf;
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

/// Runs `plenary diff`.
pub fn diff(_args: &DiffArgs) -> ExitCode {
    eprintln!("plenary diff: not built yet");
    ExitCode::from(2)
}

/// Runs `plenary merge`.
pub fn merge(_args: &MergeArgs) -> ExitCode {
    eprintln!("plenary merge: not built yet");
    ExitCode::from(2)
}
