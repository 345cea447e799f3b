//! Ids as types: a `PostId` can't be passed where a `UserId` is expected, and an id from outside
//! (a path, a body, a webhook) is checked once, where it enters, by `parse` or serde.
//!
//! Every id is text, as in the database. Most are UUIDs the system makes with [`Uuid::now_v7`]
//! (any UUID version is accepted, since older rows and tests hold v4s); a few have other shapes:
//! the built-in spaces (`space-lobby`), series occurrences (`<series uuid>@20261208T170000Z`, see
//! [`EventRef`]), checkout and webhook event ids the payment provider makes, terms versions an
//! admin names, and topics, which are known by their slug.
//!
//! Values read back from our own database are built with `from_trusted`, which does not check:
//! a row is not input, and checking every id of every row would cost more than it catches.

use crate::events::{EventRef, OCCURRENCE_FORMAT};
use crate::{Error, Result};
use chrono::{DateTime, NaiveDateTime, Utc};
use uuid::Uuid;

/// Declares an id newtype over `String`.
///
/// `id_type!(/// docs \n Name, "field", check)` gives `parse` (checked by `check`, a
/// `fn(&str) -> Result<String, &'static str>` returning the normalised text or what is wrong),
/// `parse_field`, `from_trusted`, `as_str`, `into_inner`, `Display`, `FromStr`, `AsRef<str>`,
/// `Borrow<str>`, `TryFrom<String>`, `From<Name> for String`, and serde as a plain string
/// (deserialising checks). Add `, fresh` for ids the system makes: `new()` (a UUIDv7) and
/// `From<Uuid>`.
/// What every id type offers, for code generic over ids (an extractor, a repository helper).
pub trait Id: Sized + Clone + std::fmt::Display {
    /// The field an error names: `post_id`.
    const FIELD: &'static str;
    /// Checks an id from outside.
    fn parse(raw: &str) -> crate::Result<Self>;
    fn as_str(&self) -> &str;
    /// What the id names, for messages: `post` for `post_id`.
    fn what() -> &'static str {
        Self::FIELD.strip_suffix("_id").unwrap_or(Self::FIELD)
    }
}

