//! Every `parse` that takes text from outside must answer `Ok` or `Err` for any Unicode string,
//! never panic: a panic in a handler drops the connection (issue 9, item 11, where a byte slice
//! of a multi-byte VAT id did exactly that).

use chrono::{DateTime, Utc};
use praxis_domain::account::{DisplayName, Email, Locale, Password, TimeZone};
use praxis_domain::billing::{parse_country, parse_vat_id, BillingAddress, BillingAddressInput};
use praxis_domain::discussion::{mentioned_ids, parse_topics, Markdown, PostTitle};
use praxis_domain::event_plans::{NewEvent, NewEventInput};
use praxis_domain::events::{parse_month, parse_weekdays, EventKind};
use praxis_domain::ids::{PostId, SpaceId, TopicId, UserId};
use praxis_domain::messaging::MessageBody;
use praxis_domain::moderation::{parse_reason, parse_resolution_note};
use praxis_domain::refunds::parse_request_message;
use praxis_domain::search::SearchQuery;
use praxis_domain::Currency;
use proptest::prelude::*;

/// Any Unicode, weighted towards what broke byte slicing: combining marks, bidi controls,
/// four-byte code points and ASCII lookalikes around them.
fn unicode() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "\\PC{0,40}",
        "[a-zA-Z0-9 .\\-]{0,3}[\u{0300}-\u{036f}\u{202a}-\u{202e}\u{10000}-\u{10ffff}\u{0}-\u{1f}]{0,45}[a-zA-Z0-9]{0,15}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn billing_parse_never_panics_on_any_unicode(s in unicode()) {
        let _ = parse_vat_id("vat_id", &s);
        let _ = parse_country("country", &s);
        let _ = BillingAddress::parse(&BillingAddressInput {
            name: &s,
            line1: &s,
            line2: Some(&s),
            city: &s,
            postal_code: &s,
            region: Some(&s),
            country: &s,
            vat_id: Some(&s),
        });
    }

    #[test]
    fn account_parse_never_panics_on_any_unicode(s in unicode()) {
        let _ = Email::parse(&s);
        let _ = Password::parse(&s);
        let _ = DisplayName::parse(&s);
        let _ = TimeZone::parse(&s);
        let _ = Locale::parse(&s);
    }

    #[test]
    fn discussion_and_messaging_parse_never_panic_on_any_unicode(s in unicode()) {
        let _ = PostTitle::parse(&s);
        let _ = Markdown::post_body(&s);
        let _ = Markdown::comment_body(&s);
        let _ = parse_topics(std::slice::from_ref(&s));
        let _ = mentioned_ids(&s);
        let _ = mentioned_ids(&format!("@[{s}]@[{s}"));
        let _ = MessageBody::parse(&s);
        let _ = SearchQuery::parse(&s);
        let _ = parse_reason(&s);
        let _ = parse_resolution_note(&s);
        let _ = parse_request_message(&s);
    }

    #[test]
    fn events_parse_never_panics_on_any_unicode(s in unicode()) {
        let _ = parse_month(&s);
        let _ = parse_weekdays(std::slice::from_ref(&s));
        let _ = EventKind::parse(&s);
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let _ = NewEvent::parse(&NewEventInput {
            kind: &s,
            format: Some(&s),
            title: &s,
            description: Some(&s),
            space: &s,
            theme_id: Some(&s),
            starts_at: at,
            ends_at: at,
            join_url: &s,
            capacity: None,
            time_zone: Some(&s),
            recurrence: None,
        });
    }

    #[test]
    fn ids_and_codes_parse_never_panic_on_any_unicode(s in unicode()) {
        let _ = UserId::parse(&s);
        let _ = PostId::parse(&s);
        let _ = SpaceId::parse(&s);
        let _ = TopicId::parse(&s);
        let _ = Currency::parse("currency", &s);
    }
}

#[test]
fn vat_id_with_multi_byte_characters_is_refused_not_a_panic() {
    let accents = format!("e{}", "\u{0301}".repeat(40));
    for raw in [
        "\u{202e}probe",
        "\u{10ffff}",
        accents.as_str(),
        "ÉS12345678",
    ] {
        assert!(parse_vat_id("vat_id", raw).is_err(), "{raw:?}");
    }
}
