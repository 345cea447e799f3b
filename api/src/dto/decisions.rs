//! Circles and consent decisions as JSON: circles, drivers, proposals with their versions,
//! rounds, answers and objections, agreements and the history of every step.

use crate::dto::learning::AuthorResponse;
use chrono::{DateTime, Utc};
use praxis_app::circles::Circle;
use praxis_app::decisions::agreements::{AgreementItem, AgreementView};
use praxis_app::decisions::proposals::ProposalView;
use praxis_domain::decisions::compare_versions;
use praxis_persistence::decisions::DriverRow;
use praxis_persistence::from_db_time;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

/// Someone in a circle.
#[derive(Debug, Serialize, ToSchema)]
pub struct CircleMemberResponse {
    pub user_id: String,
    pub display_name: String,
    /// `member` (answers rounds) or `mentor` (reads only).
    pub role: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CircleResponse {
    pub id: String,
    pub name: String,
    pub description: String,
    /// `circle`, `implementation`, `pod`, `superpod` or `academy`.
    pub kind: String,
    /// The circle's sealed space: only the people in the circle read it.
    pub space_id: String,
    pub space_slug: String,
    /// The circle whose agreements this one answers is linked here (the superpod links to the
    /// Academy circle).
    pub linked_circle_id: Option<String>,
    /// The caller's role, when they are in the circle.
    pub my_role: Option<String>,
    pub members: Vec<CircleMemberResponse>,
    pub created_at: DateTime<Utc>,
}

impl From<Circle> for CircleResponse {
    fn from(c: Circle) -> Self {
        Self {
            members: c
                .members
                .into_iter()
                .map(|m| CircleMemberResponse {
                    user_id: m.user_id.into_inner(),
                    display_name: m.display_name,
                    role: m.role.as_str().to_owned(),
                })
                .collect(),
            my_role: c.my_role.map(|r| r.as_str().to_owned()),
            id: c.row.id,
            name: c.row.name,
            description: c.row.description,
            kind: c.row.kind.as_str().to_owned(),
            space_id: c.row.space_id,
            space_slug: c.space_slug,
            linked_circle_id: c.row.linked_circle_id,
            created_at: from_db_time(c.row.created_at),
        }
    }
}

/// A driver: what is happening, its effect, and what is needed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"situation": "New members wait weeks for a mentor.",
    "effect": "Some give up before their first session.", "need": "A faster way to match them."}))]
