//! Badges certify skills, not effort: a class states its criteria and skills; a student asks
//! for a badge with evidence; peers review it by consent. The badge is awarded when at least the
//! class's number of reviewers consent and no objection stands. An objection must give a reason
//! and stands until its author resolves it (or consents, which resolves it).

use crate::error::Errors;
use crate::{Error, Result};

/// How many reviewers must consent when a class does not say.
pub const DEFAULT_REQUIRED_REVIEWERS: i32 = 3;
/// The most reviewers a class may ask for: more would stall every request.
pub const MAX_REQUIRED_REVIEWERS: i32 = 20;
pub const MAX_NAME_CHARS: usize = 80;
pub const MAX_CRITERIA_CHARS: usize = 4000;
pub const MAX_SKILLS: usize = 12;
pub const MAX_SKILL_CHARS: usize = 80;
/// Evidence items per submission (a request gathers more over time).
pub const MAX_EVIDENCE_ITEMS: usize = 10;
pub const MAX_EVIDENCE_CHARS: usize = 4000;
pub const MAX_URL_CHARS: usize = 500;
pub const MAX_REASON_CHARS: usize = 2000;

crate::string_enum! {
    /// Where a badge class is: `proposed` by a student (until the superpod agrees), `active`
    /// (may be requested), `retired`.
    pub enum BadgeClassStatus {
        Proposed => "proposed",
        Active => "active",
        Retired => "retired",
    }
    field = "status";
}

crate::string_enum! {
    /// A request is `open` until it is `awarded`.
    pub enum BadgeRequestStatus {
        Open => "open",
        Awarded => "awarded",
    }
    field = "status";
}

crate::string_enum! {
    /// A reviewer's answer.
    pub enum ReviewAnswer {
        Consent => "consent",
        Objection => "objection",
    }
    field = "answer";
}

crate::string_enum! {
    /// How an objection ended: its author `resolved` it, `consented` afterwards, or `replaced`
    /// it with a new objection.
    pub enum ObjectionResolution {
        Resolved => "resolved",
        Consented => "consented",
        Replaced => "replaced",
    }
    field = "resolution";
}

crate::string_enum! {
    /// Who sees an award: everyone (`public`), signed-in members (`members`), or only the
    /// holder (`private`). The holder chooses.
    pub enum AwardVisibility {
        Public => "public",
        Members => "members",
        Private => "private",
    }
    field = "visibility";
}

impl AwardVisibility {
    /// Whether a reader sees an award with this visibility.
    pub fn shows_to(self, reader_is_holder: bool, reader_is_member: bool) -> bool {
        match self {
            Self::Public => true,
            Self::Members => reader_is_member || reader_is_holder,
            Self::Private => reader_is_holder,
        }
    }
}

/// A badge class as typed.
#[derive(Debug, Clone, Default)]
pub struct BadgeClassDraft {
    pub name: Option<String>,
    pub criteria: Option<String>,
    pub skills: Option<Vec<String>>,
    pub required_reviewers: Option<i32>,
}

/// A badge class that states what it certifies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadgeClassSpec {
    pub name: String,
    pub criteria: String,
    pub skills: Vec<String>,
    pub required_reviewers: i32,
}

impl TryFrom<BadgeClassDraft> for BadgeClassSpec {
    type Error = Error;

    fn try_from(draft: BadgeClassDraft) -> Result<Self> {
        let mut errors = Errors::new();
        let name = errors.take(required_text("name", draft.name, MAX_NAME_CHARS));
        let criteria = errors.take(required_text(
            "criteria",
            draft.criteria,
            MAX_CRITERIA_CHARS,
        ));
        let skills = errors.take(skills(draft.skills.unwrap_or_default()));
        let required_reviewers = draft
            .required_reviewers
            .unwrap_or(DEFAULT_REQUIRED_REVIEWERS);
        if !(1..=MAX_REQUIRED_REVIEWERS).contains(&required_reviewers) {
            errors.push(
                "required_reviewers",
                format!("must be between 1 and {MAX_REQUIRED_REVIEWERS}"),
            );
        }
        errors.finish()?;
        match (name, criteria, skills) {
            (Some(name), Some(criteria), Some(skills)) => Ok(Self {
                name,
                criteria,
                skills,
                required_reviewers,
            }),
            _ => Err(Error::field("", "the badge class is incomplete")),
        }
    }
}

