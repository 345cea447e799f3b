//! The self-guided e-course (DOMAIN.md "Learning"): courses of ordered modules of ordered
//! lessons, each course in one language with its translations linked; what opens a course to a
//! member (an entitlement, never a plan); and how far a member has come.

use crate::error::Errors;
use crate::learning::{http_url, optional_text, text};
use crate::plans::BillingPeriod;
use crate::resources::Language;
use crate::{Currency, Error, Money, Result};

crate::string_enum! {
    /// Where an entitlement to a course came from.
    pub enum EntitlementSource {
        /// The member's first paid yearly subscription: the course is included with it.
        Subscription => "subscription",
        /// A host gave it free (audited).
        Grant => "grant",
        /// The member bought the course on its own.
        Purchase => "purchase",
    }
    field = "source";
}

crate::string_enum! {
    /// Where a course bought on its own stands.
    pub enum CourseOrderStatus {
        /// Waiting for the provider to confirm the payment (a failed attempt leaves it here, for
        /// the member to pay again).
        Pending => "pending",
        /// Paid: the course is granted and invoiced.
        Paid => "paid",
        /// The provider could not open its checkout; nothing was charged.
        Abandoned => "abandoned",
    }
    field = "status";
}

pub const TITLE_MAX_CHARS: usize = 200;
pub const SUMMARY_MAX_CHARS: usize = 4000;
pub const LESSON_BODY_MAX_CHARS: usize = 100_000;
pub const EXERCISE_MAX_CHARS: usize = 10_000;
/// Twelve hours: longer than any lesson video.
pub const MAX_LESSON_SECONDS: i64 = 12 * 3600;

/// A new course, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseDraft {
    pub title: String,
    pub summary: String,
    pub language: Language,
    pub included_with_yearly: bool,
}

pub fn parse_course(
    title: &str,
    summary: &str,
    language: &str,
    included_with_yearly: bool,
) -> Result<CourseDraft> {
    let mut errors = Errors::new();
    let title = errors.take(text("title", title, TITLE_MAX_CHARS));
    let summary = errors.take(optional_text("summary", summary, SUMMARY_MAX_CHARS));
    let language = errors.take(Language::parse(language));
    errors.finish()?;
    match (title, summary, language) {
        (Some(title), Some(summary), Some(language)) => Ok(CourseDraft {
            title,
            summary,
            language,
            included_with_yearly,
        }),
        _ => Err(Error::field("body", "invalid course")),
    }
}

/// What a host changes of a course; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CourseChanges {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub published: Option<bool>,
    pub included_with_yearly: Option<bool>,
    /// `Some(None)` clears the course's own price.
    pub price: Option<Option<Money>>,
}

pub fn parse_course_changes(
    title: Option<&str>,
    summary: Option<&str>,
    published: Option<bool>,
    included_with_yearly: Option<bool>,
) -> Result<CourseChanges> {
    let mut errors = Errors::new();
    let title = title.and_then(|t| errors.take(text("title", t, TITLE_MAX_CHARS)));
    let summary = summary.and_then(|s| errors.take(optional_text("summary", s, SUMMARY_MAX_CHARS)));
    errors.finish()?;
    Ok(CourseChanges {
        title,
        summary,
        published,
        included_with_yearly,
        price: None,
    })
}

/// A 1-based place among siblings, as a host sends it to reorder.
pub fn parse_position(raw: i64) -> Result<usize> {
    usize::try_from(raw)
        .ok()
        .filter(|p| (1..=10_000).contains(p))
        .ok_or_else(|| Error::field("position", "must be between 1 and 10000"))
}

/// The siblings' order once `item` moves to 1-based `position` (clamped to the end); the
/// others keep their relative order.
pub fn moved<T: PartialEq + Clone>(order: &[T], item: &T, position: usize) -> Vec<T> {
    let mut rest: Vec<T> = order.iter().filter(|x| *x != item).cloned().collect();
    let at = position.saturating_sub(1).min(rest.len());
    rest.insert(at, item.clone());
    rest
}

