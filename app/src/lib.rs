//! The use cases of Praxis: what a member, a host or a periodic job does, as plain synchronous
//! functions over a database connection (`fn(conn, &Viewer, input, now) -> app::Result<T>`).
//! Each combines the rules in `praxis-domain` with the repositories in `praxis-persistence`
//! inside the caller's transaction. Nothing here knows about HTTP: the API, the jobs, the CLI
//! and the demo seeder all call these functions.

pub mod access;
pub mod assignments;
pub mod audit;
pub mod billing;
pub mod calendar;
pub mod content;
pub mod error;
pub mod event_planning;
pub mod events;
pub mod learning;
pub mod questions;
pub mod recordings;
pub mod reminders;
pub mod resources;
pub mod rsvps;
pub mod submissions;

pub use error::{Error, Result};
