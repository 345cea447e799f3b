//! What hosts and members send for learning, parsed into drafts: every field error is
//! collected with its path, so a client sees all of them at once, and a draft that exists is
//! valid. The rules themselves are in `learning` and `resources`.

use crate::error::Errors;
use crate::ids::ThemeId;
use crate::learning::{self, SubmissionVisibility};
use crate::resources::{Language, ResourceKind};
use crate::{Error, Result};
use chrono::{DateTime, Utc};

/// The longest assignment title, instructions, submission and feedback.
pub const ASSIGNMENT_TITLE_MAX_CHARS: usize = 200;
pub const ASSIGNMENT_INSTRUCTIONS_MAX_CHARS: usize = 20_000;
pub const SUBMISSION_MAX_CHARS: usize = 50_000;
pub const FEEDBACK_MAX_CHARS: usize = 10_000;
/// Chapter search needs at least two characters (one matches nearly everything) and at most 100.
pub const CHAPTER_QUERY_CHARS: std::ops::RangeInclusive<usize> = 2..=100;
/// The longest text a library search takes.
pub const RESOURCE_QUERY_MAX_CHARS: usize = 100;

/// A new assignment: a title, instructions and a due date in the future.
#[derive(Debug, Clone)]
pub struct NewAssignment {
    pub title: String,
    pub instructions: String,
    /// The slug of its space.
    pub space: String,
    /// A monthly theme of the same space (checked against the database).
    pub theme_id: Option<String>,
    pub due_at: DateTime<Utc>,
}

