//! Posts, comments, reactions and the notifications they cause: the values a member writes,
//! parsed into types that can only hold valid data, and who is told about what.

use crate::error::Errors;
use crate::{Error, Result};

crate::string_enum! {
    /// What a post is for.
    pub enum PostKind {
        Article => "article",
        Question => "question",
        Discussion => "discussion",
    }
    field = "kind";
}

pub const TITLE_MAX_CHARS: usize = 200;
pub const BODY_MAX_CHARS: usize = 50_000;
pub const COMMENT_MAX_CHARS: usize = 10_000;
pub const TOPICS_MAX: usize = 5;

/// A post title: 1–200 characters once trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostTitle(String);

impl PostTitle {
    pub fn parse(raw: &str) -> Result<Self> {
        let trimmed = raw.trim();
        let n = trimmed.chars().count();
        if n == 0 || n > TITLE_MAX_CHARS {
            return Err(Error::field(
                "title",
                format!("must be between 1 and {TITLE_MAX_CHARS} characters"),
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// Markdown as written (never rewritten or rendered here), bounded in length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Markdown(String);

impl Markdown {
    /// `field` names the input in the error; `max` is the limit in characters.
    pub fn parse(raw: &str, field: &str, max: usize) -> Result<Self> {
        let n = raw.chars().count();
        if raw.trim().is_empty() || n > max {
            return Err(Error::field(
                field,
                format!("must be between 1 and {max} characters"),
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn post_body(raw: &str) -> Result<Self> {
        Self::parse(raw, "body", BODY_MAX_CHARS)
    }

    pub fn comment_body(raw: &str) -> Result<Self> {
        Self::parse(raw, "body", COMMENT_MAX_CHARS)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// Topic slugs attached to a post: at most five, without repeats (order kept).
pub fn parse_topics(raw: &[String]) -> Result<Vec<String>> {
    let mut errors = Errors::new();
    let mut topics: Vec<String> = Vec::new();
    for (i, slug) in raw.iter().enumerate() {
        let slug = slug.trim();
        if slug.is_empty() {
            errors.push(format!("topics[{i}]"), "must not be empty");
        } else if !topics.iter().any(|t| t == slug) {
            topics.push(slug.to_owned());
        }
    }
    if topics.len() > TOPICS_MAX {
        errors.push("topics", format!("at most {TOPICS_MAX} topics"));
    }
    errors.finish()?;
    Ok(topics)
}

crate::string_enum! {
    /// Whether a post or comment is shown. Deleted content is gone from every read; hidden content
    /// is shown only to those who moderate its space.
    pub enum ContentStatus {
        Published => "published",
        Hidden => "hidden",
        Deleted => "deleted",
    }
    field = "status", message = "unknown content status";
}

impl ContentStatus {
    /// Whether someone sees content in this state: `moderator` is whether they moderate the
    /// space (and may therefore read it).
    pub fn visible_to(&self, moderator: bool) -> bool {
        match self {
            Self::Published => true,
            Self::Hidden => moderator,
            Self::Deleted => false,
        }
    }
}

/// A moderation action by a host on a post or comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moderation {
    Hide,
    Restore,
}

/// The status after a moderation action, or why it does not apply. Deleted content stays
/// deleted: its author removed it, and nobody brings it back.
pub fn moderate(current: ContentStatus, action: Moderation) -> Result<ContentStatus> {
    match (current, action) {
        (ContentStatus::Deleted, _) => Err(Error::NotFound("content")),
        (_, Moderation::Hide) => Ok(ContentStatus::Hidden),
        (_, Moderation::Restore) => Ok(ContentStatus::Published),
    }
}

/// The reactions a member may leave: a small fixed set.
pub const REACTION_KINDS: [&str; 3] = ["like", "insightful", "thanks"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReactionKind(&'static str);

impl ReactionKind {
    pub fn parse(raw: &str) -> Result<Self> {
        REACTION_KINDS
            .iter()
            .find(|k| **k == raw)
            .map(|k| Self(k))
            .ok_or_else(|| Error::field("kind", "must be one of: like, insightful, thanks"))
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

crate::string_enum! {
    /// Why a member is notified.
    pub enum NotificationKind {
        /// Someone replied to your post or comment.
        Reply => "reply",
        /// Someone mentioned you with `@[your-member-id]`.
        Mention => "mention",
        /// A new post in a space or topic you follow.
        NewPost => "new_post",
    }
    field = "kind";
}

crate::string_enum! {
    /// How much a member hears from one space.
    #[derive(Default)]
    pub enum NotificationLevel {
        /// Replies, mentions and new posts in what they follow.
        #[default]
        All => "all",
        /// Only what is addressed to them: mentions and replies.
        Mentions => "mentions",
        /// Nothing from this space.
        Muted => "muted",
    }
    field = "level";
}

impl NotificationLevel {
    pub fn allows(&self, kind: NotificationKind) -> bool {
        match self {
            Self::All => true,
            Self::Mentions => matches!(kind, NotificationKind::Mention | NotificationKind::Reply),
            Self::Muted => false,
        }
    }
}

/// The member ids mentioned in Markdown with the syntax `@[member-id]`, each once, in order.
/// Display names are not unique, so a mention names the member by id; clients show the name.
pub fn mentioned_ids(body: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find("@[") {
        let after = &rest[start + 2..];
        let Some(end) = after.find(']') else { break };
        let id = &after[..end];
        if !id.is_empty()
            && id.len() <= 64
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !ids.iter().any(|known| known == id)
        {
            ids.push(id.to_owned());
        }
        rest = &after[end..];
    }
    ids
}

/// A notification to be created: who, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub user_id: String,
    pub kind: NotificationKind,
}

/// Who is told about new content, each member once with the most direct reason (a reply beats a
/// mention beats a followed space or topic), never its author, and only as their level allows.
pub fn recipients(
    author_id: &str,
    replied_to: Option<&str>,
    mentioned: &[String],
    followers: &[String],
    level_of: impl Fn(&str) -> NotificationLevel,
) -> Vec<Recipient> {
    let candidates = replied_to
        .into_iter()
        .map(|id| (id, NotificationKind::Reply))
        .chain(
            mentioned
                .iter()
                .map(|id| (id.as_str(), NotificationKind::Mention)),
        )
        .chain(
            followers
                .iter()
                .map(|id| (id.as_str(), NotificationKind::NewPost)),
        );
    let mut out: Vec<Recipient> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for (user_id, kind) in candidates {
        if user_id == author_id || seen.contains(&user_id) {
            continue;
        }
        seen.push(user_id);
        if level_of(user_id).allows(kind) {
            out.push(Recipient {
                user_id: user_id.to_owned(),
                kind,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_title_is_one_to_two_hundred_characters() {
        assert!(PostTitle::parse("  ").is_err());
        assert!(PostTitle::parse(&"é".repeat(200)).is_ok());
        assert!(PostTitle::parse(&"é".repeat(201)).is_err());
    }

    #[test]
    fn post_body_is_markdown_stored_as_written_up_to_fifty_thousand_characters() {
        let body = "# Hi\n\n*there*  \n";
        assert_eq!(
            Markdown::post_body(body).map(Markdown::into_inner).ok(),
            Some(body.to_owned())
        );
        assert!(Markdown::post_body(&"a".repeat(50_000)).is_ok());
        assert!(Markdown::post_body(&"a".repeat(50_001)).is_err());
        assert!(Markdown::post_body("\n ").is_err());
    }

    #[test]
    fn topics_are_deduplicated_and_limited() {
        let raw: Vec<String> = ["a", "a", "b"].iter().map(|s| s.to_string()).collect();
        assert_eq!(parse_topics(&raw).ok(), Some(vec!["a".into(), "b".into()]));
        let many: Vec<String> = (0..6).map(|i| format!("t{i}")).collect();
        assert!(parse_topics(&many).is_err());
    }

    #[test]
    fn hidden_content_is_seen_only_by_moderators_and_deleted_by_nobody() {
        assert!(ContentStatus::Hidden.visible_to(true));
        assert!(!ContentStatus::Hidden.visible_to(false));
        assert!(!ContentStatus::Deleted.visible_to(true));
        assert!(moderate(ContentStatus::Deleted, Moderation::Restore).is_err());
        assert_eq!(
            moderate(ContentStatus::Hidden, Moderation::Restore).ok(),
            Some(ContentStatus::Published)
        );
    }

    #[test]
    fn reactions_come_from_a_fixed_set() {
        assert!(ReactionKind::parse("like").is_ok());
        assert!(ReactionKind::parse("angry").is_err());
    }

    #[test]
    fn mentions_name_members_by_id() {
        assert_eq!(
            mentioned_ids("hi @[abc-1] and @[abc-1], @[x y] @[] @[def]"),
            vec!["abc-1".to_owned(), "def".to_owned()]
        );
        assert!(mentioned_ids("mail me @ home [x]").is_empty());
    }

    #[test]
    fn the_author_is_never_notified_and_each_member_once_with_the_most_direct_reason() {
        let followers = vec!["author".to_owned(), "b".to_owned(), "c".to_owned()];
        let mentioned = vec!["b".to_owned()];
        let got = recipients("author", Some("c"), &mentioned, &followers, |_| {
            NotificationLevel::All
        });
        assert_eq!(
            got,
            vec![
                Recipient {
                    user_id: "c".into(),
                    kind: NotificationKind::Reply
                },
                Recipient {
                    user_id: "b".into(),
                    kind: NotificationKind::Mention
                },
            ]
        );
    }

    #[test]
    fn notification_levels_mute_a_space_or_keep_only_what_is_addressed_to_you() {
        let followers = vec!["a".to_owned(), "m".to_owned()];
        let got = recipients(
            "x",
            Some("m"),
            &["a".to_owned()],
            &followers,
            |id| match id {
                "a" => NotificationLevel::Muted,
                _ => NotificationLevel::Mentions,
            },
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].kind, NotificationKind::Reply);
        assert!(!NotificationLevel::Mentions.allows(NotificationKind::NewPost));
    }
}
