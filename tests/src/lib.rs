//! Integration tests live in tests/api.
