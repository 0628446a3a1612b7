//! The bracket notation: a plain-text form of an instrument that a delegate can read
//! and write. See `docs/notation.md` for the full description.
//!
//! Identities: a provision written without an anchor gets its default identity
//! ([`crate::default_provision_ids`]); any other identity is written as `{#id}` right
//! after the label. A bracket without an anchor is `b<n>` (n-th bracket in document
//! order); any other identity is written as `{#id}` right after `[`.

use crate::model::*;
use crate::words::FxSet as HashSet;
use std::fmt;

/// Why a text could not be read, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
    /// What was expected or what went wrong.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ParseError {}

fn err<T>(line: usize, column: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError {
        line,
        column,
        message: message.into(),
    })
}

/// The line that separates instruments in a collection file.
pub const COLLECTION_SEPARATOR: &str = "=====";

/// Deepest bracket nesting the parser accepts.
pub const MAX_NESTING: usize = 32;
/// Deepest sub-item nesting the parser accepts.
pub const MAX_DEPTH: usize = 16;

// ---------------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------------

/// Prints an instrument in canonical notation. `parse(&print(x)) == Ok(x)` for every
/// instrument whose texts are canonical and whose identities are unique.
pub fn print(inst: &Instrument) -> String {
    let mut out = String::new();
    out.push_str(&inst.citation());
    out.push('\n');
    out.push_str(&inst.title);
    out.push('\n');
    for m in &inst.metadata {
        out.push_str(&m.key);
        out.push_str(": ");
        out.push_str(&m.value);
        out.push('\n');
    }
    let mut counter = 0usize;
    let defaults = default_provision_ids(inst);
    let mut def_iter = defaults.iter();
    if !inst.opening.is_empty() {
        out.push('\n');
        let mut line = String::new();
        print_text(&inst.opening, &mut counter, &mut line);
        // A line starting with `#`, `%` or `=` would read as a heading, a comment or
        // a collection separator.
        if line.starts_with(['#', '%', '=']) {
            out.push('\\');
        }
        // `[^1]:` at the start would read as a footnote definition.
        if line.starts_with("[^")
            && let Some(close) = line.find("]:")
            && valid_ref_label(&line[2..close])
        {
            line.insert(close + 1, '\\');
        }
        out.push_str(&line);
        out.push('\n');
    }
    for s in &inst.sections {
        // A heading without an English keyword (a translation's `Réaffirmant`, a
        // statement's `text`) is written after `##!`, which takes it as written.
        out.push_str(if Section::part_of(&s.heading).is_some() {
            "\n## "
        } else {
            "\n##! "
        });
        out.push_str(&s.heading);
        out.push('\n');
        print_provisions(&s.provisions, 0, &mut def_iter, &mut counter, &mut out);
    }
    if !inst.footnotes.is_empty() {
        out.push('\n');
        for f in &inst.footnotes {
            out.push_str("[^");
            out.push_str(&f.label);
            out.push_str("]:");
            if !f.text.is_empty() {
                out.push(' ');
                print_text(&f.text, &mut counter, &mut out);
            }
            out.push('\n');
        }
    }
    out
}

/// Prints several instruments as one collection, separated by [`COLLECTION_SEPARATOR`].
pub fn print_collection(insts: &[Instrument]) -> String {
    let mut out = String::new();
    for (i, inst) in insts.iter().enumerate() {
        if i > 0 {
            out.push_str(COLLECTION_SEPARATOR);
            out.push('\n');
        }
        out.push_str(&print(inst));
    }
    out
}

fn print_provisions<'a>(
    list: &[Provision],
    depth: usize,
    defaults: &mut impl Iterator<Item = &'a String>,
    counter: &mut usize,
    out: &mut String,
) {
    for p in list {
        let default = defaults.next();
        for _ in 0..depth {
            out.push_str("    ");
        }
        out.push_str(&p.label);
        if default != Some(&p.id) {
            out.push_str(" {#");
            out.push_str(&p.id);
            out.push('}');
        }
        if !p.sponsors.is_empty() {
            out.push_str(" {");
            out.push_str(&p.sponsors.join(","));
            out.push('}');
        }
        if !p.text.is_empty() {
            out.push(' ');
            print_text(&p.text, counter, out);
        }
        out.push('\n');
        print_provisions(&p.children, depth + 1, defaults, counter, out);
    }
}

