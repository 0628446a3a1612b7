//! Akoma Ntoso → model. One reader for three dialects: AKN4UN (General Assembly and
//! Security Council), the third-party ITU PP-18 conversion (repaired in [`crate::itu`]),
//! and Plenary's own exports (see `docs/akoma-ntoso.md`).

use crate::tree::{Node, Tree, collapse};
use crate::{AknDocument, AknError, AknMeta, Step, Vote};
use plenary_text::{
    Alternative, Bracket, Footnote, Inline, Instrument, Metadata, Provision, Section, Text,
    default_bracket_id, default_provision_ids,
};
use std::collections::HashMap;

/// The namespace of Plenary's own metadata inside `<proprietary>`.
pub(crate) const PLENARY_NS: &str = "urn:plenary:akn:1";

/// Which producer wrote the file; decides which repairs apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// AKN4UN files and any other producer: read as written.
    Standard,
    /// The AKN4ITU PDF converter (PP-18 Final Acts): labels, footnotes and headings are
    /// merged into the text and get repaired.
    ItuConverter,
}

/// Document elements of AKN 3.0 that may hold an instrument.
const DOC_TYPES: &[&str] = &[
    "statement",
    "act",
    "bill",
    "doc",
    "debateReport",
    "amendment",
    "judgment",
    "officialGazette",
    "portion",
    "debate",
    "amendmentList",
];

pub(crate) fn read_collection(src: &[u8]) -> Result<Vec<AknDocument>, AknError> {
    let src = src.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(src);
    let text = std::str::from_utf8(src).map_err(|e| AknError {
        message: format!("not UTF-8 text: {e}"),
        offset: Some(e.valid_up_to()),
    })?;
    if !crate::looks_like_xml(src) {
        return Err(AknError {
            message: "not XML: the first non-space character is not `<`".into(),
            offset: Some(0),
        });
    }
    let tree = Tree::parse(text)?;
    let root = 0;
    if tree.local(root) != "akomaNtoso" {
        return Err(AknError {
            message: format!(
                "not Akoma Ntoso: the root element is `{}`, expected `akomaNtoso`",
                tree.el(root).name
            ),
            offset: None,
        });
    }
    let mut warnings = Vec::new();
    match tree.attr(root, "xmlns") {
        Some(ns) if ns.starts_with("http://docs.oasis-open.org/legaldocml/ns/akn/3.0") => {}
        Some(ns) => warnings.push(format!(
            "namespace `{ns}` is not Akoma Ntoso 3.0; read as if it were"
        )),
        None => warnings.push("no Akoma Ntoso namespace declared; read as AKN 3.0".into()),
    }
    let dialect = if src_mentions_itu_converter(&tree) {
        Dialect::ItuConverter
    } else {
        Dialect::Standard
    };
    let Some(top) = tree.kids(root).next() else {
        return Err(AknError {
            message: "not Akoma Ntoso: `akomaNtoso` holds no document".into(),
            offset: None,
        });
    };
    let mut docs = Vec::new();
    if tree.local(top) == "documentCollection" {
        let mut comps = Vec::new();
        tree.find_all(0, "component", &mut comps);
        for c in comps {
            for k in tree.kids(c) {
                if DOC_TYPES.contains(&tree.local(k)) {
                    docs.push(read_document(&tree, k, dialect, &warnings));
                }
            }
        }
        if docs.is_empty() {
            return Err(AknError {
                message: "the documentCollection holds no component document".into(),
                offset: None,
            });
        }
    } else if DOC_TYPES.contains(&tree.local(top)) {
        docs.push(read_document(&tree, top, dialect, &warnings));
    } else {
        return Err(AknError {
            message: format!(
                "not an Akoma Ntoso document type: `{}` (expected statement, act, bill, doc, \
                 documentCollection, …)",
                tree.local(top)
            ),
            offset: None,
        });
    }
    Ok(docs)
}

fn src_mentions_itu_converter(tree: &Tree) -> bool {
    // The converter names itself in the collection's references.
    let Some(top) = tree.kids(0).next() else {
        return false;
    };
    let Some(meta) = tree.child(top, "meta") else {
        return false;
    };
    let mut orgs = Vec::new();
    tree.find_all(meta, "TLCOrganization", &mut orgs);
    orgs.iter().any(|&o| {
        tree.attr(o, "href")
            .is_some_and(|h| h.contains("akn4itu-converter"))
    })
}

