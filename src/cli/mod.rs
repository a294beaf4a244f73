//! The `extract` command's machinery: input is read in units ([`input`]),
//! each unit is extracted and rendered on a worker thread ([`render`]), and
//! the results are written in input order ([`sink`]) by [`run`].

pub(crate) mod input;
pub(crate) mod render;
pub(crate) mod run;
pub(crate) mod sink;

/// One unit of input once decoded: a document, or a record that could not
/// be read.
pub(crate) enum Item {
    Doc { id: serde_json::Value, text: String },
    Failed { id: serde_json::Value, error: String },
}

/// A document id as text: a string as it is, any other JSON value as JSON.
pub(crate) fn display_id(id: &serde_json::Value) -> String {
    match id {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `s` on one line: runs of whitespace, line ends included, become one
/// space (for comment lines of the line-based formats).
pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