/// Prints a text in the notation (brackets, escapes), numbering brackets from
/// `counter` for the default-identity rule.
pub fn print_text(text: &Text, counter: &mut usize, out: &mut String) {
    for inline in &text.0 {
        match inline {
            Inline::Run { text } => escape_into(text, out),
            Inline::FootnoteRef { label } => {
                out.push_str("[^");
                out.push_str(label);
                out.push(']');
            }
            Inline::Bracket(b) => {
                *counter += 1;
                let own = *counter;
                out.push('[');
                if b.id != default_bracket_id(*counter) {
                    out.push_str("{#");
                    out.push_str(&b.id);
                    out.push_str("} ");
                }
                for (i, alt) in b.alternatives.iter().enumerate() {
                    let mut s = String::new();
                    if !alt.sponsors.is_empty() {
                        s.push('{');
                        s.push_str(&alt.sponsors.join(","));
                        s.push('}');
                    }
                    if !alt.text.is_empty() {
                        if !s.is_empty() {
                            s.push(' ');
                        }
                        let mut t = String::new();
                        print_text(&alt.text, counter, &mut t);
                        // `[^` would open a footnote reference.
                        if i == 0
                            && s.is_empty()
                            && b.id == default_bracket_id(own)
                            && t.starts_with('^')
                        {
                            s.push('\\');
                        }
                        s.push_str(&t);
                    }
                    if i > 0 {
                        out.push_str(" |");
                        if !s.is_empty() {
                            out.push(' ');
                        }
                    }
                    out.push_str(&s);
                }
                out.push(']');
            }
        }
    }
}

/// A text printed on its own, with brackets numbered from 1.
pub fn text_to_notation(text: &Text) -> String {
    let mut out = String::new();
    print_text(text, &mut 0, &mut out);
    out
}

fn escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        if matches!(c, '[' | ']' | '|' | '{' | '}' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
}

// ---------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------

/// Reads a collection: instruments separated by lines holding exactly `=====`.
pub fn parse_collection(src: &str) -> Result<Vec<Instrument>, ParseError> {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    no_control_characters(src)?;
    let mut chunks: Vec<(usize, Vec<&str>)> = Vec::new();
    let mut start_line = 0usize;
    let mut chunk: Vec<&str> = Vec::new();
    for (i, line) in src.split('\n').enumerate() {
        if line.trim_end_matches('\r') == COLLECTION_SEPARATOR {
            chunks.push((start_line, std::mem::take(&mut chunk)));
            start_line = i + 1;
        } else {
            chunk.push(line);
        }
    }
    chunks.push((start_line, chunk));
    // Instruments are independent: large collections are read on several threads.
    crate::words::par_map(&chunks, |(start, lines)| parse_lines(lines, *start))
        .into_iter()
        .collect()
}

/// Reads one instrument in the notation.
pub fn parse(src: &str) -> Result<Instrument, ParseError> {
    // A byte-order mark opening the file (as some editors write one) is not text.
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    no_control_characters(src)?;
    let lines: Vec<&str> = src.split('\n').collect();
    parse_lines(&lines, 0)
}

/// Refuses control characters (other than tab and line ends) and byte-order marks inside
/// the text: they are invisible, and would be kept in the record.
fn no_control_characters(src: &str) -> Result<(), ParseError> {
    for (k, line) in src.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if let Some((col, c)) = line
            .chars()
            .enumerate()
            .find(|(_, c)| (c.is_control() && *c != '\t') || *c == '\u{feff}')
        {
            return err(
                k + 1,
                col + 1,
                format!(
                    "the invisible character U+{:04X} is not allowed in the text; remove it",
                    u32::from(c)
                ),
            );
        }
    }
    Ok(())
}

/// A piece of text with the position of its first character.
struct Piece<'a> {
    line: usize,
    column: usize,
    text: &'a str,
}