#[macro_export]
macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident, $field:literal, $check:path, fresh) => {
        $crate::id_type!($(#[$meta])* $name, $field, $check);

        impl $name {
            /// A fresh id: a UUIDv7, so ids sort by creation time.
            #[allow(clippy::new_without_default)] // a default id would be a random one
            pub fn new() -> Self {
                Self(::uuid::Uuid::now_v7().to_string())
            }
        }

        impl ::std::convert::From<::uuid::Uuid> for $name {
            fn from(uuid: ::uuid::Uuid) -> Self {
                Self(uuid.to_string())
            }
        }
    };
    ($(#[$meta:meta])* $name:ident, $field:literal, $check:path) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(::std::string::String);

        impl $name {
            /// The field an error names: `user_id`.
            pub const FIELD: &'static str = $field;

            /// Checks an id from outside; the error names [`Self::FIELD`].
            pub fn parse(raw: &str) -> $crate::Result<Self> {
                Self::parse_field($field, raw)
            }

            /// Checks an id from outside; the error names `field`.
            pub fn parse_field(field: &str, raw: &str) -> $crate::Result<Self> {
                $check(raw).map(Self).map_err(|message| $crate::Error::field(field, message))
            }

            /// An id read back from our own database: taken as it is, unchecked.
            pub fn from_trusted(raw: impl ::std::convert::Into<::std::string::String>) -> Self {
                Self(raw.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_inner(self) -> ::std::string::String {
                self.0
            }
        }

        impl $crate::ids::Id for $name {
            const FIELD: &'static str = $field;

            fn parse(raw: &str) -> $crate::Result<Self> {
                Self::parse(raw)
            }

            fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::Error;

            fn from_str(raw: &str) -> $crate::Result<Self> {
                Self::parse(raw)
            }
        }

        impl ::std::convert::TryFrom<::std::string::String> for $name {
            type Error = $crate::Error;

            fn try_from(raw: ::std::string::String) -> $crate::Result<Self> {
                Self::parse(&raw)
            }
        }

        impl ::std::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        // Hash, Eq and Ord are the inner string's, so maps keyed by an id can be read with a
        // `&str`.
        impl ::std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl ::std::convert::From<$name> for ::std::string::String {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let raw = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                Self::parse(&raw).map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
    };
}

/// The checks behind each kind of id: `Ok` with the text to keep, or what is wrong with it.
pub mod check {
    use super::*;

    /// The length of a hyphenated UUID; it also rules out the braced, URN and bare-hex forms.
    const UUID_LEN: usize = 36;

    /// A UUID in its hyphenated form, either case; kept lower-case, as the system writes them.
    pub fn uuid(raw: &str) -> Result<String, &'static str> {
        parse_uuid(raw)
            .map(|u| u.to_string())
            .ok_or("must be a UUID such as 0190c5a4-7b1e-7c3d-9f00-2a6b1c0d4e5f")
    }

    fn parse_uuid(raw: &str) -> Option<Uuid> {
        if raw.len() != UUID_LEN {
            return None;
        }
        Uuid::try_parse(raw).ok()
    }

    /// A UUID, or one of the spaces every community starts with (`space-lobby`,
    /// `space-pro-lounge`): `space-` and a space slug.
    pub fn space(raw: &str) -> Result<String, &'static str> {
        if let Some(uuid) = parse_uuid(raw) {
            return Ok(uuid.to_string());
        }
        match raw.strip_prefix("space-") {
            Some(slug) if is_slug(slug, 3, 60) => Ok(raw.to_owned()),
            _ => Err("must be a UUID or a built-in space id such as space-lobby"),
        }
    }

    /// A UUID (a single event, or a whole series), or one occurrence of a series:
    /// `<series uuid>@<original start as 20261208T170000Z>`, as [`EventRef`] reads it.
    pub fn event(raw: &str) -> Result<String, &'static str> {
        const MESSAGE: &str =
            "must be a UUID, or a series UUID and its start such as …@20261208T170000Z";
        if let Some(uuid) = parse_uuid(raw) {
            return Ok(uuid.to_string());
        }
        let (series, start) = raw.split_once('@').ok_or(MESSAGE)?;
        let series = parse_uuid(series).ok_or(MESSAGE)?;
        let at = NaiveDateTime::parse_from_str(start, OCCURRENCE_FORMAT)
            .map_err(|_| MESSAGE)?
            .and_utc();
        // Only the form the system writes: chrono would also take `+2026…` or one-digit fields.
        if at.format(OCCURRENCE_FORMAT).to_string() != start {
            return Err(MESSAGE);
        }
        Ok(EventRef::occurrence_id(&series.to_string(), at))
    }

    /// An id the payment provider makes (`chk_…`, `evt_…`, `cs_test_…`): 1 to 255 ASCII
    /// letters, digits, `_`, `-` and `.`.
    pub fn provider(raw: &str) -> Result<String, &'static str> {
        let valid = (1..=255).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
        if valid {
            Ok(raw.to_owned())
        } else {
            Err("must be 1–255 letters, digits, `_`, `-` or `.`")
        }
    }

    /// A name an admin gives a version of the terms (`2026-01`): 1 to 40 characters, no spaces
    /// around it, nothing invisible in it.
    pub fn terms_version(raw: &str) -> Result<String, &'static str> {
        let chars = raw.chars().count();
        let valid = (1..=40).contains(&chars)
            && raw.trim() == raw
            && !raw
                .chars()
                .any(|c| c.is_control() || is_invisible_format(c));
        if valid {
            Ok(raw.to_owned())
        } else {
            Err("must be between 1 and 40 characters, without control characters or spaces around it")
        }
    }

    /// A topic's slug: 2 to 60 lower-case letters, digits and dashes.
    pub fn topic(raw: &str) -> Result<String, &'static str> {
        if (2..=60).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            Ok(raw.to_owned())
        } else {
            Err("must be 2–60 lower-case letters, digits and dashes")
        }
    }

    fn is_slug(raw: &str, min: usize, max: usize) -> bool {
        (min..=max).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !raw.starts_with('-')
            && !raw.ends_with('-')
    }

    /// Characters that change how text around them is shown without being visible themselves:
    /// bidirectional overrides and isolates, zero-width characters, the byte-order mark.
    fn is_invisible_format(c: char) -> bool {
        matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
        )
    }
}

