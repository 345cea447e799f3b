//! The Sociocracy Academy: implementation circles, mentors, pods and the superpod, all built on
//! circles and consent decisions.

pub mod enrolments;
pub mod mentors;
pub mod pods;
pub mod superpod;
