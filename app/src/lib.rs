//! The use cases of Praxis: what a member, a host or a periodic job does, as plain synchronous
//! functions over a database connection (`fn(conn, &Viewer, input, now) -> app::Result<T>`).
//! Each combines the rules in `praxis-domain` with the repositories in `praxis-persistence`
//! inside the caller's transaction. Nothing here knows about HTTP: the API, the jobs, the CLI
//! and the demo seeder all call these functions.

pub mod academy;
pub mod access;
pub mod accounts;
pub mod applications;
pub mod assignments;
pub mod assistance;
pub mod audit;
pub mod badge_proposals;
pub mod badge_reviews;
pub mod badges;
pub mod billing;
pub mod calendar;
pub mod circles;
pub mod comments;
pub mod contact;
pub mod content;
pub mod course_orders;
pub mod course_progress;
pub mod courses;
pub mod credentials;
pub mod decisions;
pub mod derived_resources;
pub mod directory;
pub mod entitlements;
pub mod error;
pub mod event_planning;
pub mod events;
pub mod exports;
pub mod facilitation;
pub mod feedback;
pub mod follows;
pub mod hub;
pub mod learning;
pub mod mail_links;
pub mod me;
pub mod messages;
pub mod moderation;
pub mod newsletter;
pub mod newsletter_issues;
pub mod notification_mail;
pub mod notification_settings;
pub mod notifications;
pub mod page;
pub mod plans;
pub mod posts;
pub mod privacy;
pub mod questions;
pub mod recordings;
pub mod reminders;
pub mod reports;
pub mod resources;
pub mod rsvps;
pub mod search;
pub mod series_editing;
pub mod session_proposals;
pub mod sessions;
pub mod spaces;
pub mod submissions;
pub mod subscriptions;
pub mod support;
pub mod terms;
pub mod themes;
pub mod tokens;
pub mod topics;
pub mod unsubscribe;
pub mod waitlist;
pub mod webhooks;

pub use error::{Error, Result};
