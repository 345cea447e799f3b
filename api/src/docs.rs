//! The OpenAPI document: every handler's declared paths plus the shared parts.

use crate::routes::learning::{assignments, questions, recordings, resources, submissions};
use crate::routes::{
    applications, assistance, audit_log, auth, calendar, comments, events, events_admin, follows,
    health, hub, hub_billing, me, messages, moderation, notifications, plans, posts, refunds,
    reports, search, spaces, subscriptions, terms, topics_admin, webhook,
};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    paths(
        health::health, health::ready, health::metrics,
        auth::register, auth::login, auth::refresh, auth::logout,
        me::get_me, me::patch_me,
        terms::get_terms, terms::accept_terms, terms::list_acceptances, terms::publish_terms,
        spaces::list_spaces, spaces::get_space, spaces::create_space, spaces::list_space_members,
        spaces::add_space_member, spaces::remove_space_member,
        search::search,
        messages::list_conversations, messages::create_conversation, messages::list_messages,
        messages::send_message, messages::block_member, messages::unblock_member,
        reports::create_report, reports::list_reports, reports::resolve_report,
        posts::list_posts, posts::create_post, posts::get_post, posts::update_post,
        posts::delete_post, posts::crosspost,
        comments::list_comments, comments::create_comment, comments::update_comment,
        comments::delete_comment, comments::react_to_post, comments::unreact_to_post,
        comments::react_to_comment, comments::unreact_to_comment,
        moderation::hide_post, moderation::restore_post, moderation::pin_post,
        moderation::unpin_post, moderation::hide_comment, moderation::restore_comment,
        follows::list_topics, follows::follow_topic, follows::unfollow_topic,
        follows::follow_space, follows::unfollow_space, follows::set_notification_level,
        follows::get_feed,
        topics_admin::create_topic,
        notifications::list_notifications, notifications::read_notification,
        notifications::read_all_notifications,
        plans::list_plans, plans::update_plan,
        subscriptions::create_subscription, subscriptions::list_subscriptions,
        subscriptions::get_subscription, subscriptions::cancel_subscription,
        subscriptions::join_waitlist, subscriptions::get_waitlist_entry, subscriptions::leave_waitlist,
        webhook::payment_webhook,
        refunds::refund_quote, refunds::create_refund_request, refunds::list_my_refund_requests,
        refunds::list_refund_requests, refunds::decide_refund_request,
        applications::submit_application, applications::my_applications,
        applications::withdraw_application, applications::list_applications,
        applications::decide_application,
        assistance::request_assistance, assistance::my_assistance_requests,
        assistance::list_assistance_requests, assistance::decide_assistance_request,
        audit_log::list_audit_log,
        hub::request_magic_link, hub::create_hub_session,
        hub::get_billing_address, hub::put_billing_address, hub::list_hub_invoices,
        hub_billing::list_hub_subscriptions, hub_billing::cancel_hub_subscription,
        hub_billing::create_hub_refund_request,
        events::list_themes, events::list_events, events::get_event, events::put_rsvp,
        events::delete_rsvp,
        events_admin::create_theme, events_admin::create_event, events_admin::update_event,
        events_admin::cancel_event,
        calendar::member_feed, calendar::lobby_feed, calendar::rotate_feed_token,
        calendar::get_reminders, calendar::patch_reminders,
        questions::list_questions, questions::ask_question, questions::edit_question,
        questions::vote_question, questions::unvote_question, questions::answer_question,
        recordings::put_recording, recordings::get_recording, recordings::search_recordings,
        assignments::create_assignment, assignments::list_assignments, assignments::get_assignment,
        submissions::list_submissions, submissions::create_submission, submissions::get_submission,
        submissions::edit_submission, submissions::list_feedback, submissions::create_feedback,
        resources::create_resource, resources::list_resources, resources::get_resource,
    ),
    components(schemas(praxis_openapi::Problem, praxis_openapi::FieldProblem)),
    modifiers(&HubTokenScheme),
    tags(
        (name = "auth", description = "Accounts and sessions"),
        (name = "me", description = "The caller's own profile"),
        (name = "plans", description = "The plan catalogue"),
        (name = "terms", description = "Terms and Conditions, Member Guidelines and Confidentiality"),
        (name = "spaces", description = "Spaces and who may enter them"),
        (name = "messages", description = "Direct messages between members, and blocking"),
        (name = "moderation", description = "Reports of content, and the hosts' queue"),
        (name = "posts", description = "Posts, comments with replies, reactions and crossposts"),
        (name = "following", description = "Topics, following topics and spaces, and the feed"),
        (name = "notifications", description = "Replies, mentions and new posts in what you follow"),
        (name = "subscriptions", description = "Paid plans, limited places and the waitlist"),
        (name = "payments", description = "The payment provider's webhook"),
        (name = "refunds", description = "Refund quotes and requests"),
        (name = "applications", description = "PRO applications"),
        (name = "hub", description = "The customer hub: sign in by emailed link, billing address, invoices"),
        (name = "events", description = "Monthly themes, events, RSVPs and calendar feeds"),
        (name = "learning", description = "Q&A questions, recordings, assignments and the resource library"),
        (name = "admin", description = "For hosts and admins"),
        (name = "operations", description = "Health, readiness and metrics"),
    )
)]
struct ApiDoc;

/// The customer hub's own bearer token, which API endpoints refuse (and vice versa).
struct HubTokenScheme;

impl utoipa::Modify for HubTokenScheme {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        doc.components.get_or_insert_with(Default::default).add_security_scheme(
            crate::routes::hub::HUB_SECURITY,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "Hub token from POST /api/v1/hub/sessions (30 minutes); hub endpoints only.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The complete document, as served at `/api-docs/openapi.json` and committed as `openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    praxis_openapi::finish(ApiDoc::openapi())
}

/// The document as pretty JSON with a final newline, as `make openapi` writes it.
pub fn document_json() -> String {
    let mut json = document().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}
