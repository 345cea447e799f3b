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
        email_verified_at -> Nullable<Timestamp>,
        listed -> Bool,
        bio -> Nullable<Text>,
        languages -> Text,
        session_generation -> Integer,
    }
}

diesel::table! {
    account_tokens (id) {
        id -> Text,
        user_id -> Text,
        purpose -> Text,
        token_hash -> Text,
        new_email -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
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
        space_id -> Nullable<Text>,
    }
}

diesel::table! {
    subscriptions (id) {
        id -> Text,
        user_id -> Text,
        plan_slug -> Text,
        billing_period -> Text,
        price_version -> Text,
        status -> Text,
        currency -> Text,
        period_price_cents -> BigInt,
        credit_cents -> BigInt,
        amount_due_cents -> BigInt,
        checkout_id -> Text,
        checkout_url -> Text,
        hold_expires_at -> Timestamp,
        replaces_subscription_id -> Nullable<Text>,
        price_override_id -> Nullable<Text>,
        current_period_start -> Nullable<Timestamp>,
        current_period_end -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
        end_reason -> Nullable<Text>,
        credit_payment_id -> Nullable<Text>,
        auto_renew -> Bool,
        grace_until -> Nullable<Timestamp>,
        past_due_since -> Nullable<Timestamp>,
    }
}

