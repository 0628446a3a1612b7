//! How the negotiation's events change the views: proposals, drafts and their versions,
//! group records, reports, follow-ups.

use super::{
    DecisionRecord, Draft, DraftState, DraftVersion, FollowUp, GroupRecord, Occasion, Outcome,
    Proposal, ProposalStatus, ReadingRecord, version_id,
};
use crate::error::DomainError;
use crate::event::Change;
use crate::model::GroupId;
use crate::projection::{DocKey, DocKind, DocSet, required};

fn draft_key(id: &str) -> DocKey {
    DocKey::new(DocKind::Draft, id)
}

fn record_key(group: &GroupId) -> DocKey {
    DocKey::new(DocKind::GroupRecord, group.as_str())
}

/// The documents a negotiation change reads or writes.
pub fn touches(change: &Change) -> Vec<DocKey> {
    match change {
        Change::ProposalSubmitted(p) => vec![DocKey::new(DocKind::Proposal, p.id.as_str())],
        Change::DraftCompiled { draft, .. } => {
            let mut keys = vec![draft_key(&draft.id), record_key(&draft.group)];
            keys.extend(
                draft
                    .proposals
                    .iter()
                    .map(|p| DocKey::new(DocKind::Proposal, p.as_str())),
            );
            keys
        }
        Change::DraftRevised {
            draft, occasion, ..
        } => vec![draft_key(draft), record_key(&occasion.group)],
        Change::ProposalWithdrawn {
            proposal,
            withdrawal,
            ..
        } => {
            let mut keys = vec![
                DocKey::new(DocKind::Proposal, proposal.as_str()),
                record_key(&withdrawal.group),
            ];
            if let Some(d) = &withdrawal.draft {
                keys.push(draft_key(d));
            }
            keys
        }
        Change::ReadingRecorded { draft, .. } => vec![draft_key(draft)],
        Change::DraftMoved {
            draft,
            to,
            occasion,
        } => vec![
            draft_key(draft),
            record_key(&occasion.group),
            record_key(to),
        ],
        Change::DraftSplit { draft, new, .. } => {
            vec![draft_key(draft), draft_key(&new.id), record_key(&new.group)]
        }
        Change::ReportSubmitted(r) => {
            let mut keys = vec![
                DocKey::new(DocKind::Report, r.id.as_str()),
                record_key(&r.group),
                record_key(&r.to),
            ];
            keys.extend(r.drafts.iter().map(|d| draft_key(&d.draft)));
            keys
        }
        Change::DraftAdopted {
            draft,
            outcome,
            occasion,
            ..
        } => {
            let mut keys = vec![draft_key(draft), record_key(&occasion.group)];
            if let Outcome::Forwarded { to } = outcome {
                keys.push(record_key(to));
            }
            keys
        }
        Change::FollowUpReferred(f) => vec![DocKey::new(DocKind::FollowUp, f.id.as_str())],
        Change::FollowUpClosed { id, .. } => vec![DocKey::new(DocKind::FollowUp, id.as_str())],
        _ => Vec::new(),
    }
}

fn put_draft(docs: &mut DocSet, d: &Draft, seq: i64) {
    let mut d = d.clone();
    if let Ok(text) = plenary_text::parse(&d.text) {
        d.last_bracket = d
            .last_bracket
            .max(super::text_ops::last_bracket_number(&text));
    }
    docs.put(draft_key(&d.id), Some(d.conference.to_string()), &d, seq);
}

/// What a version records of the step that made it, besides its text.
#[derive(Default)]
struct Step {
    proposals: Vec<String>,
    operation: Option<super::Operation>,
    withdrawal: Option<super::Withdrawal>,
}