id_type!(
    /// A member's account (`users.id`).
    UserId, "user_id", check::uuid, fresh
);
id_type!(
    /// A space (`spaces.id`): a UUID, or `space-<slug>` for the built-in ones.
    SpaceId, "space_id", check::space, fresh
);
id_type!(
    /// A post (`posts.id`).
    PostId, "post_id", check::uuid, fresh
);
id_type!(
    /// A comment on a post (`comments.id`).
    CommentId, "comment_id", check::uuid, fresh
);
id_type!(
    /// A topic (`topics.slug`): topics are known by their slug.
    TopicId, "topic", check::topic
);
id_type!(
    /// A notification (`notifications.id`).
    NotificationId, "notification_id", check::uuid, fresh
);
id_type!(
    /// A conversation of direct messages (`conversations.id`).
    ConversationId, "conversation_id", check::uuid, fresh
);
id_type!(
    /// A direct message (`messages.id`).
    MessageId, "message_id", check::uuid, fresh
);
id_type!(
    /// A report of a post, comment or message (`reports.id`).
    ReportId, "report_id", check::uuid, fresh
);
id_type!(
    /// A subscription to a plan (`subscriptions.id`).
    SubscriptionId, "subscription_id", check::uuid, fresh
);
id_type!(
    /// A checkout at the payment provider (`subscriptions.checkout_id`).
    CheckoutId, "checkout_id", check::provider
);
id_type!(
    /// A webhook event of the payment provider (`webhook_events.event_id`,
    /// `payments.provider_event_id`); it makes a payment idempotent.
    ProviderEventId, "event_id", check::provider
);
id_type!(
    /// A payment received (`payments.id`).
    PaymentId, "payment_id", check::uuid, fresh
);
id_type!(
    /// An invoice (`invoices.id`); its gapless number is a separate field.
    InvoiceId, "invoice_id", check::uuid, fresh
);
id_type!(
    /// A member's request for a refund (`refund_requests.id`).
    RefundRequestId, "refund_request_id", check::uuid, fresh
);
id_type!(
    /// A refund paid out (`refunds.id`).
    RefundId, "refund_id", check::uuid, fresh
);
id_type!(
    /// An application to PRO (`pro_applications.id`).
    ApplicationId, "application_id", check::uuid, fresh
);
id_type!(
    /// A request for price assistance (`price_assistance_requests.id`).
    AssistanceRequestId, "assistance_request_id", check::uuid, fresh
);
id_type!(
    /// A price granted to one member (`price_overrides.id`).
    PriceOverrideId, "price_override_id", check::uuid, fresh
);
id_type!(
    /// A place on a plan's waiting list (`waitlist_entries.id`).
    WaitlistEntryId, "waitlist_entry_id", check::uuid, fresh
);
id_type!(
    /// A month's theme (`themes.id`).
    ThemeId, "theme_id", check::uuid, fresh
);
id_type!(
    /// A recurring series of events (`event_series.id`).
    SeriesId, "series_id", check::uuid, fresh
);
id_type!(
    /// An event: a single event's or a materialised occurrence's UUID (`events.id`), or an
    /// occurrence of a series named by its original start (see [`EventRef`]).
    EventId, "event_id", check::event, fresh
);
id_type!(
    /// A question asked for a Q&A session (`questions.id`).
    QuestionId, "question_id", check::uuid, fresh
);
id_type!(
    /// An assignment in a space (`assignments.id`).
    AssignmentId, "assignment_id", check::uuid, fresh
);
id_type!(
    /// A member's submission to an assignment (`submissions.id`).
    SubmissionId, "submission_id", check::uuid, fresh
);
id_type!(
    /// Feedback on a submission (`submission_feedback.id`).
    FeedbackId, "feedback_id", check::uuid, fresh
);
id_type!(
    /// A resource of the library (`resources.id`).
    ResourceId, "resource_id", check::uuid, fresh
);
id_type!(
    /// The translations of one resource share this group (`resources.translation_group`).
    TranslationGroupId, "translation_group", check::uuid, fresh
);
id_type!(
    /// An entry of the audit log (`audit_log.id`).
    AuditEntryId, "audit_entry_id", check::uuid, fresh
);
id_type!(
    /// A queued e-mail (`outbox.id`).
    OutboxId, "outbox_id", check::uuid, fresh
);
id_type!(
    /// A refresh token (`refresh_tokens.id`).
    RefreshTokenId, "refresh_token_id", check::uuid, fresh
);
id_type!(
    /// The refresh tokens rotated from one sign-in (`refresh_tokens.family_id`); reuse of an
    /// old one revokes the family.
    TokenFamilyId, "family_id", check::uuid, fresh
);
id_type!(
    /// A sign-in link sent by e-mail (`magic_links.id`).
    MagicLinkId, "magic_link_id", check::uuid, fresh
);
id_type!(
    /// A published version of the terms (`terms_versions.version`), named by an admin.
    TermsVersion, "version", check::terms_version
);
id_type!(
    /// A course of the e-course (`courses.id`).
    CourseId, "course_id", check::uuid, fresh
);
id_type!(
    /// A module of a course (`course_modules.id`).
    CourseModuleId, "module_id", check::uuid, fresh
);
id_type!(
    /// A lesson of a course module (`lessons.id`).
    LessonId, "lesson_id", check::uuid, fresh
);
id_type!(
    /// An entitlement that opens a course to a member (`course_entitlements.id`).
    EntitlementId, "entitlement_id", check::uuid, fresh
);
id_type!(
    /// A course bought on its own, paid through the payment port (`course_orders.id`).
    CourseOrderId, "course_order_id", check::uuid, fresh
);