/// A lesson as a host sends it, before validation. Video URL and duration come together.
#[derive(Debug, Clone, Default)]
pub struct LessonInput<'a> {
    pub title: Option<&'a str>,
    /// `Some("")` removes the video (on a change).
    pub video_url: Option<&'a str>,
    pub duration_seconds: Option<i64>,
    pub body: Option<&'a str>,
    /// `Some("")` removes the exercise (on a change).
    pub exercise_prompt: Option<&'a str>,
}

/// A lesson's fields, parsed; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LessonFields {
    pub title: Option<String>,
    pub video: Option<Option<(String, i32)>>,
    pub body: Option<String>,
    pub exercise_prompt: Option<Option<String>>,
}

fn lesson_fields(input: &LessonInput<'_>) -> Result<LessonFields> {
    let mut errors = Errors::new();
    let title = input
        .title
        .and_then(|t| errors.take(text("title", t, TITLE_MAX_CHARS)));
    let body = input
        .body
        .and_then(|b| errors.take(optional_text("body", b, LESSON_BODY_MAX_CHARS)));
    let url = input.video_url.map(str::trim);
    let video = match (url, input.duration_seconds) {
        (None, None) => None,
        (Some(""), _) => Some(None),
        (Some(url), Some(seconds)) => {
            let url = errors.take(http_url("video_url", url));
            let seconds = if (1..=MAX_LESSON_SECONDS).contains(&seconds) {
                i32::try_from(seconds).ok()
            } else {
                errors.push(
                    "duration_seconds",
                    format!("must be between 1 and {MAX_LESSON_SECONDS}"),
                );
                None
            };
            url.zip(seconds).map(Some)
        }
        (Some(_), None) => {
            errors.push("duration_seconds", "is required with a video_url");
            None
        }
        (None, Some(_)) => {
            errors.push("video_url", "is required with a duration_seconds");
            None
        }
    };
    let exercise_prompt = input.exercise_prompt.map(str::trim).and_then(|p| {
        if p.is_empty() {
            Some(None)
        } else {
            errors
                .take(text("exercise_prompt", p, EXERCISE_MAX_CHARS))
                .map(Some)
        }
    });
    errors.finish()?;
    Ok(LessonFields {
        title,
        video,
        body,
        exercise_prompt,
    })
}

/// A new lesson: a title, and a video (URL with its duration), a text or both.
pub fn parse_lesson(input: &LessonInput<'_>) -> Result<LessonFields> {
    if input.title.is_none() {
        return Err(Error::field(
            "title",
            format!("must be between 1 and {TITLE_MAX_CHARS} characters"),
        ));
    }
    let fields = lesson_fields(input)?;
    let has_video = matches!(fields.video, Some(Some(_)));
    let has_text = fields.body.as_deref().is_some_and(|b| !b.is_empty());
    if !has_video && !has_text {
        return Err(Error::field(
            "body",
            "a lesson has a video (video_url and duration_seconds), a text, or both",
        ));
    }
    Ok(fields)
}

/// Changes to a lesson; `Some("")` clears its video or its exercise.
pub fn parse_lesson_changes(input: &LessonInput<'_>) -> Result<LessonFields> {
    lesson_fields(input)
}

/// An exercise answer: the member's own text.
pub fn parse_answer(raw: &str) -> Result<String> {
    text("answer", raw, EXERCISE_MAX_CHARS)
}

/// The video position a member reached: within the lesson's video (a lesson without one has
/// only position 0).
pub fn parse_position_seconds(raw: i64, duration_seconds: Option<i32>) -> Result<i32> {
    let max = i64::from(duration_seconds.unwrap_or(0));
    if (0..=max).contains(&raw) {
        i32::try_from(raw).map_err(|_| Error::field("position_seconds", "is out of range"))
    } else {
        Err(Error::field(
            "position_seconds",
            format!("must be between 0 and the video's duration ({max} s)"),
        ))
    }
}

