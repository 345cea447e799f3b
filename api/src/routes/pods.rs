//! The Academy's pods and superpod: hosts make or form pods of students; each pod chooses its
//! delegate by a consent round in its circle; the delegates form the superpod, linked to the
//! Academy circle, which answers its agreements about programming, enrolment and scheduling.

use crate::auth::{Host, Member};
use crate::dto::content::page_request;
use crate::dto::decisions::{AgreementSummary, CircleMemberResponse, CircleResponse};
use crate::error::ApiResult;
use crate::extract::{Json, Query};
use crate::pagination::{Page, PageParams};
use crate::responses::{AuthErrors, HostOnly, Invalid, NotVisible};
use crate::state::AppState;
use actix_web::{get, post};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use praxis_app::academy::pods::{self, Pod};
use praxis_app::academy::superpod::{self, Superpod, SuperpodAgreement};
use praxis_domain::ids::UserId;
use praxis_domain::pods::{AcademyAnswer, SizeRange};
use praxis_openapi::Problem;
use praxis_persistence::from_db_time;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_pod)
        .service(form_pods)
        .service(my_pods)
        .service(get_superpod);
}

const PROBLEM: &str = "application/problem+json";

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Pod North", "member_ids": ["0190c5a4-7b1e-7c3d-9f00-2a6b1c0d4e5f"]}))]
pub struct CreatePodRequest {
    /// 1–200 characters.
    pub name: String,
    /// 1–50 students of confirmed enrolments, none in a pod yet.
    #[schema(value_type = Vec<String>)]
    pub member_ids: Vec<UserId>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"size_min": 3, "size_max": 5}))]
