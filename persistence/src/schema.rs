//! One portable schema for both engines: only types that SQLite and PostgreSQL share.

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        display_name -> Text,
        time_zone -> Text,
        locale -> Text,
        calendar_feed_token -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    user_roles (user_id, role) {
        user_id -> Text,
        role -> Text,
        granted_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        family_id -> Text,
        user_id -> Text,
        token_hash -> Text,
        issued_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    plans (slug) {
        slug -> Text,
        name -> Text,
        requires_application -> Bool,
        seat_limit -> Nullable<Integer>,
        currency -> Text,
        e_course_deduction_cents -> BigInt,
        position -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    plan_prices (plan_slug, billing_period, price_version) {
        plan_slug -> Text,
        billing_period -> Text,
        price_version -> Text,
        amount_cents -> BigInt,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        action -> Text,
        subject_type -> Text,
        subject_id -> Text,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
    }
}

diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(plan_prices -> plans (plan_slug));

diesel::allow_tables_to_appear_in_same_query!(
    settings,
    users,
    user_roles,
    refresh_tokens,
    plans,
    plan_prices,
    audit_log,
);