fn put_version(
    docs: &mut DocSet,
    draft: &str,
    kind: &str,
    occasion: &Occasion,
    step: Step,
    text: &str,
    seq: i64,
) {
    let v = DraftVersion {
        draft: draft.to_owned(),
        seq,
        kind: kind.to_owned(),
        occasion: occasion.clone(),
        proposals: step.proposals,
        text: text.to_owned(),
        operation: step.operation,
        withdrawal: step.withdrawal,
    };
    docs.put(
        DocKey::new(DocKind::DraftVersion, version_id(draft, seq)),
        Some(draft.to_owned()),
        &v,
        seq,
    );
}

fn update_record(
    docs: &mut DocSet,
    group: &GroupId,
    seq: i64,
    f: impl FnOnce(&mut GroupRecord),
) -> Result<(), DomainError> {
    let key = record_key(group);
    let mut r: GroupRecord = docs.get(&key)?.unwrap_or_default();
    f(&mut r);
    docs.put(key, None, &r, seq);
    Ok(())
}

fn kind_of(change: &Change) -> String {
    change.to_kind_and_payload().0
}

/// Applies a negotiation change.
///
/// # Errors
/// When a document the change needs is missing.
pub fn apply(docs: &mut DocSet, change: &Change, seq: i64) -> Result<(), DomainError> {
    match change {
        Change::ProposalSubmitted(p) => {
            docs.put(
                DocKey::new(DocKind::Proposal, p.id.as_str()),
                Some(p.conference.to_string()),
                p,
                seq,
            );
        }
        Change::DraftCompiled { draft, occasion } => {
            for id in &draft.proposals {
                let key = DocKey::new(DocKind::Proposal, id.as_str());
                let mut p: Proposal = required(docs, &key)?;
                p.status = ProposalStatus::Compiled {
                    draft: draft.id.clone(),
                };
                docs.put(key, Some(p.conference.to_string()), &p, seq);
            }
            update_record(docs, &draft.group, seq, |r| r.drafts.push(draft.id.clone()))?;
            put_draft(docs, draft, seq);
            put_version(
                docs,
                &draft.id,
                &kind_of(change),
                occasion,
                Step {
                    proposals: draft.proposals.clone(),
                    ..Step::default()
                },
                &draft.text,
                seq,
            );
        }
        Change::DraftRevised {
            draft,
            operation,
            text,
            occasion,
        } => {
            let mut d: Draft = required(docs, &draft_key(draft))?;
            d.text = text.clone();
            if let super::Operation::AlternativeWithdrawn { withdrawal } = operation {
                d.withdrawals.push(withdrawal.clone());
                update_record(docs, &occasion.group, seq, |r| {
                    r.withdrawals.push(withdrawal.clone());
                })?;
            }
            put_draft(docs, &d, seq);
            put_version(
                docs,
                draft,
                &kind_of(change),
                occasion,
                Step {
                    operation: Some(operation.clone()),
                    ..Step::default()
                },
                text,
                seq,
            );
        }
        Change::ProposalWithdrawn {
            proposal,
            withdrawal,
            text,
            occasion,
        } => {
            let key = DocKey::new(DocKind::Proposal, proposal.as_str());
            let mut p: Proposal = required(docs, &key)?;
            p.status = ProposalStatus::Withdrawn {
                reason: withdrawal.reason.clone(),
                by: withdrawal.by.clone(),
            };
            docs.put(key, Some(p.conference.to_string()), &p, seq);
            update_record(docs, &withdrawal.group, seq, |r| {
                r.withdrawals.push(withdrawal.clone());
            })?;
            if let Some(draft) = &withdrawal.draft {
                let mut d: Draft = required(docs, &draft_key(draft))?;
                d.withdrawals.push(withdrawal.clone());
                if let Some(t) = text {
                    d.text = t.clone();
                    put_version(
                        docs,
                        draft,
                        &kind_of(change),
                        occasion,
                        Step {
                            proposals: vec![proposal.clone()],
                            withdrawal: Some(withdrawal.clone()),
                            ..Step::default()
                        },
                        t,
                        seq,
                    );
                }
                put_draft(docs, &d, seq);
            }
        }
        Change::ReadingRecorded {
            draft,
            reading,
            occasion,
        } => {
            let mut d: Draft = required(docs, &draft_key(draft))?;
            d.readings.push(ReadingRecord {
                reading: *reading,
                occasion: occasion.clone(),
            });
            put_draft(docs, &d, seq);
        }
        Change::DraftMoved {
            draft,
            to,
            occasion,
        } => {
            let mut d: Draft = required(docs, &draft_key(draft))?;
            move_to(docs, &mut d, &occasion.group, to, seq)?;
            put_draft(docs, &d, seq);
        }
        Change::DraftSplit {
            draft,
            text,
            new,
            occasion,
        } => {
            let mut d: Draft = required(docs, &draft_key(draft))?;
            d.text = text.clone();
            put_draft(docs, &d, seq);
            put_version(
                docs,
                draft,
                &kind_of(change),
                occasion,
                Step::default(),
                text,
                seq,
            );
            update_record(docs, &new.group, seq, |r| r.drafts.push(new.id.clone()))?;
            put_draft(docs, new, seq);
            put_version(
                docs,
                &new.id,
                &kind_of(change),
                occasion,
                Step::default(),
                &new.text,
                seq,
            );
        }
        Change::ReportSubmitted(r) => {
            docs.put(
                DocKey::new(DocKind::Report, r.id.as_str()),
                Some(r.conference.to_string()),
                r,
                seq,
            );
            update_record(docs, &r.group, seq, |g| g.reports.push(r.id.clone()))?;
            for reported in &r.drafts {
                let mut d: Draft = required(docs, &draft_key(&reported.draft))?;
                d.reports.push(r.id.clone());
                move_to(docs, &mut d, &r.group, &r.to, seq)?;
                put_draft(docs, &d, seq);
            }
        }
        Change::DraftAdopted {
            draft,
            decision,
            tally,
            outcome,
            occasion,
        } => {
            let mut d: Draft = required(docs, &draft_key(draft))?;
            d.decisions.push(DecisionRecord {
                decision: decision.clone(),
                tally: *tally,
                outcome: outcome.clone(),
                occasion: occasion.clone(),
            });
            match outcome {
                Outcome::Forwarded { to } => move_to(docs, &mut d, &occasion.group, to, seq)?,
                Outcome::Adopted { revision, .. } => {
                    d.state = DraftState::Adopted {
                        revision: revision.clone(),
                    };
                    update_record(docs, &occasion.group, seq, |r| {
                        r.drafts.retain(|x| x != draft)
                    })?;
                }
                Outcome::NotAdopted => {
                    d.state = DraftState::NotAdopted;
                    update_record(docs, &occasion.group, seq, |r| {
                        r.drafts.retain(|x| x != draft)
                    })?;
                }
            }
            put_draft(docs, &d, seq);
        }
        Change::FollowUpReferred(f) => {
            docs.put(
                DocKey::new(DocKind::FollowUp, f.id.as_str()),
                Some(f.conference.to_string()),
                f,
                seq,
            );
        }
        Change::FollowUpClosed { id, closure } => {
            let key = DocKey::new(DocKind::FollowUp, id.as_str());
            let mut f: FollowUp = required(docs, &key)?;
            f.closed = Some(closure.clone());
            docs.put(key, Some(f.conference.to_string()), &f, seq);
        }
        _ => {}
    }
    Ok(())
}

fn move_to(
    docs: &mut DocSet,
    d: &mut Draft,
    from: &GroupId,
    to: &GroupId,
    seq: i64,
) -> Result<(), DomainError> {
    update_record(docs, from, seq, |r| r.drafts.retain(|x| x != &d.id))?;
    update_record(docs, to, seq, |r| {
        if !r.drafts.contains(&d.id) {
            r.drafts.push(d.id.clone());
        }
    })?;
    d.group = to.clone();
    d.path.push(to.clone());
    Ok(())
}