/// Whether activating a subscription grants the e-course: only yearly ones do (Practitioner
/// or PRO alike); a monthly plan never does.
pub fn activation_grants_course(period: BillingPeriod) -> bool {
    period == BillingPeriod::Yearly
}

/// Whether a payment still grants the e-course it opened: cancelling or a partial refund
/// (which deducts the e-course's price) keeps it; only a refund of the whole payment takes it
/// back. A payment of nothing (an upgrade paid by credit) is never "refunded whole".
pub fn payment_keeps_course(amount_cents: i64, refunded_cents: i64) -> bool {
    amount_cents <= 0 || refunded_cents < amount_cents
}

/// A course's own price as a host sets it: above zero, in a known currency.
pub fn parse_price(amount: i64, currency: &str) -> Result<Money> {
    let mut errors = Errors::new();
    let currency = errors.take(Currency::parse("price.currency", currency));
    if amount <= 0 {
        errors.push("price.amount", "a course's price must be above zero");
    }
    errors.finish()?;
    let currency = currency.ok_or_else(|| Error::field("price.currency", "is invalid"))?;
    Money::non_negative("price.amount", amount, currency)
}

/// What a course costs bought on its own, one price per currency. Its own price when a host
/// set one; otherwise a course included with yearly subscriptions costs what a yearly refund
/// deducts for it (DOMAIN.md "Refunds": the plans' e-course deduction, the one figure both
/// rules read), the lowest per currency when plans differ; any other course has no price and
/// is not sold alone.
pub fn course_prices(
    own: Option<Money>,
    included_with_yearly: bool,
    deductions: &[Money],
) -> Vec<Money> {
    if let Some(own) = own {
        return vec![own];
    }
    if !included_with_yearly {
        return Vec::new();
    }
    let mut prices: Vec<Money> = Vec::new();
    for d in deductions.iter().filter(|d| d.cents > 0) {
        match prices.iter_mut().find(|p| p.currency == d.currency) {
            Some(p) => p.cents = p.cents.min(d.cents),
            None => prices.push(*d),
        }
    }
    prices.sort_by(|a, b| a.currency.as_str().cmp(b.currency.as_str()));
    prices
}

