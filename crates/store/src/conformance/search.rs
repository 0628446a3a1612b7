//! The search behaviour every backend must show: the same hits for the same queries on
//! the same data, in the same order (the typed phrase first, then newest first), phrases,
//! prefixes, OR and exclusions, facets and filters, snippets, languages, and nothing from a
//! hidden scope.

use std::collections::BTreeSet;

use plenary_domain::command::Command;
use plenary_domain::documents::{
    DocumentKind, LanguageVersion, Restriction, RestrictionReason, Series, Submission,
};
use plenary_domain::model::{
    Body, BodyId, Conference, ConferenceId, Group, GroupId, GroupKind, GroupVisibility, Instrument,
    InstrumentId, InstrumentKind, Language, Member, MemberCategory, MemberId, Region, Revision,
    RevisionId,
};
use plenary_domain::search::{Filters, LANGUAGES, SearchQuery, SearchResults, Status, parse_query};
use time::macros::date;

use super::{Fixture, Harness, run};

const REV_2010: &str = "itu.res-102.guadalajara-2010";
const REV_2014: &str = "itu.res-102.busan-2014";

const TEXT_2010: &str = "Resolution 102 (Rev. Guadalajara, 2010)
ITU's role with regard to international public policy issues pertaining to the Internet
sponsors: ARB

## recognizing
a) the right to privacy in the digital age;
b) that privacy is a right of every person and digital networks carry it;

## resolves
1 to promote affordable international Internet connectivity;
2 to [{USA} encourage | {RCC} require] digital cooperation among Member States;
";

const TEXT_2014: &str = "Resolution 102 (Rev. Busan, 2014)
ITU's role with regard to international public policy issues pertaining to the Internet

## recognizing
a) the need for affordable international Internet connectivity;

## resolves
1 to continue cooperation on connectivity and the digitization of networks;
";

fn id<T: TryFrom<String>>(s: &str) -> T
where
    T::Error: std::fmt::Debug,
{
    T::try_from(s.to_owned()).expect("valid id")
}

fn version(language: Language, text: &str) -> LanguageVersion {
    LanguageVersion {
        language,
        text: Some(text.into()),
        file: None,
    }
}

fn document(title: &str, sponsors: &[&str], versions: Vec<LanguageVersion>) -> Command {
    Command::SubmitDocument(Submission {
        conference: id("pp-14"),
        series: Series::Main,
        kind: DocumentKind::Contribution,
        title: title.into(),
        sponsors: sponsors.iter().map(|s| id(s)).collect(),
        group: Some(id("pp-14.pl")),
        relation: None,
        versions,
        restriction: None,
    })
}

/// A restriction decided today, reviewed in 90 days.
pub fn restriction_from_today() -> Restriction {
    let today = time::OffsetDateTime::now_utc().date();
    Restriction {
        reason: RestrictionReason::SafetyAndSecurity,
        justification: "Describes the guard posts and evacuation routes of the venue.".into(),
        decided_by: "Secretary-General".into(),
        decided_on: today,
        review_on: today + time::Duration::days(90),
        title_restricted: true,
    }
}

/// The text only the restricted document holds.
pub const SECRET: &str = "guardpost evacuation privacy";

/// The text of a restricted document whose title ("Delegate transport schedule") is
/// public: the restriction register shows it.
pub const SHUTTLE: &str = "The shuttle timetable and the drivers' routes.";

