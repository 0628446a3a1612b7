//! The search benchmark behind `bench/search.sh`: builds a corpus of at least 100,000
//! provisions from the real texts in `../shared/data` (every UN resolution and the ITU
//! PP-18 Final Acts, each repeated with its numbers and country names varied), records it
//! through the normal command path into SQLite (and PostgreSQL when
//! `PLENARY_TEST_POSTGRES_URL` is set), writes the same provisions as plain text, and times
//! 20 fixed queries: `App::search` on each backend (the page of hits with snippets and the
//! total; then with every facet counted too) next to ripgrep scanning the plain text, in
//! the same run; and each backend's floor, one row read by its key through the same pool.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use plenary_app::{App, SearchRequest};
use plenary_domain::access::Actor;
use plenary_domain::command::Command;
use plenary_domain::model::{
    Body, BodyId, Instrument, InstrumentId, InstrumentKind, Revision, RevisionId,
};
use plenary_text::{Inline, Provision, Text};

/// The 20 queries, each with the pattern ripgrep scans for (a phrase or the query's first
/// word: ripgrep has no AND across a line's words, so its side does less work).
const QUERIES: [(&str, &str); 20] = [
    ("\"right to privacy\"", "right to privacy"),
    (
        "\"affordable international Internet connectivity\"",
        "affordable international Internet connectivity",
    ),
    ("privacy digital", "privacy"),
    ("telecommunication*", "\\btelecommunication"),
    ("surveillance OR interception", "surveillance|interception"),
    ("\"Member States\" -developing", "Member States"),
    ("cybersecurity", "\\bcybersecurity"),
    ("\"human rights\" online", "human rights"),
    ("spectrum satellite orbit", "spectrum"),
    ("gender equality", "gender"),
    ("\"Secretary-General\" report", "Secretary-General"),
    ("Brazil", "\\bBrazil"),
    ("accessibility persons disabilities", "accessibility"),
    ("\"developing countries\"", "developing countries"),
    ("climate OR environment", "climate|environment"),
    ("Internet governance", "Internet"),
    ("resolution 2015", "resolution"),
    ("peace security", "peace"),
    ("emergency telecommunications", "emergency"),
    ("\"international law\"", "international law"),
];

const COUNTRIES: [&str; 16] = [
    "Brazil",
    "China",
    "France",
    "India",
    "Kenya",
    "Mexico",
    "Nigeria",
    "Germany",
    "Japan",
    "Egypt",
    "Argentina",
    "Indonesia",
    "Canada",
    "Australia",
    "Spain",
    "Chile",
];

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

fn xml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    out.retain(|p| p.extension().is_some_and(|x| x == "xml"));
    out.sort();
    out
}

/// Every English instrument in the data: UN GA and SC resolutions, PP-18 Final Acts.
fn sources() -> Vec<plenary_text::Instrument> {
    let data = data_dir();
    let mut files = xml_files(&data.join("un-ga-akn4un"));
    files.extend(xml_files(&data.join("un-sc-akn4un")));
    files.push(data.join("itu-pp/pp18_final_acts_akn.xml"));
    let mut out = Vec::new();
    for f in files {
        let Ok(bytes) = std::fs::read(&f) else {
            continue;
        };
        let Ok(docs) = plenary_akn::read_collection(&bytes) else {
            continue;
        };
        for d in docs {
            if d.meta.language.as_deref().is_none_or(|l| l == "eng") {
                out.push(d.instrument);
            }
        }
    }
    out
}

fn count(list: &[Provision]) -> usize {
    list.iter().map(|p| 1 + count(&p.children)).sum()
}

/// Variation `v` of a text: every number shifted by `v`, every listed country replaced by
/// another, so each copy is different text with the same shape.
fn vary(s: &str, v: usize) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if !digits.is_empty() {
            let n: u64 = digits.parse().unwrap_or(0);
            out.push_str(&(n + v as u64).to_string());
            digits.clear();
        }
    };
    for c in s.chars() {
        if c.is_ascii_digit() && digits.len() < 12 {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out);
            out.push(c);
        }
    }
    flush(&mut digits, &mut out);
    for (i, c) in COUNTRIES.iter().enumerate() {
        if out.contains(c) {
            out = out.replace(c, COUNTRIES[(i + v) % COUNTRIES.len()]);
        }
    }
    out
}

