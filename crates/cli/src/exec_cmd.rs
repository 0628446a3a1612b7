//! `plenary exec`: runs commands from a JSON Lines file, all or nothing, as the
//! secretariat. It is how a secretariat scripts the record: set up a conference, enter
//! proposals received on paper, compile them, record a session's decisions.

use std::path::PathBuf;

use anyhow::{Context, bail};
use plenary_app::App;
use plenary_domain::access::{Actor, Role};
use plenary_domain::command::Command;

/// Arguments of `plenary exec`.
#[derive(clap::Args, Debug)]
pub struct ExecArgs {
    /// A JSON Lines file: one command per line, as `POST /api/v1/commands` takes it
    /// (`{"command": "...", "input": {...}}`); blank lines and lines starting with `#`
    /// are skipped.
    pub file: PathBuf,
    /// The name written on the log as the actor (a secretariat member).
    #[arg(long, default_value = "cli")]
    pub actor: String,
}

/// The commands of a file with the line each came from (from 1), naming the line of
/// the first bad one.
///
/// # Errors
/// `FILE:LINE: what is wrong`.
fn read_numbered(path: &std::path::Path) -> anyhow::Result<Vec<(usize, Command)>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let command: Command =
            serde_json::from_str(line).with_context(|| format!("{}:{}", path.display(), i + 1))?;
        out.push((i + 1, command));
    }
    if out.is_empty() {
        bail!("{}: no command in the file", path.display());
    }
    Ok(out)
}

/// Runs the file's commands in one transaction.
///
/// # Errors
/// A bad line, a refused command (naming its position) or a storage failure; nothing is
/// written then.
pub async fn exec(app: &App, args: &ExecArgs) -> anyhow::Result<()> {
    let numbered = read_numbered(&args.file)?;
    let (lines, commands): (Vec<usize>, Vec<Command>) = numbered.into_iter().unzip();
    let actor = Actor {
        id: args.actor.clone(),
        roles: vec![Role::Secretariat],
    };
    let events = match app.execute_all_at(&actor, &commands).await {
        Ok(events) => events,
        Err(refused) => {
            let place = match refused.index.and_then(|i| lines.get(i)) {
                Some(line) => format!("{}:{line}", args.file.display()),
                None => args.file.display().to_string(),
            };
            return Err(anyhow::Error::new(refused.error)
                .context(format!("{place}: refused; nothing was recorded")));
        }
    };
    println!(
        "{} commands recorded as {} events (head {})",
        commands.len(),
        events.len(),
        events.last().map_or(0, |e| e.seq)
    );
    Ok(())
}
