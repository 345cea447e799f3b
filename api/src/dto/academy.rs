//! The Academy's enrolment as answered to its students, its hosts and its mentor (the academy
//! and mentor routes both answer it).

use chrono::{DateTime, Utc};
use praxis_app::academy::enrolments::Enrolment;
use praxis_persistence::from_db_time;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationResponse {
    pub name: String,
    pub size: i32,
    pub sector: String,
    pub country: String,
    pub languages: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnrolmentResponse {
    pub id: String,
    pub organisation: OrganisationResponse,
    pub member_ids: Vec<String>,
    /// `pending` or `confirmed`.
    pub status: String,
    pub cohort_id: Option<String>,
    pub seat: Option<i32>,
    /// The implementation circle, once confirmed.
    pub circle_id: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Lower case, alphabetically.
    pub topics: Vec<String>,
    /// The mentor a host matched it with, once matched.
    pub mentor: Option<MentorRef>,
}

/// A mentor as their mentees see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct MentorRef {
    pub id: String,
    pub display_name: String,
}

impl From<Enrolment> for EnrolmentResponse {
    fn from(e: Enrolment) -> Self {
        let r = e.row;
        Self {
            organisation: OrganisationResponse {
                name: r.org_name,
                size: r.org_size,
                sector: r.org_sector,
                country: r.org_country,
                languages: r
                    .org_languages
                    .split(',')
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect(),
            },
            member_ids: e.member_ids,
            id: r.id,
            status: r.status.as_str().to_owned(),
            cohort_id: r.cohort_id,
            seat: r.seat,
            circle_id: r.circle_id,
            confirmed_at: r.confirmed_at.map(from_db_time),
            created_at: from_db_time(r.created_at),
            topics: e.topics,
            mentor: e
                .mentor
                .map(|(id, display_name)| MentorRef { id, display_name }),
        }
    }
}
