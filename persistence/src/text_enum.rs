//! Domain enums in text columns, on SQLite, PostgreSQL and the [`DbConnection`] over both.
//!
//! The orphan rule keeps diesel's `FromSql`/`ToSql` off the domain's types here, so rows go
//! through two local wrappers over any [`StringEnum`]: [`DbEnum<T>`] for `Text` and
//! [`DbEnumOpt<T>`] for `Nullable<Text>`. A stored text that names no variant is a
//! [`UnknownStoredValue`] deserialisation error, which [`crate::Error`] turns into
//! [`Error::Corrupt`](crate::Error::Corrupt); it never panics and never becomes a default.
//!
//! A row declares the domain type and names the wrapper:
//!
//! ```
//! use diesel::prelude::*;
//! use praxis_domain::events::EventFormat;
//! use praxis_domain::subscriptions::SubscriptionStatus;
//! use praxis_persistence::text_enum::{DbEnum, DbEnumOpt};
//!
//! diesel::table! {
//!     things (id) {
//!         id -> Text,
//!         status -> Text,
//!         format -> Nullable<Text>,
//!     }
//! }
//!
//! #[derive(Queryable, Selectable)]
//! #[diesel(table_name = things)]
//! pub struct ThingRow {
//!     pub id: String,
//!     #[diesel(deserialize_as = DbEnum<SubscriptionStatus>)]
//!     pub status: SubscriptionStatus,
//!     #[diesel(deserialize_as = DbEnumOpt<EventFormat>)]
//!     pub format: Option<EventFormat>,
//! }
//!
//! // serialize_as converts the field by value: insert the row itself, not `&row`.
//! #[derive(Insertable)]
//! #[diesel(table_name = things)]
//! pub struct NewThingRow {
//!     pub id: String,
//!     #[diesel(serialize_as = DbEnum<SubscriptionStatus>)]
//!     pub status: SubscriptionStatus,
//!     #[diesel(serialize_as = DbEnumOpt<EventFormat>)]
//!     pub format: Option<EventFormat>,
//! }
//!
//! #[derive(AsChangeset)]
//! #[diesel(table_name = things)]
//! pub struct ThingChanges {
//!     /// `None` leaves the column as it is: name the wrapper of the inner type.
//!     #[diesel(serialize_as = DbEnum<SubscriptionStatus>)]
//!     pub status: Option<SubscriptionStatus>,
//!     /// `None` leaves it, `Some(None)` writes NULL.
//!     #[diesel(serialize_as = DbEnumOpt<EventFormat>)]
//!     pub format: Option<Option<EventFormat>>,
//! }
//! ```
//!
//! In a hand-written query, compare with the wrapper or with the text:
//! `things::status.eq(DbEnum(SubscriptionStatus::Active))` or
//! `things::status.eq(SubscriptionStatus::Active.as_str())`.
//!
//! [`DbConnection`]: crate::DbConnection

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, FromSqlRow, Queryable};
use diesel::expression::AsExpression;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::{Nullable, Text};
use praxis_domain::StringEnum;
use std::fmt;

/// A domain enum stored as its text in a `Text` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub struct DbEnum<T>(pub T);

/// A domain enum, or NULL, in a `Nullable<Text>` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DbEnumOpt<T>(pub Option<T>);

/// A stored text that names no variant of the enum the row expects.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {field} stored in the database: {value:?}")]
pub struct UnknownStoredValue {
    /// The enum's field name, such as `status`.
    pub field: &'static str,
    /// The stored text, cut to [`Self::MAX_SHOWN`] characters.
    pub value: String,
}

impl UnknownStoredValue {
    /// How much of the stored text an error repeats.
    pub const MAX_SHOWN: usize = 64;

    /// The unknown value behind a deserialisation error, if that is what it is. Diesel wraps it
    /// with the column's name, so the whole chain of causes is searched.
    pub fn find<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a Self> {
        let mut cause = Some(error);
        while let Some(error) = cause {
            if let Some(unknown) = error.downcast_ref::<Self>() {
                return Some(unknown);
            }
            cause = error.source();
        }
        None
    }

