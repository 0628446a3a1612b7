//! Model → Akoma Ntoso 3.0, valid against the OASIS 2018 schema.
//!
//! Layout (documented in `docs/akoma-ntoso.md`): preamble sections become `recitals`
//! (heading in `intro`, one `recital` per provision, sub-items in `blockList/item`);
//! the remaining sections become `hcontainer`s in `mainBody` (heading in `heading`,
//! `paragraph`s with `point` sub-items). Provision and bracket identities travel in
//! `wId`. Brackets are `<inline name="bracket">` holding `<inline name="alternative">`s
//! whose `refersTo` points at `TLCOrganization`s naming the sponsors. Footnotes are
//! `meta/notes/note`s referred to by `noteRef`. Metadata lines go to `proprietary`.

use crate::read::PLENARY_NS;
use crate::{AknDocument, AknMeta};
use plenary_text::{Inline, Instrument, Part, Provision, Section, Text, slug};
use quick_xml::escape::escape;
use std::collections::HashMap;
use std::fmt::Write as _;

const AKN_NS: &str = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0";
const AKN4UN_NS: &str = "http://un.org/akn4un";

pub(crate) fn write(doc: &AknDocument) -> String {
    let mut out = header();
    let mut w = Writer::new(&mut out, 1, "");
    w.document(doc);
    out.push_str("</akomaNtoso>\n");
    out
}

pub(crate) fn write_collection(docs: &[AknDocument]) -> String {
    if docs.len() == 1 {
        return write(&docs[0]);
    }
    let mut out = header();
    out.push_str("  <documentCollection name=\"collection\">\n");
    let date = docs
        .iter()
        .find_map(|d| d.meta.date.clone())
        .unwrap_or_else(|| "0001-01-01".into());
    let uri = "/akn/un/documentCollection/plenary/collection";
    let _ = write!(
        out,
        "    <meta>\n{}    </meta>\n",
        identification(uri, &format!("{uri}/eng@"), &date, "eng", 3)
    );
    out.push_str("    <collectionBody>\n");
    for (i, d) in docs.iter().enumerate() {
        let _ = writeln!(
            out,
            "      <component eId=\"cmp_def_{n}\"><documentRef eId=\"cmp_ref_{n}\" href=\"#cmp_doc_{n}\" showAs=\"{}\"/></component>",
            esc(&d.instrument.citation()),
            n = i + 1
        );
    }
    out.push_str("    </collectionBody>\n  </documentCollection>\n  <components>\n");
    for (i, d) in docs.iter().enumerate() {
        let _ = writeln!(out, "    <component eId=\"cmp_doc_{}\">", i + 1);
        let prefix = format!("d{}_", i + 1);
        let mut w = Writer::new(&mut out, 3, &prefix);
        w.document(d);
        out.push_str("    </component>\n");
    }
    out.push_str("  </components>\n</akomaNtoso>\n");
    out
}

fn header() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<akomaNtoso xmlns=\"{AKN_NS}\" \
         xmlns:akn4un=\"{AKN4UN_NS}\">\n"
    )
}