fn skills(raw: Vec<String>) -> Result<Vec<String>> {
    if raw.is_empty() {
        return Err(Error::field(
            "skills",
            "name at least one skill the badge certifies",
        ));
    }
    if raw.len() > MAX_SKILLS {
        return Err(Error::field(
            "skills",
            format!("at most {MAX_SKILLS} skills"),
        ));
    }
    let mut errors = Errors::new();
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for (i, skill) in raw.into_iter().enumerate() {
        if let Some(skill) = errors.take(required_text(
            &format!("skills[{i}]"),
            Some(skill),
            MAX_SKILL_CHARS,
        )) {
            if !out.iter().any(|s| s.eq_ignore_ascii_case(&skill)) {
                out.push(skill);
            }
        }
    }
    errors.finish()?;
    Ok(out)
}

/// One piece of evidence as typed.
#[derive(Debug, Clone, Default)]
pub struct EvidenceDraft {
    pub text: Option<String>,
    pub url: Option<String>,
}

/// Evidence that says what was done, with an optional `http(s)` link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub text: String,
    pub url: Option<String>,
}

/// Parses a submission of evidence: 1 to [`MAX_EVIDENCE_ITEMS`] items, each named by its path
/// (`evidence[1].url`) when wrong.
pub fn parse_evidence(items: Vec<EvidenceDraft>) -> Result<Vec<Evidence>> {
    if items.is_empty() || items.len() > MAX_EVIDENCE_ITEMS {
        return Err(Error::field(
            "evidence",
            format!("give between 1 and {MAX_EVIDENCE_ITEMS} pieces of evidence"),
        ));
    }
    let mut errors = Errors::new();
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let text = errors.take(required_text(
            &format!("evidence[{i}].text"),
            item.text,
            MAX_EVIDENCE_CHARS,
        ));
        let url = errors.take(link(&format!("evidence[{i}].url"), item.url));
        if let (Some(text), Some(url)) = (text, url) {
            out.push(Evidence { text, url });
        }
    }
    errors.finish()?;
    Ok(out)
}

fn link(field: &str, raw: Option<String>) -> Result<Option<String>> {
    let Some(url) = raw.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://"))
        || url.chars().any(char::is_whitespace)
    {
        return Err(Error::field(field, "must be an http(s) link"));
    }
    if url.chars().count() > MAX_URL_CHARS {
        return Err(Error::field(
            field,
            format!("must be at most {MAX_URL_CHARS} characters"),
        ));
    }
    Ok(Some(url))
}

/// A reviewer's answer with its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub answer: ReviewAnswer,
    pub reason: Option<String>,
}

impl Review {
    /// An objection must say what harm or worthwhile improvement it reveals; a consent may say
    /// why.
    pub fn parse(answer: &str, reason: Option<String>) -> Result<Self> {
        let answer = ReviewAnswer::parse(answer)?;
        let reason = optional_text("reason", reason, MAX_REASON_CHARS)?;
        if answer == ReviewAnswer::Objection && reason.is_none() {
            return Err(Error::field(
                "reason",
                "is required for an objection: say what harm or worthwhile improvement it \
                 reveals",
            ));
        }
        Ok(Self { answer, reason })
    }
}

/// A reviewer's standing, as the tally sees it: their latest answer, and whether an objection
/// of theirs still stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewerStanding {
    pub reviewer: String,
    pub latest: ReviewAnswer,
    pub objection_stands: bool,
}

/// Whether a request is awarded: at least `required` reviewers consent and no objection stands.
pub fn is_awarded(standings: &[ReviewerStanding], required: i32) -> bool {
    let consents = standings
        .iter()
        .filter(|s| s.latest == ReviewAnswer::Consent)
        .count();
    let objections = standings.iter().any(|s| s.objection_stands);
    !objections && i64::try_from(consents).unwrap_or(i64::MAX) >= i64::from(required)
}

/// Who may review: never the student, only an eligible reviewer, only an open request. An
/// ineligible caller learns nothing (the request is not found for them).
pub fn may_review(
    reviewer_is_student: bool,
    eligible: bool,
    status: BadgeRequestStatus,
) -> Result<()> {
    if reviewer_is_student {
        return Err(Error::forbidden(
            "own-badge-request",
            "You cannot review your own badge request: peers do.",
        ));
    }
    if !eligible {
        return Err(Error::NotFound("badge request"));
    }
    if status != BadgeRequestStatus::Open {
        return Err(Error::conflict(
            "badge-request-closed",
            "This badge is already awarded; the record stays as it is.",
        ));
    }
    Ok(())
}

/// Revoking an award must say why: the reason is recorded with it and audited.
pub fn revocation_reason(raw: Option<String>) -> Result<String> {
    required_text("reason", raw, MAX_REASON_CHARS)
}

fn required_text(field: &str, raw: Option<String>, max: usize) -> Result<String> {
    optional_text(field, raw, max)?.ok_or_else(|| Error::field(field, "is required"))
}

