//! Learning: Q&A questions on events, recordings with chapters, assignments with submissions
//! and feedback, and the resource library. Everything here belongs to a space and is read
//! through `praxis_app::learning`: outside the space it answers 404.

pub mod assignments;
pub mod questions;
pub mod recordings;
pub mod resources;
pub mod submissions;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    questions::configure(cfg);
    recordings::configure(cfg);
    assignments::configure(cfg);
    submissions::configure(cfg);
    resources::configure(cfg);
}
