//! Academy mentors: any member may publish a mentor profile; hosts read the ranked matches of a
//! confirmed enrolment and confirm one (never past the mentor's capacity, even when hosts
//! confirm at once); a mentor lists their mentees and reads only their circles.

use crate::auth::{Host, Member};
use crate::dto::academy::EnrolmentResponse;
use crate::dto::content::page_request;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, PathId, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::{AuthErrors, HostOnly, Invalid};
use crate::state::AppState;
use actix_web::{get, post, put};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::academy::mentors::{self, Match, Mentee, Profile};
use praxis_domain::ids::{EnrolmentId, UserId};
use praxis_domain::mentoring::MentorProfile;
use praxis_domain::FieldError;
use praxis_openapi::Problem;
use praxis_persistence::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(put_mentor_profile)
        .service(get_mentor_profile)
        .service(mentor_matches)
        .service(confirm_mentor)
        .service(my_mentees);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"languages": ["en", "es"], "time_zone": "America/Bogota",
    "topics": ["onboarding", "governance"], "capacity": 3}))]
pub struct MentorProfileRequest {
    /// ISO 639-1 codes: 1–10, compared with the organisation's languages.
    pub languages: Vec<String>,
    /// An IANA time zone name; working hours are 09:00–17:00 in it.
    pub time_zone: String,
    /// Up to 20, 1–80 characters each, compared without regard to case.
    #[serde(default)]
    pub topics: Vec<String>,
    /// How many mentees at once, 0–50 (0: none for now). Lowering it below the mentees one has
    /// keeps them; it only stops new matches.
    pub capacity: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MentorProfileResponse {
    pub user_id: String,
    pub languages: Vec<String>,
    pub time_zone: String,
    pub topics: Vec<String>,
    pub capacity: i32,
    /// Confirmed mentees now.
    pub mentees: i64,
    /// Places still free (never negative).
    pub free_places: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Profile> for MentorProfileResponse {
    fn from(p: Profile) -> Self {
        Self {
            free_places: praxis_domain::mentoring::free_places(p.profile.capacity, p.mentees),
            user_id: p.user_id,
            languages: p.profile.languages,
            time_zone: p.profile.time_zone.name().to_owned(),
            topics: p.profile.topics,
            capacity: p.profile.capacity,
            mentees: p.mentees,
            created_at: from_db_time(p.created_at),
            updated_at: from_db_time(p.updated_at),
        }
    }
}

/// The parts of a match's score (see the operation's description for how each is counted).
#[derive(Debug, Serialize, ToSchema)]
pub struct ScoreResponse {
    /// 30: a shared language is required.
    pub language: i64,
    /// 0–30: `30 × overlap_minutes / 480`.
    pub time_zone: i64,
    /// 0–30: `30 × shared topics / the enrolment's topics`.
    pub topics: i64,
    /// 0–10: `10 × free places / capacity`.
    pub capacity: i64,
    /// The sum, out of 100.
    pub total: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MentorMatchResponse {
    pub mentor_id: String,
    pub display_name: String,
    pub time_zone: String,
    pub languages: Vec<String>,
    pub topics: Vec<String>,
    pub capacity: i32,
    pub mentees: i64,
    pub free_places: i64,
    /// The languages the mentor shares with the organisation.
    pub shared_languages: Vec<String>,
    /// Minutes of the mentor's 09:00–17:00 today when every circle member is in their own
    /// 09:00–17:00 too.
    pub overlap_minutes: i64,
    /// The enrolment's topics (and sector) the mentor lists.
    pub shared_topics: Vec<String>,
    pub score: ScoreResponse,
}

impl From<Match> for MentorMatchResponse {
    fn from(m: Match) -> Self {
        let s = m.score;
        Self {
            mentor_id: m.mentor_id,
            display_name: m.display_name,
            time_zone: m.profile.time_zone.name().to_owned(),
            languages: m.profile.languages,
            topics: m.profile.topics,
            capacity: m.profile.capacity,
            mentees: m.mentees,
            free_places: s.free_places,
            shared_languages: s.shared_languages,
            overlap_minutes: s.overlap_minutes,
            shared_topics: s.shared_topics,
            score: ScoreResponse {
                language: s.language,
                time_zone: s.time_zone,
                topics: s.topics,
                capacity: s.capacity,
                total: s.total,
            },
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MentorMatchList {
    /// Best first: total descending, then mentor id.
    pub items: Vec<MentorMatchResponse>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatchParams {
    /// How many of the best mentors, 1 to 100 (default 20).
    pub limit: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmMentorRequest {
    #[schema(value_type = String)]
    pub mentor_id: UserId,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MenteeResponse {
    /// The enrolment, with its implementation circle's id (`circle_id`).
    pub enrolment: EnrolmentResponse,
    pub matched_at: DateTime<Utc>,
}

impl From<Mentee> for MenteeResponse {
    fn from(m: Mentee) -> Self {
        Self {
            enrolment: EnrolmentResponse::from(m.enrolment),
            matched_at: from_db_time(m.matched_at),
        }
    }
}

/// Publishes or replaces the caller's mentor profile. Any member may offer to mentor; only
/// hosts match mentors with enrolments, and a profile alone gives access to nothing.
#[utoipa::path(tag = "academy", security(("bearer" = [])), request_body = MentorProfileRequest,
    responses(
        (status = 200, description = "The profile as published, with the mentees one has", body = MentorProfileResponse),
        AuthErrors,
        Invalid,
    ))]
#[put("/academy/mentor-profile")]
pub async fn put_mentor_profile(
    state: web::Data<AppState>,
    member: Member,
    body: Json<MentorProfileRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let profile = MentorProfile::parse(&b.languages, &b.time_zone, &b.topics, b.capacity)?;
    let now = state.now();
    let profile = state
        .write(move |c| mentors::put_profile(c, &member.id, profile, now))
        .await?;
    Ok(HttpResponse::Ok().json(MentorProfileResponse::from(profile)))
}

/// The caller's mentor profile with their current mentee count.
#[utoipa::path(tag = "academy", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's profile", body = MentorProfileResponse),
        AuthErrors,
        (status = 404, description = "The caller has not published a mentor profile", body = Problem, content_type = "application/problem+json"),
    ))]
#[get("/academy/mentor-profile")]
pub async fn get_mentor_profile(
    state: web::Data<AppState>,
    member: Member,
) -> ApiResult<HttpResponse> {
    let profile = state
        .read(move |c| mentors::my_profile(c, &member.id))
        .await?;
    Ok(HttpResponse::Ok().json(MentorProfileResponse::from(profile)))
}

/// The best mentors for a confirmed enrolment (hosts), with the parts of each score. Listed
/// only: mentors who share a language with the organisation (required) and have a free place,
/// outside the implementation circle. Score out of 100: language 30; time zone 0–30 for the
/// minutes of the mentor's 09:00–17:00 on today's date (UTC) when every circle member (in the
/// zone of their account) is within their own 09:00–17:00, placed with the IANA rules in force
/// that day so summer time is counted; topics 0–30 for the share of the enrolment's topics and
/// sector the mentor lists; capacity 0–10 for the share of places still free. Order: total
/// descending, then mentor id.
#[utoipa::path(tag = "academy", security(("bearer" = [])), params(("id" = String, Path, description = "Enrolment id"), MatchParams),
    responses(
        (status = 200, description = "Ranked mentors", body = MentorMatchList),
        HostOnly,
        (status = 404, description = "No such enrolment", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The enrolment is not confirmed yet (`enrolment-not-confirmed`)", body = Problem, content_type = "application/problem+json"),
        Invalid,
    ))]
#[get("/admin/academy/enrolments/{id}/mentor-matches")]
pub async fn mentor_matches(
    state: web::Data<AppState>,
    Host(_host): Host,
    PathId(id): PathId<EnrolmentId>,
    query: Query<MatchParams>,
) -> ApiResult<HttpResponse> {
    let limit = match query.0.limit {
        None => 20,
        Some(n @ 1..=100) => n,
        Some(_) => {
            return Err(ApiError::Validation(vec![FieldError::new(
                "limit",
                "must be between 1 and 100",
            )]))
        }
    };
    let limit = usize::try_from(limit).unwrap_or(20);
    let now = state.now();
    let list = state
        .read(move |c| mentors::matches(c, &id, limit, now))
        .await?;
    Ok(HttpResponse::Ok().json(MentorMatchList {
        items: list.into_iter().map(MentorMatchResponse::from).collect(),
    }))
}

/// Matches a confirmed enrolment with a mentor (hosts). The mentor joins the implementation
/// circle as its mentor (reads it, never answers its rounds); a previous mentor leaves it and
/// their place frees. Matching the same mentor again changes nothing. Audited.
#[utoipa::path(tag = "academy", security(("bearer" = [])), request_body = ConfirmMentorRequest,
    params(("id" = String, Path, description = "Enrolment id")),
    responses(
        (status = 200, description = "Matched: the enrolment with its mentor", body = EnrolmentResponse),
        HostOnly,
        (status = 404, description = "No such enrolment, or the member has no mentor profile", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Every place of the mentor is taken (`mentor-full`), or the enrolment is not confirmed yet (`enrolment-not-confirmed`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The mentor shares no language with the organisation or is in the implementation circle (`mentor_id`), or invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/admin/academy/enrolments/{id}/mentor")]
pub async fn confirm_mentor(
    state: web::Data<AppState>,
    Host(host): Host,
    PathId(id): PathId<EnrolmentId>,
    body: Json<ConfirmMentorRequest>,
) -> ApiResult<HttpResponse> {
    let mentor = body.0.mentor_id;
    let now = state.now();
    let enrolment = state
        .write(move |c| mentors::confirm(c, &host.id, &id, &mentor, now))
        .await?;
    Ok(HttpResponse::Ok().json(EnrolmentResponse::from(enrolment)))
}

/// The caller's mentees, oldest match first: each enrolment with its implementation circle.
#[utoipa::path(tag = "academy", security(("bearer" = [])), params(PageParams),
    responses(
        (status = 200, description = "A page of mentees", body = Page<MenteeResponse>),
        AuthErrors,
        Invalid,
    ))]
#[get("/academy/mentees")]
pub async fn my_mentees(
    state: web::Data<AppState>,
    member: Member,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = page_request(&query.0)?;
    let list = state
        .read(move |c| mentors::mentees(c, &member.id, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_paged(list, MenteeResponse::from)))
}
