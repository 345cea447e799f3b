//! The text of the mails billing sends. Plain text: it reads well in every client.

use praxis_domain::Money;

/// An amount as people read it, in its own currency: `25.00 EUR`, `2500 JPY`.
pub fn amount(money: Money) -> String {
    money.to_string()
}

/// The receipt of a course bought on its own.
pub fn course_receipt(
    name: &str,
    invoice_number: &str,
    paid: Money,
    description: &str,
    hub: &str,
) -> (String, String) {
    (
        format!("Your Praxis receipt {invoice_number}"),
        format!(
            "Hello {name},\n\nthank you for your payment of {} for the {description}.\n\
             Invoice: {invoice_number}\nThe course is yours: open its lessons whenever you like.\n\n\
             In the customer hub you can see your invoices and update your billing address. Open\n\
             it and enter the email you paid with; we mail you a sign-in link:\n{hub}\n\n— Praxis",
            amount(paid)
        ),
    )
}

/// The receipt of a paid period; `credit` is what an upgrade's credit took off the price. It
/// carries the customer hub's link the community's FAQ promises ("by following the link in the
/// email you received with the invoice"): `hub` is the hub's page in the app, where the member
/// asks for a sign-in link. Not a sign-in link itself: those work once for 15 minutes, while this
/// one must work whenever the member comes back, and receipts get forwarded to bookkeepers, who
/// must not get into the member's billing with them.
pub fn receipt(
    name: &str,
    invoice_number: &str,
    paid: Money,
    credit: Money,
    plan: &str,
    period_end: &str,
    hub: &str,
) -> (String, String) {
    let credited = if credit.cents > 0 {
        format!(
            " (the price of {} less {} credited from your earlier subscription)",
            amount(Money {
                cents: paid.cents + credit.cents,
                ..paid
            }),
            amount(credit)
        )
    } else {
        String::new()
    };
    (
        format!("Your Praxis receipt {invoice_number}"),
        format!(
            "Hello {name},\n\nthank you for your payment of {}{credited} for the {plan} plan.\n\
             Invoice: {invoice_number}\nYour paid period ends on {period_end} (UTC).\n\n\
             In the customer hub you can see your invoices, update your billing address, cancel\n\
             or ask for a refund. Open it and enter the email you paid with; we mail you a\n\
             sign-in link:\n{hub}\n\n— Praxis",
            amount(paid)
        ),
    )
}

pub fn cancellation(name: &str, plan: &str) -> (String, String) {
    (
        format!("Your {plan} subscription is cancelled"),
        format!(
            "Hello {name},\n\nyour {plan} subscription is cancelled and its spaces are closed to \
             you from now on. You can still ask for a refund of what your plan's refund rules \
             allow, and you are welcome back any time.\n\n— Praxis"
        ),
    )
}

/// `link` is the plan's page in the app, where the member subscribes.
pub fn waitlist_offer(name: &str, plan: &str, until: &str, link: &str) -> (String, String) {
    (
        format!("A place in the {plan} plan is yours until {until}"),
        format!(
            "Hello {name},\n\na place has opened in the {plan} plan and it is held for you until \
             {until} (UTC). Subscribe before then to take it:\n{link}\n\n— Praxis"
        ),
    )
}

pub fn refund_decision(
    name: &str,
    approved: bool,
    refunded: Money,
    note: Option<&str>,
) -> (String, String) {
    let note = note
        .map(|n| format!("\n\nA note from the hosts: {n}"))
        .unwrap_or_default();
    if approved {
        (
            "Your refund is approved".to_owned(),
            format!(
                "Hello {name},\n\nyour refund of {} is approved and on its way back to how you \
                 paid.{note}\n\n— Praxis",
                amount(refunded)
            ),
        )
    } else {
        (
            "About your refund request".to_owned(),
            format!("Hello {name},\n\nyour refund request was not approved.{note}\n\n— Praxis"),
        )
    }
}

/// A renewal charge failed. `next` is when it is tried again, if it will be; `hub` is where the
/// member puts another card on file.
pub fn renewal_failed(
    name: &str,
    plan: &str,
    price: Money,
    reason: &str,
    next: Option<&str>,
    access_until: &str,
    hub: &str,
) -> (String, String) {
    let retry = match next {
        Some(at) => format!("We will try again on {at} (UTC)."),
        None => "That was our last try.".to_owned(),
    };
    (
        format!("Your {plan} renewal payment failed"),
        format!(
            "Hello {name},\n\nwe could not charge {} for the renewal of your {plan} plan: \
             {reason}\n{retry} Your access continues until {access_until} (UTC); if no payment \
             succeeds by then, your subscription ends and its place goes to the next person \
             waiting.\n\nTo pay with another card, open the customer hub, enter the email you \
             paid with and update your payment method; the next try charges it:\n{hub}\n\n— Praxis",
            amount(price)
        ),
    )
}

/// A subscription ended because its renewal never succeeded during the grace period; `plan_page`
/// is where the member subscribes again.
pub fn renewal_ended(name: &str, plan: &str, plan_page: &str) -> (String, String) {
    (
        format!("Your {plan} subscription has ended"),
        format!(
            "Hello {name},\n\nwe could not charge the renewal of your {plan} plan during the grace \
             period, so your subscription has ended and its spaces are closed to you from now \
             on. You are welcome back any time:\n{plan_page}\n\n— Praxis"
        ),
    )
}
