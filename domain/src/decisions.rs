//! Consent decisions (S3) as a state machine: what a circle member may do with a driver, a
//! proposal, a consent round, an objection and an agreement, and when a round ends.
//!
//! - A proposal is `draft` until a round opens (`in_round`). A round ends `agreed` when every
//!   member answered with no objection standing, or when its deadline passes with none
//!   standing; it ends `objected` when the deadline passes with one standing. A new version
//!   closes the open round as `amended` and opens the next one on the new text.
//! - Members answer `consent`, `concern` (a note that does not block) or `objection` (a reason
//!   is required). Answering again while the round is open replaces the answer.
//! - An objection stands until its author resolves it, a new version integrates it, or its
//!   author answers again without objecting (withdrawn).
//! - An agreement is `active` until it is superseded by a newer one or retired; a review opens
//!   a new round on it, and the circle is reminded [`REVIEW_REMINDER_DAYS`] before its date.

use crate::learning::text;
use crate::{Error, Result};
use chrono::{DateTime, Duration, Utc};

/// How long before an agreement's review date the circle is reminded.
pub const REVIEW_REMINDER_DAYS: i64 = 7;
/// How long after it is agreed an agreement is reviewed, unless the proposal says otherwise.
pub const DEFAULT_REVIEW_AFTER_DAYS: i32 = 180;
/// The longest a round may stay open, and the longest review interval.
pub const MAX_ROUND_DAYS: i64 = 90;
pub const MAX_REVIEW_AFTER_DAYS: i32 = 3 * 366;
pub const SHORT_TEXT_MAX: usize = 200;
pub const LONG_TEXT_MAX: usize = 10_000;

crate::string_enum! {
    /// What a circle is for: any circle, an organisation's implementation circle, a pod of
    /// students, the superpod of delegates, or the Academy circle.
    pub enum CircleKind {
        Circle => "circle",
        Implementation => "implementation",
        Pod => "pod",
        Superpod => "superpod",
        Academy => "academy",
    }
    field = "kind";
}

crate::string_enum! {
    /// A member answers consent rounds; a mentor reads the circle without answering.
    pub enum MemberRole {
        Member => "member",
        Mentor => "mentor",
    }
    field = "role";
}

crate::string_enum! {
    pub enum ProposalStatus {
        Draft => "draft",
        InRound => "in_round",
        Agreed => "agreed",
        Objected => "objected",
    }
    field = "status";
}

crate::string_enum! {
    pub enum RoundStatus {
        Open => "open",
        Agreed => "agreed",
        Objected => "objected",
        /// A new version replaced the text the round asked about.
        Amended => "amended",
    }
    field = "status";
}

crate::string_enum! {
    pub enum AnswerKind {
        Consent => "consent",
        Concern => "concern",
        Objection => "objection",
    }
    field = "answer";
}

crate::string_enum! {
    pub enum ObjectionStatus {
        Standing => "standing",
        Resolved => "resolved",
        Integrated => "integrated",
        Withdrawn => "withdrawn",
    }
    field = "status";
}

crate::string_enum! {
    pub enum AgreementStatus {
        Active => "active",
        Superseded => "superseded",
        Retired => "retired",
    }
    field = "status";
}

crate::string_enum! {
    /// What a proposal decides beyond its text, acted on when it becomes an agreement.
    pub enum SubjectKind {
        /// The pod's delegate to the superpod: the subject is the member.
        Delegate => "delegate",
        /// A new badge class proposed in the superpod: the subject is the class.
        BadgeClass => "badge_class",
    }
    field = "subject_kind";
}

crate::string_enum! {
    /// What a superpod agreement is about; these the Academy circle must answer.
    pub enum AgreementTopic {
        Programming => "programming",
        Enrolment => "enrolment",
        Scheduling => "scheduling",
    }
    field = "topic";
}

/// The error of a parse that failed on at least one field.
fn failed(errors: crate::error::Errors) -> Error {
    match errors.finish() {
        Err(error) => error,
        Ok(()) => Error::field("", "invalid"),
    }
}

/// A driver: what is happening, what effect it has, what is needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriverDraft {
    pub situation: String,
    pub effect: String,
    pub need: String,
}

impl DriverDraft {
    pub fn parse(situation: &str, effect: &str, need: &str) -> Result<Self> {
        let mut errors = crate::error::Errors::new();
        let situation = errors.take(text("situation", situation, LONG_TEXT_MAX));
        let effect = errors.take(text("effect", effect, LONG_TEXT_MAX));
        let need = errors.take(text("need", need, LONG_TEXT_MAX));
        match (situation, effect, need) {
            (Some(situation), Some(effect), Some(need)) => Ok(Self {
                situation,
                effect,
                need,
            }),
            _ => Err(failed(errors)),
        }
    }
}

