//! The plan catalogue, public, and its administration.

use crate::auth::viewer::Admin;
use crate::dto::money::MoneyDto;
use crate::error::ApiResult;
use crate::etag::json_with_etag;
use crate::extract::Json;
use crate::responses::AdminOnly;
use crate::state::AppState;
use actix_web::{get, patch};
use actix_web::{web, HttpRequest, HttpResponse};
use praxis_domain::error::Errors;
use praxis_domain::plans::{
    seats_left, BillingPeriod, Plan, PlanChanges, PlanSlug, Price, PriceVersion, MAX_SEAT_LIMIT,
};
use praxis_openapi::Problem;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_plans).service(update_plan);
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct PriceDto {
    /// `monthly` or `yearly`.
    #[schema(example = "yearly")]
    pub billing_period: String,
    /// `regular` or `supporter`.
    #[schema(example = "regular")]
    pub price_version: String,
    pub amount: MoneyDto,
}

#[derive(Serialize, ToSchema)]
pub struct PlanResponse {
    /// `lobby`, `practitioner` or `pro`.
    #[schema(example = "practitioner")]
    pub slug: String,
    pub name: String,
    /// PRO needs an approved application before subscribing.
    pub requires_application: bool,
    /// `null` means unlimited.
    pub seat_limit: Option<u32>,
    /// Places still free; `null` means unlimited.
    pub seats_left: Option<u32>,
    /// Deducted from a yearly refund: the included e-course, which the member keeps.
    pub e_course_deduction: MoneyDto,
    pub prices: Vec<PriceDto>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanListResponse {
    pub items: Vec<PlanResponse>,
}

fn plan_response(plan: Plan, seats_taken: u32) -> PlanResponse {
    PlanResponse {
        slug: plan.slug.as_str().to_owned(),
        seats_left: seats_left(plan.seat_limit, seats_taken),
        name: plan.name,
        requires_application: plan.requires_application,
        seat_limit: plan.seat_limit,
        e_course_deduction: plan.e_course_deduction.into(),
        prices: plan
            .prices
            .into_iter()
            .map(|p| PriceDto {
                billing_period: p.billing_period.as_str().to_owned(),
                price_version: p.price_version.as_str().to_owned(),
                amount: p.amount.into(),
            })
            .collect(),
    }
}

/// The plans, their prices per period and version, places left and whether an application is
/// needed. Public. Supports `If-None-Match`.
#[utoipa::path(tag = "plans",
    responses(
        (status = 200, description = "The plan catalogue", body = PlanListResponse,
            headers(("ETag" = String, description = "Send it back in If-None-Match"))),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
    ))]
#[get("/plans")]
pub async fn list_plans(req: HttpRequest, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let now = state.now();
    let catalogue = state
        .read(move |c| praxis_app::plans::catalogue(c, now))
        .await?;
    let items = catalogue
        .into_iter()
        .map(|(plan, taken)| plan_response(plan, taken))
        .collect();
    Ok(json_with_etag(&req, &PlanListResponse { items }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"seat_limit": 120, "prices": [{"billing_period": "monthly", "price_version": "regular", "amount": {"amount": 2900, "currency": "EUR"}}], "e_course_deduction": {"amount": 9900, "currency": "EUR"}}))]
pub struct UpdatePlanRequest {
    pub seat_limit: Option<i64>,
    /// Prices to set; prices not listed stay as they are.
    pub prices: Option<Vec<PriceDto>>,
    pub e_course_deduction: Option<MoneyDto>,
}

impl UpdatePlanRequest {
    fn parse(self) -> praxis_domain::Result<PlanChanges> {
        let mut errors = Errors::new();
        let seat_limit = match self.seat_limit {
            Some(n) if (0..=MAX_SEAT_LIMIT).contains(&n) => u32::try_from(n).ok(),
            Some(_) => {
                errors.push(
                    "seat_limit",
                    format!("must be between 0 and {MAX_SEAT_LIMIT}"),
                );
                None
            }
            None => None,
        };
        let mut prices = Vec::new();
        for (i, p) in self.prices.unwrap_or_default().iter().enumerate() {
            let field = format!("prices[{i}]");
            let period = errors.take(BillingPeriod::parse(
                &format!("{field}.billing_period"),
                &p.billing_period,
            ));
            let version = errors.take(PriceVersion::parse(
                &format!("{field}.price_version"),
                &p.price_version,
            ));
            let amount = errors.take(p.amount.parse(&format!("{field}.amount")));
            if let (Some(billing_period), Some(price_version), Some(amount)) =
                (period, version, amount)
            {
                prices.push(Price {
                    billing_period,
                    price_version,
                    amount,
                });
            }
        }
        let e_course_deduction = self
            .e_course_deduction
            .and_then(|m| errors.take(m.parse("e_course_deduction")));
        errors.finish()?;
        Ok(PlanChanges {
            seat_limit,
            prices,
            e_course_deduction,
        })
    }
}

/// Changes a plan's seat limit, prices or e-course deduction. Admins only; audited.
#[utoipa::path(tag = "admin", security(("bearer" = [])),
    params(("plan" = String, Path, description = "`lobby`, `practitioner` or `pro`")),
    request_body = UpdatePlanRequest,
    responses(
        (status = 200, description = "The plan as changed", body = PlanResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        AdminOnly,
        (status = 404, description = "No such plan", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid change", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/admin/plans/{plan}")]
pub async fn update_plan(
    state: web::Data<AppState>,
    Admin(admin): Admin,
    path: web::Path<String>,
    body: Json<UpdatePlanRequest>,
) -> ApiResult<HttpResponse> {
    let slug = PlanSlug::parse(&path.into_inner())?;
    let changes = body.0.parse()?;
    let now = state.now();
    let plan = state
        .write(move |c| praxis_app::plans::update(c, &admin.id, slug, changes, now))
        .await?;
    Ok(HttpResponse::Ok().json(plan_response(plan, 0)))
}
