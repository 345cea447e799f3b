//! A member buys the e-course on its own (DOMAIN.md "Learning"): a pending order and a one-off
//! checkout through the payment port, like a plan's first payment; when the provider confirms
//! it (webhook or the local provider's page, the same path as plan payments), the payment, the
//! `purchase` entitlement, its own invoice (next number of the shared gapless sequence) and a
//! receipt are written in one transaction, once whatever the retries. The entitlement holds
//! while its payment is not refunded whole: that is derived from the payment at each read
//! (`entitlements::held`), so any refund path counts.

use crate::access::ViewerContext;
use crate::billing::webhook::{Outcome, PaymentSucceeded};
use crate::billing::{mail_member, messages};
use crate::entitlements::held;
use crate::error::{Error, Result};
use crate::learning::signed_in;
use crate::mail_links::MailLinks;
use chrono::{DateTime, Utc};
use praxis_domain::courses::{self as rules, CourseOrderStatus, EntitlementSource};
use praxis_domain::ids::{CourseId, CourseOrderId, EntitlementId, UserId};
use praxis_domain::payments::{Checkout, CheckoutRequest, ProviderKind, Purchase};
use praxis_domain::webhooks::WebhookEvent;
use praxis_domain::{Currency, FieldError, Money};
use praxis_persistence::course_members::{self as members, NewEntitlementRow};
use praxis_persistence::course_orders::{self as repo, CourseOrderRow, NewCourseOrderRow};
use praxis_persistence::courses::{self as content, CourseRow};
use praxis_persistence::payments::{self, PaymentRow};
use praxis_persistence::refunds::{self, RefundRow};
use praxis_persistence::{audit, plans, subscriptions, to_db_time, DbConnection};

/// The checkout id of an order whose provider checkout is not open yet.
const UNATTACHED: &str = "pending_";

/// What a yearly refund deducts for the e-course on each paid plan: the one figure a course
/// without a price of its own is sold at (`rules::course_prices`).
pub fn e_course_deductions(conn: &mut DbConnection) -> Result<Vec<Money>> {
    Ok(plans::all(conn)?
        .into_iter()
        .filter(|p| p.slug.is_paid())
        .map(|p| p.e_course_deduction)
        .collect())
}

/// A course's own price, as stored.
pub fn own_price(course: &CourseRow) -> Result<Option<Money>> {
    match (course.price_cents, course.price_currency.as_deref()) {
        (Some(cents), Some(code)) => Ok(Some(Money {
            cents,
            currency: Currency::parse("price.currency", code)
                .map_err(|_| Error::internal(format!("course {} has a bad currency", course.id)))?,
        })),
        _ => Ok(None),
    }
}

/// What `course` costs bought alone, given the plans' e-course deductions.
pub fn prices_of(course: &CourseRow, deductions: &[Money]) -> Result<Vec<Money>> {
    Ok(rules::course_prices(
        own_price(course)?,
        course.included_with_yearly,
        deductions,
    ))
}

/// A started purchase, and the order to open its checkout with; no order when the member's
/// pending order has its checkout open already (they are answered it again).
pub struct Started {
    pub order: CourseOrderRow,
    pub checkout: Option<CheckoutRequest>,
}