// Circles and consent decisions, and the Academy built on them.
id_type!(
    /// A circle (`circles.id`): a named group deciding by consent, with a sealed space.
    CircleId, "circle_id", check::uuid, fresh
);
id_type!(
    /// A driver described in a circle (`drivers.id`).
    DriverId, "driver_id", check::uuid, fresh
);
id_type!(
    /// A proposal answering a driver (`proposals.id`).
    ProposalId, "proposal_id", check::uuid, fresh
);
id_type!(
    /// One version of a proposal's text (`proposal_versions.id`).
    ProposalVersionId, "version_id", check::uuid, fresh
);
id_type!(
    /// A consent round on a proposal or an agreement (`consent_rounds.id`).
    RoundId, "round_id", check::uuid, fresh
);
id_type!(
    /// An objection raised in a consent round (`objections.id`).
    ObjectionId, "objection_id", check::uuid, fresh
);
id_type!(
    /// An agreement a circle consented to (`agreements.id`).
    AgreementId, "agreement_id", check::uuid, fresh
);
id_type!(
    /// An organisation's enrolment in the Academy (`academy_enrolments.id`).
    EnrolmentId, "enrolment_id", check::uuid, fresh
);
id_type!(
    /// An Academy cohort with a limited number of seats (`academy_cohorts.id`).
    CohortId, "cohort_id", check::uuid, fresh
);

id_type!(
    /// A PRO member's proposal of a session (`session_proposals.id`).
    SessionProposalId, "proposal_id", check::uuid, fresh
);
id_type!(
    /// A PRO member's request for support (`support_requests.id`).
    SupportRequestId, "support_request_id", check::uuid, fresh
);
id_type!(
    /// A badge class (`badge_classes.id`).
    BadgeClassId, "badge_class_id", check::uuid, fresh
);
id_type!(
    /// A student's request for a badge (`badge_requests.id`).
    BadgeRequestId, "badge_request_id", check::uuid, fresh
);
id_type!(
    /// A badge awarded to a member (`badge_awards.id`); also the credential's id.
    BadgeAwardId, "badge_award_id", check::uuid, fresh
);

impl EventId {
    /// The id of one occurrence of a series, by its original start.
    pub fn occurrence(series: &SeriesId, original_start: DateTime<Utc>) -> Self {
        Self(EventRef::occurrence_id(series.as_str(), original_start))
    }

    /// Which event the id names. Fails only for an unchecked id that is not an event id.
    pub fn to_ref(&self) -> Result<EventRef> {
        EventRef::parse(&self.0)
    }
}

impl From<SeriesId> for EventId {
    /// A series' id names the series as a whole (RSVPs to a series are kept by it).
    fn from(series: SeriesId) -> Self {
        Self(series.0)
    }
}

impl TryFrom<&EventRef> for EventId {
    type Error = Error;

    fn try_from(event: &EventRef) -> Result<Self> {
        Self::parse(&event.id())
    }
}

