//! Reads of the negotiation: proposals, drafts (now and as they stood at any event),
//! reports, group records, follow-ups, and the provenance of adopted revisions.

use plenary_domain::DomainError;
use plenary_domain::access::{self, Actor};
use plenary_domain::documents::Document;
use plenary_domain::model::Revision;
use plenary_domain::negotiation::blame::{self, Blame, Origin};
use plenary_domain::negotiation::{Draft, DraftVersion, FollowUp, GroupRecord, Proposal, Report};
use plenary_domain::projection::DocKind;

use crate::{App, Result, today};

/// What a draft looks like at a point of the record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct DraftAsOf {
    /// The draft.
    pub draft: String,
    /// The point asked for (an event seq).
    pub as_of: i64,
    /// The version in force then: the last one at or before `as_of`.
    pub version: DraftVersion,
}

fn parse(field: &str, text: &str) -> Result<plenary_text::Instrument> {
    plenary_text::parse(text).map_err(|e| {
        DomainError::CorruptState {
            kind: field.into(),
            id: String::new(),
            detail: e.message,
        }
        .into()
    })
}

impl App {
    /// A proposal as `reader` may see it: its text and reasons are withheld while its
    /// document is restricted, as the document's are.
    fn proposal_view(&self, reader: &Actor, p: Proposal, document: Option<&Document>) -> Proposal {
        let hidden = document.is_some_and(|d| !access::can_read_document(reader, d, today()));
        if !hidden {
            return p;
        }
        // Only what the restriction register shows: which provisions it touches, and why,
        // are part of the withheld content.
        let mut p = p;
        p.text = String::new();
        p.amendments.clear();
        p.noc.clear();
        if document.is_some_and(|d| d.restriction.as_ref().is_some_and(|r| r.title_restricted)) {
            p.title = access::WITHHELD_TITLE.to_owned();
        }
        p
    }