/// Starts buying a published course alone: 404 for an unknown or draft course, 409
/// `already-entitled` when the member holds it, 409 `course-not-for-sale` when it has no
/// price, 422 `currency` when the currency asked is not offered (or one must be chosen). A
/// pending order of the same course is answered again rather than doubled (409
/// `checkout-pending` when it is in another currency). Run in a write transaction; the
/// checkout is opened after commit, outside it.
pub fn start(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    course: &CourseId,
    currency: Option<&str>,
    provider: ProviderKind,
    now: DateTime<Utc>,
) -> Result<Started> {
    let member = signed_in(ctx)?;
    subscriptions::lock_user(conn, &member)?;
    let course = content::find_course(conn, course.as_str())?
        .filter(|c| c.published)
        .ok_or(Error::NotFound("course"))?;
    if !held(conn, &member, Some(&course.translation_group))?.is_empty() {
        return Err(Error::conflict(
            "already-entitled",
            "You already have this course: open its lessons.",
        ));
    }
    let price = rules::choose_price(&prices_of(&course, &e_course_deductions(conn)?)?, currency)?;
    let order = match repo::pending_of(conn, member.as_str(), &course.translation_group)? {
        Some(pending) if pending.currency != price.currency.as_str() => {
            return Err(Error::conflict(
                "checkout-pending",
                format!(
                    "You have a checkout for this course waiting for payment in {}; pay it there.",
                    pending.currency
                ),
            ))
        }
        Some(pending) if !pending.checkout_id.starts_with(UNATTACHED) => {
            return Ok(Started {
                order: pending,
                checkout: None,
            })
        }
        Some(pending) => pending,
        None => open_order(conn, &member, &course, price, now)?,
    };
    let checkout = checkout_request(conn, &order, provider)?;
    Ok(Started {
        order,
        checkout: Some(checkout),
    })
}

fn open_order(
    conn: &mut DbConnection,
    member: &UserId,
    course: &CourseRow,
    price: Money,
    now: DateTime<Utc>,
) -> Result<CourseOrderRow> {
    let id = CourseOrderId::new().into_inner();
    let at = to_db_time(now);
    repo::insert(
        conn,
        NewCourseOrderRow {
            checkout_id: format!("{UNATTACHED}{id}"),
            id: id.clone(),
            user_id: member.as_str().to_owned(),
            course_id: course.id.clone(),
            course_group: course.translation_group.clone(),
            description: format!(
                "E-course \u{201c}{}\u{201d}, bought on its own",
                course.title
            ),
            amount_cents: price.cents,
            currency: price.currency.to_string(),
            status: CourseOrderStatus::Pending,
            checkout_url: String::new(),
            created_at: at,
            updated_at: at,
        },
    )?;
    audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            Some(member),
            "course_order.created",
            "course_order",
            &id,
            None,
            Some(&serde_json::json!({
                "course_id": course.translation_group, "amount": price.cents,
                "currency": price.currency.as_str(),
            })),
            now,
        ),
    )?;
    repo::find(conn, &id)?.ok_or(Error::NotFound("course order"))
}

fn order_money(order: &CourseOrderRow) -> Result<Money> {
    Ok(Money {
        cents: order.amount_cents,
        currency: Currency::parse("currency", &order.currency)
            .map_err(|_| Error::internal(format!("order {} has a bad currency", order.id)))?,
    })
}

/// The provider order for a course order: its price, paid once by the member's customer.
fn checkout_request(
    conn: &mut DbConnection,
    order: &CourseOrderRow,
    provider: ProviderKind,
) -> Result<CheckoutRequest> {
    Ok(CheckoutRequest {
        purchase: Purchase::Course(order.id.clone()),
        idempotency_key: format!("course-checkout-{}", order.id),
        payer: crate::billing::payer(conn, &order.user_id, provider)?,
        description: order.description.clone(),
        amount: order_money(order)?,
    })
}

/// Records the provider's checkout on the order, and keeps the provider's customer for the
/// member so later payments reuse it.
pub fn attach_checkout(
    conn: &mut DbConnection,
    id: &str,
    provider: ProviderKind,
    checkout: &Checkout,
    now: DateTime<Utc>,
) -> Result<CourseOrderRow> {
    let at = to_db_time(now);
    let order = repo::find(conn, id)?.ok_or(Error::NotFound("course order"))?;
    repo::set_checkout(
        conn,
        id,
        &checkout.checkout_id,
        checkout.url.as_deref().unwrap_or_default(),
        at,
    )?;
    if let Some(secret) = &checkout.client_secret {
        payments::keep_client_secret(conn, &checkout.checkout_id, secret, at)?;
    }
    if let Some(customer) = &checkout.customer_reference {
        payments::keep_customer_reference(conn, &order.user_id, provider.as_str(), customer, at)?;
    }
    repo::find(conn, id)?.ok_or(Error::NotFound("course order"))
}

