//! Authentication: password hashing, access tokens, refresh tokens and the caller extractor.

pub mod extractor;
pub mod hub;
pub mod jwt;
pub mod password;
pub mod rate_limit;
pub mod reauth;
pub mod session;
pub mod tokens;
pub mod viewer;

pub use extractor::{Caller, OptionalCaller};
pub use viewer::{Admin, Host, Member, Viewer};
