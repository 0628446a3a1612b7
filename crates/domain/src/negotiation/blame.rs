//! Provenance: for every provision and word of a text, the proposal, sponsors and event
//! that introduced it.
//!
//! The record keeps every version of a draft ([`DraftVersion`]). Blame walks them in
//! order, matching each provision's words with the previous version's (longest common
//! subsequence of words; bracket alternatives count with their words). A word that
//! survives keeps its origin; a new word gets the origin of the version that brought it:
//! at compilation, the proposals whose sponsors stand behind the alternative it is in (or,
//! in agreed text, the proposals that amend that provision); at any later step, that step.

use std::collections::BTreeMap;

use plenary_text::{Inline, Instrument, NOC, Text};
use serde::{Deserialize, Serialize};

use super::{DraftVersion, Proposal};
use crate::model::{GroupId, RevisionId};

/// A proposal as blame cites it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProposalRef {
    /// Its id.
    pub id: String,
    /// Its symbol.
    pub symbol: String,
    /// Its sponsors' labels.
    pub sponsors: Vec<String>,
}

/// Where words came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Origin {
    /// The event (absent for the base revision).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<i64>,
    /// The event's kind, or `base` for the revision the draft started from.
    pub kind: String,
    /// The base revision, for words that were there before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<RevisionId>,
    /// Who acted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// In which group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupId>,
    /// At which meeting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting: Option<String>,
    /// The proposals that brought the words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proposals: Vec<ProposalRef>,
}

/// A stretch of words with one origin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Span {
    /// The words.
    pub text: String,
    /// Index into [`Blame::origins`].
    pub origin: usize,
}

/// One provision's provenance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProvisionBlame {
    /// Its identity.
    pub provision: String,
    /// Its label.
    pub label: String,
    /// Who introduced the provision (index into [`Blame::origins`]).
    pub introduced_by: usize,
    /// Its words, by origin.
    pub spans: Vec<Span>,
}

/// The provenance of a text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Blame {
    /// The origins spans point at.
    pub origins: Vec<Origin>,
    /// Every provision of the text, in order.
    pub provisions: Vec<ProvisionBlame>,
}

#[derive(Debug, Clone)]
struct Tok {
    word: String,
    sponsors: Vec<String>,
}

fn tokens(t: &Text, sponsors: &[String], out: &mut Vec<Tok>) {
    for i in &t.0 {
        match i {
            Inline::Run { text } => out.extend(text.split_whitespace().map(|w| Tok {
                word: w.to_owned(),
                sponsors: sponsors.to_vec(),
            })),
            Inline::FootnoteRef { label } => out.push(Tok {
                word: format!("[^{label}]"),
                sponsors: sponsors.to_vec(),
            }),
            Inline::Bracket(b) => {
                for a in &b.alternatives {
                    tokens(&a.text, &a.sponsors, out);
                }
            }
        }
    }
}

fn contains(p: &plenary_text::Provision, id: &str) -> bool {
    p.id == id || p.children.iter().any(|c| contains(c, id))
}

fn flat(list: &[plenary_text::Provision]) -> Vec<&plenary_text::Provision> {
    let mut out = Vec::new();
    for p in list {
        out.push(p);
        out.extend(flat(&p.children));
    }
    out
}