diesel::table! {
    renewal_attempts (id) {
        id -> Text,
        subscription_id -> Text,
        period_end -> Timestamp,
        attempt -> Integer,
        idempotency_key -> Text,
        status -> Text,
        payment_reference -> Nullable<Text>,
        failure_reason -> Nullable<Text>,
        claimed_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    local_provider_ledger (idempotency_key) {
        idempotency_key -> Text,
        kind -> Text,
        reference -> Text,
        amount_cents -> BigInt,
        currency -> Text,
        outcome -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    local_provider_cards (customer_reference) {
        customer_reference -> Text,
        declining -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    waitlist_entries (id) {
        id -> Text,
        user_id -> Text,
        plan_slug -> Text,
        status -> Text,
        created_at -> Timestamp,
        offered_at -> Nullable<Timestamp>,
        offer_expires_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_events (event_id) {
        event_id -> Text,
        event_type -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    payments (id) {
        id -> Text,
        subscription_id -> Nullable<Text>,
        user_id -> Text,
        provider_event_id -> Text,
        amount_cents -> BigInt,
        credit_applied_cents -> BigInt,
        currency -> Text,
        refunded_cents -> BigInt,
        paid_at -> Timestamp,
        period_start -> Timestamp,
        period_end -> Timestamp,
        provider_payment_id -> Nullable<Text>,
        // 20261206300001_course_orders
        course_order_id -> Nullable<Text>,
    }
}

diesel::table! {
    payment_customers (user_id, provider) {
        user_id -> Text,
        provider -> Text,
        customer_reference -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    invoice_counters (year) {
        year -> Integer,
        last_number -> Integer,
    }
}

diesel::table! {
    invoices (id) {
        id -> Text,
        number -> Text,
        user_id -> Text,
        payment_id -> Text,
        issued_at -> Timestamp,
        description -> Text,
        amount_cents -> BigInt,
        credit_applied_cents -> BigInt,
        currency -> Text,
        billing_address_json -> Nullable<Text>,
    }
}

diesel::table! {
    billing_addresses (user_id) {
        user_id -> Text,
        name -> Text,
        line1 -> Text,
        line2 -> Nullable<Text>,
        city -> Text,
        postal_code -> Text,
        region -> Nullable<Text>,
        country -> Text,
        vat_id -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    refund_requests (id) {
        id -> Text,
        user_id -> Text,
        subscription_id -> Text,
        payment_id -> Text,
        message -> Text,
        status -> Text,
        quote_cents -> BigInt,
        currency -> Text,
        quote_rule -> Text,
        quote_full_months -> Nullable<Integer>,
        quote_deduction_cents -> Nullable<BigInt>,
        quote_explanation -> Text,
        requested_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
        decision_note -> Nullable<Text>,
    }
}

diesel::table! {
    refunds (id) {
        id -> Text,
        refund_request_id -> Nullable<Text>, // 20261206300002_course_refunds
        payment_id -> Text,
        amount_cents -> BigInt,
        currency -> Text,
        status -> Text,
        provider_reference -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        failure_reason -> Nullable<Text>,
        attempt -> Integer,
    }
}

diesel::table! {
    provider_refunds (reference) {
        reference -> Text,
        payment_id -> Text,
        amount_cents -> BigInt,
        currency -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    checkout_client_secrets (checkout_id) {
        checkout_id -> Text,
        client_secret -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    magic_links (id) {
        id -> Text,
        user_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    pro_applications (id) {
        id -> Text,
        user_id -> Text,
        training -> Text,
        experience -> Text,
        helping_others -> Text,
        commitment -> Bool,
        status -> Text,
        note -> Nullable<Text>,
        submitted_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
    }
}

diesel::table! {
    price_assistance_requests (id) {
        id -> Text,
        user_id -> Text,
        plan_slug -> Text,
        billing_period -> Text,
        message -> Text,
        proposed_cents -> BigInt,
        currency -> Text,
        status -> Text,
        granted_cents -> Nullable<BigInt>,
        note -> Nullable<Text>,
        requested_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
    }
}

diesel::table! {
    price_overrides (id) {
        id -> Text,
        user_id -> Text,
        plan_slug -> Text,
        billing_period -> Text,
        amount_cents -> BigInt,
        currency -> Text,
        granted_by -> Text,
        request_id -> Nullable<Text>,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        kind -> Text,
        recipient -> Text,
        subject -> Text,
        body -> Text,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        list_unsubscribe -> Nullable<Text>,
        reply_to -> Nullable<Text>,
    }
}

diesel::table! {
    idempotency_keys (user_id, endpoint, idempotency_key) {
        user_id -> Text,
        endpoint -> Text,
        idempotency_key -> Text,
        request_hash -> Text,
        status_code -> Nullable<Integer>,
        response_body -> Nullable<Text>,
        created_at -> Timestamp,
        attempt_id -> Nullable<Text>,
        locked_until -> Nullable<Timestamp>,
        resource_id -> Nullable<Text>,
    }
}

diesel::table! {
    spaces (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        description -> Text,
        visibility -> Text,
        built_in -> Bool,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    space_plans (space_id, plan_slug) {
        space_id -> Text,
        plan_slug -> Text,
    }
}

diesel::table! {
    space_members (space_id, user_id) {
        space_id -> Text,
        user_id -> Text,
        added_by -> Nullable<Text>,
        added_at -> Timestamp,
    }
}

diesel::table! {
    terms_versions (version) {
        version -> Text,
        terms -> Text,
        member_guidelines -> Text,
        confidentiality -> Text,
        published_at -> Timestamp,
        published_by -> Nullable<Text>,
    }
}

diesel::table! {
    terms_acceptances (user_id, version) {
        user_id -> Text,
        version -> Text,
        accepted_at -> Timestamp,
    }
}

diesel::table! {
    topics (slug) {
        slug -> Text,
        name -> Text,
        description -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    job_claims (name) {
        name -> Text,
        tick -> BigInt,
        claimed_by -> Text,
        claimed_at -> Timestamp,
    }
}

diesel::table! {
    content_versions (name) {
        name -> Text,
        version -> BigInt,
    }
}

diesel::table! {
    export_files (id) {
        id -> Text,
        user_id -> Text,
        token_hash -> Nullable<Text>,
        body -> Nullable<Text>,
        requested_at -> Timestamp,
        built_at -> Nullable<Timestamp>,
        expires_at -> Nullable<Timestamp>,
        downloaded_at -> Nullable<Timestamp>,
    }
}

// A space page's version is read with the space's id, by slug, in one query.
diesel::allow_tables_to_appear_in_same_query!(content_versions, spaces);

diesel::table! {
    posts (id) {
        id -> Text,
        space_id -> Text,
        author_id -> Text,
        kind -> Text,
        title -> Text,
        body -> Text,
        status -> Text,
        pinned -> Bool,
        crossposted_from -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        edited_at -> Nullable<Timestamp>,
        comment_count -> BigInt,
    }
}

diesel::table! {
    post_topics (post_id, topic_slug) {
        post_id -> Text,
        topic_slug -> Text,
    }
}

diesel::table! {
    comments (id) {
        id -> Text,
        post_id -> Text,
        author_id -> Text,
        parent_id -> Nullable<Text>,
        body -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        edited_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    reactions (target_type, target_id, user_id, kind) {
        target_type -> Text,
        target_id -> Text,
        user_id -> Text,
        kind -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    topic_follows (user_id, topic_slug) {
        user_id -> Text,
        topic_slug -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    space_follows (user_id, space_id) {
        user_id -> Text,
        space_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notification_settings (user_id, space_id) {
        user_id -> Text,
        space_id -> Text,
        level -> Text,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        user_id -> Text,
        kind -> Text,
        actor_id -> Nullable<Text>,
        space_id -> Text,
        post_id -> Nullable<Text>,
        comment_id -> Nullable<Text>,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    conversations (id) {
        id -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        last_message_at -> Timestamp,
    }
}

diesel::table! {
    conversation_participants (conversation_id, user_id) {
        conversation_id -> Text,
        user_id -> Text,
        joined_at -> Timestamp,
        last_read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    messages (id) {
        id -> Text,
        conversation_id -> Text,
        author_id -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    user_blocks (blocker_id, blocked_id) {
        blocker_id -> Text,
        blocked_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    reports (id) {
        id -> Text,
        reporter_id -> Text,
        subject_type -> Text,
        subject_id -> Text,
        reason -> Text,
        status -> Text,
        resolution_note -> Nullable<Text>,
        resolved_by -> Nullable<Text>,
        created_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    themes (id) {
        id -> Text,
        month -> Text,
        title -> Text,
        description -> Text,
        space_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    event_series (id) {
        id -> Text,
        kind -> Text,
        format -> Nullable<Text>,
        title -> Text,
        description -> Text,
        space_id -> Text,
        theme_id -> Nullable<Text>,
        join_url -> Text,
        capacity -> Nullable<Integer>,
        host_id -> Nullable<Text>,
        time_zone -> Text,
        local_start -> Text,
        duration_minutes -> Integer,
        frequency -> Text,
        repeat_interval -> Integer,
        by_weekday -> Text,
        week_of_month -> Nullable<Integer>,
        starts_on -> Text,
        until_date -> Nullable<Text>,
        occurrence_count -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    events (id) {
        id -> Text,
        series_id -> Nullable<Text>,
        original_start -> Nullable<Timestamp>,
        kind -> Text,
        format -> Nullable<Text>,
        title -> Text,
        description -> Text,
        space_id -> Text,
        theme_id -> Nullable<Text>,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        time_zone -> Text,
        join_url -> Text,
        capacity -> Nullable<Integer>,
        host_id -> Nullable<Text>,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        facilitator_id -> Nullable<Text>,
    }
}

diesel::table! {
    event_rsvps (event_id, occurrence_start, user_id) {
        event_id -> Text,
        occurrence_start -> Timestamp,
        user_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    event_reminder_settings (user_id) {
        user_id -> Text,
        enabled -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    event_reminders_sent (event_id, occurrence_start, user_id, reminder) {
        event_id -> Text,
        occurrence_start -> Timestamp,
        user_id -> Text,
        reminder -> Text,
        queued_at -> Timestamp,
    }
}

diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(account_tokens -> users (user_id));
diesel::joinable!(plan_prices -> plans (plan_slug));
diesel::joinable!(space_plans -> spaces (space_id));
diesel::joinable!(space_members -> spaces (space_id));
diesel::joinable!(posts -> spaces (space_id));
diesel::joinable!(events -> spaces (space_id));
diesel::joinable!(themes -> spaces (space_id));
diesel::joinable!(post_topics -> posts (post_id));
diesel::joinable!(comments -> posts (post_id));
diesel::joinable!(messages -> conversations (conversation_id));
diesel::joinable!(conversation_participants -> conversations (conversation_id));
diesel::joinable!(subscriptions -> users (user_id));
diesel::joinable!(payments -> subscriptions (subscription_id));
diesel::joinable!(renewal_attempts -> subscriptions (subscription_id));
diesel::joinable!(invoices -> payments (payment_id));
diesel::joinable!(refund_requests -> users (user_id));
diesel::joinable!(pro_applications -> users (user_id));
diesel::joinable!(price_assistance_requests -> users (user_id));
diesel::joinable!(waitlist_entries -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    settings,
    payment_customers,
    renewal_attempts,
    local_provider_ledger,
    local_provider_cards,
    users,
    user_roles,
    refresh_tokens,
    plans,
    plan_prices,
    audit_log,
    subscriptions,
    waitlist_entries,
    webhook_events,
    payments,
    invoice_counters,
    invoices,
    billing_addresses,
    refund_requests,
    refunds,
    provider_refunds,
    checkout_client_secrets,
    magic_links,
    account_tokens,
    pro_applications,
    price_assistance_requests,
    price_overrides,
    outbox,
    idempotency_keys,
    spaces,
    space_plans,
    space_members,
    terms_versions,
    terms_acceptances,
    topics,
    posts,
    post_topics,
    comments,
    reactions,
    topic_follows,
    space_follows,
    notification_settings,
    notifications,
    conversations,
    conversation_participants,
    messages,
    user_blocks,
    reports,
    themes,
    event_series,
    events,
    event_rsvps,
);

// Learning (20261121000006_learning): Q&A, recordings, assignments, resources.

diesel::table! {
    questions (id) {
        id -> Text,
        event_id -> Text,
        author_id -> Text,
        body -> Text,
        vote_count -> Integer,
        answered_at -> Nullable<Timestamp>,
        answered_by -> Nullable<Text>,
        recording_seconds -> Nullable<Integer>,
        answer_note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    question_votes (question_id, user_id) {
        question_id -> Text,
        user_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    recordings (event_id) {
        event_id -> Text,
        video_url -> Text,
        duration_seconds -> Integer,
        updated_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    recording_chapters (event_id, start_seconds) {
        event_id -> Text,
        start_seconds -> Integer,
        title -> Text,
        description -> Text,
    }
}

diesel::table! {
    assignments (id) {
        id -> Text,
        space_id -> Text,
        theme_id -> Nullable<Text>,
        title -> Text,
        instructions -> Text,
        due_at -> Timestamp,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    submissions (id) {
        id -> Text,
        assignment_id -> Text,
        author_id -> Text,
        body -> Text,
        visibility -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    submission_feedback (id) {
        id -> Text,
        submission_id -> Text,
        author_id -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    resources (id) {
        id -> Text,
        kind -> Text,
        title -> Text,
        summary -> Text,
        body_or_url -> Text,
        language -> Text,
        visibility -> Text,
        space_id -> Nullable<Text>,
        org_type -> Nullable<Text>,
        translation_group -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        // 20261206400001_resource_themes_derivations
        theme_id -> Nullable<Text>,
    }
}

diesel::joinable!(questions -> events (event_id));
diesel::joinable!(question_votes -> questions (question_id));
diesel::joinable!(recordings -> events (event_id));
diesel::joinable!(recording_chapters -> recordings (event_id));
diesel::joinable!(assignments -> spaces (space_id));
diesel::joinable!(submissions -> assignments (assignment_id));
diesel::joinable!(submission_feedback -> submissions (submission_id));

diesel::allow_tables_to_appear_in_same_query!(
    questions,
    question_votes,
    recordings,
    recording_chapters,
    assignments,
    submissions,
    submission_feedback,
    resources,
    events,
);

// Circles and consent decisions (20261205300001_circles_decisions).

diesel::table! {
    circles (id) {
        id -> Text,
        name -> Text,
        description -> Text,
        kind -> Text,
        space_id -> Text,
        linked_circle_id -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    circle_members (circle_id, user_id) {
        circle_id -> Text,
        user_id -> Text,
        role -> Text,
        added_at -> Timestamp,
    }
}

diesel::table! {
    drivers (id) {
        id -> Text,
        circle_id -> Text,
        author_id -> Nullable<Text>,
        situation -> Text,
        effect -> Text,
        need -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    proposals (id) {
        id -> Text,
        circle_id -> Text,
        driver_id -> Text,
        author_id -> Nullable<Text>,
        title -> Text,
        status -> Text,
        subject_kind -> Nullable<Text>,
        subject_id -> Nullable<Text>,
        topic -> Nullable<Text>,
        supersedes_id -> Nullable<Text>,
        review_after_days -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    proposal_versions (id) {
        id -> Text,
        proposal_id -> Text,
        number -> Integer,
        body -> Text,
        author_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    consent_rounds (id) {
        id -> Text,
        proposal_id -> Text,
        agreement_id -> Nullable<Text>,
        version_id -> Text,
        opened_by -> Nullable<Text>,
        opened_at -> Timestamp,
        closes_at -> Timestamp,
        status -> Text,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    round_answers (round_id, user_id) {
        round_id -> Text,
        user_id -> Text,
        answer -> Text,
        note -> Nullable<Text>,
        answered_at -> Timestamp,
    }
}

diesel::table! {
    objections (id) {
        id -> Text,
        round_id -> Text,
        proposal_id -> Text,
        objector_id -> Text,
        reason -> Text,
        status -> Text,
        integrated_version_id -> Nullable<Text>,
        created_at -> Timestamp,
        settled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    agreements (id) {
        id -> Text,
        circle_id -> Text,
        proposal_id -> Text,
        version_id -> Text,
        status -> Text,
        review_at -> Timestamp,
        reminded_for -> Nullable<Timestamp>,
        superseded_by -> Nullable<Text>,
        agreed_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    decision_history (id) {
        id -> Text,
        circle_id -> Text,
        proposal_id -> Nullable<Text>,
        agreement_id -> Nullable<Text>,
        actor_id -> Nullable<Text>,
        action -> Text,
        detail -> Text,
        at -> Timestamp,
    }
}

diesel::joinable!(circle_members -> circles (circle_id));
diesel::joinable!(drivers -> circles (circle_id));
diesel::joinable!(proposals -> drivers (driver_id));
diesel::joinable!(proposal_versions -> proposals (proposal_id));
diesel::joinable!(consent_rounds -> proposals (proposal_id));
diesel::joinable!(round_answers -> consent_rounds (round_id));
diesel::joinable!(objections -> consent_rounds (round_id));

diesel::allow_tables_to_appear_in_same_query!(
    circles,
    circle_members,
    drivers,
    proposals,
    proposal_versions,
    consent_rounds,
    round_answers,
    objections,
    agreements,
    decision_history,
);

// The e-course: courses, modules, lessons, entitlements, progress, answers, completions.

diesel::table! {
    courses (id) {
        id -> Text,
        translation_group -> Text,
        language -> Text,
        title -> Text,
        summary -> Text,
        published -> Bool,
        included_with_yearly -> Bool,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        // 20261206300001_course_orders
        price_cents -> Nullable<BigInt>,
        price_currency -> Nullable<Text>,
    }
}

diesel::table! {
    course_modules (id) {
        id -> Text,
        course_id -> Text,
        position -> Integer,
        title -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    lessons (id) {
        id -> Text,
        course_id -> Text,
        module_id -> Text,
        position -> Integer,
        title -> Text,
        video_url -> Nullable<Text>,
        duration_seconds -> Nullable<Integer>,
        body -> Text,
        exercise_prompt -> Nullable<Text>,
        published -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    course_entitlements (id) {
        id -> Text,
        user_id -> Text,
        course_id -> Text,
        source -> Text,
        source_id -> Nullable<Text>,
        reason -> Nullable<Text>,
        granted_by -> Nullable<Text>,
        granted_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    lesson_progress (user_id, lesson_id) {
        user_id -> Text,
        lesson_id -> Text,
        course_id -> Text,
        position_seconds -> Integer,
        started_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    exercise_answers (user_id, lesson_id) {
        user_id -> Text,
        lesson_id -> Text,
        answer -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    course_completions (user_id, course_id) {
        user_id -> Text,
        course_id -> Text,
        completed_at -> Timestamp,
    }
}

diesel::joinable!(course_modules -> courses (course_id));
diesel::joinable!(lessons -> course_modules (module_id));
diesel::joinable!(lesson_progress -> lessons (lesson_id));
diesel::joinable!(exercise_answers -> lessons (lesson_id));

diesel::allow_tables_to_appear_in_same_query!(
    courses,
    course_modules,
    lessons,
    course_entitlements,
    lesson_progress,
    exercise_answers,
    course_completions,
);

// PRO give-back (issue 11): session proposals.
diesel::table! {
    session_proposals (id) {
        id -> Text,
        user_id -> Text,
        title -> Text,
        format -> Text,
        description -> Text,
        space -> Text,
        proposed_times -> Text,
        time_zone -> Text,
        status -> Text,
        note -> Nullable<Text>,
        event_id -> Nullable<Text>,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(session_proposals, users);
diesel::allow_tables_to_appear_in_same_query!(session_proposals, events);

diesel::table! {
    event_feedback (event_id, occurrence_start, user_id) {
        event_id -> Text,
        occurrence_start -> Timestamp,
        user_id -> Text,
        clarity -> Integer,
        engagement -> Integer,
        usefulness -> Integer,
        worked -> Text,
        try_next -> Text,
        anonymous -> Bool,
        created_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(event_feedback, users);

diesel::table! {
    support_requests (id) {
        id -> Text,
        user_id -> Text,
        topic -> Text,
        body -> Text,
        urgency -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        first_response_at -> Nullable<Timestamp>,
        first_response_seconds -> Nullable<BigInt>,
    }
}

diesel::table! {
    support_messages (id) {
        id -> Text,
        request_id -> Text,
        author_id -> Text,
        from_host -> Bool,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(support_requests, support_messages, users);

// Badges awarded by peer consent (issue 12).
diesel::table! {
    badge_classes (id) {
        id -> Text,
        name -> Text,
        criteria -> Text,
        skills -> Text,
        required_reviewers -> Integer,
        status -> Text,
        proposed_by -> Nullable<Text>,
        proposal_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    badge_requests (id) {
        id -> Text,
        badge_class_id -> Text,
        user_id -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    badge_evidence (id) {
        id -> Text,
        request_id -> Text,
        text -> Text,
        url -> Nullable<Text>,
        added_at -> Timestamp,
    }
}

diesel::table! {
    badge_reviews (id) {
        id -> Text,
        request_id -> Text,
        reviewer_id -> Text,
        answer -> Text,
        reason -> Nullable<Text>,
        created_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
        resolution -> Nullable<Text>,
    }
}

diesel::table! {
    badge_awards (id) {
        id -> Text,
        badge_class_id -> Text,
        request_id -> Nullable<Text>,
        user_id -> Text,
        visibility -> Text,
        awarded_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
        revoked_by -> Nullable<Text>,
    }
}

diesel::joinable!(badge_requests -> badge_classes (badge_class_id));
diesel::joinable!(badge_awards -> badge_classes (badge_class_id));
diesel::joinable!(badge_evidence -> badge_requests (request_id));
diesel::joinable!(badge_reviews -> badge_requests (request_id));

diesel::allow_tables_to_appear_in_same_query!(
    badge_classes,
    badge_requests,
    badge_evidence,
    badge_reviews,
    badge_awards,
    users,
);

// Notification mail and digests (20261205500001_notification_mail).

diesel::table! {
    notification_mail_settings (user_id) {
        user_id -> Text,
        delivery -> Text,
        mail_enabled -> Bool,
        mail_since -> Timestamp,
        next_digest_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    notification_mailings (notification_id) {
        notification_id -> Text,
        user_id -> Text,
        outbox_id -> Nullable<Text>,
        mailed_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    notification_mail_settings,
    notification_mailings,
    notifications,
);
diesel::allow_tables_to_appear_in_same_query!(notification_mail_settings, posts);
diesel::allow_tables_to_appear_in_same_query!(notification_mail_settings, comments);
diesel::allow_tables_to_appear_in_same_query!(notification_mail_settings, users);
diesel::allow_tables_to_appear_in_same_query!(notification_mailings, posts);
diesel::allow_tables_to_appear_in_same_query!(notification_mailings, comments);

diesel::table! {
    webhook_endpoints (id) {
        id -> Text,
        url -> Text,
        description -> Text,
        events -> Text,
        secret -> Text,
        created_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        endpoint_id -> Text,
        event_type -> Text,
        payload -> Text,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        delivered_at -> Nullable<Timestamp>,
        given_up_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Text,
        delivery_id -> Text,
        attempted_at -> Timestamp,
        status_code -> Nullable<Integer>,
        succeeded -> Bool,
        error -> Nullable<Text>,
    }
}

diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));
diesel::allow_tables_to_appear_in_same_query!(
    webhook_endpoints,
    webhook_deliveries,
    webhook_attempts
);

// The Academy's enrolments (20261205300002_academy_enrolments).

diesel::table! {
    academy_cohorts (id) {
        id -> Text,
        name -> Text,
        capacity -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    academy_enrolments (id) {
        id -> Text,
        requested_by -> Nullable<Text>,
        org_name -> Text,
        org_size -> Integer,
        org_sector -> Text,
        org_country -> Text,
        org_languages -> Text,
        status -> Text,
        cohort_id -> Nullable<Text>,
        seat -> Nullable<Integer>,
        circle_id -> Nullable<Text>,
        confirmed_by -> Nullable<Text>,
        confirmed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    academy_enrolment_members (enrolment_id, user_id) {
        enrolment_id -> Text,
        user_id -> Text,
    }
}

diesel::joinable!(academy_enrolment_members -> academy_enrolments (enrolment_id));

diesel::allow_tables_to_appear_in_same_query!(
    academy_cohorts,
    academy_enrolments,
    academy_enrolment_members,
);
diesel::table! {
    newsletter_subscribers (id) {
        id -> Text,
        email -> Text,
        language -> Text,
        created_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
        token_hash -> Nullable<Text>,
        token_expires_at -> Nullable<Timestamp>,
        unsubscribe_token -> Text,
    }
}

diesel::table! {
    newsletter_issues (id) {
        id -> Text,
        subject -> Text,
        body -> Text,
        language -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        recipients -> Integer,
    }
}

diesel::table! {
    newsletter_deliveries (id) {
        id -> Text,
        issue_id -> Text,
        recipient -> Text,
        created_at -> Timestamp,
        queued_at -> Nullable<Timestamp>,
        outbox_id -> Nullable<Text>,
    }
}

diesel::joinable!(newsletter_deliveries -> newsletter_issues (issue_id));
diesel::allow_tables_to_appear_in_same_query!(
    newsletter_subscribers,
    newsletter_issues,
    newsletter_deliveries,
    outbox
);

diesel::table! {
    contact_messages (id) {
        id -> Text,
        name -> Text,
        email -> Text,
        subject -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

// 20261206400001_resource_themes_derivations: a resource a host derived from a discussion.
diesel::table! {
    resource_derivations (resource_id) {
        resource_id -> Text,
        post_id -> Text,
        post_space_id -> Text,
        derived_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(resource_derivations -> resources (resource_id));
diesel::allow_tables_to_appear_in_same_query!(resource_derivations, resources);

// Academy mentor matching (20261206100001_academy_mentors).

diesel::table! {
    academy_mentor_profiles (user_id) {
        user_id -> Text,
        languages -> Text,
        time_zone -> Text,
        topics -> Text,
        capacity -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    academy_mentorships (enrolment_id) {
        enrolment_id -> Text,
        mentor_id -> Text,
        place -> Integer,
        matched_by -> Nullable<Text>,
        matched_at -> Timestamp,
    }
}

diesel::table! {
    academy_enrolment_topics (enrolment_id, topic) {
        enrolment_id -> Text,
        topic -> Text,
    }
}

diesel::joinable!(academy_mentorships -> academy_enrolments (enrolment_id));
diesel::joinable!(academy_mentorships -> academy_mentor_profiles (mentor_id));
diesel::joinable!(academy_enrolment_topics -> academy_enrolments (enrolment_id));
diesel::allow_tables_to_appear_in_same_query!(
    academy_mentor_profiles,
    academy_mentorships,
    academy_enrolment_topics,
    academy_enrolments,
);

// The Academy's pods, delegates and the superpod's double link (20261206200001_academy_pods).

diesel::table! {
    academy_pods (circle_id) {
        circle_id -> Text,
        delegate_id -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    academy_pod_members (user_id) {
        user_id -> Text,
        pod_id -> Text,
        added_at -> Timestamp,
    }
}

diesel::table! {
    academy_linked_agreements (agreement_id) {
        agreement_id -> Text,
        topic -> Text,
        answering_circle_id -> Text,
        driver_id -> Text,
        answer_agreement_id -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(academy_pod_members -> academy_pods (pod_id));
diesel::joinable!(academy_pods -> circles (circle_id));

diesel::allow_tables_to_appear_in_same_query!(
    academy_pods,
    academy_pod_members,
    academy_linked_agreements,
    academy_enrolment_members,
    circles,
    users,
);

// 20261206300001_course_orders
diesel::table! {
    course_orders (id) {
        id -> Text,
        user_id -> Text,
        course_id -> Text,
        course_group -> Text,
        description -> Text,
        amount_cents -> BigInt,
        currency -> Text,
        status -> Text,
        checkout_id -> Text,
        checkout_url -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        paid_at -> Nullable<Timestamp>,
    }
}
