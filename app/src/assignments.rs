//! Monthly, optional assignments: set by hosts in a space, read by those who may read it.

use crate::access::{Space, ViewerContext};
use crate::error::{Error, Result};
use crate::learning::readable_content_space;
use praxis_domain::ids::{AssignmentId, SpaceId};
use praxis_persistence::learning::assignments::{self as repo, AssignmentRow};
use praxis_persistence::DbConnection;

/// An assignment whose space the caller may read; 404 otherwise.
pub fn readable_assignment(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &AssignmentId,
) -> Result<(AssignmentRow, Space)> {
    let row = repo::find(conn, id.as_str())?.ok_or(Error::NotFound("assignment"))?;
    let space_id = SpaceId::from_trusted(row.space_id.clone());
    let space = readable_content_space(conn, ctx, &space_id, "assignment")?;
    Ok((row, space))
}