async fn world(f: &Fixture) {
    let mut commands = vec![
        Command::EstablishBody(Body {
            id: BodyId::new("itu").expect("id"),
            name: "International Telecommunication Union".into(),
            acronym: "ITU".into(),
        }),
        Command::ConveneConference(Conference {
            id: ConferenceId::new("pp-14").expect("id"),
            body: id("itu"),
            name: "Plenipotentiary Conference 2014".into(),
            short_name: "PP-14".into(),
            city: "Busan".into(),
            country: "Korea (Republic of)".into(),
            opens_on: date!(2014 - 10 - 20),
            closes_on: date!(2014 - 11 - 07),
            languages: Language::ALL.to_vec(),
            rights_rules: Vec::new(),
        }),
        Command::EstablishGroup(Group {
            id: GroupId::new("pp-14.pl").expect("id"),
            conference: id("pp-14"),
            parent: None,
            kind: GroupKind::Plenary,
            name: "Plenary".into(),
            short_name: "PL".into(),
            mandate: "Policy and legal matters.".into(),
            chair: None,
            visibility: GroupVisibility::Public,
            reporting: None,
        }),
    ];
    for (m, name) in [("kor", "Korea (Republic of)"), ("bra", "Brazil")] {
        commands.push(Command::AdmitMember(Member {
            id: MemberId::new(m).expect("id"),
            body: id("itu"),
            name: name.into(),
            category: MemberCategory::MemberState { region: Region::E },
        }));
    }
    commands.push(Command::RegisterInstrument(Instrument {
        id: InstrumentId::new("itu.res-102").expect("id"),
        body: id("itu"),
        kind: InstrumentKind::Resolution,
        number: "102".into(),
        title: "ITU's role with regard to international public policy issues pertaining to the Internet".into(),
        revisions: Vec::new(),
    }));
    for (rev, previous, citation, adopted, text) in [
        (
            REV_2010,
            None,
            "Resolution 102 (Rev. Guadalajara, 2010)",
            date!(2010 - 10 - 22),
            TEXT_2010,
        ),
        (
            REV_2014,
            Some(REV_2010),
            "Resolution 102 (Rev. Busan, 2014)",
            date!(2014 - 11 - 07),
            TEXT_2014,
        ),
    ] {
        commands.push(Command::RecordRevision(Revision {
            id: RevisionId::new(rev).expect("id"),
            instrument: id("itu.res-102"),
            citation: citation.into(),
            title: "ITU's role with regard to international public policy issues pertaining to the Internet".into(),
            previous: previous.map(id),
            adopted_on: Some(adopted),
            text: text.into(),
            draft: None,
            record: None,
        }));
    }
    commands.push(document(
        "Proposals for the protection of users",
        &["kor"],
        vec![
            version(Language::English, "We propose to protect the right to privacy of every user of international networks."),
            version(Language::French, "Nous proposons de protéger la vie privée des utilisateurs des réseaux internationaux."),
        ],
    ));
    commands.push(document(
        "Connectivity",
        &["bra", "kor"],
        vec![
            version(
                Language::Spanish,
                "Proponemos una conectividad internacional asequible para todas las redes.",
            ),
            version(
                Language::Russian,
                "Мы предлагаем доступное международное подключение для всех сетей.",
            ),
            version(
                Language::Arabic,
                "نقترح توصيلية دولية ميسورة التكلفة لجميع الشبكات.",
            ),
            version(
                Language::Chinese,
                "我们建议为所有网络提供负担得起的国际互联网连接。",
            ),
        ],
    ));
    let mut secret = match document(
        "Venue security",
        &[],
        vec![version(Language::English, SECRET)],
    ) {
        Command::SubmitDocument(s) => s,
        _ => unreachable!("a submission"),
    };
    secret.restriction = Some(restriction_from_today());
    commands.push(Command::SubmitDocument(secret));
    let mut titled = match document(
        "Delegate transport schedule",
        &[],
        vec![version(Language::English, SHUTTLE)],
    ) {
        Command::SubmitDocument(s) => s,
        _ => unreachable!("a submission"),
    };
    titled.restriction = Some(Restriction {
        title_restricted: false,
        ..restriction_from_today()
    });
    commands.push(Command::SubmitDocument(titled));
    for c in commands {
        run(&f.store, c).await.expect("world");
    }
}