    /// Every cause of `error`, outermost first: `Error deserializing field 'status': unknown …`.
    pub(crate) fn describe(error: &(dyn std::error::Error + 'static)) -> String {
        let mut parts = vec![error.to_string()];
        let mut cause = error.source();
        while let Some(error) = cause {
            parts.push(error.to_string());
            cause = error.source();
        }
        parts.join(": ")
    }

    fn new<T: StringEnum>(stored: &str) -> Self {
        Self {
            field: T::FIELD,
            value: stored.chars().take(Self::MAX_SHOWN).collect(),
        }
    }
}

fn decode<T: StringEnum>(stored: &str) -> deserialize::Result<T> {
    T::from_str_opt(stored).ok_or_else(|| UnknownStoredValue::new::<T>(stored).into())
}

impl<T, DB> FromSql<Text, DB> for DbEnum<T>
where
    T: StringEnum,
    DB: Backend,
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        let stored = <String as FromSql<Text, DB>>::from_sql(bytes)?;
        decode(&stored).map(DbEnum)
    }
}

impl<T, DB> ToSql<Text, DB> for DbEnum<T>
where
    T: StringEnum,
    DB: Backend,
    str: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        <str as ToSql<Text, DB>>::to_sql(self.0.as_str(), out)
    }
}

impl<T> From<T> for DbEnum<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T: fmt::Display> fmt::Display for DbEnum<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<T, DB> Queryable<Nullable<Text>, DB> for DbEnumOpt<T>
where
    T: StringEnum,
    DB: Backend,
    Option<DbEnum<T>>: FromSql<Nullable<Text>, DB>,
{
    type Row = Option<DbEnum<T>>;

    fn build(row: Self::Row) -> deserialize::Result<Self> {
        Ok(Self(row.map(|stored| stored.0)))
    }
}

impl<T> AsExpression<Nullable<Text>> for DbEnumOpt<T>
where
    T: StringEnum,
    Option<DbEnum<T>>: AsExpression<Nullable<Text>>,
{
    type Expression = <Option<DbEnum<T>> as AsExpression<Nullable<Text>>>::Expression;

    fn as_expression(self) -> Self::Expression {
        AsExpression::<Nullable<Text>>::as_expression(self.0.map(DbEnum))
    }
}

impl<T, DB> ToSql<Nullable<Text>, DB> for DbEnumOpt<T>
where
    T: StringEnum,
    DB: Backend,
    str: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        match &self.0 {
            Some(value) => <str as ToSql<Text, DB>>::to_sql(value.as_str(), out),
            None => Ok(IsNull::Yes),
        }
    }
}

impl<T> From<Option<T>> for DbEnumOpt<T> {
    fn from(value: Option<T>) -> Self {
        Self(value)
    }
}

impl<T> From<DbEnumOpt<T>> for Option<T> {
    fn from(stored: DbEnumOpt<T>) -> Self {
        stored.0
    }
}

/// `From<DbEnum<X>> for X` for each domain enum a row holds: the orphan rule allows it only
/// per concrete type, and `deserialize_as` needs it. Add an enum here when a row first holds it.
macro_rules! db_enums {
    ($($ty:ty),+ $(,)?) => {
        $(
            impl From<DbEnum<$ty>> for $ty {
                fn from(stored: DbEnum<$ty>) -> Self {
                    stored.0
                }
            }
        )+
    };
}

db_enums!(
    praxis_domain::account::Locale,
    praxis_domain::account::Role,
    praxis_domain::applications::ApplicationStatus,
    praxis_domain::assistance::AssistanceStatus,
    praxis_domain::courses::EntitlementSource,
    praxis_domain::courses::CourseOrderStatus,
    praxis_domain::discussion::ContentStatus,
    praxis_domain::discussion::NotificationKind,
    praxis_domain::discussion::NotificationLevel,
    praxis_domain::discussion::PostKind,
    praxis_domain::events::EventFormat,
    praxis_domain::events::EventKind,
    praxis_domain::events::Frequency,
    praxis_domain::learning::SubmissionVisibility,
    praxis_domain::moderation::ReportStatus,
    praxis_domain::moderation::SubjectType,
    praxis_domain::notification_mail::MailDelivery,
    praxis_domain::plans::BillingPeriod,
    praxis_domain::plans::PlanSlug,
    praxis_domain::plans::PriceVersion,
    praxis_domain::refunds::RefundRequestStatus,
    praxis_domain::refunds::RefundRule,
    praxis_domain::refunds::RefundStatus,
    praxis_domain::reminders::Reminder,
    praxis_domain::resources::Language,
    praxis_domain::resources::ResourceKind,
    praxis_domain::resources::ResourceVisibility,
    praxis_domain::subscriptions::RenewalAttemptStatus,
    praxis_domain::subscriptions::SubscriptionStatus,
    praxis_domain::subscriptions::WaitlistStatus,
);

