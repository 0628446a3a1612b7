//! Configuration: command-line flags, then environment variables (both through clap),
//! then an optional TOML file, then defaults.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

/// The optional configuration file (`--config FILE` or `PLENARY_CONFIG`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Data directory of the embedded store.
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL URL.
    pub database_url: Option<String>,
    /// Address to listen on.
    pub listen: Option<String>,
    /// Log filter, as `RUST_LOG`.
    pub log: Option<String>,
    /// Bearer token granting the secretariat role on the API.
    pub admin_token: Option<String>,
    /// Directory of documents' files (default: `files` in the data directory).
    pub files_dir: Option<PathBuf>,
    /// S3 bucket of documents' files (needs the `s3` feature).
    pub s3_bucket: Option<String>,
    /// Largest file of a language version, in bytes.
    pub max_file_bytes: Option<usize>,
}

impl FileConfig {
    /// Reads a file; a missing file named explicitly is an error.
    pub fn read(path: Option<&Path>) -> anyhow::Result<Self> {
        let Some(path) = path else {
            return Ok(Self::default());
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read configuration file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("in configuration file {}", path.display()))
    }
}

/// Where the record is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Embedded SQLite in a data directory.
    Sqlite(PathBuf),
    /// PostgreSQL at a URL.
    Postgres(String),
}

/// The default data directory.
pub const DEFAULT_DATA_DIR: &str = "./plenary-data";
/// The default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Chooses the store from flags (or environment) and the file.
pub fn target(
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    file: &FileConfig,
) -> anyhow::Result<Target> {
    let url = database_url.or_else(|| file.database_url.clone());
    let dir = data_dir.or_else(|| file.data_dir.clone());
    match (url, dir) {
        (Some(_), Some(_)) => bail!("give either a data directory or a database URL, not both"),
        (Some(url), None) => {
            if url.starts_with("postgres://") || url.starts_with("postgresql://") {
                Ok(Target::Postgres(url))
            } else {
                bail!(
                    "database URL must start with postgres:// or postgresql:// (for SQLite, use --data-dir)"
                )
            }
        }
        (None, dir) => Ok(Target::Sqlite(
            dir.unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR)),
        )),
    }
}

/// Where documents' files are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Files {
    /// A local directory.
    Local(PathBuf),
    /// An S3-compatible bucket.
    S3(String),
    /// Nowhere: uploads are refused (PostgreSQL without a files directory or bucket).
    None,
}

/// Chooses the file store: flags (or environment), then the file, then `files` in the
/// SQLite data directory.
pub fn files(
    files_dir: Option<PathBuf>,
    s3_bucket: Option<String>,
    target: &Target,
    file: &FileConfig,
) -> anyhow::Result<Files> {
    let dir = files_dir.or_else(|| file.files_dir.clone());
    let bucket = s3_bucket.or_else(|| file.s3_bucket.clone());
    Ok(match (dir, bucket, target) {
        (Some(_), Some(_), _) => bail!("give either a files directory or an S3 bucket, not both"),
        (Some(dir), None, _) => Files::Local(dir),
        (None, Some(bucket), _) => Files::S3(bucket),
        (None, None, Target::Sqlite(data)) => Files::Local(data.join("files")),
        (None, None, Target::Postgres(_)) => Files::None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file() {
        let file = FileConfig {
            data_dir: Some("from-file".into()),
            ..FileConfig::default()
        };
        assert_eq!(
            target(Some("from-flag".into()), None, &file).unwrap(),
            Target::Sqlite("from-flag".into())
        );
        assert_eq!(
            target(None, None, &file).unwrap(),
            Target::Sqlite("from-file".into())
        );
    }

    #[test]
    fn a_non_postgres_url_is_refused_with_a_hint() {
        let err = target(None, Some("mysql://x".into()), &FileConfig::default()).unwrap_err();
        assert!(err.to_string().contains("postgres://"));
    }

    #[test]
    fn files_default_to_the_data_directory_and_flags_win() {
        let file = FileConfig::default();
        let sqlite = Target::Sqlite("data".into());
        assert_eq!(
            files(None, None, &sqlite, &file).unwrap(),
            Files::Local("data/files".into())
        );
        assert_eq!(
            files(Some("elsewhere".into()), None, &sqlite, &file).unwrap(),
            Files::Local("elsewhere".into())
        );
        let pg = Target::Postgres("postgres://x".into());
        assert_eq!(files(None, None, &pg, &file).unwrap(), Files::None);
        assert!(files(Some("d".into()), Some("b".into()), &pg, &file).is_err());
    }

    #[test]
    fn unknown_keys_in_the_file_are_refused() {
        let err = toml::from_str::<FileConfig>("colour = 'red'").unwrap_err();
        assert!(err.to_string().contains("unknown field"));
    }
}