/// For each new word, the index of the old word it continues, if any.
fn matching(old: &[(String, usize)], new: &[Tok]) -> Vec<Option<usize>> {
    let (n, m) = (old.len(), new.len());
    let mut lcs = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if old[i].0 == new[j].word {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = vec![None; m];
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if old[i].0 == new[j].word {
            out[j] = Some(i);
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

struct Origins {
    list: Vec<Origin>,
    by_key: BTreeMap<String, usize>,
}

impl Origins {
    fn add(&mut self, key: String, origin: impl FnOnce() -> Origin) -> usize {
        if let Some(k) = self.by_key.get(&key) {
            return *k;
        }
        self.list.push(origin());
        let k = self.list.len() - 1;
        self.by_key.insert(key, k);
        k
    }
}

/// Computes the provenance of `final_text`, reached from `base` through `versions` (in seq
/// order; the first is the compilation of `proposals`) and, last, the adoption event
/// `adopted` (which may change the heading, never the words).
pub fn blame(
    base: Option<(&RevisionId, &Instrument)>,
    versions: &[(DraftVersion, Instrument)],
    proposals: &[Proposal],
    final_text: &Instrument,
    adopted: Option<&Origin>,
) -> Blame {
    let mut origins = Origins {
        list: Vec::new(),
        by_key: BTreeMap::new(),
    };
    // provision id → (words with origins, who introduced the provision)
    let mut state: BTreeMap<String, (Vec<(String, usize)>, usize)> = BTreeMap::new();
    // The sponsors of the alternative each word stood in, per provision (aligned with
    // `state`), so that a withdrawal's words are not taken for the survivors'.
    let mut tags: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    if let Some((rev, text)) = base {
        let o = origins.add("base".into(), || Origin {
            seq: None,
            kind: "base".into(),
            revision: Some(rev.clone()),
            by: None,
            group: None,
            meeting: None,
            proposals: Vec::new(),
        });
        for (_, _, p) in text.provisions() {
            let mut toks = Vec::new();
            tokens(&p.text, &[], &mut toks);
            state.insert(
                p.id.clone(),
                (toks.into_iter().map(|t| (t.word, o)).collect(), o),
            );
        }
    }
    let parsed: Vec<(&Proposal, Instrument)> = proposals
        .iter()
        .filter_map(|p| plenary_text::parse(&p.text).ok().map(|t| (p, t)))
        .collect();
    let proposal_refs = |ids: &[&Proposal]| -> Vec<ProposalRef> {
        ids.iter()
            .map(|p| ProposalRef {
                id: p.id.clone(),
                symbol: p.symbol.clone(),
                sponsors: p.labels(),
            })
            .collect()
    };
    let steps = versions
        .iter()
        .map(|(v, t)| (Some(v), t))
        .chain(std::iter::once((None, final_text)));
    for (version, text) in steps {
        let step_origin = |origins: &mut Origins, props: Vec<&Proposal>| -> usize {
            match version {
                Some(v) => {
                    let key = format!(
                        "{}:{}",
                        v.seq,
                        props
                            .iter()
                            .map(|p| p.id.as_str())
                            .collect::<Vec<_>>()
                            .join(",")
                    );
                    let refs = proposal_refs(&props);
                    origins.add(key, || Origin {
                        seq: Some(v.seq),
                        kind: v.kind.clone(),
                        revision: None,
                        by: Some(v.occasion.by.clone()),
                        group: Some(v.occasion.group.clone()),
                        meeting: v.occasion.meeting.clone(),
                        proposals: refs,
                    })
                }
                None => match adopted {
                    Some(a) => origins.add("adopted".into(), || a.clone()),
                    None => origins.add("final".into(), || Origin {
                        seq: None,
                        kind: "final".into(),
                        revision: None,
                        by: None,
                        group: None,
                        meeting: None,
                        proposals: Vec::new(),
                    }),
                },
            }
        };
        let compiling = version.is_some_and(|v| v.kind == "draft.compiled");
        let mut next = BTreeMap::new();
        let mut next_tags = BTreeMap::new();
        let present: Vec<&str> = text
            .provisions()
            .iter()
            .map(|(_, _, p)| p.id.as_str())
            .collect();
        // Provisions whose identity left this version may live on under another (a
        // paragraph renumbered when another left): each new provision continues the
        // candidate it shares most words with.
        let gone: Vec<&String> = state
            .keys()
            .filter(|k| !present.contains(&k.as_str()))
            .collect();
        for (_, _, p) in text.provisions() {
            let mut toks = Vec::new();
            tokens(&p.text, &[], &mut toks);
            let empty = (Vec::new(), usize::MAX);
            let shared = |id: &str| {
                state
                    .get(id)
                    .map_or(0, |(old, _)| matching(old, &toks).iter().flatten().count())
            };
            let source = std::iter::once(&p.id)
                .chain(gone.iter().copied())
                .max_by_key(|id| (shared(id), *id == &p.id))
                .filter(|id| state.contains_key(*id));
            let (old, introduced) = source.and_then(|id| state.get(id)).unwrap_or(&empty);
            let old_tags = source.and_then(|id| tags.get(id));
            let withdrawn: Vec<String> = match version {
                Some(v) if v.kind == "proposal.withdrawn" => proposals
                    .iter()
                    .filter(|q| v.proposals.contains(&q.id))
                    .flat_map(Proposal::labels)
                    .collect(),
                _ => Vec::new(),
            };
            let masked: Vec<(String, usize)> = old
                .iter()
                .enumerate()
                .map(|(i, (w, o))| {
                    let tag = old_tags.and_then(|t| t.get(i));
                    let left = tag
                        .is_some_and(|t| !t.is_empty() && t.iter().all(|s| withdrawn.contains(s)));
                    (if left { "\u{0}".to_owned() } else { w.clone() }, *o)
                })
                .collect();
            let matched = matching(&masked, &toks);
            // At compilation, the proposals whose own wording of this provision carries
            // each word (aligned word by word with their closest provision).
            let heading = text
                .sections
                .iter()
                .find(|s| s.provisions.iter().any(|q| contains(q, &p.id)))
                .map(|s| s.heading.as_str());
            let mut carried: Vec<(&Proposal, Vec<bool>)> = Vec::new();
            if compiling {
                for (q, qt) in &parsed {
                    let best = qt
                        .sections
                        .iter()
                        .filter(|s| Some(s.heading.as_str()) == heading)
                        .flat_map(|s| flat(&s.provisions))
                        .map(|qp| {
                            let mut qtoks = Vec::new();
                            tokens(&qp.text, &[], &mut qtoks);
                            let old: Vec<(String, usize)> =
                                qtoks.into_iter().map(|t| (t.word, 0)).collect();
                            let m = matching(&old, &toks);
                            let n = m.iter().flatten().count();
                            (n, m)
                        })
                        .max_by_key(|(n, _)| *n);
                    if let Some((n, m)) = best
                        && n * 2 >= toks.len()
                        && n > 0
                    {
                        carried.push((*q, m.iter().map(Option::is_some).collect()));
                    }
                }
            }
            let touching: Vec<&Proposal> = carried.iter().map(|(q, _)| *q).collect();
            let combined: Vec<&Proposal> = match version.and_then(|v| v.operation.as_ref()) {
                Some(super::Operation::BracketReplaced { combines, .. }) => proposals
                    .iter()
                    .filter(|q| combines.contains(&q.id))
                    .collect(),
                _ => Vec::new(),
            };
            let mut words = Vec::with_capacity(toks.len());
            let mut word_tags = Vec::with_capacity(toks.len());
            for (j, (tok, m)) in toks.into_iter().zip(matched).enumerate() {
                let origin = match m {
                    Some(i) => old[i].1,
                    None if compiling => {
                        // The alternative's sponsors, or in agreed text the proposers the
                        // paragraph names.
                        let own = if tok.sponsors.is_empty() {
                            &p.sponsors
                        } else {
                            &tok.sponsors
                        };
                        let named: Vec<&String> = own.iter().filter(|s| *s != NOC).collect();
                        let props: Vec<&Proposal> = if named.is_empty() {
                            let bringing: Vec<&Proposal> = carried
                                .iter()
                                .filter(|(_, has)| has.get(j).copied().unwrap_or(false))
                                .map(|(q, _)| *q)
                                .collect();
                            if bringing.is_empty() {
                                touching.clone()
                            } else {
                                bringing
                            }
                        } else {
                            proposals
                                .iter()
                                .filter(|q| q.labels().iter().any(|l| named.contains(&l)))
                                .collect()
                        };
                        step_origin(&mut origins, props)
                    }
                    // A compromise that combines proposals' wordings carries them all.
                    None => step_origin(&mut origins, combined.clone()),
                };
                word_tags.push(tok.sponsors.clone());
                words.push((tok.word, origin));
            }
            let introduced = if *introduced == usize::MAX {
                if compiling {
                    step_origin(&mut origins, touching.clone())
                } else {
                    step_origin(&mut origins, Vec::new())
                }
            } else {
                *introduced
            };
            next.insert(p.id.clone(), (words, introduced));
            next_tags.insert(p.id.clone(), word_tags);
        }
        state = next;
        tags = next_tags;
    }
    let mut provisions = Vec::new();
    for (_, _, p) in final_text.provisions() {
        let Some((words, introduced)) = state.get(&p.id) else {
            continue;
        };
        let mut spans: Vec<Span> = Vec::new();
        for (w, o) in words {
            match spans.last_mut() {
                Some(s) if s.origin == *o => {
                    s.text.push(' ');
                    s.text.push_str(w);
                }
                _ => spans.push(Span {
                    text: w.clone(),
                    origin: *o,
                }),
            }
        }
        provisions.push(ProvisionBlame {
            provision: p.id.clone(),
            label: p.label.clone(),
            introduced_by: *introduced,
            spans,
        });
    }
    Blame {
        origins: origins.list,
        provisions,
    }
}