/// State while reading one document.
struct Ctx<'t> {
    tree: &'t Tree,
    /// TLC eId → showAs (sponsors of alternatives).
    tlc: HashMap<String, String>,
    /// Notes from `meta/notes` by eId.
    notes: HashMap<String, usize>,
    footnotes: Vec<Footnote>,
    warnings: Vec<String>,
    /// Sub-items whose label was found in their text.
    relabelled: usize,
}

fn read_document(tree: &Tree, doc: usize, dialect: Dialect, warnings: &[String]) -> AknDocument {
    let mut meta = AknMeta {
        doc_type: tree.local(doc).to_string(),
        doc_name: tree.attr(doc, "name").unwrap_or_default().to_string(),
        warnings: warnings.to_vec(),
        ..AknMeta::default()
    };
    let mut ctx = Ctx {
        tree,
        tlc: HashMap::new(),
        notes: HashMap::new(),
        footnotes: Vec::new(),
        warnings: Vec::new(),
        relabelled: 0,
    };
    let mut proprietary: Option<Vec<Metadata>> = None;
    if let Some(m) = tree.child(doc, "meta") {
        read_meta(&mut ctx, m, &mut meta, &mut proprietary);
    }

    // Preface and cover page: kind, number, revision, title, symbol.
    let mut kind = None;
    let mut number = None;
    let mut revision = None;
    let mut title = None;
    if let Some(cp) = tree.child(doc, "coverPage")
        && let Some(n) = tree.find(cp, "docNumber")
    {
        meta.symbol = Some(tree.text(n)).filter(|s| !s.is_empty());
    }
    if let Some(pf) = tree.child(doc, "preface") {
        if let Some(n) = tree.find(pf, "docType") {
            kind = Some(tree.text(n));
        }
        if let Some(n) = tree.find(pf, "docNumber") {
            number = Some(tree.text(n).trim_end_matches('.').to_string());
        }
        let mut inl = Vec::new();
        tree.find_all(pf, "inline", &mut inl);
        if let Some(&r) = inl
            .iter()
            .find(|&&i| tree.attr(i, "name") == Some("revision"))
        {
            revision = Some(tree.text(r));
        }
        if let Some(n) = tree.find(pf, "docTitle") {
            title = Some(tree.text(n));
        } else {
            let mut cs = Vec::new();
            tree.find_all(pf, "container", &mut cs);
            if let Some(&c) = cs.iter().find(|&&c| tree.attr(c, "name") == Some("title")) {
                title = Some(tree.text(c));
            }
        }
    }
    let kind = kind.unwrap_or_else(|| kind_from_name(&meta.doc_name, &meta.doc_type));
    let mut number = number
        .filter(|n| !n.is_empty())
        .or_else(|| meta.symbol.clone())
        .unwrap_or_default();
    // "S/RES/2165 (2014)": the year in parentheses is the citation's, as in
    // "Resolution 102 (Rev. Busan, 2014)"; kept in the number it would print the same
    // citation and read back differently.
    if revision.is_none()
        && let Some((n, rest)) = number.rsplit_once(" (")
        && let Some(year) = rest.strip_suffix(')')
        && !n.is_empty()
        && year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
    {
        revision = Some(year.to_owned());
        number = n.to_owned();
    }
    // Security Council resolutions carry no title; the notation needs one, so their symbol
    // stands in, and the reader says so. (A document without a symbol keeps its empty
    // title, so that Plenary's own exports read back exactly.)
    let title = match (title.filter(|t| !t.trim().is_empty()), &meta.symbol) {
        (Some(t), _) => t,
        (None, Some(symbol)) => {
            ctx.warnings.push(format!(
                "the document has no title; its symbol '{symbol}' is used as the title"
            ));
            symbol.clone()
        }
        (None, None) => String::new(),
    };
    let mut inst = Instrument::new(&kind, &number, revision.as_deref(), &title);

    // Body.
    let mut preambles = 0;
    let mut bodies = 0;
    for k in tree.kids(doc) {
        match tree.local(k) {
            "preamble" => {
                preambles += 1;
                read_preamble(&mut ctx, k, &mut inst);
            }
            "mainBody" | "body" | "mainContent" | "debateBody" | "amendmentBody"
            | "judgmentBody" => {
                bodies += 1;
                read_body(&mut ctx, k, &mut inst);
            }
            "attachments" => {
                let mut n = Vec::new();
                tree.find_all(k, "attachment", &mut n);
                ctx.warnings.push(format!(
                    "{} attachment(s) (annexes) not imported: only the resolution's own text is",
                    n.len()
                ));
            }
            "meta" | "coverPage" | "preface" => {}
            other => {
                // `conclusions`, `components`, …: what Plenary does not read is said, with
                // its size, never dropped in silence.
                let size = tree.text(k).chars().count();
                ctx.warnings.push(format!(
                    "the <{other}> part ({size} characters of text) was not imported: Plenary \
                     reads the preface, preamble and body"
                ));
            }
        }
    }
    if preambles > 1 || bodies > 1 {
        ctx.warnings.push(format!(
            "the document has {preambles} preambles and {bodies} main bodies (the schema allows \
             one each); all were read in document order"
        ));
    }

    if ctx.relabelled > 0 {
        ctx.warnings.push(format!(
            "{} unnumbered paragraph(s) opened with a sub-item label such as `(a)`: the label \
             was separated and the item put under its parent paragraph",
            ctx.relabelled
        ));
    }
    if dialect == Dialect::ItuConverter {
        crate::itu::repair(&mut inst, &mut ctx.footnotes, &mut ctx.warnings);
    }
    inst.footnotes = std::mem::take(&mut ctx.footnotes);

    // Metadata lines: Plenary's own when present, else derived from AKN4UN.
    match proprietary {
        Some(m) => inst.metadata = m,
        None => {
            if let Some(s) = &meta.symbol {
                inst.metadata.push(Metadata {
                    key: "symbol".into(),
                    value: s.clone(),
                });
            }
            if !meta.sponsors.is_empty() {
                inst.metadata.push(Metadata {
                    key: "sponsors".into(),
                    value: meta.sponsors.join(", "),
                });
            }
        }
    }
    assign_ids(&mut inst);
    meta.warnings.append(&mut ctx.warnings);
    AknDocument {
        instrument: inst,
        meta,
    }
}

