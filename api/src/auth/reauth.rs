//! Asking a signed-in member for their password again before something an access token alone
//! must not do (changing the password or the address, erasing the account): a stolen token then
//! takes over nothing. Guesses are limited like logins, per client IP and per address.

use crate::auth::password;
use crate::auth::rate_limit::{client_ip, Limited};
use crate::error::{ApiError, ApiResult};
use crate::state::{blocking, AppState};
use actix_web::HttpRequest;
use praxis_domain::ids::UserId;
use praxis_persistence::users::UserRow;

/// The member's account when `presented` is their password; 403 `invalid-current-password`
/// otherwise.
pub async fn confirm_password(
    req: &HttpRequest,
    state: &AppState,
    member: &UserId,
    presented: String,
) -> ApiResult<UserRow> {
    let id = member.clone();
    let user = state
        .read(move |conn| praxis_app::accounts::account(conn, &id))
        .await?;
    state.auth_limiter.check_with_email(
        Limited::Login,
        client_ip(req, &state.config),
        &user.email,
    )?;
    let stored = user.password_hash.clone();
    if !blocking(move || password::verify(&presented, &stored)).await? {
        return Err(ApiError::forbidden(
            "invalid-current-password",
            "The current password is not correct.",
        ));
    }
    Ok(user)
}

/// Hashes a new password on the blocking pool.
pub async fn hash_new(new_password: praxis_domain::account::Password) -> ApiResult<String> {
    blocking(move || password::hash(new_password.expose()))
        .await?
        .map_err(ApiError::internal)
}
