//! Kinds of mail a member can turn off. Bulk and notification mail (reminders, digests,
//! notifications) belongs to a category and carries a one-click opt-out; transactional mail
//! (receipts, sign-in links, waitlist offers, decisions) answers something the member did or is
//! owed, belongs to none and is always sent.

crate::string_enum! {
    /// A kind of mail a member can turn off with one click (RFC 8058).
    pub enum MailCategory {
        /// Reminders 24 hours and 1 hour before events the member RSVP'd to.
        EventReminders => "event_reminders",
        /// Mail about notifications: each one at once, or daily or weekly digests.
        Notifications => "notifications",
    }
    field = "category";
}

impl MailCategory {
    /// What turning this category off stops, in words a member reads before confirming.
    pub fn description(self) -> &'static str {
        match self {
            Self::EventReminders => {
                "Email reminders 24 hours and 1 hour before events you RSVP'd to."
            }
            Self::Notifications => {
                "Email about replies, mentions and new posts, one by one or as a daily or weekly digest."
            }
        }
    }
}