/// The provider could not open a checkout: the order is abandoned, nothing was charged.
pub fn checkout_failed(conn: &mut DbConnection, id: &str, now: DateTime<Utc>) -> Result<()> {
    repo::close(conn, id, CourseOrderStatus::Abandoned, to_db_time(now))?;
    Ok(())
}

/// The client secret of a pending order's checkout (Stripe Elements confirms it), if any.
pub fn client_secret(conn: &mut DbConnection, order: &CourseOrderRow) -> Result<Option<String>> {
    if order.status != CourseOrderStatus::Pending {
        return Ok(None);
    }
    Ok(
        payments::client_secrets(conn, std::slice::from_ref(&order.checkout_id))?
            .into_iter()
            .next()
            .map(|(_, secret)| secret),
    )
}

/// One of the caller's course orders; someone else's reads as unknown.
pub fn find_mine(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &CourseOrderId,
) -> Result<CourseOrderRow> {
    let member = signed_in(ctx)?;
    repo::find(conn, id.as_str())?
        .filter(|o| o.user_id == member.as_str())
        .ok_or(Error::NotFound("course order"))
}

fn refuse(field: &str, message: impl Into<String>) -> Error {
    Error::invalid(vec![FieldError::new(field, message)])
}

/// The provider confirmed the payment of `order` (the event id already recorded by the
/// caller): the payment, the `purchase` entitlement, its invoice, a receipt and the audit
/// entry, in the caller's write transaction. A paid order is a replay; an amount or currency
/// that does not match is refused (422) and changes nothing.
pub fn paid(
    conn: &mut DbConnection,
    order: CourseOrderRow,
    event: &PaymentSucceeded,
    links: &MailLinks,
    now: DateTime<Utc>,
) -> Result<Outcome> {
    let at = to_db_time(now);
    match order.status {
        CourseOrderStatus::Paid => return Ok(Outcome::Replayed),
        CourseOrderStatus::Abandoned => {
            return Err(Error::conflict(
                "checkout-closed",
                "This course order was abandoned; the payment cannot be applied.",
            ))
        }
        CourseOrderStatus::Pending => {}
    }
    if event.currency != order.currency {
        return Err(refuse(
            "data.currency",
            format!("expected {}", order.currency),
        ));
    }
    if event.amount_cents != order.amount_cents {
        return Err(refuse(
            "data.amount",
            format!("expected {}", order.amount_cents),
        ));
    }
    // A concurrent delivery that moved it first leaves nothing for this one.
    if !repo::close(conn, &order.id, CourseOrderStatus::Paid, at)? {
        return Ok(Outcome::Replayed);
    }
    let payment = PaymentRow {
        id: uuid::Uuid::now_v7().to_string(),
        subscription_id: None,
        user_id: order.user_id.clone(),
        provider_event_id: event.event_id.clone(),
        amount_cents: order.amount_cents,
        credit_applied_cents: 0,
        currency: order.currency.clone(),
        refunded_cents: 0,
        paid_at: at,
        // A purchase pays no period: the course is kept for good.
        period_start: at,
        period_end: at,
        provider_payment_id: Some(event.checkout_id.clone()),
        course_order_id: Some(order.id.clone()),
    };
    payments::insert(conn, &payment)?;
    members::insert_entitlement(
        conn,
        NewEntitlementRow {
            id: EntitlementId::new().into_inner(),
            user_id: order.user_id.clone(),
            course_id: order.course_group.clone(),
            source: EntitlementSource::Purchase,
            source_id: Some(payment.id.clone()),
            reason: None,
            granted_by: None,
            granted_at: at,
        },
    )?;
    let number = crate::billing::issue_invoice(conn, &payment, order.description.clone(), now)?;
    let money = order_money(&order)?;
    let hub = links.hub();
    mail_member(conn, &order.user_id, "receipt", at, |name| {
        messages::course_receipt(name, &number, money, &order.description, &hub)
    })?;
    audit::record(
        conn,
        &crate::audit::entry(
            None,
            "course_order.paid",
            "course_order",
            &order.id,
            Some(&serde_json::json!({"status": CourseOrderStatus::Pending.as_str()})),
            Some(&serde_json::json!({
                "status": CourseOrderStatus::Paid.as_str(), "payment_id": payment.id,
                "amount": order.amount_cents, "invoice": number,
            })),
            now,
        ),
    )?;
    crate::webhooks::emit(
        conn,
        WebhookEvent::PaymentReceived,
        serde_json::json!({
            "payment_id": payment.id, "subscription_id": null, "course_order_id": order.id,
            "member_id": payment.user_id,
            "amount": {"amount": payment.amount_cents, "currency": payment.currency},
        }),
        now,
    )?;
    Ok(Outcome::Applied {
        invoice_number: number,
    })
}

