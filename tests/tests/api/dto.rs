//! Typed views of the API's responses, as the tests read them (see `openapi.json` and the DTOs
//! in `api/src/routes`). Reading a body into one of these fails the test, with the body in the
//! message, when a field the test relies on is missing or has the wrong type — instead of
//! `serde_json::Value` quietly turning it into `null` or `""` and a test passing vacuously.
//!
//! `deny_unknown_fields` is used where an extra field would itself be a bug (problems, pages,
//! search hits, the access list of `/me`): there the exact shape is part of the contract.
//! Elsewhere new fields may be added without breaking the suite.
//!
//! Every field the API documents as always present is declared, read or not: parsing then checks
//! it is there with the right type.
#![allow(dead_code)]

use chrono::{DateTime, Utc};
use reqwest::{Response, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Reads a response body as `T`; fails the test, showing the body, when it does not parse.
pub async fn json<T: DeserializeOwned>(response: Response) -> T {
    let status = response.status();
    let url = response.url().path().to_owned();
    let text = response
        .text()
        .await
        .unwrap_or_else(|e| panic!("{url} ({status}): cannot read the body: {e}"));
    parse(&text, &format!("{url} ({status})"))
}

/// Asserts the status (showing the body when it differs), then reads the body as `T`.
pub async fn json_with<T: DeserializeOwned>(response: Response, status: StatusCode) -> T {
    let actual = response.status();
    let url = response.url().path().to_owned();
    let text = response
        .text()
        .await
        .unwrap_or_else(|e| panic!("{url} ({actual}): cannot read the body: {e}"));
    assert_eq!(actual, status, "{url}: unexpected status; body: {text}");
    parse(&text, &format!("{url} ({actual})"))
}

/// Parses `text` as `T`, failing the test with the text and the path of the offending field.
pub fn parse<T: DeserializeOwned>(text: &str, context: &str) -> T {
    serde_json::from_str(text).unwrap_or_else(|e| {
        panic!(
            "{context}: the body is not a {}: {e}\nbody: {text}",
            std::any::type_name::<T>()
        )
    })
}

/// Re-reads an already parsed JSON value as `T` (for bodies built in tests or read as `Value`).
pub fn from_value<T: DeserializeOwned>(value: &serde_json::Value) -> T {
    parse(&value.to_string(), "value")
}

/// An RFC 9457 problem (`application/problem+json`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldProblem>>,
}

impl Problem {
    /// The invalid fields of a validation problem; fails the test when there are none.
    pub fn fields(&self) -> Vec<&str> {
        self.errors
            .as_ref()
            .unwrap_or_else(|| panic!("a validation problem names its fields: {self}"))
            .iter()
            .map(|e| e.field.as_str())
            .collect()
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = serde_json::to_string(self).map_err(|_| fmt::Error)?;
        f.write_str(&text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// A list: `items` and, for keyset-paged lists, `next_cursor`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page<T> {
    pub items: Vec<T>,
    #[serde(default)]
    pub next_cursor: Option<String>,
}

/// A keyset-paged list read strictly: `next_cursor` must be present (a string or `null`), so a
/// bare array or an `{items}` without it fails the test.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeysetPage<T> {
    pub items: Vec<T>,
    #[serde(deserialize_with = "present")]
    pub next_cursor: Option<String>,
}

/// Deserializes an `Option` whose field must be there, even as `null`.
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Option::deserialize(d)
}

#[derive(Debug, Clone, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
    pub token_type: String,
    pub expires_in: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Me {
    pub id: String,
    pub email: String,
    pub email_verified: bool,
    pub listed: bool,
    pub bio: Option<String>,
    pub languages: Vec<String>,
    pub display_name: String,
    pub roles: Vec<String>,
    pub time_zone: String,
    pub locale: String,
    pub calendar_feed_url: String,
    pub spaces: Vec<SpaceAccessEntry>,
}