pub struct DriverRequest {
    pub situation: String,
    pub effect: String,
    pub need: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DriverResponse {
    pub id: String,
    pub circle_id: String,
    pub author_id: Option<String>,
    pub situation: String,
    pub effect: String,
    pub need: String,
    pub created_at: DateTime<Utc>,
}

impl From<DriverRow> for DriverResponse {
    fn from(d: DriverRow) -> Self {
        Self {
            id: d.id,
            circle_id: d.circle_id,
            author_id: d.author_id,
            situation: d.situation,
            effect: d.effect,
            need: d.need,
            created_at: from_db_time(d.created_at),
        }
    }
}

/// One line of a version compared with the version before it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LineChangeResponse {
    /// `kept`, `added` or `removed`.
    pub op: String,
    pub line: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionResponse {
    pub id: String,
    pub number: i32,
    pub body: String,
    pub author_id: Option<String>,
    /// The objections this version integrated.
    pub integrates: Vec<String>,
    /// What changed from the version before (empty for the first).
    pub changes: Vec<LineChangeResponse>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerResponse {
    pub member: AuthorResponse,
    /// `consent`, `concern` or `objection`.
    pub answer: String,
    /// The concern's note or the objection's reason.
    pub note: Option<String>,
    pub answered_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RoundResponse {
    pub id: String,
    /// The version the round asks about.
    pub version_id: String,
    /// Set on a review round of an agreement.
    pub agreement_id: Option<String>,
    /// `open`, `agreed`, `objected` or `amended` (a new version replaced the text).
    pub status: String,
    pub opened_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub answers: Vec<AnswerResponse>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectionResponse {
    pub id: String,
    pub round_id: String,
    pub objector: AuthorResponse,
    pub reason: String,
    /// `standing`, `resolved` (by the objector), `integrated` (into a version) or `withdrawn`
    /// (the objector answered again without objecting).
    pub status: String,
    pub integrated_version_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub settled_at: Option<DateTime<Utc>>,
}

/// One recorded step of a decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryResponse {
    /// `driver.described`, `proposal.drafted`, `proposal.amended`, `round.opened`,
    /// `round.answered`, `objection.resolved`, `round.closed`, `agreement.made`,
    /// `agreement.reviewed`, `agreement.superseded`, `agreement.retired`,
    /// `agreement.review_reminded`, `delegate.chosen` (a pod's delegate agreed),
    /// `agreement.put_before_academy` and `agreement.answered_by_academy` (the superpod's
    /// double link), …
    pub action: String,
    pub actor: Option<AuthorResponse>,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalResponse {
    pub id: String,
    pub circle_id: String,
    pub driver: DriverResponse,
    pub title: String,
    /// `draft`, `in_round`, `agreed` or `objected`.
    pub status: String,
    pub author_id: Option<String>,
    /// What the proposal decides beyond its text: `delegate`, `badge_class`.
    pub subject_kind: Option<String>,
    pub subject_id: Option<String>,
    /// `programming`, `enrolment` or `scheduling` (superpod proposals the Academy answers).
    pub topic: Option<String>,
    /// The agreement this one replaces once agreed.
    pub supersedes_id: Option<String>,
    pub review_after_days: i32,
    /// Every version, first to last, each compared with the one before.
    pub versions: Vec<VersionResponse>,
    pub rounds: Vec<RoundResponse>,
    pub objections: Vec<ObjectionResponse>,
    /// The agreement it became.
    pub agreement_id: Option<String>,
    pub history: Vec<HistoryResponse>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn person(names: &HashMap<String, String>, id: String) -> AuthorResponse {
    let name = names.get(&id).cloned().unwrap_or_default();
    AuthorResponse::new(id, name)
}

impl From<ProposalView> for ProposalResponse {
    fn from(v: ProposalView) -> Self {
        let names = v.names;
        let mut previous: Option<String> = None;
        let versions = v
            .versions
            .into_iter()
            .map(|version| {
                let changes = previous
                    .as_deref()
                    .map(|old| compare_versions(old, &version.body))
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(op, line)| LineChangeResponse {
                        op: op.as_str().to_owned(),
                        line,
                    })
                    .collect();
                previous = Some(version.body.clone());
                VersionResponse {
                    integrates: v
                        .objections
                        .iter()
                        .filter(|o| o.integrated_version_id.as_deref() == Some(&version.id))
                        .map(|o| o.id.clone())
                        .collect(),
                    changes,
                    id: version.id,
                    number: version.number,
                    body: version.body,
                    author_id: version.author_id,
                    created_at: from_db_time(version.created_at),
                }
            })
            .collect();
        let rounds = v
            .rounds
            .into_iter()
            .map(|r| RoundResponse {
                answers: r
                    .answers
                    .into_iter()
                    .map(|a| AnswerResponse {
                        member: person(&names, a.user_id),
                        answer: a.answer.as_str().to_owned(),
                        note: a.note,
                        answered_at: from_db_time(a.answered_at),
                    })
                    .collect(),
                id: r.row.id,
                version_id: r.row.version_id,
                agreement_id: r.row.agreement_id,
                status: r.row.status.as_str().to_owned(),
                opened_at: from_db_time(r.row.opened_at),
                closes_at: from_db_time(r.row.closes_at),
                closed_at: r.row.closed_at.map(from_db_time),
            })
            .collect();
        let objections = v
            .objections
            .into_iter()
            .map(|o| ObjectionResponse {
                objector: person(&names, o.objector_id),
                id: o.id,
                round_id: o.round_id,
                reason: o.reason,
                status: o.status.as_str().to_owned(),
                integrated_version_id: o.integrated_version_id,
                created_at: from_db_time(o.created_at),
                settled_at: o.settled_at.map(from_db_time),
            })
            .collect();
        let history = v
            .history
            .into_iter()
            .map(|h| HistoryResponse {
                actor: h.actor_id.map(|id| person(&names, id)),
                detail: serde_json::from_str(&h.detail).unwrap_or(serde_json::Value::Null),
                action: h.action,
                at: from_db_time(h.at),
            })
            .collect();
        let p = v.row;
        Self {
            id: p.id,
            circle_id: p.circle_id,
            driver: v.driver.into(),
            title: p.title,
            status: p.status.as_str().to_owned(),
            author_id: p.author_id,
            subject_kind: p.subject_kind.map(|k| k.as_str().to_owned()),
            subject_id: p.subject_id,
            topic: p.topic.map(|t| t.as_str().to_owned()),
            supersedes_id: p.supersedes_id,
            review_after_days: p.review_after_days,
            versions,
            rounds,
            objections,
            agreement_id: v.agreement_id,
            history,
            created_at: from_db_time(p.created_at),
            updated_at: from_db_time(p.updated_at),
        }
    }
}

/// An agreement in a circle's list.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementSummary {
    pub id: String,
    pub circle_id: String,
    pub proposal_id: String,
    pub title: String,
    /// The text agreed.
    pub body: String,
    /// `active`, `superseded` or `retired`.
    pub status: String,
    pub review_at: DateTime<Utc>,
    pub superseded_by: Option<String>,
    pub agreed_at: DateTime<Utc>,
}

impl From<AgreementItem> for AgreementSummary {
    fn from(a: AgreementItem) -> Self {
        Self {
            id: a.row.id,
            circle_id: a.row.circle_id,
            proposal_id: a.row.proposal_id,
            title: a.title,
            body: a.body,
            status: a.row.status.as_str().to_owned(),
            review_at: from_db_time(a.row.review_at),
            superseded_by: a.row.superseded_by,
            agreed_at: from_db_time(a.row.agreed_at),
        }
    }
}

/// An agreement with the proposal it came from: every version, round, objection and step.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementResponse {
    #[serde(flatten)]
    pub summary: AgreementSummary,
    /// The version agreed (the latest reviewed one).
    pub version_id: String,
    pub updated_at: DateTime<Utc>,
    pub proposal: ProposalResponse,
}

impl From<AgreementView> for AgreementResponse {
    fn from(a: AgreementView) -> Self {
        let version_id = a.row.version_id.clone();
        let updated_at = from_db_time(a.row.updated_at);
        Self {
            summary: AgreementItem {
                row: a.row,
                title: a.title,
                body: a.version.body,
            }
            .into(),
            version_id,
            updated_at,
            proposal: a.proposal.into(),
        }
    }
}