struct RawProvision<'a> {
    depth: usize,
    label: &'a str,
    anchor: Option<&'a str>,
    sponsors: Vec<String>,
    pieces: Vec<Piece<'a>>,
}

enum Target {
    None,
    Opening,
    Provision,
    Footnote,
}

fn parse_lines<'a>(all: &[&'a str], offset: usize) -> Result<Instrument, ParseError> {
    let lines: Vec<&'a str> = all.iter().map(|l| l.trim_end_matches('\r')).collect();
    // Skip blank lines before the citation (useful after a collection separator).
    let mut i = 0;
    while i < lines.len() && lines[i].trim().is_empty() {
        i += 1;
    }
    let ln = |i: usize| offset + i + 1;
    let Some(citation) = lines.get(i) else {
        return err(
            ln(i),
            1,
            "expected the citation, e.g. `Resolution 102 (Rev. Busan, 2014)`",
        );
    };
    let (kind, number, revision) = parse_citation(citation, ln(i))?;
    i += 1;
    let title = match lines.get(i) {
        Some(t) if !t.trim().is_empty() => t.trim().to_string(),
        _ => {
            return err(
                ln(i),
                1,
                "expected the title on the line after the citation",
            );
        }
    };
    i += 1;
    let mut inst = Instrument {
        kind,
        number,
        revision,
        title,
        metadata: Vec::new(),
        opening: Text::default(),
        sections: Vec::new(),
        footnotes: Vec::new(),
    };
    while i < lines.len() && !lines[i].trim().is_empty() {
        let line = lines[i];
        let Some((key, value)) = line.split_once(':') else {
            return err(
                ln(i),
                1,
                "expected a `key: value` metadata line or a blank line before the opening formula",
            );
        };
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return err(
                ln(i),
                1,
                "expected a metadata key (letters, digits, `-`, `_`) followed by `:`",
            );
        }
        inst.metadata.push(Metadata {
            key: key.to_string(),
            value: value.trim().to_string(),
        });
        i += 1;
    }

    let mut opening: Vec<Piece<'a>> = Vec::new();
    let mut sections: Vec<(String, Vec<RawProvision<'a>>)> = Vec::new();
    let mut footnotes: Vec<(String, Vec<Piece<'a>>, usize)> = Vec::new();
    let mut target = Target::None;
    let mut seen_body = false;

    while i < lines.len() {
        let raw = lines[i];
        let line_no = ln(i);
        i += 1;
        if raw.trim().is_empty() {
            if matches!(target, Target::Opening) {
                target = Target::None;
            }
            continue;
        }
        if raw.starts_with('%') {
            continue;
        }
        // Indentation, with tabs counting as four spaces.
        let mut indent = 0usize;
        let mut chars = 0usize;
        for c in raw.bytes() {
            match c {
                b' ' => indent += 1,
                b'\t' => indent += 4,
                _ => break,
            }
            chars += 1;
        }
        // Indentation is ASCII, so `chars` is also a byte offset.
        let body: &str = &raw[chars..];
        let body_col = chars + 1;

        // `##! heading`: a heading taken as written, without a keyword (other languages).
        let as_written = body.starts_with("##!");
        let marker = if as_written { 3 } else { 2 };
        let is_heading = body.starts_with("##")
            && body[marker..]
                .chars()
                .next()
                .is_none_or(char::is_whitespace);
        if indent == 0 && is_heading {
            let heading = body[marker..].trim().to_string();
            if heading.is_empty() {
                return err(
                    line_no,
                    3,
                    "expected a section keyword after `## `, e.g. `considering` or `resolves`",
                );
            }
            if !as_written && Section::part_of(&heading).is_none() {
                return err(
                    line_no,
                    4,
                    format!(
                        "unknown section keyword `{}`; expected a preamble keyword ({}), an operative keyword ({}), or `Annex` (`##! heading` takes a heading as written)",
                        heading.split_whitespace().next().unwrap_or(""),
                        PREAMBLE_KEYWORDS.join(", "),
                        OPERATIVE_KEYWORDS.join(", ")
                    ),
                );
            }
            sections.push((heading, Vec::new()));
            target = Target::None;
            seen_body = true;
            continue;
        }
        if indent == 0
            && body.starts_with("[^")
            && let Some(close) = body.find("]:")
        {
            {
                let label = &body[2..close];
                if valid_ref_label(label) {
                    let rest = &body[close + 2..];
                    let lead = rest.chars().take_while(|c| *c == ' ').count();
                    let col = body_col + body[..close + 2].chars().count() + lead;
                    footnotes.push((
                        label.to_string(),
                        vec![Piece {
                            line: line_no,
                            column: col,
                            text: rest.trim(),
                        }],
                        line_no,
                    ));
                    target = Target::Footnote;
                    seen_body = true;
                    continue;
                }
            }
        }
        // A new provision?
        if let Some((_, list)) = sections.last_mut()
            && indent.is_multiple_of(4)
        {
            let depth = indent / 4;
            let max_depth = match (list.last(), &target) {
                (Some(p), Target::Provision) => p.depth + 1,
                _ => 0,
            };
            let first = label_of(body);
            if depth <= max_depth && !first.is_empty() {
                if depth > MAX_DEPTH {
                    return err(line_no, 1, "sub-items are nested too deeply");
                }
                let mut rest = &body[first.len()..];
                let mut col = body_col + first.chars().count();
                let mut anchor = None;
                let trimmed = rest.trim_start_matches(' ');
                if let Some(after) = trimmed.strip_prefix("{#") {
                    col += rest.len() - trimmed.len();
                    let Some(end) = after.find('}') else {
                        return err(line_no, col, "expected `}` closing the `{#id}` anchor");
                    };
                    let id = &after[..end];
                    if !valid_id(id) {
                        return err(
                            line_no,
                            col + 2,
                            "expected an identity made of letters, digits, `.`, `-`, `_`, `~`, `:`",
                        );
                    }
                    anchor = Some(id);
                    col += 3 + id.chars().count();
                    rest = &after[end + 1..];
                }
                // `{BRA,USA}`: who proposed the paragraph's wording (a negotiating text).
                let mut sponsors = Vec::new();
                let trimmed = rest.trim_start_matches(' ');
                if let Some(after) = trimmed.strip_prefix('{') {
                    col += rest.len() - trimmed.len();
                    let Some(end) = after.find('}') else {
                        return err(
                            line_no,
                            col,
                            "expected `}` closing the paragraph's `{SPONSOR,…}` list",
                        );
                    };
                    for s in after[..end].split(',').map(str::trim) {
                        if !valid_sponsor(s) {
                            return err(
                                line_no,
                                col + 1,
                                "expected sponsors separated by commas, e.g. `{BRA,USA}`",
                            );
                        }
                        sponsors.push(s.to_string());
                    }
                    col += 2 + end;
                    rest = &after[end + 1..];
                }
                let lead = rest.chars().take_while(|c| *c == ' ').count();
                list.push(RawProvision {
                    depth,
                    label: first,
                    anchor,
                    sponsors,
                    pieces: vec![Piece {
                        line: line_no,
                        column: col + lead,
                        text: rest.trim(),
                    }],
                });
                target = Target::Provision;
                continue;
            }
            if indent == 0 {
                return err(
                    line_no,
                    1,
                    "expected a provision label such as `a)`, `1` or `i)` at the start of the line (continuation lines are indented)",
                );
            }
        }
        let piece = Piece {
            line: line_no,
            column: body_col,
            text: body.trim_end(),
        };
        match target {
            Target::Provision if indent > 0 => {
                if let Some(p) = sections.last_mut().and_then(|(_, l)| l.last_mut()) {
                    p.pieces.push(piece);
                }
            }
            Target::Footnote if indent > 0 => {
                if let Some(f) = footnotes.last_mut() {
                    f.1.push(piece);
                }
            }
            _ if !seen_body && (opening.is_empty() || matches!(target, Target::Opening)) => {
                opening.push(piece);
                target = Target::Opening;
            }
            _ => {
                return err(
                    line_no,
                    1,
                    if sections.is_empty() {
                        "expected a `## ` section heading (the opening formula is one paragraph)"
                    } else {
                        "expected a provision label such as `a)` or `1`, a `## ` heading or a `[^n]:` footnote"
                    },
                );
            }
        }
    }

    inst.opening = parse_pieces(&opening)?;
    let mut provision_lines = Vec::new();
    for (heading, raws) in sections {
        let mut flat = Vec::new();
        for r in raws {
            let text = parse_pieces(&r.pieces)?;
            let line = r.pieces.first().map(|p| p.line).unwrap_or(0);
            provision_lines.push(line);
            flat.push((
                r.depth,
                r.label.to_string(),
                r.anchor.map(str::to_string),
                text,
                r.sponsors,
            ));
        }
        let mut iter = flat.into_iter().peekable();
        let provisions = build_tree(&mut iter, 0);
        inst.sections.push(Section {
            heading,
            provisions,
        });
    }
    let mut labels = HashSet::default();
    for (label, pieces, line) in footnotes {
        if !labels.insert(label.clone()) {
            return err(line, 1, format!("footnote `[^{label}]` is defined twice"));
        }
        inst.footnotes.push(Footnote {
            label,
            text: parse_pieces(&pieces)?,
        });
    }
    assign_ids(&mut inst, &provision_lines)?;
    Ok(inst)
}

type Flat = (usize, String, Option<String>, Text, Vec<String>);

fn build_tree(
    iter: &mut std::iter::Peekable<impl Iterator<Item = Flat>>,
    depth: usize,
) -> Vec<Provision> {
    let mut out: Vec<Provision> = Vec::new();
    while let Some(next) = iter.peek() {
        if next.0 < depth {
            break;
        }
        if next.0 > depth {
            let children = build_tree(iter, depth + 1);
            if let Some(last) = out.last_mut() {
                last.children.extend(children);
            }
            continue;
        }
        let Some((_, label, anchor, text, sponsors)) = iter.next() else {
            break;
        };
        out.push(Provision {
            // Empty until `assign_ids` gives the default identity.
            id: anchor.unwrap_or_default(),
            label,
            text,
            children: Vec::new(),
            sponsors,
        });
    }
    out
}

fn assign_ids(inst: &mut Instrument, lines: &[usize]) -> Result<(), ParseError> {
    let mut defaults = default_provision_ids(inst);
    let mut idx = 0usize;
    fn walk(list: &mut [Provision], defaults: &mut [String], idx: &mut usize) {
        for p in list {
            // An empty identity means "no anchor written": take the default.
            if p.id.is_empty()
                && let Some(d) = defaults.get_mut(*idx)
            {
                p.id = std::mem::take(d);
            }
            *idx += 1;
            walk(&mut p.children, defaults, idx);
        }
    }
    for s in &mut inst.sections {
        walk(&mut s.provisions, &mut defaults, &mut idx);
    }
    // Default identities are unique by construction; only written anchors can clash.
    let anchors_written = defaults.iter().filter(|d| d.is_empty()).count() != idx;
    if anchors_written {
        let mut seen: HashSet<&str> = HashSet::default();
        for (k, (_, _, p)) in inst.provisions().into_iter().enumerate() {
            if !seen.insert(p.id.as_str()) {
                return err(
                    lines.get(k).copied().unwrap_or(0),
                    1,
                    format!(
                        "provision identity `{}` is used twice; give one of them a different `{{#id}}` anchor",
                        p.id
                    ),
                );
            }
        }
    }
    // Bracket identities: default by position unless written.
    let mut counter = 0usize;
    let mut bseen = HashSet::default();
    let mut dup = None;
    for_each_text_mut(inst, &mut |t| {
        number_brackets(t, &mut counter, &mut bseen, &mut dup)
    });
    if let Some(id) = dup {
        return err(0, 0, format!("bracket identity `{id}` is used twice"));
    }
    Ok(())
}

fn number_brackets(
    t: &mut Text,
    counter: &mut usize,
    seen: &mut HashSet<String>,
    dup: &mut Option<String>,
) {
    for inline in &mut t.0 {
        if let Inline::Bracket(b) = inline {
            *counter += 1;
            if b.id.is_empty() {
                b.id = default_bracket_id(*counter);
            }
            if !seen.insert(b.id.clone()) && dup.is_none() {
                *dup = Some(b.id.clone());
            }
            for a in &mut b.alternatives {
                number_brackets(&mut a.text, counter, seen, dup);
            }
        }
    }
}

fn parse_citation(
    line: &str,
    line_no: usize,
) -> Result<(String, String, Option<String>), ParseError> {
    let normalized = line.split_whitespace().collect::<Vec<_>>().join(" ");
    let s = normalized.as_str();
    let expected = "expected the citation `<kind> <number> (<revision>)`, e.g. `Resolution 102 (Rev. Busan, 2014)`";
    let (head, revision) = match (s.strip_suffix(')'), s.rfind(" (")) {
        (Some(_), Some(pos)) if pos > 0 => {
            let rev = &s[pos + 2..s.len() - 1];
            (s[..pos].trim_end(), Some(rev.trim().to_string()))
        }
        _ => (s, None),
    };
    let Some((kind, number)) = head.rsplit_once(' ') else {
        return err(line_no, 1, expected);
    };
    let kind = kind.trim();
    if kind.is_empty() || number.is_empty() {
        return err(line_no, 1, expected);
    }
    Ok((
        kind.split_whitespace().collect::<Vec<_>>().join(" "),
        number.to_string(),
        revision,
    ))
}

/// The Latin ordinals of a provisional label inserted after another (`c bis)`, `c ter)`):
/// the house style of the UN and the ITU for paragraphs added in negotiation.
pub const ORDINALS: &[&str] = &[
    "bis",
    "ter",
    "quater",
    "quinquies",
    "sexies",
    "septies",
    "octies",
    "novies",
    "decies",
];

/// The label at the start of a provision line, or "" when the line has none: the first
/// word when [`is_label`] takes it, or a provisional label of two words (`c bis)`,
/// `(c ter)`, `3 bis`).
pub fn label_of(body: &str) -> &str {
    let mut words = body.splitn(3, ' ');
    let first = words.next().unwrap_or("");
    if let Some(second) = words.next()
        && is_provisional(first, second)
    {
        return &body[..first.len() + 1 + second.len()];
    }
    if is_label(first) { first } else { "" }
}

/// `c` + `bis)`, `(c` + `ter)`, `3` + `bis`: a stem and a Latin ordinal.
fn is_provisional(stem: &str, ordinal: &str) -> bool {
    let (inner, closed) = match stem.strip_prefix('(') {
        Some(inner) => (inner, true),
        None => (stem, false),
    };
    let letters = !inner.is_empty() && inner.chars().all(|c| c.is_ascii_alphabetic());
    let digits = !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit());
    let (word, paren) = match ordinal.strip_suffix(')') {
        Some(w) => (w, true),
        None => (ordinal, false),
    };
    ORDINALS.contains(&word)
        && inner.len() <= 4
        && ((letters && paren) || (digits && (paren == closed)))
}