fn identification(work: &str, expr: &str, date: &str, lang: &str, depth: usize) -> String {
    let i = "  ".repeat(depth);
    let work_this = format!("{}/!main", work.trim_end_matches('/'));
    let expr_this = format!("{}/!main", expr.trim_end_matches('/'));
    let man = format!("{}.akn", expr.trim_end_matches('/'));
    format!(
        "{i}<identification source=\"#plenary\">\n\
         {i}  <FRBRWork>\n\
         {i}    <FRBRthis value=\"{wt}\"/>\n\
         {i}    <FRBRuri value=\"{w}\"/>\n\
         {i}    <FRBRdate date=\"{d}\" name=\"work\"/>\n\
         {i}    <FRBRauthor href=\"#author\"/>\n\
         {i}    <FRBRcountry value=\"un\"/>\n\
         {i}  </FRBRWork>\n\
         {i}  <FRBRExpression>\n\
         {i}    <FRBRthis value=\"{et}\"/>\n\
         {i}    <FRBRuri value=\"{e}\"/>\n\
         {i}    <FRBRdate date=\"{d}\" name=\"expression\"/>\n\
         {i}    <FRBRauthor href=\"#author\"/>\n\
         {i}    <FRBRlanguage language=\"{l}\"/>\n\
         {i}  </FRBRExpression>\n\
         {i}  <FRBRManifestation>\n\
         {i}    <FRBRthis value=\"{m}\"/>\n\
         {i}    <FRBRuri value=\"{m}\"/>\n\
         {i}    <FRBRdate date=\"{d}\" name=\"manifestation\"/>\n\
         {i}    <FRBRauthor href=\"#plenary\"/>\n\
         {i}  </FRBRManifestation>\n\
         {i}</identification>\n",
        wt = esc(&work_this),
        w = esc(work),
        et = esc(&expr_this),
        e = esc(expr),
        d = esc(date),
        l = esc(lang),
        m = esc(&man),
    )
}

fn esc(s: &str) -> std::borrow::Cow<'_, str> {
    escape(s)
}

/// Writes one document; keeps counters for unique `eId`s.
struct Writer<'a> {
    out: &'a mut String,
    depth: usize,
    /// Prefix of every eId (unique across a collection).
    prefix: String,
    eid: usize,
    /// Sponsor name → TLC eId.
    sponsors: HashMap<String, String>,
    /// Footnote label → note eId.
    notes: HashMap<String, String>,
}