/// A proposal's title, first text and review interval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalDraft {
    pub title: String,
    pub body: String,
    pub review_after_days: i32,
}

impl ProposalDraft {
    pub fn parse(title: &str, body: &str, review_after_days: Option<i32>) -> Result<Self> {
        let mut errors = crate::error::Errors::new();
        let title = errors.take(text("title", title, SHORT_TEXT_MAX));
        let body = errors.take(text("body", body, LONG_TEXT_MAX));
        let days = review_after_days.unwrap_or(DEFAULT_REVIEW_AFTER_DAYS);
        let days = errors.take(if (1..=MAX_REVIEW_AFTER_DAYS).contains(&days) {
            Ok(days)
        } else {
            Err(Error::field(
                "review_after_days",
                format!("must be between 1 and {MAX_REVIEW_AFTER_DAYS}"),
            ))
        });
        match (title, body, days) {
            (Some(title), Some(body), Some(review_after_days)) => Ok(Self {
                title,
                body,
                review_after_days,
            }),
            _ => Err(failed(errors)),
        }
    }
}

/// A member's answer in a round; an objection always carries its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Consent,
    Concern(Option<String>),
    Objection(String),
}

impl Answer {
    /// Parses an answer: `reason` (the note of a concern, the reason of an objection) is
    /// required for an objection, 422 naming `reason` otherwise.
    pub fn parse(answer: &str, reason: Option<&str>) -> Result<Self> {
        let kind = AnswerKind::parse(answer)?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if reason.is_some_and(|r| r.chars().count() > LONG_TEXT_MAX) {
            return Err(Error::field(
                "reason",
                format!("must be at most {LONG_TEXT_MAX} characters"),
            ));
        }
        match (kind, reason) {
            (AnswerKind::Consent, _) => Ok(Self::Consent),
            (AnswerKind::Concern, note) => Ok(Self::Concern(note.map(str::to_owned))),
            (AnswerKind::Objection, Some(reason)) => Ok(Self::Objection(reason.to_owned())),
            (AnswerKind::Objection, None) => Err(Error::field(
                "reason",
                "an objection needs a reason: the harm it reveals or the worthwhile improvement",
            )),
        }
    }

    pub fn kind(&self) -> AnswerKind {
        match self {
            Self::Consent => AnswerKind::Consent,
            Self::Concern(_) => AnswerKind::Concern,
            Self::Objection(_) => AnswerKind::Objection,
        }
    }

    /// The concern's note or the objection's reason.
    pub fn note(&self) -> Option<&str> {
        match self {
            Self::Consent => None,
            Self::Concern(note) => note.as_deref(),
            Self::Objection(reason) => Some(reason),
        }
    }
}

/// A round's deadline: in the future, and at most [`MAX_ROUND_DAYS`] away.
pub fn round_deadline(closes_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    if closes_at <= now {
        return Err(Error::field("closes_at", "must be in the future"));
    }
    if closes_at > now + Duration::days(MAX_ROUND_DAYS) {
        return Err(Error::field(
            "closes_at",
            format!("must be at most {MAX_ROUND_DAYS} days away"),
        ));
    }
    Ok(closes_at)
}

/// Whether someone with `role` in the circle may answer a round in `status`: mentors read
/// without answering; a closed round takes no answers.
pub fn may_answer(role: MemberRole, status: RoundStatus) -> Result<()> {
    if role != MemberRole::Member {
        return Err(Error::forbidden(
            "not-a-circle-member",
            "Only the circle's members answer its rounds; mentors read them.",
        ));
    }
    if status != RoundStatus::Open {
        return Err(Error::conflict("round-closed", "The round is closed."));
    }
    Ok(())
}

/// Whether a round may open on a proposal in `status`: not while one is open, and an agreed
/// proposal is reviewed through its agreement instead.
pub fn may_open_round(status: ProposalStatus) -> Result<()> {
    match status {
        ProposalStatus::Draft | ProposalStatus::Objected => Ok(()),
        ProposalStatus::InRound => Err(Error::conflict(
            "round-open",
            "A round is already open on this proposal.",
        )),
        ProposalStatus::Agreed => Err(Error::conflict(
            "proposal-agreed",
            "The proposal is an agreement: open a review on the agreement instead.",
        )),
    }
}