fn kind_from_name(name: &str, doc_type: &str) -> String {
    match name {
        "resolution" => "Resolution".into(),
        "draftResolution" => "Draft resolution".into(),
        "decision" => "Decision".into(),
        "draftDecision" => "Draft decision".into(),
        "recommendation" => "Recommendation".into(),
        "presidentialStatement" => "Presidential statement".into(),
        "" => {
            let mut c = doc_type.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => "Document".into(),
            }
        }
        other => {
            // camelCase → "Camel case"
            let mut out = String::new();
            for (i, ch) in other.chars().enumerate() {
                if i == 0 {
                    out.extend(ch.to_uppercase());
                } else if ch.is_uppercase() {
                    out.push(' ');
                    out.extend(ch.to_lowercase());
                } else {
                    out.push(ch);
                }
            }
            out
        }
    }
}

fn read_meta(ctx: &mut Ctx, m: usize, meta: &mut AknMeta, prop: &mut Option<Vec<Metadata>>) {
    let tree = ctx.tree;
    if let Some(id) = tree.child(m, "identification") {
        if let Some(w) = tree.child(id, "FRBRWork") {
            meta.frbr_work = tree
                .child(w, "FRBRuri")
                .or_else(|| tree.child(w, "FRBRthis"))
                .and_then(|u| tree.attr(u, "value"))
                .map(str::to_string);
            meta.date = tree
                .child(w, "FRBRdate")
                .and_then(|d| tree.attr(d, "date"))
                .map(str::to_string);
        }
        if let Some(e) = tree.child(id, "FRBRExpression") {
            meta.frbr_expression = tree
                .child(e, "FRBRuri")
                .or_else(|| tree.child(e, "FRBRthis"))
                .and_then(|u| tree.attr(u, "value"))
                .map(str::to_string);
            meta.language = tree
                .child(e, "FRBRlanguage")
                .and_then(|d| tree.attr(d, "language"))
                .map(str::to_string);
        }
    }
    for k in tree.kids(m) {
        match tree.local(k) {
            "workflow" => {
                for s in tree.kids(k).filter(|&s| tree.local(s) == "step") {
                    let a = |n: &str| {
                        tree.attr(s, n)
                            .filter(|v| !v.is_empty())
                            .map(str::to_string)
                    };
                    let date = a("date").unwrap_or_else(|| {
                        ctx.warnings.push(format!(
                            "workflow step `{}` has no date (the schema requires one); read as \
                             0001-01-01, the AKN4UN mark for an unknown date",
                            tree.attr(s, "outcome").unwrap_or_default()
                        ));
                        "0001-01-01".into()
                    });
                    meta.workflow.push(Step {
                        date,
                        outcome: a("outcome").unwrap_or_default(),
                        document: a("as"),
                        by: a("by"),
                        refers_to: a("refersTo"),
                    });
                }
            }
            "analysis" => {
                let mut v = Vec::new();
                tree.find_all(k, "voting", &mut v);
                if let Some(&v) = v.first() {
                    meta.votes = Some(read_vote(tree, v));
                }
            }
            "references" => {
                for r in tree.kids(k) {
                    if let (Some(id), Some(show)) = (tree.attr(r, "eId"), tree.attr(r, "showAs")) {
                        ctx.tlc.insert(id.to_string(), show.to_string());
                    }
                }
            }
            "notes" => {
                for n in tree.kids(k).filter(|&n| tree.local(n) == "note") {
                    let label = tree
                        .attr(n, "marker")
                        .map(str::to_string)
                        .unwrap_or_else(|| (ctx.footnotes.len() + 1).to_string());
                    let text = block_text(ctx, n);
                    if let Some(id) = tree.attr(n, "eId") {
                        ctx.notes.insert(id.to_string(), ctx.footnotes.len());
                    }
                    ctx.footnotes.push(Footnote { label, text });
                }
            }
            "proprietary" => {
                for p in tree.kids(k) {
                    if tree.attr(p, "xmlns:pl") == Some(PLENARY_NS) || tree.local(p) == "plenary" {
                        let list = prop.get_or_insert_with(Vec::new);
                        for e in tree.kids(p).filter(|&e| tree.local(e) == "meta") {
                            list.push(Metadata {
                                key: tree.attr(e, "key").unwrap_or_default().to_string(),
                                value: tree.attr(e, "value").unwrap_or_default().to_string(),
                            });
                        }
                    }
                }
            }
            _ => {}
        }
    }
    // Sponsors: the draft's main and additional sponsors, in order.
    for s in &meta.workflow {
        if s.outcome.starts_with("draft")
            && s.outcome.contains("Sponsors") | s.outcome.starts_with("draftResolution")
            && let Some(by) = &s.by
        {
            for name in split_names(by) {
                if !meta.sponsors.contains(&name) {
                    meta.sponsors.push(name);
                }
            }
        }
    }
    if let Some(v) = meta.workflow.iter().find(|s| s.outcome == "veto") {
        let by = v.by.clone().unwrap_or_default();
        // "… negative vote of a permanent member of the Security Council (Russian Federation)."
        // The sentence may end with the meeting record, "… (China) (S/PV.9408).": take the
        // last parenthesis that names members, not a document symbol.
        if let Some(inner) = by
            .split('(')
            .skip(1)
            .filter_map(|part| part.split_once(')').map(|(inside, _)| inside))
            .filter(|inside| !inside.contains('/'))
            .last()
        {
            meta.vetoed_by = split_names(inner);
        }
        if meta.vetoed_by.is_empty()
            && let Some(vote) = &meta.votes
        {
            meta.vetoed_by = vote.no_voters.clone();
        }
    }
}