impl<'a> Writer<'a> {
    fn new(out: &'a mut String, depth: usize, prefix: &str) -> Writer<'a> {
        Writer {
            out,
            depth,
            prefix: prefix.to_string(),
            eid: 0,
            sponsors: HashMap::new(),
            notes: HashMap::new(),
        }
    }

    fn line(&mut self, extra: usize, s: &str) {
        for _ in 0..(self.depth + extra) {
            self.out.push_str("  ");
        }
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn next_eid(&mut self, prefix: &str) -> String {
        self.eid += 1;
        format!("{}{prefix}_{}", self.prefix, self.eid)
    }

    fn document(&mut self, doc: &AknDocument) {
        let inst = &doc.instrument;
        let meta = &doc.meta;
        let doc_name = if meta.doc_name.is_empty() {
            name_from_kind(&inst.kind)
        } else {
            meta.doc_name.clone()
        };
        self.line(0, &format!("<statement name=\"{}\">", esc(&doc_name)));
        self.meta(inst, meta);
        if let Some(sym) = &meta.symbol {
            self.line(1, "<coverPage>");
            self.line(
                2,
                &format!(
                    "<p><docNumber refersTo=\"#symbol\">{}</docNumber></p>",
                    esc(sym)
                ),
            );
            self.line(1, "</coverPage>");
        }
        // Preface: citation and title.
        self.line(1, "<preface>");
        let mut cite = format!(
            "<longTitle><p><docType>{}</docType> <docNumber>{}</docNumber>",
            esc(&inst.kind),
            esc(&inst.number)
        );
        if let Some(r) = &inst.revision {
            let _ = write!(cite, " (<inline name=\"revision\">{}</inline>)", esc(r));
        }
        cite.push_str("</p></longTitle>");
        self.line(2, &cite);
        self.line(
            2,
            &format!("<p><docTitle>{}</docTitle></p>", esc(&inst.title)),
        );
        self.line(1, "</preface>");

        let split = preamble_split(&inst.sections);
        if !inst.opening.is_empty() || split > 0 {
            self.line(1, "<preamble>");
            if !inst.opening.is_empty() {
                let t = self.text(&inst.opening);
                self.line(
                    2,
                    &format!("<formula name=\"enactingFormula\"><p>{t}</p></formula>"),
                );
            }
            for s in &inst.sections[..split] {
                self.recitals(s);
            }
            self.line(1, "</preamble>");
        }
        self.line(1, "<mainBody>");
        if split == inst.sections.len() {
            self.line(2, "<p class=\"plenaryEmpty\"/>");
        }
        for s in &inst.sections[split..] {
            self.hcontainer(s);
        }
        self.line(1, "</mainBody>");
        self.line(0, "</statement>");
    }

    fn meta(&mut self, inst: &Instrument, meta: &AknMeta) {
        self.line(1, "<meta>");
        let name = slug(&format!("{}-{}", inst.kind, inst.number));
        let date = meta.date.clone().unwrap_or_else(|| "0001-01-01".into());
        let work = meta.frbr_work.clone().unwrap_or_else(|| {
            format!(
                "/akn/un/statement/deliberation/plenary/{date}/{}/",
                if name.is_empty() { "instrument" } else { &name }
            )
        });
        let lang = meta.language.clone().unwrap_or_else(|| "eng".into());
        let expr = meta
            .frbr_expression
            .clone()
            .unwrap_or_else(|| format!("{}{lang}@/", work));
        let id = identification(&work, &expr, &date, &lang, self.depth + 2);
        self.out.push_str(&id);

        if !meta.workflow.is_empty() {
            self.line(2, "<workflow source=\"#plenary\">");
            for s in &meta.workflow {
                let mut l = format!(
                    "<step date=\"{}\" outcome=\"{}\"",
                    esc(&s.date),
                    esc(&s.outcome)
                );
                if let Some(d) = &s.document {
                    let _ = write!(l, " as=\"{}\"", esc(d));
                }
                // `by` is required by the schema; an empty one reads back as none.
                let _ = write!(l, " by=\"{}\"", esc(s.by.as_deref().unwrap_or_default()));
                if let Some(r) = &s.refers_to {
                    let _ = write!(l, " refersTo=\"{}\"", esc(r));
                }
                l.push_str("/>");
                self.line(3, &l);
            }
            self.line(2, "</workflow>");
        }
        if let Some(v) = &meta.votes {
            self.line(2, "<analysis source=\"#plenary\">");
            self.line(3, "<parliamentary>");
            if v.outcome.is_empty() {
                self.line(4, "<voting>");
            } else {
                self.line(4, &format!("<voting outcome=\"{}\">", esc(&v.outcome)));
            }
            let mut any = false;
            for (what, n, voters) in [
                ("inFavour", v.yes, &v.yes_voters),
                ("against", v.no, &v.no_voters),
                ("abstaining", v.abstain, &v.abstain_voters),
            ] {
                let Some(n) = n else { continue };
                any = true;
                self.line(5, &format!("<count value=\"{n}\" refersTo=\"{what}\">"));
                self.line(6, "<akn4un:voters>");
                for m in voters {
                    self.line(
                        7,
                        &format!(
                            "<organization refersTo=\"memberState\">{}</organization>",
                            esc(m)
                        ),
                    );
                }
                self.line(6, "</akn4un:voters>");
                self.line(5, "</count>");
            }
            if !any {
                self.line(5, "<quorum value=\"\"/>");
            }
            self.line(4, "</voting>");
            self.line(3, "</parliamentary>");
            self.line(2, "</analysis>");
        }

        // References: the sponsors of alternatives, one TLCOrganization each.
        let mut names: Vec<String> = Vec::new();
        collect_sponsors(inst, &mut names);
        self.line(2, "<references source=\"#plenary\">");
        let line = format!(
            "<TLCOrganization eId=\"{}plenary\" href=\"/akn/ontology/organization/plenary\" showAs=\"Plenary\"/>",
            self.prefix
        );
        self.line(3, &line);
        for (i, n) in names.iter().enumerate() {
            let eid = format!("{}sponsor_{}", self.prefix, i + 1);
            self.line(
                3,
                &format!(
                    "<TLCOrganization eId=\"{eid}\" href=\"/akn/ontology/organization/plenary/{}\" showAs=\"{}\"/>",
                    esc(&slug(n)),
                    esc(n)
                ),
            );
            self.sponsors.insert(n.clone(), eid);
        }
        self.line(2, "</references>");

        if !inst.footnotes.is_empty() {
            for (i, f) in inst.footnotes.iter().enumerate() {
                self.notes
                    .entry(f.label.clone())
                    .or_insert_with(|| format!("{}note_{}", self.prefix, i + 1));
            }
            self.line(2, "<notes source=\"#plenary\">");
            for (i, f) in inst.footnotes.iter().enumerate() {
                let t = self.text(&f.text);
                self.line(
                    3,
                    &format!(
                        "<note eId=\"{}note_{}\" marker=\"{}\"><p>{t}</p></note>",
                        self.prefix,
                        i + 1,
                        esc(&f.label)
                    ),
                );
            }
            self.line(2, "</notes>");
        }
        if !inst.metadata.is_empty() {
            self.line(2, "<proprietary source=\"#plenary\">");
            self.line(3, &format!("<pl:plenary xmlns:pl=\"{PLENARY_NS}\">"));
            for m in &inst.metadata {
                self.line(
                    4,
                    &format!(
                        "<pl:meta key=\"{}\" value=\"{}\"/>",
                        esc(&m.key),
                        esc(&m.value)
                    ),
                );
            }
            self.line(3, "</pl:plenary>");
            self.line(2, "</proprietary>");
        }
        self.line(1, "</meta>");
    }

    fn recitals(&mut self, s: &Section) {
        let eid = self.next_eid("recs");
        self.line(2, &format!("<recitals eId=\"{eid}\">"));
        self.line(3, &format!("<intro><p>{}</p></intro>", esc(&s.heading)));
        for p in &s.provisions {
            self.item(p, "recital", 3);
        }
        self.line(2, "</recitals>");
    }

    /// A recital or a blockList item, with sub-items in a nested blockList.
    fn item(&mut self, p: &Provision, tag: &str, extra: usize) {
        let eid = self.next_eid(tag);
        let mut open = format!("<{tag} eId=\"{eid}\" wId=\"{}\">", esc(&p.id));
        if p.label != "-" {
            let _ = write!(open, "<num>{}</num>", esc(&p.label));
        }
        let t = self.text(&p.text);
        let _ = write!(open, "<p>{t}</p>");
        if p.children.is_empty() {
            let _ = write!(open, "</{tag}>");
            self.line(extra, &open);
            return;
        }
        self.line(extra, &open);
        let bl = self.next_eid("list");
        self.line(extra + 1, &format!("<blockList eId=\"{bl}\">"));
        for c in &p.children {
            self.item(c, "item", extra + 2);
        }
        self.line(extra + 1, "</blockList>");
        self.line(extra, &format!("</{tag}>"));
    }

    fn hcontainer(&mut self, s: &Section) {
        let eid = self.next_eid("hcont");
        let name = match slug(&s.heading) {
            n if n.is_empty() => "section".to_string(),
            n => n,
        };
        self.line(
            2,
            &format!(
                "<hcontainer eId=\"{eid}\" name=\"{}\"><heading>{}</heading>",
                esc(&name),
                esc(&s.heading)
            ),
        );
        for p in &s.provisions {
            self.paragraph(p, "paragraph", 3);
        }
        self.line(2, "</hcontainer>");
    }

    fn paragraph(&mut self, p: &Provision, tag: &str, extra: usize) {
        let eid = self.next_eid(if tag == "paragraph" { "para" } else { "point" });
        let mut open = format!("<{tag} eId=\"{eid}\" wId=\"{}\">", esc(&p.id));
        if p.label != "-" {
            let _ = write!(open, "<num>{}</num>", esc(&p.label));
        }
        let t = self.text(&p.text);
        if p.children.is_empty() {
            let _ = write!(open, "<content><p>{t}</p></content></{tag}>");
            self.line(extra, &open);
            return;
        }
        if !p.text.is_empty() {
            let _ = write!(open, "<intro><p>{t}</p></intro>");
        }
        self.line(extra, &open);
        for c in &p.children {
            self.paragraph(c, "point", extra + 1);
        }
        self.line(extra, &format!("</{tag}>"));
    }

    /// Inline content: escaped runs, brackets, note references.
    fn text(&mut self, t: &Text) -> String {
        let mut s = String::new();
        for i in &t.0 {
            match i {
                Inline::Run { text } => s.push_str(&esc(text)),
                Inline::FootnoteRef { label } => {
                    let href = self
                        .notes
                        .get(label)
                        .cloned()
                        .unwrap_or_else(|| format!("note_{}", slug(label)));
                    let _ = write!(
                        s,
                        "<noteRef href=\"#{}\" marker=\"{}\"/>",
                        esc(&href),
                        esc(label)
                    );
                }
                Inline::Bracket(b) => {
                    let eid = self.next_eid("brk");
                    let _ = write!(
                        s,
                        "<inline name=\"bracket\" eId=\"{eid}\" wId=\"{}\">",
                        esc(&b.id)
                    );
                    for a in &b.alternatives {
                        let aid = self.next_eid("alt");
                        let refs: Vec<String> = a
                            .sponsors
                            .iter()
                            .filter_map(|sp| self.sponsors.get(sp).map(|e| format!("#{e}")))
                            .collect();
                        let inner = self.text(&a.text);
                        if refs.is_empty() {
                            let _ = write!(
                                s,
                                "<inline name=\"alternative\" eId=\"{aid}\">{inner}</inline>"
                            );
                        } else {
                            let _ = write!(
                                s,
                                "<inline name=\"alternative\" eId=\"{aid}\" refersTo=\"{}\">{inner}</inline>",
                                refs.join(" ")
                            );
                        }
                    }
                    s.push_str("</inline>");
                }
            }
        }
        s
    }
}

/// How many leading sections go into the preamble: those before the first section that
/// is operative or an annex by its keyword, or that is numbered (`1`, `2`, …) under an
/// unknown keyword, or that is empty (a `recitals` needs one recital). Order is kept
/// either way, so reading the export gives the same sections.
fn preamble_split(sections: &[Section]) -> usize {
    sections
        .iter()
        .position(|s| {
            let numbered = s
                .provisions
                .first()
                .is_some_and(|p| p.label.starts_with(|c: char| c.is_ascii_digit()));
            match Section::part_of(&s.heading) {
                Some(Part::Operative) | Some(Part::Annex) => true,
                Some(Part::Preamble) => s.provisions.is_empty(),
                None => numbered || s.provisions.is_empty(),
            }
        })
        .unwrap_or(sections.len())
}

fn collect_sponsors(inst: &Instrument, names: &mut Vec<String>) {
    fn walk(t: &Text, names: &mut Vec<String>) {
        for i in &t.0 {
            if let Inline::Bracket(b) = i {
                for a in &b.alternatives {
                    for s in &a.sponsors {
                        if !names.contains(s) {
                            names.push(s.clone());
                        }
                    }
                    walk(&a.text, names);
                }
            }
        }
    }
    walk(&inst.opening, names);
    for (_, _, p) in inst.provisions() {
        walk(&p.text, names);
    }
    for f in &inst.footnotes {
        walk(&f.text, names);
    }
}

fn name_from_kind(kind: &str) -> String {
    // "Draft new Resolution" → "draftNewResolution"
    let mut out = String::new();
    for (i, w) in kind.split_whitespace().enumerate() {
        let w: String = w.chars().filter(|c| c.is_alphanumeric()).collect();
        let mut c = w.chars();
        if let Some(f) = c.next() {
            if i == 0 {
                out.extend(f.to_lowercase());
            } else {
                out.extend(f.to_uppercase());
            }
            out.push_str(c.as_str());
        }
    }
    if out.is_empty() {
        "instrument".into()
    } else {
        out
    }
}
