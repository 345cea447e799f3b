//! Reports: a member flags a post, comment or message they can read; hosts resolve each with a
//! note. What a host may see of the reported content is decided by the access rules, not by
//! the report: a report never opens a sealed room or a private conversation.

use crate::{Error, Result};

crate::string_enum! {
    /// What a report is about.
    pub enum SubjectType {
        Post => "post",
        Comment => "comment",
        Message => "message",
    }
    field = "subject_type";
}

crate::string_enum! {
    /// Where a report is in its life.
    pub enum ReportStatus {
        Open => "open",
        Resolved => "resolved",
    }
    field = "status";
}

fn text(field: &'static str, raw: &str, max: usize) -> Result<String> {
    let trimmed = raw.trim();
    let chars = trimmed.chars().count();
    if chars == 0 || chars > max {
        return Err(Error::field(
            field,
            format!("must be between 1 and {max} characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// Why the member flags the content (1–2000 characters).
pub fn parse_reason(raw: &str) -> Result<String> {
    text("reason", raw, 2000)
}

/// The host's note on resolving (1–4000 characters): a resolution always says what was done.
pub fn parse_resolution_note(raw: &str) -> Result<String> {
    text("note", raw, 4000)
}

/// Only an open report can be resolved; resolving twice is a conflict, so the audit log holds
/// one decision per report.
pub fn ensure_resolvable(current: ReportStatus) -> Result<()> {
    match current {
        ReportStatus::Open => Ok(()),
        ReportStatus::Resolved => Err(Error::conflict(
            "report-already-resolved",
            "This report is already resolved.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_subject_and_status_parse_only_known_values() {
        assert_eq!(SubjectType::parse("comment"), Ok(SubjectType::Comment));
        assert!(SubjectType::parse("user").is_err());
        assert_eq!(ReportStatus::parse("resolved"), Ok(ReportStatus::Resolved));
        assert!(ReportStatus::parse("closed").is_err());
    }

    #[test]
    fn report_needs_a_reason_and_resolution_a_note() {
        assert!(parse_reason("  ").is_err());
        assert_eq!(parse_reason(" spam "), Ok("spam".to_owned()));
        assert!(parse_resolution_note("").is_err());
        assert!(parse_resolution_note(&"n".repeat(4001)).is_err());
    }

    #[test]
    fn a_resolved_report_cannot_be_resolved_again() {
        assert!(ensure_resolvable(ReportStatus::Open).is_ok());
        assert!(matches!(
            ensure_resolvable(ReportStatus::Resolved),
            Err(Error::Conflict { .. })
        ));
    }
}
