//! Word-level tokens and diff of texts.

use crate::model::{Inline, Text};
use std::hash::{Hash, Hasher};

/// A word, a single space, or a whole non-run inline (bracket, footnote reference).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Tok<'a> {
    Word(&'a str),
    Space,
    Inline(&'a Inline),
}

pub(crate) fn tokens(text: &Text) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    for inline in &text.0 {
        match inline {
            Inline::Run { text } => {
                // Words are runs of letters and digits; every other character (space,
                // punctuation) is a token of its own.
                let mut start = None;
                for (i, c) in text.char_indices() {
                    if c.is_alphanumeric() {
                        if start.is_none() {
                            start = Some(i);
                        }
                        continue;
                    }
                    if let Some(s) = start.take() {
                        out.push(Tok::Word(&text[s..i]));
                    }
                    if c == ' ' {
                        out.push(Tok::Space);
                    } else {
                        out.push(Tok::Word(&text[i..i + c.len_utf8()]));
                    }
                }
                if let Some(s) = start {
                    out.push(Tok::Word(&text[s..]));
                }
            }
            other => out.push(Tok::Inline(other)),
        }
    }
    out
}

pub(crate) fn text_of(toks: &[Tok<'_>]) -> Text {
    let mut out = Text::default();
    let mut run = String::new();
    for t in toks {
        match t {
            Tok::Word(w) => run.push_str(w),
            Tok::Space => run.push(' '),
            Tok::Inline(i) => {
                if !run.is_empty() {
                    out.push(Inline::Run {
                        text: std::mem::take(&mut run),
                    });
                }
                out.push((*i).clone());
            }
        }
    }
    if !run.is_empty() {
        out.push(Inline::Run { text: run });
    }
    out
}

/// One step of a word-level edit script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Equal(usize, usize, usize), // old start, new start, len
    Delete(usize, usize),       // old start, len
    Insert(usize, usize),       // new start, len
}

/// Longest paragraph (in tokens, both sides) for which we run the full Myers diff;
/// beyond it, the middle between common prefix and suffix is replaced whole.
const MAX_MYERS_TOKENS: usize = 20_000;

/// Word-level diff: an edit script where each change is a deletion followed by an
/// insertion, and spaces alone never separate two changes.
pub(crate) fn diff_tokens(old: &[Tok<'_>], new: &[Tok<'_>]) -> Vec<Op> {
    let mut raw: Vec<Op> = Vec::new();
    if old.len() + new.len() <= MAX_MYERS_TOKENS {
        // Intern tokens so the diff compares small integers.
        let mut ids: FxMap<&Tok<'_>, u32> = FxMap::default();
        let mut intern = |t| {
            let n = ids.len() as u32;
            *ids.entry(t).or_insert(n)
        };
        let oi: Vec<u32> = old.iter().map(&mut intern).collect();
        let ni: Vec<u32> = new.iter().map(&mut intern).collect();
        for op in similar::capture_diff_slices(similar::Algorithm::Myers, &oi, &ni) {
            match op {
                similar::DiffOp::Equal {
                    old_index,
                    new_index,
                    len,
                } => raw.push(Op::Equal(old_index, new_index, len)),
                similar::DiffOp::Delete {
                    old_index, old_len, ..
                } => raw.push(Op::Delete(old_index, old_len)),
                similar::DiffOp::Insert {
                    new_index, new_len, ..
                } => raw.push(Op::Insert(new_index, new_len)),
                similar::DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } => {
                    raw.push(Op::Delete(old_index, old_len));
                    raw.push(Op::Insert(new_index, new_len));
                }
            }
        }
    } else {
        let pre = old.iter().zip(new).take_while(|(a, b)| a == b).count();
        let max_suf = old.len().min(new.len()) - pre;
        let suf = old
            .iter()
            .rev()
            .zip(new.iter().rev())
            .take(max_suf)
            .take_while(|(a, b)| a == b)
            .count();
        if pre > 0 {
            raw.push(Op::Equal(0, 0, pre));
        }
        if old.len() - suf > pre {
            raw.push(Op::Delete(pre, old.len() - suf - pre));
        }
        if new.len() - suf > pre {
            raw.push(Op::Insert(pre, new.len() - suf - pre));
        }
        if suf > 0 {
            raw.push(Op::Equal(old.len() - suf, new.len() - suf, suf));
        }
    }
    cleanup(raw, old)
}

