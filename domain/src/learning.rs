//! Learning rules: Q&A questions before an event, recordings with chapters, assignments with
//! submissions and feedback, and the resource library (DOMAIN.md "Events and recordings",
//! "Learning"). Who may read a space is `access`'s business; these rules take its answer.

use crate::error::Errors;
use crate::{Error, Result};
use chrono::{DateTime, Utc};

/// Trimmed text of 1..=`max` characters.
pub fn text(field: &str, raw: &str, max: usize) -> Result<String> {
    let value = raw.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(Error::field(
            field,
            format!("must be between 1 and {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

/// Trimmed text of at most `max` characters; may be empty.
pub fn optional_text(field: &str, raw: &str, max: usize) -> Result<String> {
    let value = raw.trim();
    if value.chars().count() > max {
        return Err(Error::field(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

pub(crate) fn http_url(field: &str, raw: &str) -> Result<String> {
    let value = raw.trim();
    let ok = (value.starts_with("https://") || value.starts_with("http://"))
        && value.len() > "https://".len()
        && value.len() <= 2000
        && !value.chars().any(char::is_whitespace);
    if ok {
        Ok(value.to_owned())
    } else {
        Err(Error::field(field, "must be an http(s) URL"))
    }
}

// ---------------------------------------------------------------------------------------------
// Q&A questions

pub const QUESTION_MAX_CHARS: usize = 1000;

/// Questions are asked, and edited, in advance: until the event starts.
pub fn questions_open(starts_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
    if now < starts_at {
        Ok(())
    } else {
        Err(Error::conflict(
            "questions-closed",
            "The event has started: questions are no longer taken or edited.",
        ))
    }
}

/// Only the asker edits a question, and only until the event starts.
pub fn may_edit_question(
    is_author: bool,
    starts_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    if !is_author {
        return Err(Error::forbidden(
            "not-question-author",
            "Only the member who asked a question may edit it.",
        ));
    }
    questions_open(starts_at, now)
}

/// One vote per member, never on one's own question, until the event ends (members keep
/// up-voting during a Q&A session).
pub fn may_vote(is_author: bool, ends_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
    if is_author {
        return Err(Error::forbidden(
            "own-question",
            "You cannot up-vote your own question.",
        ));
    }
    if now >= ends_at {
        return Err(Error::conflict(
            "voting-closed",
            "The event has ended: votes no longer change.",
        ));
    }
    Ok(())
}

/// A host's answer: optionally the second of the recording where it was answered.
pub fn parse_answer(
    recording_seconds: Option<i64>,
    recording_duration: Option<i32>,
    note: Option<&str>,
) -> Result<(Option<i32>, Option<String>)> {
    let mut errors = Errors::new();
    let seconds = match recording_seconds {
        None => None,
        Some(s) if s < 0 => {
            errors.push("recording_seconds", "must not be negative");
            None
        }
        Some(s) => match (i32::try_from(s), recording_duration) {
            (Ok(s), Some(duration)) if s >= duration => {
                errors.push(
                    "recording_seconds",
                    format!("must be inside the recording (0 to {} s)", duration - 1),
                );
                None
            }
            (Ok(s), _) => Some(s),
            (Err(_), _) => {
                errors.push("recording_seconds", "is too large");
                None
            }
        },
    };
    let note = note
        .map(|n| errors.take(optional_text("note", n, 2000)))
        .unwrap_or_default()
        .filter(|n| !n.is_empty());
    errors.finish()?;
    Ok((seconds, note))
}

// ---------------------------------------------------------------------------------------------
// Recordings

pub const MAX_RECORDING_SECONDS: i64 = 24 * 60 * 60;
pub const MAX_CHAPTERS: usize = 300;

/// A chapter as sent, before validation.
#[derive(Debug, Clone)]
pub struct ChapterInput {
    pub start_seconds: i64,
    pub title: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chapter {
    pub start_seconds: i32,
    pub title: String,
    pub description: String,
}

/// A recording whose chapters are ordered by start, each starting inside the recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recording {
    pub video_url: String,
    pub duration_seconds: i32,
    pub chapters: Vec<Chapter>,
}

/// Parses a recording; every invalid field is reported at once, named like
/// `chapters[2].start_seconds`.
pub fn parse_recording(
    video_url: &str,
    duration_seconds: i64,
    chapters: &[ChapterInput],
) -> Result<Recording> {
    let mut errors = Errors::new();
    let video_url = errors.take(http_url("video_url", video_url));
    let duration = if (1..=MAX_RECORDING_SECONDS).contains(&duration_seconds) {
        i32::try_from(duration_seconds).ok()
    } else {
        errors.push(
            "duration_seconds",
            format!("must be between 1 and {MAX_RECORDING_SECONDS}"),
        );
        None
    };
    if chapters.len() > MAX_CHAPTERS {
        errors.push("chapters", format!("at most {MAX_CHAPTERS} chapters"));
    }
    let mut parsed = Vec::with_capacity(chapters.len());
    let mut previous: Option<i64> = None;
    for (i, chapter) in chapters.iter().enumerate() {
        let field = |name: &str| format!("chapters[{i}].{name}");
        let start = chapter.start_seconds;
        if start < 0 {
            errors.push(field("start_seconds"), "must not be negative");
        } else if duration.is_some_and(|d| start >= i64::from(d)) {
            errors.push(
                field("start_seconds"),
                format!("must be inside the recording's duration (before {duration_seconds} s)"),
            );
        } else if let Some(prev) = previous.filter(|p| start <= *p) {
            errors.push(
                field("start_seconds"),
                format!(
                    "chapters must be in order of start, each after the previous one \
                     (chapters[{}] starts at {prev} s)",
                    i - 1
                ),
            );
        }
        previous = Some(start);
        let title = errors.take(text(&field("title"), &chapter.title, 200));
        let description = errors.take(optional_text(
            &field("description"),
            &chapter.description,
            4000,
        ));
        if let (Some(title), Some(description), Ok(start_seconds)) =
            (title, description, i32::try_from(start))
        {
            parsed.push(Chapter {
                start_seconds,
                title,
                description,
            });
        }
    }
    errors.finish()?;
    match (video_url, duration) {
        (Some(video_url), Some(duration_seconds)) => Ok(Recording {
            video_url,
            duration_seconds,
            chapters: parsed,
        }),
        _ => Err(Error::field("body", "invalid recording")),
    }
}

// ---------------------------------------------------------------------------------------------
// Assignments and submissions

crate::string_enum! {
    /// Who reads a submission: `private` is the author and the hosts, `shared` is the whole space.
    pub enum SubmissionVisibility {
        Private => "private",
        Shared => "shared",
    }
    field = "visibility";
}

/// What a submission's rules need to know about the person asking.
#[derive(Debug, Clone, Copy, Default)]
pub struct SubmissionViewer {
    pub is_author: bool,
    /// A host or admin who may read the assignment's space.
    pub is_host: bool,
    /// May read the assignment's space now.
    pub reads_space: bool,
    /// May take part (write) in the assignment's space now.
    pub writes_space: bool,
}

/// Private submissions are read by their author and the hosts; shared ones by the space.
/// Nobody reads anything in a space they may no longer enter, not even their own.
pub fn can_view_submission(viewer: SubmissionViewer, visibility: SubmissionVisibility) -> bool {
    viewer.reads_space
        && (viewer.is_author || viewer.is_host || visibility == SubmissionVisibility::Shared)
}

/// Hosts give feedback on every submission they read; peers only on shared ones; the author
/// may answer in the thread of their own.
pub fn can_give_feedback(viewer: SubmissionViewer, visibility: SubmissionVisibility) -> bool {
    can_view_submission(viewer, visibility)
        && (viewer.is_host
            || (viewer.writes_space
                && (viewer.is_author || visibility == SubmissionVisibility::Shared)))
}

/// Submissions are made, and edited, until the assignment is due.
pub fn submissions_open(due_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
    if now <= due_at {
        Ok(())
    } else {
        Err(Error::conflict(
            "assignment-closed",
            "The assignment is past its due date: submissions are closed.",
        ))
    }
}

/// An assignment is due in the future when it is set.
pub fn due_in_future(due_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
    if due_at > now {
        Ok(())
    } else {
        Err(Error::field("due_at", "must be in the future"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn chapter(start: i64, title: &str) -> ChapterInput {
        ChapterInput {
            start_seconds: start,
            title: title.to_owned(),
            description: "Topics".to_owned(),
        }
    }

    fn fields(result: Result<Recording>) -> Vec<String> {
        match result {
            Err(Error::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected validation errors, got {other:?}"),
        }
    }

    #[test]
    fn chapters_ordered_inside_the_duration_are_accepted() {
        let recording = parse_recording(
            "https://video.example/1",
            3600,
            &[chapter(0, "Welcome"), chapter(600, "Consent")],
        );
        assert_eq!(recording.map(|r| r.chapters.len()).ok(), Some(2));
    }

    #[test]
    fn chapter_outside_the_duration_is_refused_naming_the_chapter() {
        let got = fields(parse_recording(
            "https://video.example/1",
            3600,
            &[chapter(0, "a"), chapter(10, "b"), chapter(3600, "c")],
        ));
        assert_eq!(got, vec!["chapters[2].start_seconds"]);
    }

    #[test]
    fn chapters_must_be_ordered_with_unique_starts() {
        let got = fields(parse_recording(
            "https://video.example/1",
            3600,
            &[
                chapter(0, "a"),
                chapter(100, "b"),
                chapter(100, "c"),
                chapter(50, "d"),
            ],
        ));
        assert_eq!(
            got,
            vec!["chapters[2].start_seconds", "chapters[3].start_seconds"]
        );
    }

    #[test]
    fn chapter_needs_a_title_and_recording_a_url_and_duration() {
        let got = fields(parse_recording("ftp://x", 0, &[chapter(-1, " ")]));
        assert_eq!(
            got,
            vec![
                "video_url",
                "duration_seconds",
                "chapters[0].start_seconds",
                "chapters[0].title"
            ]
        );
    }

    #[test]
    fn questions_close_when_the_event_starts() {
        let start = Utc::now();
        assert!(questions_open(start, start - Duration::seconds(1)).is_ok());
        assert!(questions_open(start, start).is_err());
        assert!(may_edit_question(true, start, start - Duration::minutes(1)).is_ok());
        assert!(may_edit_question(false, start, start - Duration::minutes(1)).is_err());
    }

    #[test]
    fn members_cannot_vote_for_their_own_question() {
        let end = Utc::now() + Duration::hours(1);
        assert!(matches!(
            may_vote(true, end, Utc::now()),
            Err(Error::Forbidden {
                kind: "own-question",
                ..
            })
        ));
        assert!(may_vote(false, end, Utc::now()).is_ok());
        assert!(may_vote(false, end, end).is_err());
    }

    #[test]
    fn answer_time_must_be_inside_the_recording() {
        assert!(parse_answer(Some(10), Some(100), None).is_ok());
        assert!(parse_answer(Some(100), Some(100), None).is_err());
        assert!(parse_answer(Some(-1), None, None).is_err());
        assert_eq!(
            parse_answer(None, None, Some("  ")).ok(),
            Some((None, None))
        );
    }

    #[test]
    fn private_submissions_are_read_by_author_and_hosts_only() {
        let peer = SubmissionViewer {
            reads_space: true,
            writes_space: true,
            ..Default::default()
        };
        let author = SubmissionViewer {
            is_author: true,
            ..peer
        };
        let host = SubmissionViewer {
            is_host: true,
            ..peer
        };
        use SubmissionVisibility::{Private, Shared};
        assert!(!can_view_submission(peer, Private));
        assert!(can_view_submission(peer, Shared));
        assert!(can_view_submission(author, Private));
        assert!(can_view_submission(host, Private));
        let outside = SubmissionViewer::default();
        assert!(!can_view_submission(outside, Shared));
    }

    #[test]
    fn peers_give_feedback_only_on_shared_submissions() {
        use SubmissionVisibility::{Private, Shared};
        let peer = SubmissionViewer {
            reads_space: true,
            writes_space: true,
            ..Default::default()
        };
        let host = SubmissionViewer {
            is_host: true,
            ..peer
        };
        assert!(can_give_feedback(peer, Shared));
        assert!(!can_give_feedback(peer, Private));
        assert!(can_give_feedback(host, Private));
        let reader_only = SubmissionViewer {
            writes_space: false,
            ..peer
        };
        assert!(!can_give_feedback(reader_only, Shared));
    }

    #[test]
    fn submissions_close_after_the_due_date() {
        let due = Utc::now();
        assert!(submissions_open(due, due).is_ok());
        assert!(submissions_open(due, due + Duration::seconds(1)).is_err());
        assert!(due_in_future(due, due).is_err());
    }
}