    /// The proposals of a conference, in id order.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn proposals(&self, reader: &Actor, conference: &str) -> Result<Vec<Proposal>> {
        let all: Vec<Proposal> = self.list(DocKind::Proposal, Some(conference)).await?;
        let docs: Vec<Document> = self.list(DocKind::Document, Some(conference)).await?;
        Ok(all
            .into_iter()
            .map(|p| {
                let d = docs.iter().find(|d| d.id == p.id);
                self.proposal_view(reader, p, d)
            })
            .collect())
    }

    /// One proposal.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn proposal(&self, reader: &Actor, id: &str) -> Result<Option<Proposal>> {
        let Some(p) = self.get::<Proposal>(DocKind::Proposal, id).await? else {
            return Ok(None);
        };
        let d: Option<Document> = self.get(DocKind::Document, id).await?;
        Ok(Some(self.proposal_view(reader, p, d.as_ref())))
    }

    /// The drafts of a conference.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn drafts(&self, _reader: &Actor, conference: &str) -> Result<Vec<Draft>> {
        self.list(DocKind::Draft, Some(conference)).await
    }

    /// One draft as it stands.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn draft(&self, _reader: &Actor, id: &str) -> Result<Option<Draft>> {
        self.get(DocKind::Draft, id).await
    }

    /// Every version of a draft, in order.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn draft_versions(&self, _reader: &Actor, id: &str) -> Result<Vec<DraftVersion>> {
        let mut all: Vec<DraftVersion> = self.list(DocKind::DraftVersion, Some(id)).await?;
        all.sort_by_key(|v| v.seq);
        Ok(all)
    }

    /// Every bracket a draft has had, with its own history (opened by which compilation
    /// or objection, alternatives withdrawn, closed by whom, at which meeting, to what), and
    /// for an open one the combined wording the chair may adopt when its alternatives
    /// change different words.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn bracket_histories(
        &self,
        reader: &Actor,
        id: &str,
    ) -> Result<Vec<plenary_domain::negotiation::history::BracketHistory>> {
        let versions = self.draft_versions(reader, id).await?;
        Ok(plenary_domain::negotiation::history::bracket_histories(
            &versions,
        ))
    }

    /// A draft as it stood after event `seq` (`None`: it did not exist yet, or never).
    ///
    /// # Errors
    /// A storage failure.
    pub async fn draft_as_of(
        &self,
        reader: &Actor,
        id: &str,
        seq: i64,
    ) -> Result<Option<DraftAsOf>> {
        let versions = self.draft_versions(reader, id).await?;
        Ok(versions
            .into_iter()
            .rev()
            .find(|v| v.seq <= seq)
            .map(|version| DraftAsOf {
                draft: id.to_owned(),
                as_of: seq,
                version,
            }))
    }

    /// The seq of the last event recorded at or before `at` (RFC 3339), 0 before any.
    ///
    /// # Errors
    /// [`DomainError::InvalidField`] when `at` is not a timestamp; a storage failure.
    pub async fn seq_at(&self, at: &str) -> Result<i64> {
        let t = time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
            .map_err(|e| {
                DomainError::invalid("at", format!("is not an RFC 3339 timestamp: {e}"))
            })?;
        let mut after = 0;
        let mut found = 0;
        loop {
            let page = self.store.backend().events(after, 1000).await?;
            let Some(last) = page.last() else {
                return Ok(found);
            };
            after = last.seq;
            for e in &page {
                let recorded = plenary_domain::event::Timestamp::parse(&e.at)?;
                if recorded.get() > t {
                    return Ok(found);
                }
                found = e.seq;
            }
        }
    }

    /// A report.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn report(&self, _reader: &Actor, id: &str) -> Result<Option<Report>> {
        self.get(DocKind::Report, id).await
    }

    /// The reports of a conference.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn reports(&self, _reader: &Actor, conference: &str) -> Result<Vec<Report>> {
        self.list(DocKind::Report, Some(conference)).await
    }

    /// A group's negotiation record: its drafts, withdrawals and reports.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn group_record(&self, _reader: &Actor, group: &str) -> Result<GroupRecord> {
        Ok(self
            .get(DocKind::GroupRecord, group)
            .await?
            .unwrap_or_default())
    }

    /// The follow-ups of a conference (open and closed).
    ///
    /// # Errors
    /// A storage failure.
    pub async fn follow_ups(&self, _reader: &Actor, conference: &str) -> Result<Vec<FollowUp>> {
        self.list(DocKind::FollowUp, Some(conference)).await
    }

    /// The provenance of a revision adopted on the platform: for each provision and word,
    /// the proposal, sponsors and event that introduced it. `None` for an unknown revision;
    /// a revision recorded by hand (not adopted from a draft) has every word from itself.
    ///
    /// # Errors
    /// A storage failure.
    pub async fn blame(&self, reader: &Actor, revision: &str) -> Result<Option<Blame>> {
        let Some(rev) = self.get::<Revision>(DocKind::Revision, revision).await? else {
            return Ok(None);
        };
        let final_text = parse("revision", &rev.text)?;
        let recorded = self
            .store
            .backend()
            .doc(&plenary_domain::projection::DocKey::new(
                DocKind::Revision,
                revision,
            ))
            .await?
            .map(|d| d.version);
        let adopted = Origin {
            seq: recorded,
            kind: if rev.draft.is_some() {
                "draft.adopted".into()
            } else {
                "revision.recorded".into()
            },
            revision: Some(rev.id.clone()),
            by: None,
            group: None,
            meeting: None,
            proposals: Vec::new(),
        };
        let Some(draft_id) = &rev.draft else {
            return Ok(Some(blame::blame(
                None,
                &[],
                &[],
                &final_text,
                Some(&adopted),
            )));
        };
        let Some(draft) = self.draft(reader, draft_id).await? else {
            return Ok(None);
        };
        let base = match &draft.base {
            Some(b) => {
                let r: Option<Revision> = self.get(DocKind::Revision, b.as_str()).await?;
                match r {
                    Some(r) => Some((r.id.clone(), parse("base", &r.text)?)),
                    None => None,
                }
            }
            None => None,
        };
        let mut versions = Vec::new();
        for v in self.draft_versions(reader, draft_id).await? {
            let t = parse("draft", &v.text)?;
            versions.push((v, t));
        }
        let mut proposals = Vec::new();
        for p in &draft.proposals {
            if let Some(p) = self.proposal(reader, p).await? {
                proposals.push(p);
            }
        }
        Ok(Some(blame::blame(
            base.as_ref().map(|(id, t)| (id, t)),
            &versions,
            &proposals,
            &final_text,
            Some(&adopted),
        )))
    }
}