// Circles and consent decisions.
db_enums!(
    praxis_domain::decisions::AgreementStatus,
    praxis_domain::decisions::AgreementTopic,
    praxis_domain::decisions::AnswerKind,
    praxis_domain::decisions::CircleKind,
    praxis_domain::decisions::MemberRole,
    praxis_domain::decisions::ObjectionStatus,
    praxis_domain::decisions::ProposalStatus,
    praxis_domain::decisions::RoundStatus,
    praxis_domain::decisions::SubjectKind,
    // PRO give-back (issue 11).
    praxis_domain::giveback::ProposalStatus,
    praxis_domain::support::SupportStatus,
    praxis_domain::support::Urgency,
    // Badges (issue 12).
    praxis_domain::badges::AwardVisibility,
    praxis_domain::badges::BadgeClassStatus,
    praxis_domain::badges::BadgeRequestStatus,
    praxis_domain::badges::ObjectionResolution,
    praxis_domain::badges::ReviewAnswer,
    praxis_domain::academy::EnrolmentStatus,
);

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::{DbConnection, Error};
    use diesel::connection::SimpleConnection;
    use diesel::pg::PgConnection;
    use diesel::prelude::*;
    use diesel::sqlite::SqliteConnection;
    use praxis_domain::events::EventFormat;
    use praxis_domain::subscriptions::SubscriptionStatus;

    diesel::table! {
        text_enum_things (id) {
            id -> Integer,
            status -> Text,
            format -> Nullable<Text>,
        }
    }

    #[derive(Debug, PartialEq, Queryable, Selectable)]
    #[diesel(table_name = text_enum_things)]
    struct ThingRow {
        id: i32,
        #[diesel(deserialize_as = DbEnum<SubscriptionStatus>)]
        status: SubscriptionStatus,
        #[diesel(deserialize_as = DbEnumOpt<EventFormat>)]
        format: Option<EventFormat>,
    }

    #[derive(Insertable)]
    #[diesel(table_name = text_enum_things)]
    struct NewThingRow {
        id: i32,
        #[diesel(serialize_as = DbEnum<SubscriptionStatus>)]
        status: SubscriptionStatus,
        #[diesel(serialize_as = DbEnumOpt<EventFormat>)]
        format: Option<EventFormat>,
    }

    #[derive(AsChangeset)]
    #[diesel(table_name = text_enum_things)]
    struct ThingChanges {
        #[diesel(serialize_as = DbEnum<SubscriptionStatus>)]
        status: Option<SubscriptionStatus>,
        #[diesel(serialize_as = DbEnumOpt<EventFormat>)]
        format: Option<Option<EventFormat>>,
    }

    #[test]
    fn both_engines_and_the_connection_over_them_read_and_write_the_wrappers() {
        fn text<T, DB>()
        where
            DB: diesel::backend::Backend,
            T: FromSql<Text, DB> + ToSql<Text, DB>,
        {
        }
        fn nullable<T, DB>()
        where
            DB: diesel::backend::Backend,
            T: Queryable<Nullable<Text>, DB> + ToSql<Nullable<Text>, DB>,
        {
        }
        text::<DbEnum<SubscriptionStatus>, diesel::sqlite::Sqlite>();
        text::<DbEnum<SubscriptionStatus>, diesel::pg::Pg>();
        text::<DbEnum<SubscriptionStatus>, crate::connection::MultiBackend>();
        nullable::<DbEnumOpt<EventFormat>, diesel::sqlite::Sqlite>();
        nullable::<DbEnumOpt<EventFormat>, diesel::pg::Pg>();
        nullable::<DbEnumOpt<EventFormat>, crate::connection::MultiBackend>();
    }

    /// The pool's connection type, so the MultiConnection paths run: over an in-memory SQLite,
    /// and over PostgreSQL too when `PRAXIS_TEST_POSTGRES_URL` names a server (a temporary
    /// table, gone with the session).
    fn connections() -> Vec<DbConnection> {
        let mut all = vec![DbConnection::Sqlite(
            SqliteConnection::establish(":memory:").unwrap(),
        )];
        if let Ok(url) = std::env::var("PRAXIS_TEST_POSTGRES_URL") {
            all.push(DbConnection::Pg(PgConnection::establish(&url).unwrap()));
        }
        for conn in &mut all {
            conn.batch_execute(
                "CREATE TEMPORARY TABLE text_enum_things \
                 (id INTEGER PRIMARY KEY, status TEXT NOT NULL, format TEXT)",
            )
            .unwrap();
        }
        all
    }

    fn load(conn: &mut DbConnection) -> QueryResult<Vec<ThingRow>> {
        text_enum_things::table
            .order(text_enum_things::id)
            .select(ThingRow::as_select())
            .load(conn)
    }

    #[test]
    fn an_enum_round_trips_through_a_text_column() {
        for mut conn in connections() {
            round_trip(&mut conn);
        }
    }

    fn round_trip(conn: &mut DbConnection) {
        for (id, status, format) in [
            (
                1,
                SubscriptionStatus::PendingPayment,
                Some(EventFormat::WorldCafe),
            ),
            (2, SubscriptionStatus::Active, None),
        ] {
            diesel::insert_into(text_enum_things::table)
                .values(NewThingRow { id, status, format })
                .execute(conn)
                .unwrap();
        }
        let stored: Vec<(String, Option<String>)> = text_enum_things::table
            .order(text_enum_things::id)
            .select((text_enum_things::status, text_enum_things::format))
            .load(conn)
            .unwrap();
        assert_eq!(
            stored,
            vec![
                ("pending_payment".to_owned(), Some("world_cafe".to_owned())),
                ("active".to_owned(), None),
            ]
        );

        diesel::update(text_enum_things::table.find(1))
            .set(ThingChanges {
                status: Some(SubscriptionStatus::Cancelled),
                format: Some(None),
            })
            .execute(conn)
            .unwrap();
        diesel::update(text_enum_things::table.find(2))
            .set(ThingChanges {
                status: None,
                format: Some(Some(EventFormat::Talk)),
            })
            .execute(conn)
            .unwrap();

        let active: i32 = text_enum_things::table
            .filter(text_enum_things::status.eq(DbEnum(SubscriptionStatus::Active)))
            .select(text_enum_things::id)
            .first(conn)
            .unwrap();
        assert_eq!(active, 2);
        assert_eq!(
            load(conn).unwrap(),
            vec![
                ThingRow {
                    id: 1,
                    status: SubscriptionStatus::Cancelled,
                    format: None,
                },
                ThingRow {
                    id: 2,
                    status: SubscriptionStatus::Active,
                    format: Some(EventFormat::Talk),
                },
            ]
        );
        let single: DbEnum<SubscriptionStatus> = diesel::select(
            DbEnum(SubscriptionStatus::Expired).into_sql::<diesel::sql_types::Text>(),
        )
        .get_result(conn)
        .unwrap();
        assert_eq!(single.0, SubscriptionStatus::Expired);
    }

    #[test]
    fn an_unknown_stored_value_is_a_typed_error() {
        for mut conn in connections() {
            unknown_value(&mut conn);
        }
    }

    fn unknown_value(conn: &mut DbConnection) {
        conn.batch_execute("INSERT INTO text_enum_things VALUES (1, 'paused', NULL)")
            .unwrap();
        let err = load(conn).unwrap_err();
        match &err {
            diesel::result::Error::DeserializationError(cause) => {
                let unknown = UnknownStoredValue::find(&**cause).unwrap();
                assert_eq!(unknown.field, "status");
                assert_eq!(unknown.value, "paused");
            }
            other => panic!("{other:?}"),
        }
        match Error::from(err) {
            Error::Corrupt(message) => assert_eq!(
                message,
                "Error deserializing field 'status': \
                 unknown status stored in the database: \"paused\""
            ),
            other => panic!("{other:?}"),
        }

        conn.batch_execute("UPDATE text_enum_things SET status = 'active', format = 'Talk'")
            .unwrap();
        assert!(matches!(
            load(conn).map_err(Error::from),
            Err(Error::Corrupt(_))
        ));
        conn.batch_execute(&format!(
            "UPDATE text_enum_things SET format = '{}'",
            "x".repeat(10_000)
        ))
        .unwrap();
        match load(conn).map_err(Error::from) {
            Err(Error::Corrupt(message)) => assert!(message.len() < 200, "{message}"),
            other => panic!("{other:?}"),
        }
    }
}