/// Whether a token is a provision label: `a)`, `(i)`, `1`, `12bis`, `2.1`, `-`.
pub fn is_label(tok: &str) -> bool {
    if tok == "-" {
        return true;
    }
    let n = tok.chars().count();
    if n == 0 || n > 12 {
        return false;
    }
    if let Some(inner) = tok.strip_suffix(')') {
        let inner = inner.strip_prefix('(').unwrap_or(inner);
        return !inner.is_empty() && inner.chars().all(|c| c.is_alphanumeric());
    }
    // A numbered paragraph of a plan or a table, `2.1` or `17.7.3`.
    if tok.contains('.') {
        return tok
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()));
    }
    let digits = tok.chars().take_while(|c| c.is_ascii_digit()).count();
    digits > 0 && tok.chars().skip(digits).all(|c| c.is_ascii_lowercase())
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '~' | ':'))
}

fn valid_ref_label(label: &str) -> bool {
    !label.is_empty()
        && label
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn valid_sponsor(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| {
            !matches!(c, '[' | ']' | '|' | '{' | '}' | '\\' | ',' | '#') && !c.is_control()
        })
}

/// True when a trimmed line is plain text: no notation characters, no whitespace other
/// than single spaces. Scans bytes; decodes only the rare multi-byte characters whose
/// lead byte may start a Unicode space.
fn is_plain_line(t: &str) -> bool {
    // 1: notation character or non-space ASCII whitespace; 2: lead byte of a
    // multi-byte character that may be a Unicode space.
    const CLASS: [u8; 256] = {
        let mut c = [0u8; 256];
        let special = b"[]|{}\\\t\r\x0b\x0c";
        let mut i = 0;
        while i < special.len() {
            c[special[i] as usize] = 1;
            i += 1;
        }
        c[0xC2] = 2;
        c[0xE1] = 2;
        c[0xE2] = 2;
        c[0xE3] = 2;
        c
    };
    let bytes = t.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match CLASS[b as usize] {
            0 => {}
            1 => return false,
            _ => {
                if t[i..].chars().next().is_some_and(char::is_whitespace) {
                    return false;
                }
            }
        }
    }
    !t.contains("  ")
}