/// One space in `/me`: whether the member may enter it now, and if not, why.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpaceAccessEntry {
    pub slug: String,
    pub access: Access,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    Granted,
    Denied,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Terms {
    pub version: String,
    pub terms: String,
    pub member_guidelines: String,
    pub confidentiality: String,
    pub published_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Acceptance {
    pub version: String,
    pub accepted_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Space {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub visibility: String,
    pub plans: Vec<String>,
    pub access: String,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SpaceMember {
    pub user_id: String,
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Money {
    pub amount: i64,
    pub currency: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Price {
    pub billing_period: String,
    pub price_version: String,
    pub amount: Money,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Plan {
    pub slug: String,
    pub name: String,
    pub prices: Vec<Price>,
    pub requires_application: bool,
    pub e_course_deduction: Money,
    #[serde(default)]
    pub seat_limit: Option<i32>,
    #[serde(default)]
    pub seats_left: Option<i32>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Subscription {
    pub id: String,
    pub plan: String,
    pub billing_period: String,
    pub price_version: String,
    pub status: String,
    pub auto_renew: bool,
    #[serde(default)]
    pub grace_until: Option<DateTime<Utc>>,
    pub checkout_id: String,
    pub checkout_url: String,
    pub amount_due: Money,
    pub credit_applied: Money,
    pub period_price: Money,
    #[serde(default)]
    pub current_period_start: Option<DateTime<Utc>>,
    #[serde(default)]
    pub current_period_end: Option<DateTime<Utc>>,
    #[serde(default)]
    pub hold_expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub ended_at: Option<DateTime<Utc>>,
    pub next_renewal: Option<NextRenewal>,
    #[serde(default)]
    pub payment: Option<SubscriptionPayment>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NextRenewal {
    pub at: DateTime<Utc>,
    pub amount: Money,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionPayment {
    pub provider: String,
    #[serde(default)]
    pub checkout_url: Option<String>,
    #[serde(default)]
    pub client_secret: Option<String>,
    #[serde(default)]
    pub publishable_key: Option<String>,
}

impl Subscription {
    pub fn period_end(&self) -> DateTime<Utc> {
        self.current_period_end
            .unwrap_or_else(|| panic!("subscription {} has no period end", self.id))
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Post {
    pub id: String,
    pub space: String,
    pub author_id: String,
    pub author_name: String,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub status: String,
    pub pinned: bool,
    pub topics: Vec<String>,
    pub reactions: BTreeMap<String, i64>,
    pub comment_count: i64,
    #[serde(default)]
    pub crossposted_from: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub edited_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Comment {
    pub id: String,
    pub post_id: String,
    #[serde(default)]
    pub parent_id: Option<String>,
    pub author_id: String,
    pub author_name: String,
    pub body: String,
    pub status: String,
    pub reactions: BTreeMap<String, i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub edited_at: Option<DateTime<Utc>>,
}

/// A search hit: exactly these fields, nothing that would tell more than the caller may read.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchHit {
    pub kind: String,
    pub post_id: String,
    #[serde(default)]
    pub comment_id: Option<String>,
    pub space: String,
    pub title: String,
    pub snippet: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Participant {
    pub user_id: String,
    pub display_name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Conversation {
    pub id: String,
    pub participants: Vec<Participant>,
    pub created_at: DateTime<Utc>,
    pub last_message_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Message {
    pub id: String,
    pub conversation_id: String,
    pub author_id: String,
    pub author_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(default)]
    pub series_id: Option<String>,
    pub kind: String,
    #[serde(default)]
    pub format: Option<String>,
    pub title: String,
    pub description: String,
    pub space: String,
    #[serde(default)]
    pub theme_id: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub starts_at_local: String,
    pub ends_at_local: String,
    pub local_time_zone: String,
    pub event_time_zone: String,
    pub status: String,
    #[serde(default)]
    pub capacity: Option<i32>,
    pub attendees: u64,
    pub rsvp: bool,
    #[serde(default)]
    pub join_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Notification {
    pub id: String,
    pub kind: String,
    pub space: String,
    pub post_id: String,
    pub post_title: String,
    #[serde(default)]
    pub comment_id: Option<String>,
    #[serde(default)]
    pub actor_id: Option<String>,
    #[serde(default)]
    pub actor_name: Option<String>,
    pub read: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Reporter {
    pub user_id: String,
    pub display_name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReportedContent {
    pub post_id: String,
    pub space: String,
    pub title: String,
    pub excerpt: String,
    pub published: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Report {
    pub id: String,
    pub subject_type: String,
    pub subject_id: String,
    #[serde(default)]
    pub reason: Option<String>,
    pub reason_withheld: bool,
    pub status: String,
    pub reporter: Reporter,
    #[serde(default)]
    pub content: Option<ReportedContent>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub resolved_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub resolved_by: Option<String>,
    #[serde(default)]
    pub resolution_note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AuditEntry {
    pub id: String,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    #[serde(default)]
    pub actor_id: Option<String>,
    #[serde(default)]
    pub before: Option<serde_json::Value>,
    #[serde(default)]
    pub after: Option<serde_json::Value>,
    pub at: DateTime<Utc>,
    #[serde(default)]
    pub space_id: Option<String>,
    pub withheld: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Topic {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub following: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WaitlistEntry {
    pub id: String,
    pub plan: String,
    pub status: String,
    #[serde(default)]
    pub position: Option<i64>,
    pub joined_at: DateTime<Utc>,
    #[serde(default)]
    pub offer_expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RefundQuote {
    pub rule: String,
    pub refundable: Money,
    #[serde(default)]
    pub deduction: Option<Money>,
    #[serde(default)]
    pub full_months: Option<i32>,
    pub explanation: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Refund {
    pub id: String,
    pub request_id: Option<String>,
    pub amount: Money,
    pub status: String,
    #[serde(default)]
    pub provider_reference: Option<String>,
    #[serde(default)]
    pub failure_reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RefundRequest {
    pub id: String,
    pub subscription_id: String,
    pub status: String,
    pub message: String,
    pub quote: RefundQuote,
    #[serde(default)]
    pub refund: Option<Refund>,
    #[serde(default)]
    pub note: Option<String>,
    pub requested_at: DateTime<Utc>,
    #[serde(default)]
    pub decided_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Invoice {
    pub id: String,
    pub number: String,
    pub description: String,
    pub price: Money,
    pub amount: Money,
    pub credit_applied: Money,
    pub refunded: Money,
    pub issued_at: DateTime<Utc>,
    #[serde(default)]
    pub billing_address: Option<BillingAddress>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct BillingAddress {
    pub name: String,
    pub line1: String,
    #[serde(default)]
    pub line2: Option<String>,
    pub city: String,
    pub postal_code: String,
    #[serde(default)]
    pub region: Option<String>,
    pub country: String,
    #[serde(default)]
    pub vat_id: Option<String>,
}

/// What the payment webhook answers the provider.
#[derive(Debug, Clone, Deserialize)]
pub struct WebhookReply {
    pub status: String,
    #[serde(default)]
    pub invoice_number: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Assistance {
    pub id: String,
    pub user_id: String,
    pub plan: String,
    pub billing_period: String,
    pub message: String,
    pub status: String,
    pub proposed_amount: Money,
    #[serde(default)]
    pub granted_amount: Option<Money>,
    #[serde(default)]
    pub note: Option<String>,
    pub requested_at: DateTime<Utc>,
    #[serde(default)]
    pub decided_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Theme {
    pub id: String,
    pub month: String,
    pub title: String,
    pub description: String,
    pub space: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CalendarFeed {
    pub calendar_feed_url: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Application {
    pub id: String,
    pub user_id: String,
    pub training: String,
    pub experience: String,
    pub helping_others: String,
    pub commitment: bool,
    pub status: String,
    #[serde(default)]
    pub note: Option<String>,
    pub submitted_at: DateTime<Utc>,
    #[serde(default)]
    pub decided_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct HubSession {
    pub hub_token: String,
    pub token_type: String,
    pub expires_in: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Author {
    pub id: String,
    pub display_name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Question {
    pub id: String,
    pub event_id: String,
    pub author: Author,
    pub body: String,
    pub votes: i32,
    pub voted_by_me: bool,
    pub mine: bool,
    pub answered: bool,
    #[serde(default)]
    pub answered_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub answer_note: Option<String>,
    #[serde(default)]
    pub recording_seconds: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
