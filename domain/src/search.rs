//! What a search query may contain. A member types free text; the engines get only plain words,
//! each quoted, so no input can reach FTS5 or `tsquery` syntax (operators, column filters,
//! prefixes, `NEAR`) or make a query fail.

use crate::{Error, Result};

/// The most words a query keeps; more adds cost and no precision.
pub const MAX_TERMS: usize = 12;
/// The longest word kept (longer ones are cut).
pub const MAX_TERM_CHARS: usize = 64;
/// The longest input accepted.
pub const MAX_QUERY_CHARS: usize = 1000;

/// A query reduced to the words it contains, lower-cased, in order, without repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    terms: Vec<String>,
}

impl SearchQuery {
    /// Splits `raw` on anything that is not a letter or digit. Input without a single word (only
    /// punctuation, quotes, emoji) is a validation error on `q`, never an engine error.
    pub fn parse(raw: &str) -> Result<Self> {
        if raw.chars().count() > MAX_QUERY_CHARS {
            return Err(Error::field(
                "q",
                format!("must be at most {MAX_QUERY_CHARS} characters"),
            ));
        }
        let mut terms: Vec<String> = Vec::new();
        for word in raw.split(|c: char| !c.is_alphanumeric()) {
            if word.is_empty() {
                continue;
            }
            // Lower-casing can add combining marks (`İ` → `i̇`): keep letters and digits only.
            let word: String = word
                .to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric())
                .take(MAX_TERM_CHARS)
                .collect();
            if !word.is_empty() && !terms.contains(&word) {
                terms.push(word);
            }
            if terms.len() == MAX_TERMS {
                break;
            }
        }
        if terms.is_empty() {
            return Err(Error::field("q", "must contain at least one word"));
        }
        Ok(Self { terms })
    }

    pub fn terms(&self) -> &[String] {
        &self.terms
    }

    /// Every word as a quoted string, all required: `"consent" "objection"`. Words hold only
    /// letters and digits, so the quotes can never be broken out of. Used as the FTS5 `MATCH`
    /// expression and as the `websearch_to_tsquery` input, so both engines mean the same thing
    /// (a quoted `or` is a word, not an operator).
    pub fn quoted_terms(&self) -> String {
        self.terms
            .iter()
            .map(|t| format!("\"{t}\""))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn search_query_keeps_only_words_quoted() {
        let q = SearchQuery::parse(r#"Consent AND "objection*" NEAR(x) title:drivers -OR"#)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            q.quoted_terms(),
            r#""consent" "and" "objection" "near" "x" "title" "drivers" "or""#
        );
    }

    #[test]
    fn search_query_of_only_punctuation_or_emoji_is_invalid() {
        for raw in ["", "   ", "\"\"", "*", "-()^:", "🙂🙂", "\u{0}"] {
            assert!(SearchQuery::parse(raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn search_query_limits_length_and_terms() {
        assert!(SearchQuery::parse(&"a".repeat(MAX_QUERY_CHARS + 1)).is_err());
        let long =
            SearchQuery::parse(&"x".repeat(MAX_QUERY_CHARS)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(long.terms()[0].chars().count(), MAX_TERM_CHARS);
        let many = (0..50)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        let many = SearchQuery::parse(&many).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(many.terms().len(), MAX_TERMS);
    }

    proptest! {
        #[test]
        fn search_query_never_lets_syntax_through(raw in "\\PC{0,200}") {
            if let Ok(q) = SearchQuery::parse(&raw) {
                for term in q.terms() {
                    prop_assert!(!term.is_empty());
                    prop_assert!(term.chars().all(char::is_alphanumeric));
                }
            }
        }
    }
}