/// Reads the text of a paragraph given as pieces (one per line), joined with spaces.
fn parse_pieces(pieces: &[Piece]) -> Result<Text, ParseError> {
    // Fast path: one line of plain words (most paragraphs).
    if let [piece] = pieces {
        let t = piece.text;
        let plain = is_plain_line(t);
        if plain {
            return Ok(if t.is_empty() {
                Text::default()
            } else {
                Text(vec![Inline::Run {
                    text: t.to_string(),
                }])
            });
        }
    }
    let mut chars: Vec<(char, usize, usize)> = Vec::new();
    for (i, p) in pieces.iter().enumerate() {
        if i > 0 {
            chars.push((' ', p.line, p.column));
        }
        for (k, c) in p.text.chars().enumerate() {
            chars.push((c, p.line, p.column + k));
        }
    }
    let end = pieces
        .last()
        .map(|p| (p.line, p.column + p.text.chars().count()))
        .unwrap_or((0, 0));
    let mut parser = InlineParser { chars, pos: 0, end };
    let text = parser.text(0)?;
    if parser.pos < parser.chars.len() {
        let (c, l, col) = parser.chars[parser.pos];
        return err(
            l,
            col,
            format!("unexpected `{c}` outside a bracket; write `\\{c}` for a literal"),
        );
    }
    Ok(text)
}

