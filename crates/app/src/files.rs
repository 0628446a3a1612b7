//! Files of documents' language versions: checked by their bytes, written to the object
//! store under their SHA-256 (content addressed) before the event that references them is
//! recorded, so a refused or failed command leaves at most an unreferenced blob; read back
//! under the same access rules as the document's text.

use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt};
use plenary_domain::DomainError;
use plenary_domain::access::{self, Actor};
use plenary_domain::command::Command;
use plenary_domain::documents::{Document, FILE_MEDIA_TYPES, FileRef, recognize_file};
use plenary_domain::model::Language;
use plenary_domain::projection::DocKind;
use plenary_store::StoreError;
use sha2::{Digest, Sha256};

use crate::{App, AppError, Result};

/// Why an upload was refused. Nothing was stored or recorded, except as said.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The bytes are not one of the allowed types, or not the type declared.
    #[error("{0}")]
    UnsupportedType(String),
    /// Refused by the domain or failed in the store (see [`AppError`]).
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<DomainError> for UploadError {
    fn from(e: DomainError) -> Self {
        Self::App(e.into())
    }
}

fn unavailable(what: impl std::fmt::Display) -> AppError {
    AppError::Store(StoreError::Unavailable(format!("file store: {what}")))
}

impl App {
    fn file_store(&self) -> Result<&dyn ObjectStore> {
        self.files
            .as_deref()
            .ok_or_else(|| unavailable("no file store is configured"))
    }

    /// Attaches `bytes` as the file of `document`'s version in `language`. The type is
    /// recognized from the bytes and must be allowed (and match `declared`, the type the
    /// client gave, when it gave one).
    ///
    /// # Errors
    /// [`UploadError::UnsupportedType`] for a type not allowed or not as declared; the
    /// domain's refusals (no right, unknown document, no such language version); a store
    /// failure.
    pub async fn attach_file(
        &self,
        actor: &Actor,
        document: &str,
        language: Language,
        declared: Option<&str>,
        bytes: Vec<u8>,
    ) -> Result<FileRef, UploadError> {
        let media_type = recognize_file(&bytes).map_err(|why| {
            UploadError::UnsupportedType(format!(
                "{why}; the allowed types are {}",
                FILE_MEDIA_TYPES.join(", ")
            ))
        })?;
        if let Some(declared) = declared
            && declared != media_type
        {
            return Err(UploadError::UnsupportedType(format!(
                "the file was sent as {declared} but its bytes are {media_type}"
            )));
        }
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let file = FileRef {
            key: FileRef::key_for(&sha256),
            media_type: media_type.to_owned(),
            size: bytes.len() as u64,
            sha256,
        };
        let command = Command::AttachFile {
            document: document.to_owned(),
            language,
            file: file.clone(),
        };
        // Refuse what the domain would refuse before writing the blob.
        access::authorize(actor, &command)?;
        let found: Option<Document> = self.get(DocKind::Document, document).await?;
        let Some(d) = found else {
            return Err(DomainError::NotFound {
                kind: "document".into(),
                id: document.into(),
            }
            .into());
        };
        if !d.versions.iter().any(|v| v.language == language) {
            return Err(DomainError::invalid(
                "language",
                format!("{} has no version in this language", d.symbol),
            )
            .into());
        }
        self.file_store()?
            .put(&ObjectPath::from(file.key.as_str()), bytes.into())
            .await
            .map_err(unavailable)?;
        self.execute(actor, command).await?;
        Ok(file)
    }

    /// The file of `document`'s version in `language`, with its bytes, when `reader` may
    /// read the document's content (`None` otherwise, or when there is no such file).
    ///
    /// # Errors
    /// A storage failure, or a referenced file missing from the file store.
    pub async fn file(
        &self,
        reader: &Actor,
        document: &str,
        language: Language,
    ) -> Result<Option<(FileRef, Vec<u8>)>> {
        let Some(d) = self.document(reader, document).await? else {
            return Ok(None);
        };
        let Some(file) = d
            .versions
            .into_iter()
            .find(|v| v.language == language)
            .and_then(|v| v.file)
        else {
            return Ok(None);
        };
        let bytes = self
            .file_store()?
            .get(&ObjectPath::from(file.key.as_str()))
            .await
            .map_err(unavailable)?
            .bytes()
            .await
            .map_err(unavailable)?;
        Ok(Some((file, bytes.to_vec())))
    }
}
