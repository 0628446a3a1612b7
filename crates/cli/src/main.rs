//! The `plenary` binary.
mod text_cmd;
use clap::Parser;

#[derive(Parser, Debug)]
enum Cli {
    Diff(text_cmd::DiffArgs),
    Merge(text_cmd::MergeArgs),
}

fn main() -> std::process::ExitCode {
    match Cli::parse() {
        Cli::Diff(a) => text_cmd::diff(&a),
        Cli::Merge(a) => text_cmd::merge(&a),
    }
}