fn optional_text(field: &str, raw: Option<String>, max: usize) -> Result<Option<String>> {
    let text = raw.unwrap_or_default().trim().to_owned();
    if text.chars().count() > max {
        return Err(Error::field(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if crate::text::has_forbidden_control(&text) {
        return Err(Error::field(field, crate::text::FORBIDDEN_CONTROL_MESSAGE));
    }
    Ok((!text.is_empty()).then_some(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standing(reviewer: &str, latest: ReviewAnswer, stands: bool) -> ReviewerStanding {
        ReviewerStanding {
            reviewer: reviewer.into(),
            latest,
            objection_stands: stands,
        }
    }

    fn fields<T: std::fmt::Debug>(result: Result<T>) -> Vec<String> {
        match result {
            Err(Error::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected validation errors, got {other:?}"),
        }
    }

    #[test]
    fn an_objection_without_a_reason_is_refused_naming_reason() {
        assert_eq!(fields(Review::parse("objection", None)), vec!["reason"]);
        assert_eq!(
            fields(Review::parse("objection", Some("  ".into()))),
            vec!["reason"]
        );
        assert!(Review::parse("objection", Some("No facilitation shown".into())).is_ok());
        assert_eq!(
            Review::parse("consent", None).map(|r| r.answer),
            Ok(ReviewAnswer::Consent)
        );
        assert_eq!(fields(Review::parse("maybe", None)), vec!["answer"]);
    }

    #[test]
    fn a_badge_is_awarded_when_enough_reviewers_consent_and_no_objection_stands() {
        use ReviewAnswer::*;
        let two = [standing("a", Consent, false), standing("b", Consent, false)];
        assert!(!is_awarded(&two, 3));
        assert!(is_awarded(&two, 2));
        let three_and_objection = [
            standing("a", Consent, false),
            standing("b", Consent, false),
            standing("c", Consent, false),
            standing("d", Objection, true),
        ];
        assert!(!is_awarded(&three_and_objection, 3));
        let objection_resolved = [
            standing("a", Consent, false),
            standing("b", Consent, false),
            standing("d", Objection, false),
        ];
        assert!(!is_awarded(&objection_resolved, 3));
        assert!(is_awarded(&objection_resolved, 2));
    }

    #[test]
    fn the_student_cannot_review_their_own_request_and_outsiders_see_nothing() {
        use BadgeRequestStatus::*;
        assert!(matches!(
            may_review(true, true, Open),
            Err(Error::Forbidden {
                kind: "own-badge-request",
                ..
            })
        ));
        assert_eq!(
            may_review(false, false, Open),
            Err(Error::NotFound("badge request"))
        );
        assert!(matches!(
            may_review(false, true, Awarded),
            Err(Error::Conflict { .. })
        ));
        assert_eq!(may_review(false, true, Open), Ok(()));
    }

    #[test]
    fn a_badge_class_needs_a_name_criteria_and_skills_and_defaults_to_three_reviewers() {
        let parsed = BadgeClassSpec::try_from(BadgeClassDraft {
            name: Some(" Facilitator ".into()),
            criteria: Some("Facilitated three consent rounds".into()),
            skills: Some(vec!["facilitation".into(), "Facilitation".into()]),
            required_reviewers: None,
        });
        assert_eq!(
            parsed.map(|c| (c.name, c.skills, c.required_reviewers)),
            Ok(("Facilitator".into(), vec!["facilitation".into()], 3))
        );
        assert_eq!(
            fields(BadgeClassSpec::try_from(BadgeClassDraft {
                required_reviewers: Some(0),
                ..Default::default()
            })),
            vec!["name", "criteria", "skills", "required_reviewers"]
        );
    }

    #[test]
    fn evidence_needs_text_and_only_http_links_each_named_by_path() {
        let items = vec![
            EvidenceDraft {
                text: Some("Ran a retrospective".into()),
                url: Some("https://example.org/notes".into()),
            },
            EvidenceDraft {
                text: None,
                url: Some("javascript:alert(1)".into()),
            },
        ];
        assert_eq!(
            fields(parse_evidence(items)),
            vec!["evidence[1].text", "evidence[1].url"]
        );
        assert_eq!(fields(parse_evidence(vec![])), vec!["evidence"]);
        let long = "é".repeat(MAX_EVIDENCE_CHARS);
        assert!(parse_evidence(vec![EvidenceDraft {
            text: Some(long),
            url: None
        }])
        .is_ok());
    }

    #[test]
    fn an_award_shows_to_whom_its_holder_chose() {
        use AwardVisibility::*;
        assert!(Public.shows_to(false, false));
        assert!(!Members.shows_to(false, false));
        assert!(Members.shows_to(false, true));
        assert!(!Private.shows_to(false, true));
        assert!(Private.shows_to(true, true));
    }
}