fn read_vote(tree: &Tree, v: usize) -> Vote {
    let mut vote = Vote {
        outcome: tree.attr(v, "outcome").unwrap_or_default().to_string(),
        ..Vote::default()
    };
    for c in tree.kids(v).filter(|&c| tree.local(c) == "count") {
        let n = tree
            .attr(c, "value")
            .and_then(|s| s.trim().parse::<u32>().ok());
        let mut voters = Vec::new();
        for vs in tree.kids(c).filter(|&k| tree.local(k) == "voters") {
            for o in tree.kids(vs) {
                let t = tree.text(o);
                if !t.is_empty() {
                    voters.push(t);
                }
            }
        }
        match tree
            .attr(c, "refersTo")
            .unwrap_or_default()
            .trim_start_matches('#')
        {
            "inFavour" => {
                vote.yes = n;
                vote.yes_voters = voters;
            }
            "against" => {
                vote.no = n;
                vote.no_voters = voters;
            }
            "abstaining" | "abstention" | "abstentions" => {
                vote.abstain = n;
                vote.abstain_voters = voters;
            }
            _ => {}
        }
    }
    vote
}

/// Names joined as in UN documents: "A, B, Bosnia and Herzegovina and C".
pub fn split_names(s: &str) -> Vec<String> {
    const COMPOUND: &[&str] = &[
        "Antigua and Barbuda",
        "Bosnia and Herzegovina",
        "Saint Kitts and Nevis",
        "Saint Vincent and the Grenadines",
        "Sao Tome and Principe",
        "Trinidad and Tobago",
        "United Kingdom of Great Britain and Northern Ireland",
        "Heard Island and McDonald Islands",
        "Wallis and Futuna",
    ];
    let mut protected = s.to_string();
    for (i, c) in COMPOUND.iter().enumerate() {
        protected = protected.replace(c, &format!("\u{1}{i}\u{1}"));
    }
    let mut out = Vec::new();
    for part in protected.split([',', ';']) {
        for name in part.split(" and ") {
            let mut n = name.trim().trim_end_matches('.').trim().to_string();
            for (i, c) in COMPOUND.iter().enumerate() {
                n = n.replace(&format!("\u{1}{i}\u{1}"), c);
            }
            if !n.is_empty() {
                out.push(n);
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Body

fn read_preamble(ctx: &mut Ctx, pre: usize, inst: &mut Instrument) {
    let tree = ctx.tree;
    for k in tree.kids(pre) {
        match tree.local(k) {
            "formula" => {
                let t = block_text(ctx, k);
                if inst.opening.is_empty() {
                    inst.opening = t;
                } else {
                    inst.opening = Text::concat([&inst.opening, &Text::plain(" "), &t]);
                    inst.opening = normalize(inst.opening.0.clone());
                }
            }
            "recitals" | "citations" => {
                let heading = tree
                    .child(k, "intro")
                    .or_else(|| tree.child(k, "heading"))
                    .map(|i| tree.text(i))
                    .unwrap_or_default();
                let mut sec = Section {
                    heading,
                    provisions: Vec::new(),
                };
                for r in tree.kids(k) {
                    if matches!(tree.local(r), "recital" | "citation") {
                        sec.provisions.push(read_item(ctx, r));
                    }
                }
                inst.sections.push(sec);
            }
            "container" => {
                let (heading, text) = keyword_paragraph(ctx, k);
                let heading = heading
                    .or_else(|| tree.attr(k, "name").map(str::to_string))
                    .unwrap_or_else(|| "preamble".into());
                inst.sections.push(Section {
                    heading,
                    provisions: vec![Provision {
                        id: tree.attr(k, "wId").unwrap_or_default().to_string(),
                        label: "-".into(),
                        text,
                        children: Vec::new(),
                        sponsors: Vec::new(),
                    }],
                });
            }
            _ => {}
        }
    }
}

fn read_body(ctx: &mut Ctx, body: usize, inst: &mut Instrument) {
    let tree = ctx.tree;
    for k in tree.kids(body) {
        match tree.local(k) {
            "hcontainer" | "section" | "part" | "chapter" | "title" | "article" => {
                let heading = tree
                    .child(k, "heading")
                    .map(|h| tree.text(h))
                    .or_else(|| tree.attr(k, "name").map(str::to_string))
                    .unwrap_or_default();
                let mut sec = Section {
                    heading,
                    provisions: Vec::new(),
                };
                for p in tree.kids(k) {
                    match tree.local(p) {
                        "heading" | "num" | "subheading" => {}
                        "intro" | "content" | "wrapUp" => {
                            let text = block_text(ctx, p);
                            if !text.is_empty() {
                                sec.provisions.push(leaf("-", text));
                            }
                        }
                        _ => sec.provisions.push(read_item(ctx, p)),
                    }
                }
                inst.sections.push(sec);
            }
            "paragraph" | "point" | "clause" => {
                // AKN4UN: the section is named by the italic verb opening the paragraph.
                let mut p = read_item(ctx, k);
                let first = tree
                    .child(k, "content")
                    .or_else(|| tree.child(k, "list").and_then(|l| tree.child(l, "intro")))
                    .or_else(|| tree.child(k, "intro"));
                let heading = first.and_then(|f| leading_keyword(tree, f));
                // AKN4UN (older files): sub-items are unnumbered paragraphs whose text
                // opens with `(a)`; give them their label and put them under their parent.
                if heading.is_none()
                    && p.label == "-"
                    && let Some(label) = leading_paren_label(&p.text)
                    && let Some(parent) = inst
                        .sections
                        .last_mut()
                        .and_then(|s| s.provisions.last_mut())
                    && parent.label != "-"
                {
                    p.text = strip_leading(&p.text, &label);
                    p.label = label;
                    let roman = matches!(
                        p.label.as_str(),
                        "(i)" | "(ii)" | "(iii)" | "(iv)" | "(vi)" | "(vii)" | "(viii)" | "(ix)"
                    );
                    match parent.children.last_mut() {
                        Some(last) if roman && last.label != "(h)" => last.children.push(p),
                        _ => parent.children.push(p),
                    }
                    ctx.relabelled += 1;
                    continue;
                }
                match heading {
                    Some(h) => {
                        p.text = strip_leading(&p.text, &h);
                        inst.sections.push(Section {
                            heading: h,
                            provisions: vec![p],
                        });
                    }
                    None => match inst.sections.last_mut() {
                        Some(s) => s.provisions.push(p),
                        _ => inst.sections.push(Section {
                            heading: "operative".into(),
                            provisions: vec![p],
                        }),
                    },
                }
            }
            "container" => {
                let (heading, text) = keyword_paragraph(ctx, k);
                let heading = heading
                    .or_else(|| tree.attr(k, "name").map(str::to_string))
                    .unwrap_or_else(|| "text".into());
                inst.sections.push(Section {
                    heading,
                    provisions: vec![leaf("-", text)],
                });
            }
            "p" | "blockList" | "list" | "tblock" | "table" | "blockContainer" => {
                if tree.attr(k, "class") == Some("plenaryEmpty") {
                    continue;
                }
                let mut text = Text::default();
                inline_into(ctx, k, &mut text.0);
                let text = normalize(text.0);
                if text.is_empty() {
                    continue;
                }
                match inst.sections.last_mut() {
                    Some(s) => s.provisions.push(leaf("-", text)),
                    None => inst.sections.push(Section {
                        heading: "text".into(),
                        provisions: vec![leaf("-", text)],
                    }),
                }
            }
            _ => {}
        }
    }
}

fn leaf(label: &str, text: Text) -> Provision {
    Provision {
        id: String::new(),
        label: label.into(),
        text,
        children: Vec::new(),
        sponsors: Vec::new(),
    }
}

/// Reads a numbered item (`paragraph`, `point`, `recital`, `item`, …) with its sub-items.
fn read_item(ctx: &mut Ctx, it: usize) -> Provision {
    let tree = ctx.tree;
    let label = tree
        .child(it, "num")
        .map(|n| tree.text(n))
        .map(|l| l.trim_end_matches('.').to_string())
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| "-".into());
    let mut raw = Vec::new();
    let mut children = Vec::new();
    collect_item(ctx, it, &mut raw, &mut children);
    Provision {
        id: tree.attr(it, "wId").unwrap_or_default().to_string(),
        label,
        text: normalize(raw),
        children,
        sponsors: Vec::new(),
    }
}

const ITEM_NAMES: &[&str] = &[
    "paragraph",
    "subparagraph",
    "point",
    "item",
    "recital",
    "citation",
    "clause",
    "article",
    "indent",
    "alinea",
];

fn collect_item(ctx: &mut Ctx, it: usize, raw: &mut Vec<Inline>, children: &mut Vec<Provision>) {
    let tree = ctx.tree;
    for k in tree.kids(it) {
        let name = tree.local(k);
        if ITEM_NAMES.contains(&name) {
            children.push(read_item(ctx, k));
            continue;
        }
        match name {
            "num" | "heading" | "subheading" => {}
            "list" | "blockList" | "intro" | "content" | "wrapUp" | "listIntroduction"
            | "listWrapUp" => collect_item(ctx, k, raw, children),
            _ => {
                if !raw.is_empty() {
                    raw.push(Inline::Run { text: " ".into() });
                }
                inline_into(ctx, k, raw);
            }
        }
    }
}

/// Text of all blocks below an element (paragraphs joined by a space).
fn block_text(ctx: &mut Ctx, id: usize) -> Text {
    let mut raw = Vec::new();
    let mut ignored = Vec::new();
    collect_item(ctx, id, &mut raw, &mut ignored);
    // Any loose text directly inside (rare).
    normalize(raw)
}

/// An AKN4UN keyword paragraph (`container` in the preamble): its italic opening words
/// and the text after them.
fn keyword_paragraph(ctx: &mut Ctx, c: usize) -> (Option<String>, Text) {
    let tree = ctx.tree;
    let heading = tree.kids(c).next().and_then(|f| leading_keyword(tree, f));
    let text = block_text(ctx, c);
    match heading {
        Some(h) => {
            let t = strip_leading(&text, &h);
            (Some(h), t)
        }
        None => (None, text),
    }
}

/// The italic words opening a block (`<p> <span class="italic">Recalling</span> …`).
fn leading_keyword(tree: &Tree, block: usize) -> Option<String> {
    let block = if tree.local(block) == "p" {
        block
    } else {
        tree.find(block, "p")?
    };
    let children = &tree.el(block).children;
    for (i, c) in children.iter().enumerate() {
        match c {
            Node::Text(t) if t.trim().is_empty() => continue,
            Node::Text(_) => return None,
            Node::Element(e) => {
                let italic = tree.local(*e) == "i"
                    || tree
                        .attr(*e, "class")
                        .is_some_and(|c| c.split_whitespace().any(|w| w == "italic"));
                if italic && matches!(tree.local(*e), "span" | "i" | "inline") {
                    let t = tree.text(*e);
                    // S/2023/792: only the adverb is italic (`<i>Further</i> expresses`);
                    // the keyword is the adverb with the verb that follows.
                    if matches!(t.as_str(), "Further" | "Also" | "Again" | "Once again")
                        && let Some(Node::Text(next)) = children.get(i + 1)
                        && next.starts_with(char::is_whitespace)
                        && let Some(verb) = next.split_whitespace().next()
                        && verb.chars().all(|c| c.is_alphabetic())
                        && verb.chars().next().is_some_and(char::is_lowercase)
                    {
                        return Some(format!("{t} {verb}"));
                    }
                    return Some(t).filter(|t| !t.is_empty() && t.len() < 80);
                }
                return None;
            }
        }
    }
    None
}

/// `(a)`, `(iv)` opening a text.
fn leading_paren_label(t: &Text) -> Option<String> {
    let Some(Inline::Run { text }) = t.0.first() else {
        return None;
    };
    let w = text.split_whitespace().next()?;
    let core = w.strip_prefix('(')?.strip_suffix(')')?;
    (!core.is_empty() && core.len() <= 5 && core.chars().all(|c| c.is_ascii_lowercase()))
        .then(|| w.to_string())
}

/// Removes the heading words from the start of a text.
fn strip_leading(text: &Text, heading: &str) -> Text {
    let mut inl = text.0.clone();
    if let Some(Inline::Run { text: first }) = inl.first_mut()
        && let Some(rest) = first.strip_prefix(heading)
    {
        *first = rest.to_string();
    }
    normalize(inl)
}

/// Appends the inline content of an element.
fn inline_into(ctx: &mut Ctx, id: usize, out: &mut Vec<Inline>) {
    let tree = ctx.tree;
    for c in &tree.el(id).children {
        match c {
            Node::Text(t) => out.push(Inline::Run { text: t.clone() }),
            Node::Element(e) => inline_element(ctx, *e, out),
        }
    }
}

fn inline_element(ctx: &mut Ctx, e: usize, out: &mut Vec<Inline>) {
    let tree = ctx.tree;
    match tree.local(e) {
        "authorialNote" | "note" => {
            let label = tree
                .attr(e, "marker")
                .map(str::to_string)
                .unwrap_or_else(|| (ctx.footnotes.len() + 1).to_string());
            let text = block_text(ctx, e);
            ctx.footnotes.push(Footnote {
                label: label.clone(),
                text,
            });
            out.push(Inline::FootnoteRef { label });
        }
        "noteRef" => {
            let label = tree
                .attr(e, "marker")
                .map(str::to_string)
                .or_else(|| {
                    let href = tree.attr(e, "href")?.trim_start_matches('#');
                    let i = *ctx.notes.get(href)?;
                    Some(ctx.footnotes[i].label.clone())
                })
                .unwrap_or_default();
            out.push(Inline::FootnoteRef { label });
        }
        "inline" if tree.attr(e, "name") == Some("bracket") => {
            let mut alternatives = Vec::new();
            for a in tree.kids(e) {
                if tree.attr(a, "name") != Some("alternative") {
                    continue;
                }
                let sponsors = tree
                    .attr(a, "refersTo")
                    .unwrap_or_default()
                    .split_whitespace()
                    .map(|r| {
                        let r = r.trim_start_matches('#');
                        ctx.tlc.get(r).cloned().unwrap_or_else(|| r.to_string())
                    })
                    .collect();
                let mut raw = Vec::new();
                inline_into(ctx, a, &mut raw);
                alternatives.push(Alternative {
                    sponsors,
                    text: normalize(raw),
                });
            }
            if alternatives.is_empty() {
                alternatives.push(Alternative {
                    sponsors: Vec::new(),
                    text: Text::default(),
                });
            }
            out.push(Inline::Bracket(Bracket {
                id: tree.attr(e, "wId").unwrap_or_default().to_string(),
                alternatives,
            }));
        }
        "eol" | "br" | "eop" => out.push(Inline::Run { text: " ".into() }),
        "img" | "marker" | "placeholder" => {}
        _ => inline_into(ctx, e, out),
    }
}

/// Canonical text: adjacent runs merged, whitespace collapsed, ends trimmed.
pub(crate) fn normalize(raw: Vec<Inline>) -> Text {
    let mut merged: Vec<Inline> = Vec::with_capacity(raw.len());
    for i in raw {
        match (merged.last_mut(), i) {
            (Some(Inline::Run { text: last }), Inline::Run { text }) => last.push_str(&text),
            (_, i) => merged.push(i),
        }
    }
    let n = merged.len();
    let mut out = Text::default();
    for (k, i) in merged.into_iter().enumerate() {
        match i {
            Inline::Run { text } => {
                let lead = text.starts_with(char::is_whitespace) && k > 0;
                let trail = text.ends_with(char::is_whitespace) && k + 1 < n;
                let core = collapse(&text);
                if core.is_empty() && (k == 0 || k + 1 == n) {
                    continue;
                }
                let mut s = String::new();
                if lead {
                    s.push(' ');
                }
                s.push_str(&core);
                if trail && !core.is_empty() {
                    s.push(' ');
                }
                if !s.is_empty() {
                    out.0.push(Inline::Run { text: s });
                }
            }
            other => out.0.push(other),
        }
    }
    out
}

/// Fills empty provision and bracket identities with their defaults.
pub(crate) fn assign_ids(inst: &mut Instrument) {
    let defaults = default_provision_ids(inst);
    let mut k = 0;
    fn walk(list: &mut [Provision], defaults: &[String], k: &mut usize) {
        for p in list {
            if p.id.is_empty() {
                p.id = defaults.get(*k).cloned().unwrap_or_default();
            }
            *k += 1;
            walk(&mut p.children, defaults, k);
        }
    }
    for s in &mut inst.sections {
        walk(&mut s.provisions, &defaults, &mut k);
    }
    let mut n = 0;
    fn text(t: &mut Text, n: &mut usize) {
        for i in &mut t.0 {
            if let Inline::Bracket(b) = i {
                *n += 1;
                if b.id.is_empty() {
                    b.id = default_bracket_id(*n);
                }
                for a in &mut b.alternatives {
                    text(&mut a.text, n);
                }
            }
        }
    }
    fn provs(list: &mut [Provision], n: &mut usize) {
        for p in list {
            text(&mut p.text, n);
            provs(&mut p.children, n);
        }
    }
    text(&mut inst.opening, &mut n);
    for s in &mut inst.sections {
        provs(&mut s.provisions, &mut n);
    }
    for f in &mut inst.footnotes {
        text(&mut f.text, &mut n);
    }
}
