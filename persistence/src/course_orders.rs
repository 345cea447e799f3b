//! Courses bought on their own: one order per purchase, pending until the provider confirms
//! its payment. Personal data (`personal_data`); the payment and invoice it leads to are
//! bookkeeping and outlive the member's erasure like every other.

use crate::error::Result;
use crate::schema::course_orders;
use crate::text_enum::DbEnum;
use crate::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use praxis_domain::courses::CourseOrderStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = course_orders)]
pub struct CourseOrderRow {
    pub id: String,
    pub user_id: String,
    /// The course row bought (the language the member chose).
    pub course_id: String,
    /// Its translation group: what the entitlement opens.
    pub course_group: String,
    /// The invoice's line: the course's title.
    pub description: String,
    pub amount_cents: i64,
    pub currency: String,
    #[diesel(deserialize_as = DbEnum<CourseOrderStatus>)]
    pub status: CourseOrderStatus,
    pub checkout_id: String,
    pub checkout_url: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub paid_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = course_orders)]
pub struct NewCourseOrderRow {
    pub id: String,
    pub user_id: String,
    pub course_id: String,
    pub course_group: String,
    pub description: String,
    pub amount_cents: i64,
    pub currency: String,
    #[diesel(serialize_as = DbEnum<CourseOrderStatus>)]
    pub status: CourseOrderStatus,
    pub checkout_id: String,
    pub checkout_url: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: NewCourseOrderRow) -> Result<()> {
    diesel::insert_into(course_orders::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<CourseOrderRow>> {
    Ok(course_orders::table
        .find(id)
        .select(CourseOrderRow::as_select())
        .first(conn)
        .optional()?)
}

/// The order paid through the provider's checkout `checkout_id`, if it is a course's.
pub fn find_by_checkout(
    conn: &mut DbConnection,
    checkout_id: &str,
) -> Result<Option<CourseOrderRow>> {
    Ok(course_orders::table
        .filter(course_orders::checkout_id.eq(checkout_id))
        .select(CourseOrderRow::as_select())
        .first(conn)
        .optional()?)
}

/// The member's order of a course (translation group) still waiting for payment, if any.
pub fn pending_of(
    conn: &mut DbConnection,
    user_id: &str,
    course_group: &str,
) -> Result<Option<CourseOrderRow>> {
    Ok(course_orders::table
        .filter(course_orders::user_id.eq(user_id))
        .filter(course_orders::course_group.eq(course_group))
        .filter(course_orders::status.eq(CourseOrderStatus::Pending.as_str()))
        .select(CourseOrderRow::as_select())
        .first(conn)
        .optional()?)
}

/// Records the provider's checkout on the order.
pub fn set_checkout(
    conn: &mut DbConnection,
    id: &str,
    checkout_id: &str,
    checkout_url: &str,
    at: NaiveDateTime,
) -> Result<()> {
    diesel::update(course_orders::table.find(id))
        .set((
            course_orders::checkout_id.eq(checkout_id),
            course_orders::checkout_url.eq(checkout_url),
            course_orders::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Moves a pending order to `status`; `false` when it was not pending any more (a concurrent
/// or earlier payment moved it first).
pub fn close(
    conn: &mut DbConnection,
    id: &str,
    status: CourseOrderStatus,
    at: NaiveDateTime,
) -> Result<bool> {
    let paid_at = (status == CourseOrderStatus::Paid).then_some(at);
    let updated = diesel::update(
        course_orders::table
            .filter(course_orders::id.eq(id))
            .filter(course_orders::status.eq(CourseOrderStatus::Pending.as_str())),
    )
    .set((
        course_orders::status.eq(status.as_str()),
        course_orders::updated_at.eq(at),
        course_orders::paid_at.eq(paid_at),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}