struct InlineParser {
    chars: Vec<(char, usize, usize)>,
    pos: usize,
    end: (usize, usize),
}

impl InlineParser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).map(|c| c.0)
    }
    fn at(&self) -> (usize, usize) {
        self.chars
            .get(self.pos)
            .map(|c| (c.1, c.2))
            .unwrap_or(self.end)
    }
    fn at_index(&self, i: usize) -> (usize, usize) {
        self.chars.get(i).map(|c| (c.1, c.2)).unwrap_or(self.end)
    }
    fn fail<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        let (l, c) = self.at();
        err(l, c, message)
    }

    /// Reads text up to an unescaped `|` or `]` (inside a bracket) or the end.
    fn text(&mut self, nesting: usize) -> Result<Text, ParseError> {
        let mut out = Text::default();
        let mut run = String::new();
        let mut pending_space = false;
        while let Some(c) = self.peek() {
            match c {
                c if c.is_whitespace() => {
                    pending_space = true;
                    self.pos += 1;
                }
                '|' | ']' if nesting > 0 => break,
                '|' | ']' | '{' | '}' => {
                    return self.fail(format!(
                        "unexpected `{c}`{}; write `\\{c}` for a literal",
                        if nesting == 0 {
                            " outside a bracket"
                        } else {
                            ""
                        }
                    ));
                }
                '\\' => {
                    let next = self.chars.get(self.pos + 1).map(|c| c.0);
                    match next {
                        Some(n) if n.is_ascii_punctuation() => {
                            if pending_space && (!run.is_empty() || !out.is_empty()) {
                                run.push(' ');
                            }
                            pending_space = false;
                            run.push(n);
                            self.pos += 2;
                        }
                        _ => {
                            return self.fail(
                                "expected a punctuation character such as `[ ] | { } \\` after `\\` (write `\\\\` for a backslash)",
                            );
                        }
                    }
                }
                '[' => {
                    if pending_space && (!run.is_empty() || !out.is_empty()) {
                        run.push(' ');
                    }
                    pending_space = false;
                    if !run.is_empty() {
                        out.push(Inline::Run {
                            text: std::mem::take(&mut run),
                        });
                    }
                    if self.chars.get(self.pos + 1).map(|c| c.0) == Some('^') {
                        out.push(self.footnote_ref()?);
                    } else {
                        out.push(Inline::Bracket(self.bracket(nesting)?));
                    }
                }
                _ => {
                    if pending_space && (!run.is_empty() || !out.is_empty()) {
                        run.push(' ');
                    }
                    pending_space = false;
                    run.push(c);
                    self.pos += 1;
                }
            }
        }
        if !run.is_empty() {
            out.push(Inline::Run { text: run });
        }
        Ok(out)
    }

    fn footnote_ref(&mut self) -> Result<Inline, ParseError> {
        self.pos += 2;
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c == ']' {
                let label: String = self.chars[start..self.pos].iter().map(|c| c.0).collect();
                if !valid_ref_label(&label) {
                    return self.fail(
                        "expected a footnote label (letters, digits, `-`, `_`, `.`) in `[^label]`",
                    );
                }
                self.pos += 1;
                return Ok(Inline::FootnoteRef { label });
            }
            if !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')) {
                break;
            }
            self.pos += 1;
        }
        self.fail("expected `]` closing the footnote reference `[^label]`")
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
    }

    fn bracket(&mut self, nesting: usize) -> Result<Bracket, ParseError> {
        if nesting >= MAX_NESTING {
            return self.fail("brackets are nested too deeply");
        }
        let open = self.at();
        self.pos += 1; // '['
        self.skip_spaces();
        let mut id = String::new();
        if self.peek() == Some('{') && self.chars.get(self.pos + 1).map(|c| c.0) == Some('#') {
            self.pos += 2;
            let start = self.pos;
            while let Some(c) = self.peek() {
                if c == '}' {
                    break;
                }
                self.pos += 1;
            }
            if self.peek() != Some('}') {
                return self.fail("expected `}` closing the bracket's `{#id}` anchor");
            }
            id = self.chars[start..self.pos].iter().map(|c| c.0).collect();
            if !valid_id(&id) {
                let (l, c) = (self.chars[start - 2].1, self.chars[start - 2].2);
                return err(
                    l,
                    c,
                    "expected a bracket identity made of letters, digits, `.`, `-`, `_`, `~`, `:`",
                );
            }
            self.pos += 1;
        }
        let mut alternatives = Vec::new();
        loop {
            self.skip_spaces();
            let mut sponsors = Vec::new();
            if self.peek() == Some('{') {
                self.pos += 1;
                let start = self.pos;
                while let Some(c) = self.peek() {
                    if c == '}' {
                        break;
                    }
                    self.pos += 1;
                }
                if self.peek() != Some('}') {
                    return self.fail("expected `}` closing the list of sponsors");
                }
                let list: String = self.chars[start..self.pos].iter().map(|c| c.0).collect();
                for s in list.split(',') {
                    let s = s.trim();
                    if !valid_sponsor(s) {
                        let (l, c) = self.at_index(start);
                        return err(
                            l,
                            c,
                            "expected sponsors separated by commas, e.g. `{USA,CAN}`",
                        );
                    }
                    sponsors.push(s.to_string());
                }
                self.pos += 1;
            }
            let text = self.text(nesting + 1)?;
            alternatives.push(Alternative { sponsors, text });
            match self.peek() {
                Some('|') => {
                    self.pos += 1;
                }
                Some(']') => {
                    self.pos += 1;
                    break;
                }
                _ => {
                    return err(
                        open.0,
                        open.1,
                        "expected `]` closing this bracket (alternatives are separated by ` | `)",
                    );
                }
            }
        }
        Ok(Bracket { id, alternatives })
    }
}