/// Turns an equal run made only of spaces between two changes into a change, then
/// regroups so that each change is one deletion followed by one insertion.
fn cleanup(raw: Vec<Op>, old: &[Tok<'_>]) -> Vec<Op> {
    let n = raw.len();
    let mut absorbed = vec![false; n];
    for i in 1..n.saturating_sub(1) {
        if let Op::Equal(os, _, len) = raw[i] {
            let only_spaces = old[os..os + len].iter().all(|t| *t == Tok::Space);
            let prev_change = !matches!(raw[i - 1], Op::Equal(..));
            let next_change = !matches!(raw[i + 1], Op::Equal(..));
            if only_spaces && prev_change && next_change && len <= 2 {
                absorbed[i] = true;
            }
        }
    }
    // Group consecutive non-equal ops (absorbed equals count as changes).
    let mut out = Vec::new();
    let mut i = 0;
    let mut old_pos = 0usize;
    let mut new_pos = 0usize;
    while i < n {
        if let Op::Equal(os, ns, len) = raw[i]
            && !absorbed[i]
        {
            out.push(Op::Equal(os, ns, len));
            old_pos = os + len;
            new_pos = ns + len;
            i += 1;
            continue;
        }
        let (mut del, mut ins) = (0usize, 0usize);
        while i < n {
            match raw[i] {
                Op::Equal(_, _, len) if absorbed[i] => {
                    del += len;
                    ins += len;
                }
                Op::Delete(_, len) => del += len,
                Op::Insert(_, len) => ins += len,
                Op::Equal(..) => break,
            }
            i += 1;
        }
        if del > 0 {
            out.push(Op::Delete(old_pos, del));
        }
        if ins > 0 {
            out.push(Op::Insert(new_pos, ins));
        }
        old_pos += del;
        new_pos += ins;
    }
    out
}

/// A hash of a text's content, for exact matching.
pub(crate) fn text_hash(text: &Text) -> u64 {
    let mut h = FxHasher::default();
    text.hash(&mut h);
    h.finish()
}

/// Sorted hashes of the words of a text, for similarity.
pub(crate) fn word_bag(text: &Text) -> Vec<u64> {
    let mut out: Vec<u64> = tokens(text)
        .iter()
        .filter(|t| match t {
            Tok::Space => false,
            Tok::Word(w) => w.chars().any(char::is_alphanumeric),
            Tok::Inline(_) => true,
        })
        .map(|t| {
            let mut h = FxHasher::default();
            t.hash(&mut h);
            h.finish()
        })
        .collect();
    out.sort_unstable();
    out
}

/// Dice coefficient of two word bags: 1.0 for the same words, 0.0 for none shared.
pub(crate) fn similarity(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

/// A fast, non-cryptographic hasher (the Fx hash used inside rustc) for the maps of
/// the diff: keys are our own texts, so hash flooding is not a concern, and SipHash
/// showed up in profiles of large collections.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.add(u64::from_le_bytes(b));
        }
        for &b in chunks.remainder() {
            self.add(b as u64);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl FxHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// Builds [`FxHasher`]s.
pub(crate) type FxBuild = std::hash::BuildHasherDefault<FxHasher>;
/// A `HashMap` with [`FxHasher`].
pub(crate) type FxMap<K, V> = std::collections::HashMap<K, V, FxBuild>;
/// A `HashSet` with [`FxHasher`].
pub(crate) type FxSet<K> = std::collections::HashSet<K, FxBuild>;

/// Threads used for large collections. Fixed rather than asked of the system (which
/// on Linux reads cgroup files: this crate does no I/O); two is what our machines have.
const THREADS: usize = 2;

/// Maps `f` over `items` on [`THREADS`] scoped threads (nothing outlives the call),
/// keeping the order. Small inputs stay on the calling thread.
pub(crate) fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = THREADS;
    if threads < 2 || items.len() < 32 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|c| s.spawn(move || c.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for h in handles {
            match h.join() {
                Ok(v) => out.extend(v),
                Err(e) => std::panic::resume_unwind(e),
            }
        }
        out
    })
}