fn vary_text(t: &mut Text, v: usize) {
    for inline in &mut t.0 {
        match inline {
            Inline::Run { text } => *text = vary(text, v),
            Inline::Bracket(b) => b
                .alternatives
                .iter_mut()
                .for_each(|a| vary_text(&mut a.text, v)),
            Inline::FootnoteRef { .. } => {}
        }
    }
}

fn vary_provisions(list: &mut [Provision], v: usize, plain: &mut Vec<String>) {
    for p in list {
        vary_text(&mut p.text, v);
        plain.push(p.text.to_plain());
        vary_provisions(&mut p.children, v, plain);
    }
}

/// The commands that record the corpus, and its provisions as plain text.
fn corpus(target: usize) -> (Vec<Command>, Vec<String>) {
    let base = sources();
    let per_copy: usize = base
        .iter()
        .map(|i| {
            i.sections
                .iter()
                .map(|s| count(&s.provisions))
                .sum::<usize>()
        })
        .sum();
    let copies = target.div_ceil(per_copy.max(1));
    eprintln!(
        "{} source instruments, {per_copy} provisions; {copies} variations",
        base.len()
    );
    let mut commands = vec![Command::EstablishBody(Body {
        id: BodyId::new("bench").unwrap(),
        name: "Benchmark corpus".into(),
        acronym: "BENCH".into(),
    })];
    let mut plain = Vec::new();
    for v in 0..copies {
        for (k, source) in base.iter().enumerate() {
            let mut inst = source.clone();
            for s in &mut inst.sections {
                vary_provisions(&mut s.provisions, v, &mut plain);
            }
            let id = format!("bench.v{v}.i{k}");
            let title = if inst.title.trim().is_empty() {
                format!("Instrument {k}")
            } else {
                inst.title.clone()
            };
            commands.push(Command::RegisterInstrument(Instrument {
                id: InstrumentId::new(&id).unwrap(),
                body: BodyId::new("bench").unwrap(),
                kind: InstrumentKind::Resolution,
                number: format!("{k}"),
                title: title.clone(),
                revisions: Vec::new(),
            }));
            commands.push(Command::RecordRevision(Revision {
                id: RevisionId::new(&format!("{id}.r")).unwrap(),
                instrument: InstrumentId::new(&id).unwrap(),
                citation: format!("{} (variation {v})", inst.citation()),
                title,
                previous: None,
                adopted_on: None,
                text: plenary_text::print(&inst),
                draft: None,
                record: None,
            }));
        }
    }
    (commands, plain)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Timings {
    per_query: Vec<(Duration, u64)>,
    all: Vec<Duration>,
}

/// The machine's load average, as `uptime` shows it.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// Times each query `runs` times after two warm-ups: the first page of 20 hits with its
/// snippets and the total, and with `facets` every facet's counts over all hits too.
async fn time_backend(app: &App, runs: usize, facets: bool) -> Timings {
    let reader = Actor::anonymous();
    let mut per_query = Vec::new();
    let mut all = Vec::new();
    for (q, _) in QUERIES {
        let request = SearchRequest {
            facets,
            ..SearchRequest::new(q)
        };
        let mut total = 0;
        for _ in 0..2 {
            total = app.search(&reader, &request).await.unwrap().total;
        }
        let mut times = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            let r = app.search(&reader, &request).await.unwrap();
            times.push(t.elapsed());
            assert_eq!(r.total, total);
            assert_eq!(r.facets.is_empty(), !facets);
        }
        times.sort();
        per_query.push((percentile(&times, 0.5), total));
        all.extend(times);
    }
    all.sort();
    Timings { per_query, all }
}

