//! A new version of the Terms and Conditions, as an admin publishes it: a version name and the
//! three texts, each checked, every invalid field reported at once.

use crate::error::{Errors, Result};

/// Longest version name, in characters.
pub const VERSION_MAX: usize = 40;
/// Longest text of each part, in characters.
pub const TEXT_MAX: usize = 100_000;

/// A version of the terms, as checked: trimmed, nothing empty.
#[derive(Debug, Clone)]
pub struct NewTerms {
    pub version: String,
    pub terms: String,
    pub member_guidelines: String,
    pub confidentiality: String,
}

impl NewTerms {
    pub fn parse(
        version: &str,
        terms: &str,
        member_guidelines: &str,
        confidentiality: &str,
    ) -> Result<Self> {
        let mut errors = Errors::new();
        let version = version.trim();
        if version.is_empty() || version.chars().count() > VERSION_MAX {
            errors.push(
                "version",
                format!("must be between 1 and {VERSION_MAX} characters"),
            );
        }
        for (field, text) in [
            ("terms", terms),
            ("member_guidelines", member_guidelines),
            ("confidentiality", confidentiality),
        ] {
            let chars = text.trim().chars().count();
            if chars == 0 || chars > TEXT_MAX {
                errors.push(
                    field,
                    format!("must be between 1 and {TEXT_MAX} characters"),
                );
            }
        }
        errors.finish()?;
        Ok(Self {
            version: version.to_owned(),
            terms: terms.trim().to_owned(),
            member_guidelines: member_guidelines.trim().to_owned(),
            confidentiality: confidentiality.trim().to_owned(),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn new_terms_need_a_version_and_every_text() {
        let err = NewTerms::parse(" ", "t", "", "c").unwrap_err();
        let crate::Error::Validation(fields) = err else {
            panic!("{err:?}")
        };
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["version", "member_guidelines"]);
        assert!(NewTerms::parse("2026-12", "t", "g", "c").is_ok());
    }
}
