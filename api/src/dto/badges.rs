//! Badge classes, requests with their record, and awards, as the badge and credential routes
//! answer them.

use chrono::{DateTime, Utc};
use praxis_app::badge_reviews::Record;
use praxis_domain::badges::ReviewAnswer;
use praxis_persistence::badges::{AwardRow, BadgeClassRow, EvidenceRow, ReviewRow};
use praxis_persistence::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01938a2b-7c4e-7cc3-a1a6-0c1b5f7d2e10", "name": "Consent facilitator",
    "criteria": "Facilitated at least three consent rounds, one with an objection integrated",
    "skills": ["facilitation", "consent decision-making"], "required_reviewers": 3,
    "status": "active", "created_at": "2026-12-01T10:00:00Z"
}))]
pub struct BadgeClassResponse {
    pub id: String,
    pub name: String,
    /// What a holder has shown: the evidence reviewers look for.
    pub criteria: String,
    /// The skills the badge certifies.
    pub skills: Vec<String>,
    /// How many reviewers must consent (no objection standing) to award it.
    pub required_reviewers: i32,
    /// `proposed` (waiting for the superpod's agreement), `active` or `retired`.
    #[schema(example = "active")]
    pub status: String,
    /// The student who proposed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposed_by: Option<String>,
    /// The superpod proposal that decides a proposed class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proposal_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<BadgeClassRow> for BadgeClassResponse {
    fn from(row: BadgeClassRow) -> Self {
        Self {
            skills: row.skill_list(),
            id: row.id,
            name: row.name,
            criteria: row.criteria,
            required_reviewers: row.required_reviewers,
            status: row.status.as_str().to_owned(),
            proposed_by: row.proposed_by,
            proposal_id: row.proposal_id,
            created_at: from_db_time(row.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct BadgeClassPage {
    pub items: Vec<BadgeClassResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// A piece of evidence as typed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceItem {
    /// What was done, and how it meets the criteria.
    #[serde(default)]
    pub text: Option<String>,
    /// A link to see it (`http` or `https`).
    #[serde(default)]
    pub url: Option<String>,
}

/// Evidence for a badge request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"evidence": [{"text": "Facilitated our team's consent round on the hiring policy", "url": "https://example.org/minutes/42"}]}))]
pub struct EvidenceRequest {
    /// 1 to 10 pieces of evidence.
    pub evidence: Vec<EvidenceItem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceResponse {
    pub id: String,
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub added_at: DateTime<Utc>,
}

/// One answer of a reviewer, kept as given.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewResponse {
    pub id: String,
    pub reviewer_id: String,
    /// `consent` or `objection`.
    #[schema(example = "objection")]
    pub answer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    /// For an objection: `standing`, or how it ended — `resolved` by its author, `consented`
    /// (its author consented later) or `replaced` by a new objection.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "standing")]
    pub objection: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<DateTime<Utc>>,
}

impl From<ReviewRow> for ReviewResponse {
    fn from(row: ReviewRow) -> Self {
        let objection = (row.answer == ReviewAnswer::Objection)
            .then(|| row.resolution.map_or("standing", |r| r.as_str()).to_owned());
        Self {
            id: row.id,
            reviewer_id: row.reviewer_id,
            answer: row.answer.as_str().to_owned(),
            reason: row.reason,
            created_at: from_db_time(row.created_at),
            objection,
            resolved_at: row.resolved_at.map(from_db_time),
        }
    }
}

/// A badge request with its whole record.
#[derive(Debug, Serialize, ToSchema)]
pub struct BadgeRequestResponse {
    pub id: String,
    pub badge: BadgeClassResponse,
    /// The student who asked.
    pub student_id: String,
    /// `open` or `awarded`.
    #[schema(example = "open")]
    pub status: String,
    pub evidence: Vec<EvidenceResponse>,
    /// Every answer, oldest first.
    pub reviews: Vec<ReviewResponse>,
    /// Reviewers whose latest answer is consent.
    pub consents: usize,
    /// Objections still standing.
    pub standing_objections: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub award_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<Record> for BadgeRequestResponse {
    fn from(record: Record) -> Self {
        let standings = record.standings();
        let consents = standings
            .iter()
            .filter(|s| s.latest == ReviewAnswer::Consent)
            .count();
        let standing_objections = standings.iter().filter(|s| s.objection_stands).count();
        Self {
            id: record.request.id,
            badge: record.class.into(),
            student_id: record.request.user_id,
            status: record.request.status.as_str().to_owned(),
            evidence: record.evidence.into_iter().map(evidence).collect(),
            reviews: record.reviews.into_iter().map(Into::into).collect(),
            consents,
            standing_objections,
            award_id: record.award.map(|a| a.id),
            created_at: from_db_time(record.request.created_at),
        }
    }
}

fn evidence(row: EvidenceRow) -> EvidenceResponse {
    EvidenceResponse {
        id: row.id,
        text: row.text,
        url: row.url,
        added_at: from_db_time(row.added_at),
    }
}

/// An award of a badge.
#[derive(Debug, Serialize, ToSchema)]
pub struct BadgeAwardResponse {
    pub id: String,
    pub badge: BadgeClassResponse,
    pub holder_id: String,
    /// The request it was awarded on; none for a founding holder named by a host.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Who sees it: `public`, `members` or `private` (the holder chooses).
    #[schema(example = "members")]
    pub visibility: String,
    pub awarded_at: DateTime<Utc>,
    /// Shown to the holder only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_reason: Option<String>,
}

impl From<(AwardRow, BadgeClassRow)> for BadgeAwardResponse {
    fn from((award, class): (AwardRow, BadgeClassRow)) -> Self {
        Self {
            id: award.id,
            badge: class.into(),
            holder_id: award.user_id,
            request_id: award.request_id,
            visibility: award.visibility.as_str().to_owned(),
            awarded_at: from_db_time(award.awarded_at),
            revoked_at: award.revoked_at.map(from_db_time),
            revoked_reason: award.revoked_reason,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct BadgeAwardPage {
    pub items: Vec<BadgeAwardResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}