fn time_ripgrep(corpus: &Path, runs: usize) -> Timings {
    let mut per_query = Vec::new();
    let mut all = Vec::new();
    for (_, pattern) in QUERIES {
        let run = || {
            let t = Instant::now();
            let out = std::process::Command::new("rg")
                .args(["-i", "-c", "-e", pattern])
                .arg(corpus)
                .output()
                .expect("ripgrep runs (apt-get install ripgrep)");
            let lines: u64 = String::from_utf8_lossy(&out.stdout)
                .trim()
                .parse()
                .unwrap_or(0);
            (t.elapsed(), lines)
        };
        let (_, lines) = run();
        let mut times: Vec<Duration> = (0..runs).map(|_| run().0).collect();
        times.sort();
        per_query.push((percentile(&times, 0.5), lines));
        all.extend(times);
    }
    all.sort();
    Timings { per_query, all }
}

async fn load(app: &App, commands: &[Command]) -> Duration {
    let t = Instant::now();
    let (first, rest) = commands.split_first().unwrap();
    app.execute(&Actor::system(), first.clone()).await.unwrap();
    for batch in rest.chunks(200) {
        app.execute_all(&Actor::system(), batch).await.unwrap();
    }
    t.elapsed()
}

/// Loads the corpus unless `SEARCH_BENCH_DIR` keeps one already loaded (for trying one
/// change after another without reloading; the reported runs load afresh).
async fn load_once(app: &App, commands: &[Command], name: &str) {
    let loaded = app
        .revision(&Actor::anonymous(), "bench.v0.i0.r")
        .await
        .ok()
        .flatten()
        .is_some();
    if loaded {
        println!("{name}: corpus already loaded (SEARCH_BENCH_DIR)");
        return;
    }
    let took = load(app, commands).await;
    println!(
        "load {name}: {:.1} s through App::execute_all (200 commands a transaction)",
        took.as_secs_f64()
    );
    // As `plenary import` and `plenary rebuild` do after writing.
    let t = Instant::now();
    app.store().compact_search_index().await.unwrap();
    println!(
        "compact {name}'s search index: {:.2} s",
        t.elapsed().as_secs_f64()
    );
}

/// The least any search can cost on a backend: one read of one row by its key (the chain
/// head) through the same pool, timed as often as the searches are.
async fn time_floor(app: &App, runs: usize) -> Timings {
    let mut all = Vec::new();
    for _ in 0..2 {
        app.store().backend().head().await.unwrap();
    }
    for _ in 0..runs * QUERIES.len() {
        let t = Instant::now();
        app.store().backend().head().await.unwrap();
        all.push(t.elapsed());
    }
    all.sort();
    Timings {
        per_query: Vec::new(),
        all,
    }
}