/// The provider reports the order's payment failed (a declined card): nothing is granted or
/// recorded but the audit entry; the order stays pending for the member to pay again.
pub fn payment_failed(
    conn: &mut DbConnection,
    order: &CourseOrderRow,
    event_id: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            None,
            "course_order.payment_failed",
            "course_order",
            &order.id,
            None,
            Some(&serde_json::json!({
                "checkout_id": order.checkout_id, "reason": reason, "event": event_id,
            })),
            now,
        ),
    )?;
    Ok(())
}

/// A host refunds a course bought alone, whole (what remains unrefunded of its payment): the
/// course is taken back at once (the entitlement reads the payment), the refund is paid
/// through the provider after commit like an approved request's. 404 for an unknown order, 409
/// `nothing-paid` for an unpaid one, 409 `nothing-refundable` once all of it is refunded. Run
/// in a write transaction; audited, and the member is told by mail.
pub fn refund(
    conn: &mut DbConnection,
    ctx: &ViewerContext,
    id: &CourseOrderId,
    now: DateTime<Utc>,
) -> Result<RefundRow> {
    let host = signed_in(ctx)?;
    if !crate::entitlements::is_host(ctx) {
        return Err(Error::forbidden(
            "host-role-required",
            "Only hosts and admins may do this.",
        ));
    }
    let order = repo::find(conn, id.as_str())?.ok_or(Error::NotFound("course order"))?;
    let payment = payments::find_by_course_order(conn, &order.id)?
        .ok_or_else(|| Error::conflict("nothing-paid", "This course order was never paid."))?;
    let paid = crate::billing::LockedPayment::lock(conn, &payment.id)?.row;
    let remaining = paid.amount_cents - paid.refunded_cents;
    if remaining <= 0 {
        return Err(Error::conflict(
            "nothing-refundable",
            "This course's payment is refunded already.",
        ));
    }
    let at = to_db_time(now);
    payments::add_refunded(conn, &paid.id, remaining)?;
    let row = RefundRow::pending(None, &paid.id, remaining, &paid.currency, at);
    refunds::insert_refund(conn, &row)?;
    let money = Money {
        cents: remaining,
        ..order_money(&order)?
    };
    mail_member(conn, &order.user_id, "refund_decision", at, |name| {
        messages::refund_decision(name, true, money, None)
    })?;
    audit::record(
        conn,
        &crate::audit::entry::<(), _>(
            Some(&host),
            "course_order.refunded",
            "course_order",
            &order.id,
            None,
            Some(&serde_json::json!({
                "refund_id": row.id, "payment_id": paid.id, "amount": remaining,
            })),
            now,
        ),
    )?;
    Ok(row)
}
