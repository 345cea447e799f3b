//! The caller with the facts access depends on — roles, the active plan, acceptance of the
//! current terms, participation — loaded once per request, before the handler runs, in one
//! blocking call. Handlers name what they need in their signature:
//!
//! - [`Viewer`]: anyone; a visitor without `Authorization`, a member with a valid token.
//! - [`Member`]: a signed-in member (401 otherwise).
//! - [`Host`]: a host or an admin (403 `host-role-required` otherwise).
//! - [`Admin`]: an admin (403 `admin-role-required` otherwise).
//!
//! What the facts allow is still decided per space by `praxis_domain::access`; these only say
//! who asks. A handler that writes passes the facts into its transaction.

use crate::auth::extractor::{Caller, OptionalCaller};
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use praxis_app::access::{load_caller, ViewerContext};
use praxis_domain::account::{can_administer, can_host, Role};
use praxis_domain::ids::UserId;

/// Anyone: the facts of a signed-in member, or a visitor's (none).
#[derive(Debug, Clone)]
pub struct Viewer(pub ViewerContext);

/// A signed-in member and their facts.
#[derive(Debug, Clone)]
pub struct Member {
    pub id: UserId,
    pub ctx: ViewerContext,
}

/// A host or an admin.
#[derive(Debug, Clone)]
pub struct Host(pub Member);

/// An admin.
#[derive(Debug, Clone)]
pub struct Admin(pub Member);

impl Member {
    pub fn roles(&self) -> &[Role] {
        self.ctx
            .viewer
            .member
            .as_ref()
            .map(|m| m.roles.as_slice())
            .unwrap_or_default()
    }
}

fn state(req: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal("application state missing"))
}

async fn facts(state: &AppState, caller: Option<Caller>) -> Result<ViewerContext, ApiError> {
    // A visitor has no facts to load: no trip through the blocking pool.
    let Some(caller) = caller else {
        return Ok(ViewerContext::default());
    };
    let now = state.now();
    state
        .read(move |conn| {
            load_caller(
                conn,
                Some((caller.user_id.as_str(), caller.generation)),
                now,
            )
        })
        .await
}

async fn member(state: &AppState, caller: Caller) -> Result<Member, ApiError> {
    let ctx = facts(state, Some(caller.clone())).await?;
    Ok(Member {
        id: UserId::from_trusted(caller.user_id),
        ctx,
    })
}

impl FromRequest for Viewer {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = OptionalCaller::from_request(req, payload).into_inner();
        let state = state(req);
        Box::pin(async move {
            let (caller, state) = (caller?, state?);
            Ok(Viewer(facts(&state, caller.0).await?))
        })
    }
}

impl FromRequest for Member {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = Caller::from_request(req, payload).into_inner();
        let state = state(req);
        Box::pin(async move {
            let state = state?;
            member(&state, caller?).await
        })
    }
}

/// A role a handler can require in its signature: who has it, and the refusal for the others.
trait RoleGate: Sized + 'static {
    const KIND: &'static str;
    const DETAIL: &'static str;
    fn allows(roles: &[Role]) -> bool;
    fn wrap(member: Member) -> Self;
}

impl RoleGate for Host {
    const KIND: &'static str = "host-role-required";
    const DETAIL: &'static str = "Only hosts and admins may do this.";
    fn allows(roles: &[Role]) -> bool {
        can_host(roles)
    }
    fn wrap(member: Member) -> Self {
        Host(member)
    }
}

impl RoleGate for Admin {
    const KIND: &'static str = "admin-role-required";
    const DETAIL: &'static str = "Only admins may do this.";
    fn allows(roles: &[Role]) -> bool {
        can_administer(roles)
    }
    fn wrap(member: Member) -> Self {
        Admin(member)
    }
}

fn gate<G: RoleGate>(
    req: &HttpRequest,
    payload: &mut Payload,
) -> LocalBoxFuture<'static, Result<G, ApiError>> {
    let member = Member::from_request(req, payload);
    Box::pin(async move {
        let member = member.await?;
        if G::allows(member.roles()) {
            Ok(G::wrap(member))
        } else {
            Err(ApiError::forbidden(G::KIND, G::DETAIL))
        }
    })
}

impl FromRequest for Host {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        gate(req, payload)
    }
}

impl FromRequest for Admin {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        gate(req, payload)
    }
}