/// Times the page, and the page with facets unless `SEARCH_BENCH_FACETS=0` (for
/// profiling the page alone); and the backend's floor.
async fn time_both(
    app: &App,
    runs: usize,
    name: &str,
    columns: &mut Vec<(String, Timings)>,
    floors: &mut Vec<(String, Timings)>,
) {
    println!("timing {name} (load average {})", load_average());
    floors.push((name.to_owned(), time_floor(app, runs).await));
    columns.push((format!("{name} page"), time_backend(app, runs, false).await));
    if std::env::var("SEARCH_BENCH_FACETS").is_ok_and(|v| v == "0") {
        return;
    }
    columns.push((
        format!("{name} page+facets"),
        time_backend(app, runs, true).await,
    ));
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let target: usize = std::env::var("PROVISIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(25);
    let kept = std::env::var("SEARCH_BENCH_DIR")
        .ok()
        .filter(|s| !s.is_empty());
    let temp = tempfile::tempdir().unwrap();
    let work = kept
        .as_deref()
        .map_or_else(|| temp.path().to_owned(), PathBuf::from);
    std::fs::create_dir_all(&work).unwrap();
    let (commands, plain) = corpus(target);
    let corpus_file = work.join("corpus.txt");
    std::fs::write(&corpus_file, plain.join("\n") + "\n").unwrap();
    let bytes = std::fs::metadata(&corpus_file).unwrap().len();
    println!(
        "corpus: {} provisions in {} revisions, {:.1} MB as plain text",
        plain.len(),
        commands.len() / 2,
        bytes as f64 / 1e6
    );

    let mut columns: Vec<(String, Timings)> = Vec::new();
    let mut floors: Vec<(String, Timings)> = Vec::new();
    let (sqlite, _) = plenary_store_sqlite::testing::open_store(&work.join("sqlite")).await;
    let app = App::new(sqlite);
    load_once(&app, &commands, "sqlite").await;
    time_both(&app, runs, "SQLite FTS5", &mut columns, &mut floors).await;
    if let Some(h) = plenary_store_postgres::testing::PostgresHarness::from_env() {
        let url = match &kept {
            Some(_) => kept_schema().await,
            None => h.fresh_url().await,
        };
        let (pg, _) = plenary_store_postgres::testing::PostgresHarness::open(&url).await;
        let app = App::new(pg);
        load_once(&app, &commands, "postgres").await;
        time_both(&app, runs, "PostgreSQL GIN", &mut columns, &mut floors).await;
    } else {
        println!("postgres: skipped (PLENARY_TEST_POSTGRES_URL not set)");
    }
    println!("timing ripgrep (load average {})", load_average());
    let rg = time_ripgrep(&corpus_file, runs.min(11));
    println!("done (load average {})", load_average());

    println!();
    print!("| query | hits |");
    for (name, _) in &columns {
        print!(" {name} p50 ms |");
    }
    println!(" ripgrep p50 ms | ripgrep lines |");
    print!("| --- | ---: |");
    for _ in &columns {
        print!(" ---: |");
    }
    println!(" ---: | ---: |");
    for (i, (q, _)) in QUERIES.iter().enumerate() {
        print!(
            "| `{}` | {} |",
            q.replace('|', "\\|"),
            columns[0].1.per_query[i].1
        );
        for (_, t) in &columns {
            print!(" {:.2} |", ms(t.per_query[i].0));
        }
        println!(" {:.1} | {} |", ms(rg.per_query[i].0), rg.per_query[i].1);
    }
    println!();
    println!("| engine | p50 ms | p99 ms | scan p50 ÷ engine p50 |");
    println!("| --- | ---: | ---: | ---: |");
    let rg_p50 = percentile(&rg.all, 0.5);
    let row = |label: &str, t: &Timings| {
        let p50 = percentile(&t.all, 0.5);
        println!(
            "| {label} | {:.3} | {:.3} | {:.0}× |",
            ms(p50),
            ms(percentile(&t.all, 0.99)),
            rg_p50.as_secs_f64() / p50.as_secs_f64()
        );
    };
    for (name, t) in &columns {
        row(name, t);
    }
    row("ripgrep scan", &rg);
    for (name, t) in &floors {
        row(
            &format!("{name}: one row by its key, no search (the floor)"),
            t,
        );
    }
    println!(
        "\nthe goal, 100× faster than the scan, is a p50 of at most {:.3} ms",
        ms(rg_p50) / 100.0
    );
    // Same set on every backend and mode: the totals must agree query by query.
    for (i, (q, _)) in QUERIES.iter().enumerate() {
        for (name, t) in &columns {
            assert_eq!(
                columns[0].1.per_query[i].1, t.per_query[i].1,
                "totals differ for {q} ({name})"
            );
        }
    }
    println!("\nevery backend and mode found the same number of hits for every query");
}

/// A schema kept between runs (`SEARCH_BENCH_DIR`): `search_bench` on the test server.
async fn kept_schema() -> String {
    let url = std::env::var(plenary_store_postgres::testing::URL_VAR).unwrap();
    let admin = sqlx::PgPool::connect(&url).await.unwrap();
    sqlx::raw_sql("CREATE SCHEMA IF NOT EXISTS search_bench")
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let sep = if url.contains('?') { '&' } else { '?' };
    let extra = std::env::var("SEARCH_BENCH_PG_OPTIONS").unwrap_or_default();
    format!("{url}{sep}options=-c%20search_path%3Dsearch_bench{extra}")
}
