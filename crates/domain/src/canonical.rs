//! Canonical JSON: the exact bytes that the hash chain commits to.
//!
//! Objects have their keys sorted (by UTF-8 bytes), there is no insignificant white space,
//! strings are escaped as `serde_json` escapes them, and numbers are written as `serde_json`
//! writes them. Plenary's payloads use integers only, so number formatting is unambiguous.
//! Two values that are equal as JSON values always have the same canonical text.

use serde_json::Value;

/// Writes `value` as canonical JSON text.
pub fn to_canonical_string(value: &Value) -> String {
    let mut out = String::with_capacity(128);
    write_value(&mut out, value);
    out
}

/// Serializes any serde value to canonical JSON text.
///
/// # Errors
/// Fails only when the value cannot be represented as JSON (e.g. a map with non-string keys).
pub fn to_canonical<T: serde::Serialize>(value: &T) -> Result<String, serde_json::Error> {
    Ok(to_canonical_string(&serde_json::to_value(value)?))
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

fn write_string(out: &mut String, s: &str) {
    // serde_json's string escaping is deterministic; reuse it rather than re-implement it.
    match serde_json::to_string(s) {
        Ok(escaped) => out.push_str(&escaped),
        Err(_) => out.push_str("\"\""), // unreachable: a &str always serializes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_and_whitespace_removed() {
        let v = json!({"b": 1, "a": {"d": [true, null], "c": "x\"y"}});
        assert_eq!(
            to_canonical_string(&v),
            r#"{"a":{"c":"x\"y","d":[true,null]},"b":1}"#
        );
    }

    #[test]
    fn equal_values_have_equal_text_whatever_the_insertion_order() {
        let a: Value =
            serde_json::from_str(r#"{"x":1,"y":[1,2],"z":{"q":"é"}}"#).unwrap_or_default();
        let b: Value =
            serde_json::from_str(r#"{ "z":{"q":"é"}, "y":[1,2], "x":1 }"#).unwrap_or_default();
        assert_eq!(to_canonical_string(&a), to_canonical_string(&b));
    }

    #[test]
    fn canonical_text_parses_back_to_the_same_value() {
        let v = json!({"title": "Résolution 102 — \u{0627}", "n": -3, "list": [{"b":2,"a":1}]});
        let text = to_canonical_string(&v);
        let back: Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back, v);
    }
}