/// The price a member pays for a course bought alone: the one in `currency` when asked, the
/// only one otherwise. 409 `course-not-for-sale` when the course has no price; 422 `currency`
/// when the asked currency is not offered or a choice is needed.
pub fn choose_price(prices: &[Money], currency: Option<&str>) -> Result<Money> {
    let offered = || {
        prices
            .iter()
            .map(|p| p.currency.as_str().to_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (prices, currency) {
        ([], _) => Err(Error::conflict(
            "course-not-for-sale",
            "This course has no price of its own, so it cannot be bought alone: it comes with a \
             yearly subscription or a host's grant.",
        )),
        ([only], None) => Ok(*only),
        (_, None) => Err(Error::field(
            "currency",
            format!("is required: the course is priced in {}", offered()),
        )),
        (_, Some(code)) => prices
            .iter()
            .find(|p| p.currency.as_str() == code)
            .copied()
            .ok_or_else(|| {
                Error::field("currency", format!("the course is priced in {}", offered()))
            }),
    }
}

/// Percent of `done` out of `total`, rounded down; an empty course is at 0.
pub fn percent(done: usize, total: usize) -> u8 {
    if total == 0 {
        return 0;
    }
    u8::try_from((done.min(total) * 100) / total).unwrap_or(100)
}

/// Where a member resumes: among lessons in course order (whether complete, and when last
/// touched), the incomplete one touched last; else the first incomplete one; `None` when every
/// lesson is complete.
pub fn resume_index<T: Ord + Copy>(lessons: &[(bool, Option<T>)]) -> Option<usize> {
    let touched = lessons
        .iter()
        .enumerate()
        .filter(|(_, (complete, at))| !complete && at.is_some())
        .max_by_key(|(i, (_, at))| (*at, std::cmp::Reverse(*i)))
        .map(|(i, _)| i);
    touched.or_else(|| lessons.iter().position(|(complete, _)| !complete))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_yearly_subscription_grants_the_e_course() {
        assert!(activation_grants_course(BillingPeriod::Yearly));
        assert!(!activation_grants_course(BillingPeriod::Monthly));
    }

    #[test]
    fn a_partial_refund_keeps_the_e_course_and_a_whole_refund_takes_it_back() {
        assert!(payment_keeps_course(25000, 0));
        assert!(payment_keeps_course(25000, 25000 - 9900));
        assert!(!payment_keeps_course(25000, 25000));
        assert!(payment_keeps_course(0, 0));
    }

    #[test]
    fn a_course_without_its_own_price_costs_the_e_course_deduction_when_included_with_yearly() {
        let deductions = [Money::eur(9900), Money::eur(12000), Money::eur(0)];
        assert_eq!(
            course_prices(None, true, &deductions),
            vec![Money::eur(9900)]
        );
        assert_eq!(
            course_prices(Some(Money::eur(4900)), true, &deductions),
            vec![Money::eur(4900)]
        );
        assert!(course_prices(None, false, &deductions).is_empty());
    }

    #[test]
    fn a_course_with_no_price_is_not_for_sale_and_a_currency_is_chosen_among_its_prices() {
        assert!(matches!(
            choose_price(&[], None),
            Err(Error::Conflict {
                kind: "course-not-for-sale",
                ..
            })
        ));
        assert_eq!(
            choose_price(&[Money::eur(9900)], None).ok(),
            Some(Money::eur(9900))
        );
        assert!(choose_price(&[Money::eur(9900)], Some("USD")).is_err());
        assert!(parse_price(0, "EUR").is_err());
        assert!(parse_price(100, "eur").is_err());
        assert_eq!(parse_price(4900, "EUR").ok(), Some(Money::eur(4900)));
    }

    #[test]
    fn moving_an_item_keeps_the_others_in_order_and_clamps_to_the_end() {
        let order = ["a", "b", "c", "d"];
        assert_eq!(moved(&order, &"d", 1), vec!["d", "a", "b", "c"]);
        assert_eq!(moved(&order, &"a", 3), vec!["b", "c", "a", "d"]);
        assert_eq!(moved(&order, &"b", 99), vec!["a", "c", "d", "b"]);
        assert!(parse_position(0).is_err());
    }

    #[test]
    fn a_lesson_has_a_video_with_its_duration_or_a_text() {
        let no_duration = LessonInput {
            title: Some("Drivers"),
            video_url: Some("https://video.example/1"),
            ..LessonInput::default()
        };
        assert!(parse_lesson(&no_duration).is_err());
        let empty = LessonInput {
            title: Some("Drivers"),
            body: Some("  "),
            ..LessonInput::default()
        };
        assert!(parse_lesson(&empty).is_err());
        let video = LessonInput {
            duration_seconds: Some(600),
            ..no_duration
        };
        let parsed = parse_lesson(&video).unwrap_or_default();
        assert_eq!(
            parsed.video,
            Some(Some(("https://video.example/1".to_owned(), 600)))
        );
    }

    #[test]
    fn a_video_position_stays_within_the_video() {
        assert_eq!(parse_position_seconds(30, Some(60)).ok(), Some(30));
        assert!(parse_position_seconds(61, Some(60)).is_err());
        assert!(parse_position_seconds(-1, Some(60)).is_err());
        assert!(parse_position_seconds(1, None).is_err());
    }

    #[test]
    fn a_member_resumes_at_the_incomplete_lesson_touched_last_else_the_first_incomplete() {
        assert_eq!(
            resume_index(&[(true, Some(1)), (false, Some(3)), (false, Some(2))]),
            Some(1)
        );
        assert_eq!(
            resume_index::<i32>(&[(true, None), (false, None), (false, None)]),
            Some(1)
        );
        assert_eq!(resume_index(&[(true, Some(1)), (true, Some(2))]), None);
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(0, 0), 0);
    }
}