/// Whether a new version may be written: not once the proposal is an agreement, except while
/// a review round is open on it (the version agreed in the review becomes the agreement's).
pub fn may_amend(status: ProposalStatus, review_open: bool) -> Result<()> {
    if status == ProposalStatus::Agreed && !review_open {
        return Err(Error::conflict(
            "proposal-agreed",
            "The proposal is an agreement: open a review, or propose a new one that supersedes it.",
        ));
    }
    Ok(())
}

/// Whether `caller` may resolve an objection raised by `objector` that is in `status`.
pub fn may_resolve(is_objector: bool, status: ObjectionStatus) -> Result<()> {
    if !is_objector {
        return Err(Error::forbidden(
            "not-the-objector",
            "Only the member who raised an objection resolves it.",
        ));
    }
    if status != ObjectionStatus::Standing {
        return Err(Error::conflict(
            "objection-settled",
            format!("The objection is already {status}."),
        ));
    }
    Ok(())
}

/// Whether an agreement in `status` may be reviewed, retired or superseded: only while active.
pub fn may_change_agreement(status: AgreementStatus) -> Result<()> {
    if status != AgreementStatus::Active {
        return Err(Error::conflict(
            "agreement-not-active",
            format!("The agreement is {status}."),
        ));
    }
    Ok(())
}

/// What a round looks like when its outcome is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundFacts {
    pub status: RoundStatus,
    /// The circle's members who answer (mentors excluded).
    pub members: usize,
    /// How many of those members answered.
    pub answered: usize,
    pub standing_objections: usize,
    pub closes_at: DateTime<Utc>,
}

/// How a round ends, if it ends now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    StaysOpen,
    Agreed,
    Objected,
}

/// The round's outcome at `now`: agreed once every member answered, or the deadline passed,
/// with no objection standing; objected when the deadline passes with one standing.
pub fn outcome(round: &RoundFacts, now: DateTime<Utc>) -> Outcome {
    if round.status != RoundStatus::Open {
        return Outcome::StaysOpen;
    }
    let all_in = round.answered >= round.members;
    let past = now >= round.closes_at;
    match (round.standing_objections, all_in, past) {
        (0, true, _) | (0, _, true) => Outcome::Agreed,
        (_, _, true) => Outcome::Objected,
        _ => Outcome::StaysOpen,
    }
}

/// Whether the circle should be reminded now of an agreement reviewed at `review_at`
/// (once per review date).
pub fn review_reminder_due(
    review_at: DateTime<Utc>,
    reminded_for: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    reminded_for != Some(review_at) && now >= review_at - Duration::days(REVIEW_REMINDER_DAYS)
}

crate::string_enum! {
    /// How a line of a version differs from the version before.
    pub enum LineChange {
        Kept => "kept",
        Added => "added",
        Removed => "removed",
    }
    field = "op";
}

