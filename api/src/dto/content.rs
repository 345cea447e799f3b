//! Posts and comments as clients see them.

use crate::error::ApiResult;
use crate::pagination::{self, PageParams};
use chrono::{DateTime, Utc};
use praxis_app::content::{CommentView, PostView};
use praxis_app::page::{Key, PageRequest, Paged};
use praxis_app::topics::TopicView;
use serde::Serialize;
use utoipa::ToSchema;

pub use praxis_app::content::ReactionCounts;

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "01938a2b-7c4e-7cc3-a1a6-0c1b5f7d2e10", "space": "practitioner-lounge",
    "author_id": "01938a2a-0000-7000-8000-000000000002", "author_name": "Ana",
    "kind": "question", "title": "How do you harvest objections?", "body": "In *consent* rounds…",
    "status": "published", "pinned": false, "topics": ["consent"], "comment_count": 2,
    "reactions": {"like": 3}, "created_at": "2026-11-23T09:30:00Z", "updated_at": "2026-11-23T09:30:00Z"
}))]
pub struct PostResponse {
    pub id: String,
    /// The slug of the space it is in.
    pub space: String,
    pub author_id: String,
    pub author_name: String,
    /// `article`, `question` or `discussion`.
    pub kind: String,
    pub title: String,
    /// Markdown, as written.
    pub body: String,
    /// `published`, or `hidden` (only hosts who moderate the space see hidden posts).
    pub status: String,
    pub pinned: bool,
    pub topics: Vec<String>,
    pub comment_count: i64,
    pub reactions: ReactionCounts,
    /// The post this one was crossposted from, when the caller may read that one too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crossposted_from: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edited_at: Option<DateTime<Utc>>,
}

impl From<PostView> for PostResponse {
    fn from(v: PostView) -> Self {
        Self {
            id: v.id,
            space: v.space,
            author_id: v.author_id,
            author_name: v.author_name,
            kind: v.kind.as_str().to_owned(),
            title: v.title,
            body: v.body,
            status: v.status.as_str().to_owned(),
            pinned: v.pinned,
            topics: v.topics,
            comment_count: v.comment_count,
            reactions: v.reactions,
            crossposted_from: v.crossposted_from,
            created_at: v.created_at,
            updated_at: v.updated_at,
            edited_at: v.edited_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PostPage {
    pub items: Vec<PostResponse>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentResponse {
    pub id: String,
    pub post_id: String,
    /// The comment this one replies to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    pub author_id: String,
    pub author_name: String,
    /// Markdown, as written.
    pub body: String,
    /// `published`, or `hidden` (seen only by hosts who moderate the space).
    pub status: String,
    pub reactions: ReactionCounts,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edited_at: Option<DateTime<Utc>>,
}

impl From<CommentView> for CommentResponse {
    fn from(v: CommentView) -> Self {
        Self {
            id: v.id,
            post_id: v.post_id,
            parent_id: v.parent_id,
            author_id: v.author_id,
            author_name: v.author_name,
            body: v.body,
            status: v.status.as_str().to_owned(),
            reactions: v.reactions,
            created_at: v.created_at,
            updated_at: v.updated_at,
            edited_at: v.edited_at,
        }
    }
}

impl From<Paged<PostView>> for PostPage {
    fn from(page: Paged<PostView>) -> Self {
        Self {
            items: page.items.into_iter().map(PostResponse::from).collect(),
            next_cursor: next_cursor(page.next),
        }
    }
}

/// A page of posts as the JSON body of a `PostPage`, rendered once for the page cache.
pub fn page_json(page: Paged<PostView>) -> praxis_app::Result<Vec<u8>> {
    serde_json::to_vec(&PostPage::from(page)).map_err(praxis_app::Error::internal)
}

/// Which page a list's `?limit=` and `?cursor=` ask for.
pub fn page_request(params: &PageParams) -> ApiResult<PageRequest> {
    Ok(PageRequest {
        limit: params.limit()?,
        after: params.after()?,
    })
}

/// The opaque cursor of the page after one that ended at `next`.
pub fn next_cursor(next: Option<Key>) -> Option<String> {
    next.map(|(at, id)| pagination::encode(at, &id))
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"slug": "consent", "name": "Consent decision-making", "description": "Proposals, objections and how to resolve them.", "following": true}))]
pub struct TopicResponse {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// Whether the caller follows it (`false` for visitors).
    pub following: bool,
}

impl From<TopicView> for TopicResponse {
    fn from(v: TopicView) -> Self {
        Self {
            slug: v.slug,
            name: v.name,
            description: v.description,
            following: v.following,
        }
    }
}
