//! Structured feedback on a session: fixed criteria rated 1–5, what worked and what to try
//! next, attributed or anonymous by the giver's choice; and the aggregate its facilitator reads.

use crate::error::Errors;
use crate::{Error, Result};

/// The lowest and highest rating of a criterion.
pub const RATING_MIN: i64 = 1;
pub const RATING_MAX: i64 = 5;
/// The longest comment, in characters.
pub const COMMENT_MAX: usize = 2000;

/// The criteria, in the order responses list them.
pub const CRITERIA: [&str; 3] = ["clarity", "engagement", "usefulness"];

/// Feedback as sent; ratings may be missing so every gap is reported at once.
#[derive(Debug, Clone, Default)]
pub struct FeedbackDraft {
    pub clarity: Option<i64>,
    pub engagement: Option<i64>,
    pub usefulness: Option<i64>,
    pub worked: Option<String>,
    pub try_next: Option<String>,
    pub anonymous: bool,
}

/// Ratings of the fixed criteria, each 1–5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ratings {
    pub clarity: i32,
    pub engagement: i32,
    pub usefulness: i32,
}

/// Complete feedback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    pub ratings: Ratings,
    pub worked: String,
    pub try_next: String,
    pub anonymous: bool,
}

fn rating(errors: &mut Errors, criterion: &str, raw: Option<i64>) -> i32 {
    match raw {
        Some(r) if (RATING_MIN..=RATING_MAX).contains(&r) => i32::try_from(r).unwrap_or(0),
        _ => {
            errors.push(
                format!("ratings.{criterion}"),
                format!("must be a whole number from {RATING_MIN} to {RATING_MAX}"),
            );
            0
        }
    }
}

fn comment(errors: &mut Errors, field: &str, raw: Option<String>) -> String {
    let text = raw.unwrap_or_default().trim().to_owned();
    if text.chars().count() > COMMENT_MAX {
        errors.push(field, format!("must be at most {COMMENT_MAX} characters"));
    }
    text
}

impl Feedback {
    pub fn parse(draft: FeedbackDraft) -> Result<Self> {
        let mut errors = Errors::new();
        let ratings = Ratings {
            clarity: rating(&mut errors, "clarity", draft.clarity),
            engagement: rating(&mut errors, "engagement", draft.engagement),
            usefulness: rating(&mut errors, "usefulness", draft.usefulness),
        };
        let worked = comment(&mut errors, "worked", draft.worked);
        let try_next = comment(&mut errors, "try_next", draft.try_next);
        errors.finish()?;
        Ok(Self {
            ratings,
            worked,
            try_next,
            anonymous: draft.anonymous,
        })
    }
}

/// The mean of each criterion, rounded to two decimals; `None` without any feedback.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Averages {
    pub clarity: f64,
    pub engagement: f64,
    pub usefulness: f64,
}

pub fn averages(all: &[Ratings]) -> Option<Averages> {
    if all.is_empty() {
        return None;
    }
    let n = f64::from(u32::try_from(all.len()).unwrap_or(u32::MAX));
    let mean = |pick: fn(&Ratings) -> i32| {
        let sum: f64 = all.iter().map(|r| f64::from(pick(r))).sum();
        (sum / n * 100.0).round() / 100.0
    };
    Some(Averages {
        clarity: mean(|r| r.clarity),
        engagement: mean(|r| r.engagement),
        usefulness: mean(|r| r.usefulness),
    })
}

/// Feedback is given once the event is over, not before.
pub fn may_give(ended: bool) -> Result<()> {
    if ended {
        Ok(())
    } else {
        Err(Error::conflict(
            "event-not-ended",
            "Feedback opens once the event has ended.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> FeedbackDraft {
        FeedbackDraft {
            clarity: Some(5),
            engagement: Some(4),
            usefulness: Some(3),
            worked: Some("The pairs".into()),
            try_next: Some("More time".into()),
            anonymous: false,
        }
    }

    #[test]
    fn a_rating_outside_one_to_five_is_refused_naming_the_criterion() {
        let err = Feedback::parse(FeedbackDraft {
            clarity: Some(6),
            usefulness: None,
            ..draft()
        });
        let fields: Vec<String> = match err {
            Err(Error::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("{other:?}"),
        };
        assert_eq!(fields, ["ratings.clarity", "ratings.usefulness"]);
    }

    #[test]
    fn averages_are_means_rounded_to_two_decimals() {
        let a = Ratings {
            clarity: 5,
            engagement: 4,
            usefulness: 1,
        };
        let b = Ratings {
            clarity: 4,
            engagement: 4,
            usefulness: 2,
        };
        let c = Ratings {
            clarity: 4,
            engagement: 3,
            usefulness: 2,
        };
        let avg = averages(&[a, b, c]);
        assert_eq!(
            avg,
            Some(Averages {
                clarity: 4.33,
                engagement: 3.67,
                usefulness: 1.67
            })
        );
        assert_eq!(averages(&[]), None);
    }

    #[test]
    fn feedback_opens_only_after_the_event_ended() {
        assert!(may_give(false).is_err());
        assert!(may_give(true).is_ok());
    }
}