pub struct FormPodsRequest {
    /// The smallest pod, 1–50.
    pub size_min: i64,
    /// The largest pod, `size_min`–50.
    pub size_max: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PodResponse {
    /// The pod's circle: its drivers, proposals and agreements are under `/circles/{id}`.
    pub circle_id: String,
    pub name: String,
    /// The pod's sealed space (its posts are at `/spaces/{slug}/posts`): the pod only.
    pub space_slug: String,
    pub members: Vec<CircleMemberResponse>,
    /// The delegate to the superpod, once a consent round in the pod chose one.
    pub delegate: Option<CircleMemberResponse>,
    pub created_at: DateTime<Utc>,
}

impl From<Pod> for PodResponse {
    fn from(p: Pod) -> Self {
        let circle = CircleResponse::from(p.circle);
        let delegate = p.delegate_id.and_then(|d| {
            circle
                .members
                .iter()
                .find(|m| m.user_id == d)
                .map(|m| CircleMemberResponse {
                    user_id: m.user_id.clone(),
                    display_name: m.display_name.clone(),
                    role: m.role.clone(),
                })
        });
        Self {
            circle_id: circle.id,
            name: circle.name,
            space_slug: circle.space_slug,
            members: circle.members,
            delegate,
            created_at: circle.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PodList {
    pub items: Vec<PodResponse>,
}

/// A delegate in the superpod, and the pod they speak for.
#[derive(Debug, Serialize, ToSchema)]
pub struct DelegateResponse {
    pub user_id: String,
    pub display_name: String,
    pub pod_circle_id: String,
    pub pod_name: String,
}

/// The Academy circle's answer to a superpod agreement.
#[derive(Debug, Serialize, ToSchema)]
pub struct AcademyAnswerResponse {
    /// The Academy circle's agreement answering it.
    pub agreement_id: String,
    pub title: String,
    pub body: String,
    pub answered_at: DateTime<Utc>,
}

/// Where a superpod agreement stands before the Academy circle.
#[derive(Debug, Serialize, ToSchema)]
pub struct AcademyLinkResponse {
    /// `programming`, `enrolment` or `scheduling`.
    pub topic: String,
    pub academy_circle_id: String,
    /// The driver in the Academy circle quoting the agreement; the Academy answers it with a
    /// proposal on this driver.
    pub driver_id: String,
    /// `pending` until an agreement of the Academy circle answers the driver, then `answered`.
    pub answer_status: String,
    pub answer: Option<AcademyAnswerResponse>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuperpodAgreementResponse {
    #[serde(flatten)]
    pub agreement: AgreementSummary,
    /// Set on agreements about programming, enrolment or scheduling.
    pub academy: Option<AcademyLinkResponse>,
}

impl From<SuperpodAgreement> for SuperpodAgreementResponse {
    fn from(a: SuperpodAgreement) -> Self {
        Self {
            agreement: a.item.into(),
            academy: a.link.map(|l| AcademyLinkResponse {
                topic: l.row.topic.as_str().to_owned(),
                academy_circle_id: l.row.answering_circle_id,
                driver_id: l.row.driver_id,
                answer_status: if l.answer.is_some() {
                    AcademyAnswer::Answered
                } else {
                    AcademyAnswer::Pending
                }
                .as_str()
                .to_owned(),
                answer: l.answer.map(|a| AcademyAnswerResponse {
                    agreement_id: a.agreement_id,
                    title: a.title,
                    body: a.body,
                    answered_at: from_db_time(a.answered_at),
                }),
            }),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuperpodResponse {
    /// The superpod's circle: its members are the delegates; `linked_circle_id` is the
    /// Academy circle.
    pub circle: CircleResponse,
    pub delegates: Vec<DelegateResponse>,
    /// A page of its agreements, oldest first: all of them for its members, those put before
    /// the Academy circle for that circle's members.
    pub agreements: Page<SuperpodAgreementResponse>,
}

impl From<Superpod> for SuperpodResponse {
    fn from(s: Superpod) -> Self {
        Self {
            circle: s.circle.into(),
            delegates: s
                .delegates
                .into_iter()
                .map(|d| DelegateResponse {
                    user_id: d.user_id,
                    display_name: d.display_name,
                    pod_circle_id: d.pod_circle_id,
                    pod_name: d.pod_name,
                })
                .collect(),
            agreements: Page::from_paged(s.agreements, SuperpodAgreementResponse::from),
        }
    }
}

const POD_409: &str =
    "A student named is already in a pod (`already-in-a-pod`): a student is in one pod at most";

/// Makes a pod of students of confirmed enrolments (hosts): a circle of kind `pod` with its
/// own sealed space. The first pod also makes the Academy circle, with this host as its first
/// member. Audited.
#[utoipa::path(tag = "academy", security(("bearer" = [])), request_body = CreatePodRequest,
    responses(
        (status = 201, description = "The pod", body = PodResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        HostOnly,
        (status = 409, description = POD_409, body = Problem, content_type = PROBLEM),
        (status = 422, description = "Invalid name, or `member_ids` names someone who is not a student of a confirmed enrolment", body = Problem, content_type = PROBLEM),
    ))]
#[post("/admin/academy/pods")]
pub async fn create_pod(
    state: web::Data<AppState>,
    Host(host): Host,
    body: Json<CreatePodRequest>,
) -> ApiResult<HttpResponse> {
    let now = state.now();
    let body = body.0;
    let pod = state
        .write(move |c| pods::create(c, &host.id, &body.name, body.member_ids, now))
        .await?;
    Ok(HttpResponse::Created().json(PodResponse::from(pod)))
}

/// Forms pods of every student of a confirmed enrolment not yet in a pod (hosts).
///
/// The rule: with `n` students, `k = ceil(n / size_max)` pods (the fewest that fit); when
/// `floor(n / k) < size_min` no split fits the range and nothing is formed (422 naming
/// `size_min`). Students are sorted by (organisation, UTC offset of their time zone, id) and
/// dealt round-robin, so pod sizes differ by at most one, colleagues land in different pods
/// whenever there are enough pods, and each pod spans the zones. The same students always form
/// the same pods. Two hosts forming at once never place a student twice (409 for the second).
/// Audited.
#[utoipa::path(tag = "academy", security(("bearer" = [])), request_body = FormPodsRequest,
    responses(
        (status = 201, description = "The pods formed (none when every student is in a pod)", body = PodList),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = PROBLEM),
        HostOnly,
        (status = 409, description = POD_409, body = Problem, content_type = PROBLEM),
        Invalid,
    ))]
#[post("/admin/academy/pods/form")]
pub async fn form_pods(
    state: web::Data<AppState>,
    Host(host): Host,
    body: Json<FormPodsRequest>,
) -> ApiResult<HttpResponse> {
    let range = SizeRange::parse(body.0.size_min, body.0.size_max)?;
    let now = state.now();
    let formed = state
        .write(move |c| pods::form(c, &host.id, range, now))
        .await?;
    Ok(HttpResponse::Created().json(PodList {
        items: formed.into_iter().map(PodResponse::from).collect(),
    }))
}

/// The caller's pods (a student is in one at most): members, sealed space and delegate.
#[utoipa::path(tag = "academy", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's pods", body = PodList),
        AuthErrors,
    ))]
#[get("/academy/pods/mine")]
pub async fn my_pods(state: web::Data<AppState>, member: Member) -> ApiResult<HttpResponse> {
    let list = state.read(move |c| pods::mine(c, &member.id)).await?;
    Ok(HttpResponse::Ok().json(PodList {
        items: list.into_iter().map(PodResponse::from).collect(),
    }))
}

/// The superpod: its delegates and its agreements, each with where it stands before the
/// Academy circle. Its members read every agreement; the Academy circle's members read those
/// put before them; anyone else gets 404, as while no pod has chosen a delegate.
#[utoipa::path(tag = "academy", security(("bearer" = [])), params(PageParams),
    responses(
        (status = 200, description = "The superpod", body = SuperpodResponse),
        AuthErrors,
        NotVisible,
        Invalid,
    ))]
#[get("/academy/superpod")]
pub async fn get_superpod(
    state: web::Data<AppState>,
    member: Member,
    query: Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = page_request(&query.0)?;
    let view = state
        .read(move |c| superpod::show(c, &member.id, &page))
        .await?;
    Ok(HttpResponse::Ok().json(SuperpodResponse::from(view)))
}