fn query(q: &str, filters: Filters, hidden: &[&str]) -> SearchQuery {
    let languages: Vec<&str> = match filters.language.as_deref() {
        Some(l) => vec![l],
        None => LANGUAGES.to_vec(),
    };
    let parsed = parse_query(q).expect("query parses");
    SearchQuery {
        matching: parsed.to_match(&languages),
        first: parsed.whole_phrase(&languages),
        filters,
        hidden_scopes: hidden.iter().map(|s| (*s).to_owned()).collect(),
        limit: 100,
        offset: 0,
        facets: true,
    }
}

async fn search_with(f: &Fixture, q: &str, filters: Filters, hidden: &[&str]) -> SearchResults {
    f.store
        .search(&query(q, filters, hidden))
        .await
        .expect("search")
}

async fn found(f: &Fixture, q: &str) -> BTreeSet<String> {
    ids(&search_with(f, q, Filters::default(), &[]).await)
}

fn ids(r: &SearchResults) -> BTreeSet<String> {
    r.hits.iter().map(|h| h.id.clone()).collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn provision(rev: &str, p: &str) -> String {
    format!("revision:{rev}#{p}")
}

/// Words (all must occur), phrases, prefixes, OR and exclusions find exactly these
/// provisions and document versions.
pub async fn search_finds_provisions_and_documents_by_words_phrases_prefixes_or_and_exclusions(
    h: &dyn Harness,
) {
    let f = h.fresh().await;
    world(&f).await;
    let a_2010 = provision(REV_2010, "recognizing.a");
    let b_2010 = provision(REV_2010, "recognizing.b");
    let r1_2010 = provision(REV_2010, "resolves.1");
    let r2_2010 = provision(REV_2010, "resolves.2");
    let a_2014 = provision(REV_2014, "recognizing.a");
    let r1_2014 = provision(REV_2014, "resolves.1");
    let en = "document:pp-14.main-1/en".to_owned();
    let secret = "document:pp-14.main-3/en".to_owned();
    // The second document's title, "Connectivity", is searched with each of its versions.
    let [es, ru, ar, zh] = ["es", "ru", "ar", "zh"].map(|l| format!("document:pp-14.main-2/{l}"));
    let cases: Vec<(&str, Vec<&String>)> = vec![
        // Stemmed words: "rights" finds "right".
        ("privacy rights", vec![&a_2010, &b_2010, &en]),
        // A phrase only where its words stand together, in order.
        ("\"right to privacy\"", vec![&a_2010, &en]),
        ("\"privacy right\"", vec![]),
        // A prefix: digit* finds digital, digitization.
        ("digit*", vec![&a_2010, &b_2010, &r2_2010, &r1_2014]),
        ("\"affordable international\"", vec![&r1_2010, &a_2014]),
        (
            "connectivity OR privacy",
            vec![
                &a_2010, &b_2010, &r1_2010, &a_2014, &r1_2014, &en, &secret, &es, &ru, &ar, &zh,
            ],
        ),
        ("privacy -digital", vec![&en, &secret]),
        ("privacy -\"digital age\"", vec![&b_2010, &en, &secret]),
        // Text inside brackets is found, every alternative.
        ("require cooperation", vec![&r2_2010]),
        ("encourage", vec![&r2_2010]),
        // A document's title is searched with its text.
        ("venue security", vec![&secret]),
        ("nothingmatchesthis", vec![]),
    ];
    for (q, want) in cases {
        let want: BTreeSet<String> = want.into_iter().cloned().collect();
        assert_eq!(found(&f, q).await, want, "query {q}");
    }
}

/// Hits come with the words as typed, next to each other, first; then the rest; newest
/// first within each (undated entries after the dated ones). Pages follow that order
/// without gaps or overlaps.
pub async fn search_shows_the_typed_phrase_first_then_newest_first(h: &dyn Harness) {
    let f = h.fresh().await;
    world(&f).await;
    let newest_first = |hits: &[plenary_domain::search::SearchHit], q: &str| {
        for pair in hits.windows(2) {
            let key =
                |d: Option<time::Date>| d.map_or((1, None), |d| (0, Some(std::cmp::Reverse(d))));
            assert!(
                key(pair[0].date) <= key(pair[1].date),
                "query {q}: {} ({:?}) before {} ({:?})",
                pair[0].id,
                pair[0].date,
                pair[1].id,
                pair[1].date
            );
        }
    };
    for q in [
        "affordable international",
        "international affordable",
        "right privacy",
        "digital age",
        "connectivity OR privacy",
        "digit*",
        "privacy",
    ] {
        let all = search_with(&f, q, Filters::default(), &[]).await;
        assert!(!all.hits.is_empty(), "query {q} finds something");
        let phrase = if q.contains(" OR ") || !q.contains(' ') {
            BTreeSet::new()
        } else {
            found(&f, &format!("\"{q}\"")).await
        };
        let split = all
            .hits
            .iter()
            .take_while(|h| phrase.contains(&h.id))
            .count();
        assert_eq!(
            split,
            phrase.len(),
            "query {q}: the {} hits with the typed phrase come first",
            phrase.len()
        );
        newest_first(&all.hits[..split], q);
        newest_first(&all.hits[split..], q);
        // Page by page, two at a time, the same order.
        let mut paged = Vec::new();
        for offset in (0..all.hits.len()).step_by(2) {
            let page = f
                .store
                .search(&SearchQuery {
                    limit: 2,
                    offset: u32::try_from(offset).expect("small"),
                    facets: false,
                    ..query(q, Filters::default(), &[])
                })
                .await
                .expect("search");
            assert_eq!(
                page.total, all.total,
                "query {q}: every page counts every hit"
            );
            paged.extend(page.hits.into_iter().map(|h| h.id));
        }
        let order: Vec<String> = all.hits.iter().map(|h| h.id.clone()).collect();
        assert_eq!(paged, order, "query {q}: pages follow the order");
    }
    // The phrase comes first even when it is older: "digital networks" stands together
    // in 2010's recognizing b; 2014's resolves 1 has both words apart ("the digitization
    // of networks").
    let hits = search_with(&f, "digital networks", Filters::default(), &[]).await;
    let order: Vec<&str> = hits.hits.iter().map(|h| h.id.as_str()).collect();
    let b_2010 = provision(REV_2010, "recognizing.b");
    let r1_2014 = provision(REV_2014, "resolves.1");
    assert_eq!(order.first(), Some(&b_2010.as_str()), "{order:?}");
    assert!(order.contains(&r1_2014.as_str()), "{order:?}");
}

/// The documents with a restriction in force come from the index exactly as a scan of every
/// document would find them, and one whose restriction is lifted drops out.
pub async fn restricted_documents_come_from_the_index_as_a_scan_would_find_them(h: &dyn Harness) {
    use plenary_domain::documents::Document;
    use plenary_domain::projection::{DocKey, DocKind};
    let f = h.fresh().await;
    world(&f).await;
    let backend = f.store.backend();
    let restricted = |docs: Vec<(String, plenary_domain::projection::Doc)>| -> Vec<String> {
        docs.into_iter()
            .filter(|(id, doc)| {
                doc.decode::<Document>(&DocKey::new(DocKind::Document, id.clone()))
                    .expect("a document")
                    .restriction
                    .is_some()
            })
            .map(|(id, _)| id)
            .collect()
    };
    let ids = |docs: Vec<(String, plenary_domain::projection::Doc)>| -> Vec<String> {
        docs.into_iter().map(|(id, _)| id).collect()
    };
    let scanned = restricted(backend.docs(DocKind::Document, None).await.expect("docs"));
    let indexed = ids(backend.restricted_documents().await.expect("listed"));
    assert!(!scanned.is_empty(), "the world has restricted documents");
    assert_eq!(indexed, scanned);
    assert_eq!(
        restricted(backend.restricted_documents().await.expect("again")),
        indexed,
        "every document listed has a restriction"
    );
    assert!(indexed.contains(&"pp-14.main-3".to_owned()), "{indexed:?}");
    run(
        &f.store,
        Command::DeclassifyDocument {
            document: "pp-14.main-3".into(),
            decided_by: "Secretary-General".into(),
            note: "The conference has closed.".into(),
        },
    )
    .await
    .expect("declassified");
    let after = ids(backend.restricted_documents().await.expect("listed"));
    assert!(!after.contains(&"pp-14.main-3".to_owned()), "{after:?}");
    assert_eq!(
        after,
        restricted(backend.docs(DocKind::Document, None).await.expect("docs"))
    );
}

/// Every language is found in its own words: stems in French, Spanish, Russian and Arabic,
/// character pairs in Chinese.
pub async fn search_is_language_aware(h: &dyn Harness) {
    let f = h.fresh().await;
    world(&f).await;
    let cases = [
        ("réseau", "document:pp-14.main-1/fr"),
        ("protège", "document:pp-14.main-1/fr"),
        ("conectividades", "document:pp-14.main-2/es"),
        ("сеть", "document:pp-14.main-2/ru"),
        ("الشبكات", "document:pp-14.main-2/ar"),
        ("互联网", "document:pp-14.main-2/zh"),
        ("国际互联网连接", "document:pp-14.main-2/zh"),
    ];
    for (q, want) in cases {
        assert_eq!(found(&f, q).await, set(&[want]), "query {q}");
    }
    // Chinese words are pairs in order: a pair that is not in the text finds nothing.
    assert!(found(&f, "网互").await.is_empty());
}

/// Facet counts cover every hit (not only the page), and each filter narrows the hits.
pub async fn search_counts_facets_and_filters_by_every_criterion(h: &dyn Harness) {
    let f = h.fresh().await;
    world(&f).await;
    let all = search_with(
        &f,
        "connectivity OR privacy OR networks",
        Filters::default(),
        &[],
    )
    .await;
    let facet = |r: &SearchResults, name: &str| -> Vec<(String, u64)> {
        r.facets
            .iter()
            .find(|x| x.name == name)
            .map(|x| {
                x.values
                    .iter()
                    .map(|v| (v.value.clone(), v.count))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(all.total, all.hits.len() as u64);
    let total = all.total;
    let kinds: u64 = facet(&all, "kind").iter().map(|(_, c)| c).sum();
    assert_eq!(kinds, total, "every hit has a kind");
    assert!(
        facet(&all, "status").contains(&("open_bracket".to_owned(), 1))
            || facet(&all, "status").iter().any(|(s, _)| s == "adopted")
    );
    assert!(facet(&all, "sponsor").iter().any(|(s, _)| s == "kor"));
    assert!(facet(&all, "language").iter().any(|(l, _)| l == "en"));

    let one_page = SearchQuery {
        limit: 2,
        ..query(
            "connectivity OR privacy OR networks",
            Filters::default(),
            &[],
        )
    };
    let page = f.store.search(&one_page).await.expect("search");
    assert_eq!(page.hits.len(), 2);
    assert_eq!(
        page.total, total,
        "the total counts every hit, not the page"
    );
    assert_eq!(
        page.facets, all.facets,
        "facets count every hit, not the page"
    );
    let next = f
        .store
        .search(&SearchQuery {
            offset: 2,
            ..one_page.clone()
        })
        .await
        .expect("search");
    assert!(ids(&page).is_disjoint(&ids(&next)), "pages do not overlap");
    let past_the_end = f
        .store
        .search(&SearchQuery {
            offset: 50,
            ..one_page.clone()
        })
        .await
        .expect("search");
    assert!(past_the_end.hits.is_empty());
    assert_eq!(
        past_the_end.total, total,
        "a page past the end still counts"
    );
    for offset in [0, 50] {
        let uncounted = f
            .store
            .search(&SearchQuery {
                facets: false,
                offset,
                ..one_page.clone()
            })
            .await
            .expect("search");
        assert!(uncounted.facets.is_empty(), "facets only when asked for");
        assert_eq!(uncounted.total, total);
        let same = if offset == 0 { &page } else { &past_the_end };
        assert_eq!(ids(&uncounted), ids(same));
    }

    let narrowed = |filters: Filters| {
        search_with(
            &f,
            "connectivity OR privacy OR networks OR cooperation",
            filters,
            &[],
        )
    };
    let by_status = narrowed(Filters {
        status: Some(Status::OpenBracket),
        ..Filters::default()
    })
    .await;
    assert_eq!(ids(&by_status), set(&[&provision(REV_2010, "resolves.2")]));
    let by_sponsor = narrowed(Filters {
        sponsor: Some("bra".into()),
        ..Filters::default()
    })
    .await;
    assert!(!by_sponsor.hits.is_empty());
    assert!(
        by_sponsor
            .hits
            .iter()
            .all(|h| h.sponsors.contains(&"bra".to_owned()))
    );
    let by_rcc = narrowed(Filters {
        sponsor: Some("RCC".into()),
        ..Filters::default()
    })
    .await;
    assert_eq!(
        ids(&by_rcc),
        set(&[&provision(REV_2010, "resolves.2")]),
        "a bracket's sponsors are sponsors"
    );
    let by_kind = narrowed(Filters {
        kind: Some("provision".into()),
        ..Filters::default()
    })
    .await;
    assert!(
        by_kind
            .hits
            .iter()
            .all(|h| h.kind == "provision" && h.place.anchor.is_some())
    );
    let by_language = narrowed(Filters {
        language: Some("fr".into()),
        ..Filters::default()
    })
    .await;
    assert!(by_language.hits.iter().all(|h| h.language == "fr"));
    let by_group = narrowed(Filters {
        group: Some("pp-14.pl".into()),
        conference: Some("pp-14".into()),
        ..Filters::default()
    })
    .await;
    assert!(!by_group.hits.is_empty());
    assert!(by_group.hits.iter().all(|h| h.place.document.is_some()));
    let by_date = narrowed(Filters {
        from: Some(date!(2014 - 01 - 01)),
        to: Some(date!(2014 - 12 - 31)),
        ..Filters::default()
    })
    .await;
    assert_eq!(
        ids(&by_date),
        set(&[
            &provision(REV_2014, "recognizing.a"),
            &provision(REV_2014, "resolves.1")
        ]),
    );
}

/// A hidden scope's entries are in no hit, no snippet, no total and no facet count.
pub async fn search_never_shows_what_the_reader_may_not_read(h: &dyn Harness) {
    let f = h.fresh().await;
    world(&f).await;
    let open = search_with(&f, "privacy OR guardpost", Filters::default(), &[]).await;
    let hidden = search_with(
        &f,
        "privacy OR guardpost",
        Filters::default(),
        &["document:pp-14.main-3"],
    )
    .await;
    assert!(ids(&open).contains("document:pp-14.main-3/en"));
    assert!(!ids(&hidden).contains("document:pp-14.main-3/en"));
    assert_eq!(hidden.total + 1, open.total);
    let seen = format!("{hidden:?}");
    assert!(
        !seen.contains("guardpost") && !seen.contains("pp-14.main-3") && !seen.contains("Venue"),
        "{seen}"
    );
    let only_secret = search_with(
        &f,
        "guardpost",
        Filters::default(),
        &["document:pp-14.main-3"],
    )
    .await;
    assert_eq!(only_secret.total, 0);
    assert!(
        only_secret
            .facets
            .iter()
            .all(|facet| facet.values.is_empty())
    );
}

/// A snippet marks each matched word, in the text as written.
pub async fn search_snippets_mark_the_matched_words(h: &dyn Harness) {
    let f = h.fresh().await;
    world(&f).await;
    let r = search_with(
        &f,
        "\"right to privacy\"",
        Filters {
            kind: Some("provision".into()),
            ..Filters::default()
        },
        &[],
    )
    .await;
    let hit = r.hits.first().expect("a hit");
    let marked: Vec<&str> = hit
        .snippet
        .iter()
        .filter(|p| p.mark)
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(marked, vec!["right", "to", "privacy"]);
    let whole: String = hit.snippet.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(whole, "the right to privacy in the digital age;");
    assert_eq!(hit.place.label.as_deref(), Some("a)"));
    assert_eq!(hit.place.section.as_deref(), Some("recognizing"));
    assert_eq!(hit.title, "Resolution 102 (Rev. Guadalajara, 2010)");
}

/// The index changes with the views, in the same transaction, and a rebuild from the log
/// gives the same hits.
pub async fn search_index_follows_the_views_and_survives_a_rebuild(h: &dyn Harness) {
    let f = h.fresh().await;
    world(&f).await;
    let before = found(&f, "connectivity OR privacy OR guardpost").await;
    // Restricting a document re-puts it: its entries are replaced, not doubled.
    run(
        &f.store,
        Command::RestrictDocument {
            document: "pp-14.main-1".into(),
            restriction: restriction_from_today(),
        },
    )
    .await
    .expect("restrict");
    let after = search_with(
        &f,
        "connectivity OR privacy OR guardpost",
        Filters::default(),
        &[],
    )
    .await;
    assert_eq!(ids(&after), before);
    assert_eq!(after.total as usize, before.len());
    // A refused command indexes nothing.
    let refused = run(
        &f.store,
        document(
            "Empty",
            &["nobody"],
            vec![version(Language::English, "zebra")],
        ),
    )
    .await;
    assert!(refused.is_err());
    assert!(found(&f, "zebra").await.is_empty());
    f.store.rebuild_views().await.expect("rebuild");
    assert_eq!(
        found(&f, "connectivity OR privacy OR guardpost").await,
        before
    );
    assert_eq!(found(&f, "\"right to privacy\"").await.len(), 2);
}

/// A restricted document whose title is public (the restriction register shows it) is
/// found by its symbol and title by everyone, and by its text only by readers who may
/// read it (who find it once); a withheld title is found by no one who may not read the
/// document.
pub async fn search_finds_a_restricted_documents_public_title_but_never_its_text(h: &dyn Harness) {
    let f = h.fresh().await;
    world(&f).await;
    let hidden = ["document:pp-14.main-3", "document:pp-14.main-4"];
    let outsider = search_with(&f, "transport schedule", Filters::default(), &hidden).await;
    assert_eq!(ids(&outsider), set(&["document:pp-14.main-4/title"]));
    let hit = &outsider.hits[0];
    assert_eq!(hit.place.document.as_deref(), Some("pp-14.main-4"));
    let shown = format!("{outsider:?}");
    assert!(
        !shown.contains("shuttle") && !shown.contains("timetable"),
        "{shown}"
    );
    assert!(shown.contains("Delegate transport schedule"));
    let by_symbol = search_with(&f, "\"PP14/4\"", Filters::default(), &hidden).await;
    assert_eq!(ids(&by_symbol), set(&["document:pp-14.main-4/title"]));
    assert_eq!(
        search_with(&f, "shuttle OR timetable", Filters::default(), &hidden)
            .await
            .total,
        0
    );
    // The withheld title of the other restricted document finds nothing.
    assert_eq!(
        search_with(&f, "venue security", Filters::default(), &hidden)
            .await
            .total,
        0
    );
    // A reader who may read it finds the document's own entry (title and text), and not
    // the title entry besides.
    let insider = |q| search_with(&f, q, Filters::default(), &["title:document:pp-14.main-4"]);
    for q in ["shuttle timetable", "transport schedule", "\"PP14/4\""] {
        assert_eq!(
            ids(&insider(q).await),
            set(&["document:pp-14.main-4/en"]),
            "{q}"
        );
    }
}

/// Imported translations are found in their own language (German included) at provision
/// level, and recorded votes by their title and adoption, with their sponsors as a facet.
pub async fn search_finds_translations_and_recorded_votes(h: &dyn Harness) {
    use plenary_domain::records::{Provenance, Sponsor, StateRef, Translation, VoteRecord};
    let f = h.fresh().await;
    world(&f).await;
    let provenance = Provenance {
        source: "test.xml".into(),
        sha256: "0".repeat(64),
        warnings: Vec::new(),
    };
    for (language, title, text) in [
        (
            "deu",
            "Das Recht auf Privatheit im digitalen Zeitalter",
            "Resolution 1\nDas Recht auf Privatheit im digitalen Zeitalter\n\n## resolves\n1 bekräftigt das Recht auf Privatheit in digitalen Netzen;\n",
        ),
        (
            "fra",
            "Le droit à la vie privée à l'ère du numérique",
            "Resolution 1\nLe droit à la vie privée\n\n## resolves\n1 réaffirme le droit à la vie privée sur les réseaux numériques;\n",
        ),
    ] {
        run(
            &f.store,
            Command::RecordTranslation(Translation {
                symbol: "A/RES/99/1".into(),
                language: language.into(),
                title: title.into(),
                text: text.into(),
                provenance: provenance.clone(),
            }),
        )
        .await
        .expect("translation");
    }
    run(
        &f.store,
        Command::RecordVotes(VoteRecord {
            symbol: "A/RES/99/2".into(),
            body: id("itu"),
            title: Some("Safeguarding submarine cables".into()),
            meeting: Some("54th plenary meeting".into()),
            meeting_record: Some("A/99/PV.54".into()),
            date: Some(date!(2024 - 12 - 17)),
            adoption: "Without a vote".into(),
            draft: Some("A/99/L.12".into()),
            tally: None,
            sponsors: vec![Sponsor {
                state: StateRef {
                    name: "BRAZIL".into(),
                    member: Some(id("bra")),
                },
                additional: false,
            }],
            provenance,
            line: 7,
        }),
    )
    .await
    .expect("votes");
    // German stems: "Netze" finds "Netzen".
    let de = search_with(&f, "Netze Privatheit", Filters::default(), &[]).await;
    assert_eq!(de.hits.len(), 1, "{de:?}");
    let hit = &de.hits[0];
    assert_eq!(hit.language, "de");
    assert_eq!(hit.kind, "translation");
    assert!(hit.place.anchor.is_some() && hit.place.label.is_some());
    assert_eq!(hit.place.record.as_deref(), Some("a-res-99-1"));
    let only_de = search_with(
        &f,
        "privatheit OR réseaux",
        Filters {
            language: Some("de".into()),
            ..Filters::default()
        },
        &[],
    )
    .await;
    assert!(only_de.hits.iter().all(|h| h.language == "de") && only_de.total == 1);
    let fr = search_with(&f, "\"vie privée\" numérique", Filters::default(), &[]).await;
    assert_eq!(fr.total, 1);
    assert_eq!(fr.hits[0].language, "fr");

    let votes = search_with(&f, "submarine cable", Filters::default(), &[]).await;
    assert_eq!(ids(&votes), set(&["votes:A/RES/99/2"]));
    assert_eq!(votes.hits[0].kind, "vote");
    assert_eq!(votes.hits[0].title, "A/RES/99/2");
    assert_eq!(votes.hits[0].date, Some(date!(2024 - 12 - 17)));
    let by_sponsor = search_with(
        &f,
        "cables OR connectivity",
        Filters {
            sponsor: Some("bra".into()),
            kind: Some("vote".into()),
            ..Filters::default()
        },
        &[],
    )
    .await;
    assert_eq!(ids(&by_sponsor), set(&["votes:A/RES/99/2"]));
    assert_eq!(
        search_with(&f, "\"A/99/L.12\"", Filters::default(), &[])
            .await
            .total,
        1,
        "a vote is found by its draft's symbol"
    );
}
