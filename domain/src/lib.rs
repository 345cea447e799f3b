//! The community's rules as plain Rust. Nothing here knows about HTTP, SQL or async runtimes:
//! values are parsed into types that can only hold valid data, and rules are pure functions.

pub mod access;
pub mod account;
pub mod applications;
pub mod assistance;
pub mod badges;
pub mod billing;
pub mod calendar;
pub mod conversations;
pub mod courses;
pub mod credentials;
pub mod decisions;
pub mod discussion;
pub mod error;
pub mod event_plans;
pub mod event_queries;
pub mod events;
pub mod feedback;
pub mod giveback;
pub mod ids;
pub mod learning;
pub mod learning_drafts;
pub mod mail;
pub mod messaging;
pub mod moderation;
pub mod money;
pub mod newsletter;
pub mod notification_mail;
pub mod payments;
pub mod plans;
pub mod profiles;
pub mod refunds;
pub mod reminders;
pub mod reports;
pub mod resources;
pub mod search;
pub mod spaces;
pub mod string_enum;
pub mod subscriptions;
pub mod support;
pub mod terms;
pub mod text;
pub mod webhooks;

pub use error::{Error, FieldError, Result};
pub use money::{Currency, Money};
pub use string_enum::{StringEnum, Variants};
