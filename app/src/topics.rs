//! Topics: hosts define them; members tag posts with them and follow them.

use crate::access::ViewerContext;
use crate::content::{acting_member, invalid};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use praxis_domain::ids::TopicId;
use praxis_persistence::notifications as follows;
use praxis_persistence::posts::{self, TopicRow};
use praxis_persistence::{audit, to_db_time, DbConnection};

pub const NAME_MAX_CHARS: usize = 80;
pub const DESCRIPTION_MAX_CHARS: usize = 1000;

/// A topic as the caller sees it.
#[derive(Debug, Clone)]
pub struct TopicView {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// Whether the caller follows it (`false` for visitors).
    pub following: bool,
}

/// A topic as a host defines it, every field checked.
#[derive(Debug, Clone)]
pub struct NewTopic {
    pub slug: TopicId,
    /// 1–80 characters, trimmed.
    pub name: String,
    /// At most 1000 characters, trimmed; may be empty.
    pub description: String,
}

impl NewTopic {
    /// Parses every field and names each one that is wrong.
    pub fn parse(slug: &str, name: &str, description: Option<&str>) -> praxis_domain::Result<Self> {
        let slug = TopicId::parse_field("slug", slug);
        let name = name.trim();
        let name = if name.is_empty() || name.chars().count() > NAME_MAX_CHARS {
            Err(praxis_domain::Error::field(
                "name",
                format!("must be between 1 and {NAME_MAX_CHARS} characters"),
            ))
        } else {
            Ok(name.to_owned())
        };
        let description = description.unwrap_or_default().trim();
        let description = if description.chars().count() > DESCRIPTION_MAX_CHARS {
            Err(praxis_domain::Error::field(
                "description",
                format!("must be at most {DESCRIPTION_MAX_CHARS} characters"),
            ))
        } else {
            Ok(description.to_owned())
        };
        match (slug, name, description) {
            (Ok(slug), Ok(name), Ok(description)) => Ok(Self {
                slug,
                name,
                description,
            }),
            (slug, name, description) => Err(invalid([slug.err(), name.err(), description.err()])),
        }
    }
}

/// A page of topics by slug, after the slug `after`, with whether the caller follows each
/// (`limit` rows: ask one more to learn whether another page follows).
pub fn list(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    after: Option<String>,
    limit: i64,
) -> Result<Vec<TopicView>> {
    let followed = match &ctx.user_id {
        Some(id) => follows::followed_topics(conn, id)?,
        None => Vec::new(),
    };
    Ok(posts::topics_page(conn, after, limit)?
        .into_iter()
        .map(|t| TopicView {
            following: followed.contains(&t.slug),
            slug: t.slug,
            name: t.name,
            description: t.description,
        })
        .collect())
}

/// Defines a topic (hosts and admins; checked where the request enters). Audited. 409
/// `topic-exists` when the slug is taken.
pub fn define(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    topic: NewTopic,
    now: DateTime<Utc>,
) -> Result<TopicView> {
    let host = acting_member(ctx)?;
    let row = TopicRow {
        slug: topic.slug.into_inner(),
        name: topic.name,
        description: topic.description,
        created_at: to_db_time(now),
    };
    match posts::insert_topic(conn, &row) {
        Err(praxis_persistence::Error::UniqueViolation(_)) => {
            return Err(Error::conflict(
                "topic-exists",
                "A topic with this slug exists.",
            ))
        }
        other => other?,
    }
    audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            Some(&host),
            "topic.created",
            "topic",
            &row.slug,
            None,
            Some(&serde_json::json!({"name": row.name})),
            now,
        ),
    )?;
    Ok(TopicView {
        slug: row.slug,
        name: row.name,
        description: row.description,
        following: false,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn a_new_topic_names_every_invalid_field_at_once() {
        match NewTopic::parse("Bad Slug", "  ", Some(&"x".repeat(1001))) {
            Err(praxis_domain::Error::Validation(errors)) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, vec!["slug", "name", "description"]);
            }
            other => panic!("{other:?}"),
        }
        let topic = NewTopic::parse("retros", " Retrospectives ", None).unwrap();
        assert_eq!(
            (
                topic.slug.as_str(),
                topic.name.as_str(),
                topic.description.as_str()
            ),
            ("retros", "Retrospectives", "")
        );
    }
}
