//! A compact element tree built in one streaming pass of quick-xml.
//!
//! Akoma Ntoso needs look-ahead (a `paragraph` is read differently when it holds a
//! `list`, a recital's number may be missing, the ITU file needs repairs across
//! siblings), so the reader builds this small arena first: one `Vec` of elements with
//! their local names, attributes and children. Namespaces are dropped except for the
//! prefix, which is kept in `name` (`akn4un:voters`) so extensions stay recognisable.

use crate::AknError;
use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// One element: local name (with prefix when it had one), attributes, children.
#[derive(Debug, Default)]
pub(crate) struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

/// A child of an element.
#[derive(Debug)]
pub(crate) enum Node {
    Element(usize),
    Text(String),
}

/// The parsed document: element 0 is the root.
#[derive(Debug)]
pub(crate) struct Tree {
    pub elements: Vec<Element>,
}

/// How deep elements may nest before the input is refused (stack safety for the
/// recursive reader; real documents stay under 30).
const MAX_DEPTH: usize = 200;

impl Tree {
    pub fn parse(src: &str) -> Result<Tree, AknError> {
        let mut reader = Reader::from_str(src);
        reader.config_mut().check_end_names = true;
        let mut elements: Vec<Element> = Vec::new();
        let mut stack: Vec<usize> = Vec::new();
        let mut root: Option<usize> = None;
        loop {
            let pos = reader.buffer_position();
            let ev = reader.read_event().map_err(|e| AknError {
                message: format!("malformed XML: {e}"),
                offset: Some(pos as usize),
            })?;
            match ev {
                Event::Start(ref s) | Event::Empty(ref s) => {
                    if stack.is_empty() && root.is_some() {
                        return Err(AknError {
                            message: "malformed XML: more than one root element".into(),
                            offset: Some(pos as usize),
                        });
                    }
                    if stack.len() >= MAX_DEPTH {
                        return Err(AknError {
                            message: format!("elements nest deeper than {MAX_DEPTH} levels"),
                            offset: Some(pos as usize),
                        });
                    }
                    let name = s.name().as_ref().to_string();
                    let mut attrs = Vec::new();
                    for a in s.attributes() {
                        let a = a.map_err(|e| AknError {
                            message: format!("malformed XML attribute: {e}"),
                            offset: Some(pos as usize),
                        })?;
                        let key = a.key.as_ref().to_string();
                        let value = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .map_err(|e| AknError {
                                message: format!("malformed XML attribute value: {e}"),
                                offset: Some(pos as usize),
                            })?;
                        attrs.push((key, value.into_owned()));
                    }
                    let id = elements.len();
                    elements.push(Element {
                        name,
                        attrs,
                        children: Vec::new(),
                    });
                    if let Some(&parent) = stack.last() {
                        elements[parent].children.push(Node::Element(id));
                    } else {
                        root = Some(id);
                    }
                    if matches!(ev, Event::Start(_)) {
                        stack.push(id);
                    }
                }
                Event::End(_) => {
                    stack.pop();
                }
                Event::Text(t) => {
                    let s = t.xml10_content();
                    push_text(&mut elements, &stack, &s, pos)?;
                }
                Event::CData(t) => {
                    let s = t.xml10_content();
                    push_text(&mut elements, &stack, &s, pos)?;
                }
                Event::GeneralRef(r) => {
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => match r.as_ref() {
                            "amp" => "&".into(),
                            "lt" => "<".into(),
                            "gt" => ">".into(),
                            "quot" => "\"".into(),
                            "apos" => "'".into(),
                            other => {
                                return Err(AknError {
                                    message: format!("malformed XML: unknown entity `&{other};`"),
                                    offset: Some(pos as usize),
                                });
                            }
                        },
                        Err(e) => {
                            return Err(AknError {
                                message: format!("malformed XML: bad character reference: {e}"),
                                offset: Some(pos as usize),
                            });
                        }
                    };
                    push_text(&mut elements, &stack, &c, pos)?;
                }
                Event::Eof => break,
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
            }
        }
        if !stack.is_empty() {
            let name = &elements[stack[stack.len() - 1]].name;
            return Err(AknError {
                message: format!("malformed XML: element `{name}` is not closed"),
                offset: Some(src.len()),
            });
        }
        if root.is_none() {
            return Err(AknError {
                message: "not XML: no root element".into(),
                offset: None,
            });
        }
        Ok(Tree { elements })
    }

    pub fn el(&self, id: usize) -> &Element {
        &self.elements[id]
    }

    /// The local name of an element (without prefix).
    pub fn local(&self, id: usize) -> &str {
        let n = &self.elements[id].name;
        n.rsplit(':').next().unwrap_or(n)
    }

    pub fn attr(&self, id: usize, key: &str) -> Option<&str> {
        self.elements[id]
            .attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Element children.
    pub fn kids(&self, id: usize) -> impl Iterator<Item = usize> + '_ {
        self.elements[id].children.iter().filter_map(|c| match c {
            Node::Element(e) => Some(*e),
            Node::Text(_) => None,
        })
    }

    /// The first child element with this local name.
    pub fn child(&self, id: usize, name: &str) -> Option<usize> {
        self.kids(id).find(|&k| self.local(k) == name)
    }

    /// The first descendant (pre-order, not `id` itself) with this local name.
    pub fn find(&self, id: usize, name: &str) -> Option<usize> {
        for k in self.kids(id) {
            if self.local(k) == name {
                return Some(k);
            }
            if let Some(f) = self.find(k, name) {
                return Some(f);
            }
        }
        None
    }

    /// Every descendant with this local name, in document order.
    pub fn find_all(&self, id: usize, name: &str, out: &mut Vec<usize>) {
        for k in self.kids(id) {
            if self.local(k) == name {
                out.push(k);
            }
            self.find_all(k, name, out);
        }
    }

    /// All text below an element, whitespace collapsed.
    pub fn text(&self, id: usize) -> String {
        let mut s = String::new();
        self.raw_text(id, &mut s);
        collapse(&s)
    }

    pub fn raw_text(&self, id: usize, out: &mut String) {
        for c in &self.elements[id].children {
            match c {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => self.raw_text(*e, out),
            }
        }
    }
}

/// Control characters (XML 1.0 allows the C1 range) and byte-order marks are invisible
/// and no part of a text: they are read as a space, so that every text read prints in
/// the notation, which refuses them.
fn invisible(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{feff}'
}

fn push_text(elements: &mut [Element], stack: &[usize], s: &str, pos: u64) -> Result<(), AknError> {
    let cleaned: String;
    let s = if s.chars().any(invisible) {
        cleaned = s
            .chars()
            .map(|c| if invisible(c) { ' ' } else { c })
            .collect();
        cleaned.as_str()
    } else {
        s
    };
    match stack.last() {
        Some(&p) => {
            if let Some(Node::Text(last)) = elements[p].children.last_mut() {
                last.push_str(s);
            } else {
                elements[p].children.push(Node::Text(s.to_string()));
            }
            Ok(())
        }
        None if s.trim().is_empty() => Ok(()),
        None => Err(AknError {
            message: "not XML: text outside the root element".into(),
            offset: Some(pos as usize),
        }),
    }
}

/// Collapses whitespace runs to one space and trims both ends.
pub(crate) fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}
