//! States as the UN names them ("BOLIVIA (PLURINATIONAL STATE OF)", "CÔTE D’IVOIRE",
//! "Russian Federation") → member ids (ISO 3166-1 alpha-3 in lower case).
//!
//! Names are compared by a key: accents folded, upper case, only letters and digits, a
//! leading "THE" dropped, and a trailing "(on behalf of …)" or "(in its capacity as …)"
//! dropped. The names of the demo's member-state table, plus a few exceptions (names the
//! UN uses today and that table does not), map; anything else is kept as written.

use std::collections::HashMap;
use std::sync::OnceLock;

use plenary_domain::model::MemberId;
use plenary_domain::records::StateRef;

const TABLE: &str = include_str!("../demo/member_states.tsv");

/// Names the UN writes that the member-state table (short forms of 2014) does not.
const EXCEPTIONS: &[(&str, &str)] = &[
    ("United States of America", "usa"),
    (
        "United Kingdom of Great Britain and Northern Ireland",
        "gbr",
    ),
    ("Republic of Korea", "kor"),
    ("Republic of Moldova", "mda"),
    ("United Republic of Tanzania", "tza"),
    ("Cabo Verde", "cpv"),
    ("Czechia", "cze"),
    ("Eswatini", "swz"),
    ("North Macedonia", "mkd"),
    ("Türkiye", "tur"),
    ("Turkiye", "tur"),
    ("Netherlands (Kingdom of the)", "nld"),
    ("Kingdom of the Netherlands", "nld"),
    ("Micronesia (Federated States of)", "fsm"),
    ("Federated States of Micronesia", "fsm"),
    ("Islamic Republic of Iran", "irn"),
    ("Plurinational State of Bolivia", "bol"),
    ("Bolivarian Republic of Venezuela", "ven"),
    ("Venezuela (Bolivarian Republic)", "ven"),
    ("Libyan Arab Jamahiriya", "lby"),
    ("Libya Arab Jamahiriya", "lby"),
    ("Holy See", "vat"),
    ("State of Palestine", "pse"),
    ("Palau", "plw"),
];

fn fold(c: char) -> char {
    match c {
        'À'..='Å' | 'à'..='å' => 'A',
        'Ç' | 'ç' => 'C',
        'È'..='Ë' | 'è'..='ë' => 'E',
        'Ì'..='Ï' | 'ì'..='ï' | 'İ' | 'Ý' => 'I',
        'Ò'..='Ö' | 'ò'..='ö' => 'O',
        'Ù'..='Ü' | 'ù'..='ü' => 'U',
        c => c.to_ascii_uppercase(),
    }
}

/// The comparison key of a state's name.
fn key(name: &str) -> String {
    let upper: String = name.chars().map(fold).collect();
    let mut core = upper.as_str();
    for cut in [
        "(ON BEHALF OF",
        ", ON BEHALF OF",
        "(OF BEHALF OF",
        "(IN ITS CAPACITY",
    ] {
        if let Some(at) = core.find(cut) {
            core = &core[..at];
        }
    }
    let core = core.trim();
    let core = core.strip_prefix("THE ").unwrap_or(core);
    let core = core.strip_suffix("(THE)").unwrap_or(core);
    core.chars().filter(char::is_ascii_alphanumeric).collect()
}

fn table() -> &'static HashMap<String, &'static str> {
    static TABLE_BY_KEY: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    TABLE_BY_KEY.get_or_init(|| {
        let mut map = HashMap::new();
        for line in TABLE.lines().filter(|l| !l.starts_with('#')) {
            let mut cols = line.split('\t');
            if let (Some(id), Some(name)) = (cols.next(), cols.next()) {
                map.insert(key(name), id);
            }
        }
        for (name, id) in EXCEPTIONS {
            map.insert(key(name), *id);
        }
        map
    })
}

/// The member id a state's name maps to, if any.
pub fn member_of(name: &str) -> Option<MemberId> {
    table()
        .get(&key(name))
        .and_then(|id| MemberId::new(id).ok())
}

/// A state as written, with its member id when the name maps.
pub fn state(name: &str) -> StateRef {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    StateRef {
        member: member_of(&name),
        name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn un_names_map_to_iso_ids_whatever_their_spelling() {
        for (name, id) in [
            ("BOLIVIA (PLURINATIONAL STATE OF)", "bol"),
            ("CÔTE D'IVOIRE", "civ"),
            ("CÔTE D’IVOIRE", "civ"),
            ("COTE D'IVOIRE", "civ"),
            ("TÜRKİYE", "tur"),
            ("UNITED STATES", "usa"),
            ("United States of America", "usa"),
            ("Russian Federation", "rus"),
            ("THE GAMBIA", "gmb"),
            ("GUINEA BISSAU", "gnb"),
            ("CZECHI A", "cze"),
            ("NETHERLANDS (KINGDOM OF THE)", "nld"),
            ("LAO PEOPLE’S DEMOCRATIC  REPUBLIC", "lao"),
            (
                "CUBA (ON BEHALF OF THE STATES MEMBERS OF THE UNITED NATIONS THAT ARE MEMBERS OF THE GROUP OF 77 AND CHINA)",
                "cub",
            ),
            ("MOZAMBIQUE\u{a0}", "moz"),
            ("BAHAMAS (THE)", "bhs"),
        ] {
            assert_eq!(
                member_of(name).map(|m| m.to_string()).as_deref(),
                Some(id),
                "{name}"
            );
        }
    }

    #[test]
    fn a_name_that_does_not_map_is_kept_as_written() {
        let s = state("SUBMITTED BY THE CHAIR");
        assert_eq!(s.name, "SUBMITTED BY THE CHAIR");
        assert_eq!(s.member, None);
    }
}
