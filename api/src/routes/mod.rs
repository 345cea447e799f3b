//! One module per resource; each exposes its handlers, and `configure` mounts them all.

pub mod academy;
pub mod accounts;
pub mod applications;
pub mod assistance;
pub mod audit_log;
pub mod auth;
pub mod badge_awards;
pub mod badge_requests;
pub mod badges;
pub mod calendar;
pub mod circles;
pub mod comments;
pub mod contact;
pub mod course_checkout;
pub mod courses;
pub mod courses_admin;
pub mod credentials;
pub mod decisions;
pub mod dev;
pub mod events;
pub mod events_admin;
pub mod facilitation;
pub mod feedback;
pub mod follows;
pub mod health;
pub mod hub;
pub mod hub_billing;
pub mod hub_payment_method;
pub mod learning;
pub mod me;
pub mod members;
pub mod mentors;
pub mod messages;
pub mod moderation;
pub mod newsletter;
pub mod newsletters_admin;
pub mod notification_settings;
pub mod notifications;
pub mod plans;
pub mod pods;
pub mod posts;
pub mod privacy;
pub mod refunds;
pub mod refunds_admin;
pub mod reports;
pub mod search;
pub mod session_proposals;
pub mod spaces;
pub mod stripe_webhook;
pub mod subscriptions;
pub mod support;
pub mod terms;
pub mod themes;
pub mod topics_admin;
pub mod unsubscribe;
pub mod webhook;
pub mod webhooks_admin;

use crate::error::{problem_for_status, problem_response};
use actix_web::dev::ResourceDef;
use actix_web::http::{header, Method, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use std::sync::Arc;
use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// Mounts every handler. Each handler carries its own method and path (`#[get("/plans")]`) and
/// its documentation (`#[utoipa::path]`), so registering it here also puts it in the OpenAPI
/// document: a path is written once, beside its handler.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health::health)
        .service(health::ready)
        .service(health::metrics)
        .service(
            scope::scope("/api/v1")
                .configure(auth::configure)
                .configure(accounts::configure)
                .configure(me::configure)
                .configure(members::configure)
                .configure(privacy::configure)
                .configure(terms::configure)
                .configure(spaces::configure)
                .configure(search::configure)
                .configure(messages::configure)
                .configure(reports::configure)
                .configure(posts::configure)
                .configure(comments::configure)
                .configure(moderation::configure)
                .configure(follows::configure)
                .configure(topics_admin::configure)
                .configure(notifications::configure)
                .configure(plans::configure)
                .configure(subscriptions::configure)
                .configure(refunds::configure)
                .configure(webhook::configure)
                .configure(stripe_webhook::configure)
                .configure(refunds_admin::configure)
                .configure(webhooks_admin::configure)
                .configure(dev::configure)
                .configure(applications::configure)
                .configure(assistance::configure)
                .configure(audit_log::configure)
                .configure(hub::configure)
                .configure(hub_billing::configure)
                .configure(hub_payment_method::configure)
                .configure(events::configure)
                .configure(events_admin::configure)
                .configure(calendar::configure)
                .configure(unsubscribe::configure)
                .configure(learning::configure)
                .configure(circles::configure)
                .configure(decisions::configure)
                .configure(courses::configure)
                .configure(course_checkout::configure)
                .configure(courses_admin::configure)
                .configure(session_proposals::configure)
                .configure(facilitation::configure)
                .configure(feedback::configure)
                .configure(support::configure)
                .configure(badges::configure)
                .configure(badge_requests::configure)
                .configure(badge_awards::configure)
                .configure(credentials::configure)
                .configure(notification_settings::configure)
                .configure(themes::configure)
                .configure(academy::configure)
                .configure(mentors::configure)
                .configure(pods::configure)
                .configure(newsletter::configure)
                .configure(newsletters_admin::configure)
                .configure(contact::configure),
        );
}

/// The documented paths with the methods each accepts: what tells "no such resource" (404)
/// from "not with this method" (405) once no handler matched.
#[derive(Clone, Default)]
pub struct KnownPaths(Arc<Vec<(ResourceDef, Vec<Method>)>>);

impl KnownPaths {
    pub fn from_document(doc: &utoipa::openapi::OpenApi) -> Self {
        let known = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let operations = [
                    (Method::GET, item.get.is_some()),
                    (Method::POST, item.post.is_some()),
                    (Method::PUT, item.put.is_some()),
                    (Method::PATCH, item.patch.is_some()),
                    (Method::DELETE, item.delete.is_some()),
                ];
                let methods = operations
                    .into_iter()
                    .filter(|(_, present)| *present)
                    .map(|(method, _)| method)
                    .collect();
                (ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        Self(Arc::new(known))
    }

    fn allowed(&self, path: &str) -> Option<&[Method]> {
        self.0
            .iter()
            .find(|(def, _)| def.is_match(path))
            .map(|(_, methods)| methods.as_slice())
    }
}

/// Any request no handler took: 405 with `Allow` when the path is known under other methods,
/// 404 otherwise.
pub async fn not_found(req: HttpRequest, known: web::Data<KnownPaths>) -> HttpResponse {
    match known.allowed(req.path()) {
        Some(methods) if !methods.is_empty() => {
            let mut response =
                problem_response(&problem_for_status(StatusCode::METHOD_NOT_ALLOWED));
            let allow = methods
                .iter()
                .map(Method::as_str)
                .collect::<Vec<_>>()
                .join(", ");
            if let Ok(value) = header::HeaderValue::from_str(&allow) {
                response.headers_mut().insert(header::ALLOW, value);
            }
            response
        }
        _ => problem_response(&problem_for_status(StatusCode::NOT_FOUND)),
    }
}
