//! Opaque random tokens, made and hashed by `praxis_app::tokens`.

pub use praxis_app::tokens::{generate, hash};