id_type!(
    /// An integrator's endpoint that receives signed webhooks (`webhook_endpoints.id`).
    WebhookEndpointId, "webhook_endpoint_id", check::uuid, fresh
);
id_type!(
    /// One event queued for one endpoint (`webhook_deliveries.id`); sent as `webhook-id`.
    WebhookDeliveryId, "webhook_delivery_id", check::uuid, fresh
);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    const UUID: &str = "0190c5a4-7b1e-7c3d-9f00-2a6b1c0d4e5f";

    /// Inputs no id of any kind accepts.
    fn garbage() -> Vec<String> {
        vec![
            String::new(),
            "\0".into(),
            format!("{UUID}\0"),
            format!("\0{UUID}"),
            format!("\u{202E}{UUID}"),
            format!("{}\u{202E}", &UUID[..35]),
            "a".repeat(10 * 1024),
            format!("{UUID} "),
            " ".into(),
            "../etc/passwd".into(),
            "'; DROP TABLE users; --".into(),
            "ünïcødé".into(),
        ]
    }

    #[test]
    fn a_fresh_id_round_trips_through_text_and_serde() {
        let id = PostId::new();
        assert_eq!(PostId::parse(id.as_str()).unwrap(), id);
        assert_eq!(id.to_string().parse::<PostId>().unwrap(), id);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{id}\""));
        assert_eq!(serde_json::from_str::<PostId>(&json).unwrap(), id);
        assert_eq!(String::from(id.clone()), id.clone().into_inner());
        assert_eq!(Uuid::parse_str(id.as_str()).unwrap().get_version_num(), 7);
    }

    #[test]
    fn ids_serialise_as_a_plain_string_inside_a_struct() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct Body {
            user: UserId,
            space: SpaceId,
        }
        let body = Body {
            user: UserId::parse(UUID).unwrap(),
            space: SpaceId::parse("space-lobby").unwrap(),
        };
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"user": UUID, "space": "space-lobby"})
        );
        assert_eq!(serde_json::from_value::<Body>(json).unwrap(), body);
        let bad = serde_json::json!({"user": "1", "space": "space-lobby"});
        let err = serde_json::from_value::<Body>(bad).unwrap_err();
        assert!(err.to_string().contains("user_id"), "{err}");
        assert!(serde_json::from_value::<UserId>(serde_json::json!(1)).is_err());
    }

    #[test]
    fn uuid_ids_accept_any_hyphenated_uuid_and_keep_it_lower_case() {
        let v4 = Uuid::new_v4().to_string();
        assert_eq!(UserId::parse(&v4).unwrap().as_str(), v4);
        let upper = UUID.to_ascii_uppercase();
        assert_eq!(UserId::parse(&upper).unwrap().as_str(), UUID);
        for other_form in [
            UUID.replace('-', ""),
            format!("{{{UUID}}}"),
            format!("urn:uuid:{UUID}"),
        ] {
            assert!(UserId::parse(&other_form).is_err(), "{other_form}");
        }
    }

    #[test]
    fn uuid_ids_reject_garbage_and_numbers() {
        let mut inputs = garbage();
        inputs.push((1u64 << 63).to_string());
        inputs.push("-1".into());
        inputs.push("space-lobby".into());
        for raw in inputs {
            assert!(UserId::parse(&raw).is_err(), "{raw:?}");
            assert!(PaymentId::parse(&raw).is_err(), "{raw:?}");
            assert!(EventId::parse(&raw).is_err(), "{raw:?}");
            assert!(serde_json::from_value::<PostId>(raw.clone().into()).is_err());
        }
        match UserId::parse("x") {
            Err(Error::Validation(errors)) => assert_eq!(errors[0].field, "user_id"),
            other => panic!("{other:?}"),
        }
        match UserId::parse_field("recipient_ids[0]", "x") {
            Err(Error::Validation(errors)) => assert_eq!(errors[0].field, "recipient_ids[0]"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn other_ids_reject_garbage() {
        for raw in garbage() {
            assert!(SpaceId::parse(&raw).is_err(), "{raw:?}");
            assert!(CheckoutId::parse(&raw).is_err(), "{raw:?}");
            assert!(ProviderEventId::parse(&raw).is_err(), "{raw:?}");
            assert!(TopicId::parse(&raw).is_err(), "{raw:?}");
        }
        // A terms version is a name an admin chose: any printable text up to 40 characters.
        for raw in [
            String::new(),
            " ".into(),
            "2026-01\0".into(),
            "\u{202E}2026-01".into(),
            "2026\u{200B}-01".into(),
            " 2026-01".into(),
            "9".repeat(41),
            "a".repeat(10 * 1024),
        ] {
            assert!(TermsVersion::parse(&raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn spaces_are_uuids_or_built_in() {
        for raw in [
            "space-lobby",
            "space-lobby-members",
            "space-practitioner-lounge",
            "space-pro-lounge",
            UUID,
        ] {
            assert_eq!(SpaceId::parse(raw).unwrap().as_str(), raw);
        }
        for raw in ["space-", "space--x", "space-Lobby", "lobby", "space-lobby-"] {
            assert!(SpaceId::parse(raw).is_err(), "{raw}");
        }
        assert_eq!(SpaceId::from(Uuid::nil()).as_str(), Uuid::nil().to_string());
    }

    #[test]
    fn event_ids_are_the_ids_event_ref_reads() {
        let series = SeriesId::parse(UUID).unwrap();
        let start = Utc.with_ymd_and_hms(2026, 12, 8, 17, 0, 0).unwrap();
        let occurrence = EventId::occurrence(&series, start);
        assert_eq!(occurrence.as_str(), format!("{UUID}@20261208T170000Z"));
        assert_eq!(EventId::parse(occurrence.as_str()).unwrap(), occurrence);
        assert_eq!(
            occurrence.to_ref().unwrap(),
            EventRef::Occurrence {
                series_id: UUID.into(),
                original_start: start
            }
        );
        assert_eq!(
            EventId::try_from(&occurrence.to_ref().unwrap()).unwrap(),
            occurrence
        );
        let single = EventId::parse(UUID).unwrap();
        assert_eq!(single.to_ref().unwrap(), EventRef::Single(UUID.into()));
        assert_eq!(EventId::from(series).as_str(), UUID);
        for raw in [
            format!("{UUID}@"),
            format!("{UUID}@20261308T170000Z"),
            format!("{UUID}@2026128T170000Z"),
            format!("{UUID}@+20261208T170000Z"),
            format!("{UUID}@20261208T170000"),
            format!("{UUID}@20261208T170000Z@20261208T170000Z"),
            "x@20261208T170000Z".to_owned(),
            "@20261208T170000Z".to_owned(),
        ] {
            assert!(EventId::parse(&raw).is_err(), "{raw}");
        }
    }

    #[test]
    fn provider_ids_topics_and_terms_versions_accept_what_the_system_makes() {
        for raw in [
            "chk_0190c5a47b1e7c3d9f002a6b1c0d4e5f",
            "chk_demo_0190c5a47b1e7c3d9f002a6b1c0d4e5f",
            "cs_test_a1B2",
            UUID,
        ] {
            assert_eq!(CheckoutId::parse(raw).unwrap().as_str(), raw);
        }
        assert!(ProviderEventId::parse("evt_123").is_ok());
        assert!(TopicId::parse("roles-and-circles").is_ok());
        assert!(TopicId::parse("Roles").is_err());
        assert!(TermsVersion::parse("2026-01").is_ok());
        assert!(TermsVersion::parse("Versión 2 (abril)").is_ok());
    }

    #[test]
    fn trusted_ids_are_taken_as_stored() {
        assert_eq!(UserId::from_trusted("legacy").as_str(), "legacy");
        let mut set = std::collections::HashSet::new();
        set.insert(UserId::from_trusted(UUID));
        assert!(set.contains(UUID));
    }

    proptest! {
        #[test]
        fn uuid_ids_round_trip(bytes in any::<[u8; 16]>()) {
            let uuid = Uuid::from_bytes(bytes);
            let id = CommentId::from(uuid);
            prop_assert_eq!(CommentId::parse(&uuid.to_string()).unwrap(), id.clone());
            prop_assert_eq!(CommentId::parse(&uuid.hyphenated().to_string().to_uppercase()).unwrap(), id);
        }

        #[test]
        fn parsing_never_panics(raw in ".{0,80}") {
            let _ = UserId::parse(&raw);
            let _ = SpaceId::parse(&raw);
            let _ = EventId::parse(&raw);
            let _ = CheckoutId::parse(&raw);
            let _ = TermsVersion::parse(&raw);
            let _ = TopicId::parse(&raw);
        }
    }
}