impl NewAssignment {
    pub fn parse(
        title: &str,
        instructions: &str,
        space: &str,
        theme_id: Option<&str>,
        due_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Self> {
        let mut errors = Errors::new();
        let title = errors.take(learning::text("title", title, ASSIGNMENT_TITLE_MAX_CHARS));
        let instructions = errors.take(learning::text(
            "instructions",
            instructions,
            ASSIGNMENT_INSTRUCTIONS_MAX_CHARS,
        ));
        errors.take(learning::due_in_future(due_at, now));
        errors.finish()?;
        Ok(Self {
            title: title.unwrap_or_default(),
            instructions: instructions.unwrap_or_default(),
            space: space.to_owned(),
            theme_id: theme_id.map(str::to_owned),
            due_at,
        })
    }
}

/// A host's change to an assignment: each field sent replaces the stored one (at least one);
/// `theme_id` sent as null takes it off its theme. The rules of a new assignment hold: a due
/// date sent is in the future, and a theme is one of the assignment's space (checked against
/// the database).
#[derive(Debug, Clone, Default)]
pub struct AssignmentChange {
    pub title: Option<String>,
    pub instructions: Option<String>,
    pub due_at: Option<DateTime<Utc>>,
    pub theme_id: Option<Option<String>>,
}

impl AssignmentChange {
    pub fn parse(
        title: Option<&str>,
        instructions: Option<&str>,
        due_at: Option<DateTime<Utc>>,
        theme_id: Option<Option<&str>>,
        now: DateTime<Utc>,
    ) -> Result<Self> {
        let mut errors = Errors::new();
        if title.is_none() && instructions.is_none() && due_at.is_none() && theme_id.is_none() {
            errors.push(
                "body",
                "send at least one of: title, instructions, due_at, theme_id",
            );
        }
        let title =
            title.and_then(|t| errors.take(learning::text("title", t, ASSIGNMENT_TITLE_MAX_CHARS)));
        let instructions = instructions.and_then(|i| {
            errors.take(learning::text(
                "instructions",
                i,
                ASSIGNMENT_INSTRUCTIONS_MAX_CHARS,
            ))
        });
        if let Some(due) = due_at {
            errors.take(learning::due_in_future(due, now));
        }
        errors.finish()?;
        Ok(Self {
            title,
            instructions,
            due_at,
            theme_id: theme_id.map(|t| t.map(str::to_owned)),
        })
    }
}

/// A member's submission to an assignment.
#[derive(Debug, Clone)]
pub struct NewSubmission {
    pub body: String,
    pub visibility: SubmissionVisibility,
}

impl NewSubmission {
    pub fn parse(body: &str, visibility: &str) -> Result<Self> {
        let mut errors = Errors::new();
        let body = errors.take(learning::text("body", body, SUBMISSION_MAX_CHARS));
        let visibility = errors.take(SubmissionVisibility::parse(visibility));
        errors.finish()?;
        // `finish` answered already when either failed; the defaults are never seen.
        Ok(Self {
            body: body.unwrap_or_default(),
            visibility: visibility.unwrap_or(SubmissionVisibility::Private),
        })
    }
}

/// A change to one's own submission: its text, its visibility, or both.
#[derive(Debug, Clone, Default)]
pub struct SubmissionChange {
    pub body: Option<String>,
    pub visibility: Option<SubmissionVisibility>,
}

impl SubmissionChange {
    pub fn parse(body: Option<&str>, visibility: Option<&str>) -> Result<Self> {
        let mut errors = Errors::new();
        let body = body.and_then(|b| errors.take(learning::text("body", b, SUBMISSION_MAX_CHARS)));
        let visibility = visibility.and_then(|v| errors.take(SubmissionVisibility::parse(v)));
        errors.finish()?;
        Ok(Self { body, visibility })
    }
}

/// Feedback on a submission.
pub fn feedback_text(raw: &str) -> Result<String> {
    learning::text("body", raw, FEEDBACK_MAX_CHARS)
}

/// Text to find in recording chapters, trimmed.
#[derive(Debug, Clone)]
pub struct ChapterQuery(String);

impl ChapterQuery {
    pub fn parse(raw: &str) -> Result<Self> {
        let q = raw.trim();
        if CHAPTER_QUERY_CHARS.contains(&q.chars().count()) {
            Ok(Self(q.to_owned()))
        } else {
            Err(Error::field("q", "must be between 2 and 100 characters"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What the library is filtered by: a kind, a language, text in titles and summaries.
#[derive(Debug, Clone, Default)]
pub struct ResourceQuery {
    pub kind: Option<ResourceKind>,
    pub language: Option<Language>,
    pub text: Option<String>,
    /// Only the resources of this monthly theme.
    pub theme_id: Option<ThemeId>,
    /// Only the case studies of this kind of organisation (organisation types are free text,
    /// so any value is a filter; matched exactly after trimming).
    pub org_type: Option<String>,
}

impl ResourceQuery {
    pub fn parse(
        kind: Option<&str>,
        lang: Option<&str>,
        q: Option<&str>,
        theme_id: Option<&str>,
        org_type: Option<&str>,
    ) -> Result<Self> {
        let mut errors = Errors::new();
        let theme_id = theme_id.and_then(|t| errors.take(ThemeId::parse(t)));
        let org_type = org_type.and_then(|o| {
            errors.take(learning::text(
                "org_type",
                o,
                crate::resources::ORG_TYPE_MAX_CHARS,
            ))
        });
        let kind = kind.and_then(|k| {
            errors.take(ResourceKind::parse(k).map_err(|_| {
                Error::field(
                    "kind",
                    format!("must be one of: {}", ResourceKind::ALL.join(", ")),
                )
            }))
        });
        let language = lang.and_then(|l| {
            errors.take(Language::parse(l).map_err(|_| {
                Error::field(
                    "lang",
                    format!("must be one of: {}", Language::ALL.join(", ")),
                )
            }))
        });
        let text = q.map(str::trim).filter(|q| !q.is_empty());
        if text.is_some_and(|q| q.chars().count() > RESOURCE_QUERY_MAX_CHARS) {
            errors.push("q", "must be at most 100 characters");
        }
        errors.finish()?;
        Ok(Self {
            kind,
            language,
            text: text.map(str::to_owned),
            theme_id,
            org_type,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_submission_reports_body_and_visibility_together() {
        let Err(Error::Validation(errors)) = NewSubmission::parse(" ", "everyone") else {
            panic!("expected validation errors");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["body", "visibility"]);
    }

    #[test]
    fn chapter_query_needs_two_to_a_hundred_characters() {
        assert!(ChapterQuery::parse(" a ").is_err());
        assert_eq!(
            ChapterQuery::parse(" ab ").map(|q| q.0).ok().as_deref(),
            Some("ab")
        );
        assert!(ChapterQuery::parse(&"x".repeat(101)).is_err());
    }
}
