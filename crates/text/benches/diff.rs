//! Benchmarks of the text engine on a generated collection of about 1.6 MB:
//! parsing, diffing two revisions, and rendering the redline.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use plenary_text::{diff_collections, parse_collection, render};
use std::hint::black_box;

/// A small deterministic generator (xorshift), so the bench needs no data files.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const WORDS: &[&str] = &[
    "the",
    "Union",
    "Member",
    "States",
    "shall",
    "promote",
    "development",
    "of",
    "telecommunications",
    "information",
    "and",
    "communication",
    "technologies",
    "Secretary-General",
    "Council",
    "report",
    "cooperation",
    "Internet",
    "public",
    "policy",
    "resources",
    "regional",
    "conference",
    "Sector",
    "developing",
    "countries",
    "affordable",
    "access",
    "security",
    "confidence",
    "in",
    "use",
    "to",
    "with",
    "for",
];

fn paragraph(rng: &mut Rng) -> String {
    let n = 8 + rng.below(50);
    let mut s: Vec<&str> = (0..n).map(|_| WORDS[rng.below(WORDS.len())]).collect();
    s.push(";");
    s.join(" ")
}

/// Two revisions of a collection: (old, new) in the notation.
fn collections(target: usize) -> (String, String) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut old, mut new) = (String::new(), String::new());
    let mut n = 0;
    while old.len() < target {
        n += 1;
        for (out, rev) in [
            (&mut old, "Rev. Busan, 2014"),
            (&mut new, "Rev. Dubai, 2018"),
        ] {
            if n > 1 {
                out.push_str("=====\n");
            }
            out.push_str(&format!(
                "Resolution {n} ({rev})\nInstrument {n}\n\nThe Conference ({rev}),\n"
            ));
        }
        for heading in [
            "considering",
            "recognizing",
            "resolves",
            "instructs the Secretary-General",
        ] {
            let paras: Vec<String> = (0..3 + rng.below(10))
                .map(|_| paragraph(&mut rng))
                .collect();
            let mut edited = paras.clone();
            match rng.below(10) {
                0 => {
                    let i = rng.below(edited.len());
                    edited[i] = edited[i].replacen(" the ", " the strengthened ", 1);
                }
                1 => edited.insert(rng.below(edited.len() + 1), paragraph(&mut rng)),
                2 => {
                    edited.remove(rng.below(edited.len()));
                }
                3 => {
                    let p = edited.remove(rng.below(edited.len()));
                    edited.insert(rng.below(edited.len() + 1), p);
                }
                _ => {}
            }
            for (out, list) in [(&mut old, &paras), (&mut new, &edited)] {
                out.push_str(&format!("\n## {heading}\n"));
                for (i, p) in list.iter().enumerate() {
                    out.push_str(&format!("{} {p}\n", i + 1));
                }
            }
        }
    }
    (old, new)
}

fn bench(c: &mut Criterion) {
    let (old, new) = collections(1_600_000);
    let o = parse_collection(&old).expect("old parses");
    let n = parse_collection(&new).expect("new parses");
    let mut g = c.benchmark_group("collection-1.6MB");
    g.sample_size(10);
    g.bench_function("parse", |b| b.iter(|| parse_collection(black_box(&old))));
    g.bench_function("diff", |b| {
        b.iter(|| diff_collections(black_box(&o), black_box(&n)))
    });
    let d = diff_collections(&o, &n);
    g.bench_function("redline_text", |b| {
        b.iter(|| render::collection_text(black_box(&d)))
    });
    g.bench_function("json", |b| {
        b.iter(|| render::collection_json_string(black_box(&d)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