/// The lines of `new` compared with `old` (a longest-common-subsequence diff by line), so a
/// circle sees what a version changed. Texts are bounded by [`LONG_TEXT_MAX`] characters.
pub fn compare_versions(old: &str, new: &str) -> Vec<(LineChange, String)> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let mut common = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            common[i][j] = if a[i] == b[j] {
                common[i + 1][j + 1] + 1
            } else {
                common[i + 1][j].max(common[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push((LineChange::Kept, a[i].to_owned()));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || common[i + 1][j] >= common[i][j + 1]) {
            out.push((LineChange::Removed, a[i].to_owned()));
            i += 1;
        } else {
            out.push((LineChange::Added, b[j].to_owned()));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, 12, 0, 0).unwrap()
    }

    fn round(members: usize, answered: usize, standing: usize) -> RoundFacts {
        RoundFacts {
            status: RoundStatus::Open,
            members,
            answered,
            standing_objections: standing,
            closes_at: at(10),
        }
    }

    #[test]
    fn an_objection_without_a_reason_is_refused() {
        for reason in [None, Some(""), Some("   ")] {
            match Answer::parse("objection", reason) {
                Err(Error::Validation(errors)) => assert_eq!(errors[0].field, "reason"),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(
            Answer::parse("objection", Some(" harms newcomers ")).unwrap(),
            Answer::Objection("harms newcomers".to_owned())
        );
    }

    #[test]
    fn a_concern_may_carry_a_note_and_consent_needs_none() {
        assert_eq!(Answer::parse("consent", None).unwrap(), Answer::Consent);
        assert_eq!(
            Answer::parse("concern", Some("watch the load"))
                .unwrap()
                .note(),
            Some("watch the load")
        );
        assert!(Answer::parse("maybe", None).is_err());
    }

    #[test]
    fn a_round_is_agreed_once_every_member_answered_with_no_standing_objection() {
        assert_eq!(outcome(&round(3, 3, 0), at(5)), Outcome::Agreed);
        assert_eq!(outcome(&round(3, 2, 0), at(5)), Outcome::StaysOpen);
    }

    #[test]
    fn a_standing_objection_keeps_the_round_open_until_the_deadline() {
        assert_eq!(outcome(&round(3, 3, 1), at(5)), Outcome::StaysOpen);
        assert_eq!(outcome(&round(3, 3, 1), at(10)), Outcome::Objected);
    }

    #[test]
    fn a_round_past_its_deadline_with_no_standing_objection_is_agreed() {
        assert_eq!(outcome(&round(3, 1, 0), at(10)), Outcome::Agreed);
        assert_eq!(outcome(&round(3, 0, 0), at(11)), Outcome::Agreed);
    }

    #[test]
    fn a_closed_round_has_no_new_outcome() {
        let mut closed = round(3, 3, 0);
        closed.status = RoundStatus::Amended;
        assert_eq!(outcome(&closed, at(11)), Outcome::StaysOpen);
    }

    #[test]
    fn mentors_read_but_do_not_answer_and_closed_rounds_take_no_answers() {
        assert!(may_answer(MemberRole::Member, RoundStatus::Open).is_ok());
        assert!(matches!(
            may_answer(MemberRole::Mentor, RoundStatus::Open),
            Err(Error::Forbidden { .. })
        ));
        assert!(matches!(
            may_answer(MemberRole::Member, RoundStatus::Agreed),
            Err(Error::Conflict {
                kind: "round-closed",
                ..
            })
        ));
    }

    #[test]
    fn only_one_round_is_open_at_a_time_and_agreed_proposals_are_reviewed_instead() {
        assert!(may_open_round(ProposalStatus::Draft).is_ok());
        assert!(may_open_round(ProposalStatus::Objected).is_ok());
        assert!(may_open_round(ProposalStatus::InRound).is_err());
        assert!(may_open_round(ProposalStatus::Agreed).is_err());
        assert!(may_amend(ProposalStatus::InRound, false).is_ok());
        assert!(may_amend(ProposalStatus::Agreed, false).is_err());
        assert!(may_amend(ProposalStatus::Agreed, true).is_ok());
    }

    #[test]
    fn only_the_objector_resolves_a_standing_objection() {
        assert!(may_resolve(true, ObjectionStatus::Standing).is_ok());
        assert!(matches!(
            may_resolve(false, ObjectionStatus::Standing),
            Err(Error::Forbidden { .. })
        ));
        assert!(matches!(
            may_resolve(true, ObjectionStatus::Integrated),
            Err(Error::Conflict { .. })
        ));
    }

    #[test]
    fn only_active_agreements_are_reviewed_retired_or_superseded() {
        assert!(may_change_agreement(AgreementStatus::Active).is_ok());
        assert!(may_change_agreement(AgreementStatus::Retired).is_err());
        assert!(may_change_agreement(AgreementStatus::Superseded).is_err());
    }

    #[test]
    fn a_round_deadline_is_in_the_future_and_within_ninety_days() {
        assert!(round_deadline(at(2), at(1)).is_ok());
        assert!(round_deadline(at(1), at(1)).is_err());
        assert!(round_deadline(at(1) + Duration::days(91), at(1)).is_err());
    }

    #[test]
    fn the_circle_is_reminded_once_a_week_before_the_review_date() {
        let review = at(20);
        assert!(!review_reminder_due(review, None, at(12)));
        assert!(review_reminder_due(review, None, at(13)));
        assert!(!review_reminder_due(review, Some(review), at(14)));
        assert!(review_reminder_due(review, Some(at(1)), at(14)));
    }

    #[test]
    fn a_driver_names_every_missing_part() {
        match DriverDraft::parse("", "slow", "") {
            Err(Error::Validation(errors)) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, ["situation", "need"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_proposal_is_reviewed_after_180_days_unless_it_says_otherwise() {
        let draft = ProposalDraft::parse("Weekly check-in", "We meet on Mondays.", None).unwrap();
        assert_eq!(draft.review_after_days, DEFAULT_REVIEW_AFTER_DAYS);
        assert!(ProposalDraft::parse("T", "B", Some(0)).is_err());
    }

    #[test]
    fn versions_are_compared_line_by_line() {
        let changes = compare_versions(
            "We meet weekly.\nOn Mondays.",
            "We meet weekly.\nOn Tuesdays.",
        );
        assert_eq!(
            changes,
            vec![
                (LineChange::Kept, "We meet weekly.".to_owned()),
                (LineChange::Removed, "On Mondays.".to_owned()),
                (LineChange::Added, "On Tuesdays.".to_owned()),
            ]
        );
    }
}
