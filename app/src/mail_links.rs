//! Where the links in mail point. People open them in a browser, so they go to the SPA
//! (`PRAXIS_APP_URL`), which calls the API; only the `List-Unsubscribe` header, which mail clients
//! POST to themselves (RFC 8058), names the API (`PRAXIS_PUBLIC_URL`). The README lists the SPA
//! routes these build, which the SPA must serve.

use praxis_domain::plans::PlanSlug;

/// The bases of the links mail carries, without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailLinks {
    /// The SPA, where people land.
    pub app_url: String,
    /// The API, for links that machines follow.
    pub api_url: String,
}

impl MailLinks {
    /// The customer hub's sign-in: the SPA exchanges `token` at `POST /api/v1/hub/sessions`.
    pub fn hub_sign_in(&self, token: &str) -> String {
        format!("{}/hub?token={token}", self.app_url)
    }

    /// The customer hub's front door, where a person asks for a sign-in link by email.
    pub fn hub(&self) -> String {
        format!("{}/hub", self.app_url)
    }

    /// Email verification: the SPA sends `token` to `POST /api/v1/auth/verify-email`.
    pub fn verify_email(&self, token: &str) -> String {
        format!("{}/verify-email?token={token}", self.app_url)
    }

    /// Password reset: the SPA asks for a new password and sends it with `token` to
    /// `POST /api/v1/auth/password-reset/confirm`.
    pub fn password_reset(&self, token: &str) -> String {
        format!("{}/reset-password?token={token}", self.app_url)
    }

    /// A new address's confirmation: the SPA sends `token` to `POST /api/v1/me/email/confirm`.
    pub fn confirm_email(&self, token: &str) -> String {
        format!("{}/confirm-email?token={token}", self.app_url)
    }

    /// Where a person who forgot their password asks for a reset link.
    pub fn forgot_password(&self) -> String {
        format!("{}/reset-password", self.app_url)
    }

    /// A plan's page, where a member subscribes.
    pub fn plan(&self, plan: PlanSlug) -> String {
        format!("{}/plans/{}", self.app_url, plan.as_str())
    }

    /// An event's page.
    pub fn event(&self, id: &str) -> String {
        format!("{}/events/{id}", self.app_url)
    }

    /// A post's page (notification mail and digests).
    pub fn post(&self, id: &str) -> String {
        format!("{}/posts/{id}", self.app_url)
    }

    /// The page that shows what an unsubscribe token turns off and confirms it, for a person
    /// reading the mail (the SPA answers with `GET`, confirms with `POST /api/v1/unsubscribe/…`).
    pub fn unsubscribe_page(&self, token: &str) -> String {
        format!("{}/unsubscribe/{token}", self.app_url)
    }

    /// A built data export, downloaded once straight from the API (a browser saves it).
    pub fn export_download(&self, token: &str) -> String {
        format!("{}/api/v1/me/export/{token}", self.api_url)
    }

    /// A newsletter subscription's confirmation: the SPA sends `token` to
    /// `POST /api/v1/newsletter/confirm`.
    pub fn newsletter_confirm(&self, token: &str) -> String {
        format!("{}/newsletter/confirm?token={token}", self.app_url)
    }

    /// Leaving the newsletter from a mail: the SPA sends `token` to
    /// `POST /api/v1/newsletter/unsubscribe`.
    pub fn newsletter_unsubscribe_page(&self, token: &str) -> String {
        format!("{}/newsletter/unsubscribe?token={token}", self.app_url)
    }

    /// The one-click newsletter opt-out a mail client POSTs to (`List-Unsubscribe`).
    pub fn newsletter_one_click(&self, token: &str) -> String {
        format!("{}/api/v1/newsletter/unsubscribe/{token}", self.api_url)
    }

    /// The one-click opt-out a mail client POSTs to (`List-Unsubscribe`).
    pub fn one_click_unsubscribe(&self, token: &str) -> String {
        format!("{}/api/v1/unsubscribe/{token}", self.api_url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_people_open_go_to_the_app_and_one_click_opt_out_to_the_api() {
        let links = MailLinks {
            app_url: "https://app.example".to_owned(),
            api_url: "https://api.example".to_owned(),
        };
        assert_eq!(links.hub_sign_in("t"), "https://app.example/hub?token=t");
        assert_eq!(links.hub(), "https://app.example/hub");
        assert_eq!(
            links.plan(PlanSlug::Practitioner),
            "https://app.example/plans/practitioner"
        );
        assert_eq!(links.event("e1"), "https://app.example/events/e1");
        assert_eq!(links.post("p1"), "https://app.example/posts/p1");
        assert_eq!(
            links.verify_email("v"),
            "https://app.example/verify-email?token=v"
        );
        assert_eq!(
            links.password_reset("r"),
            "https://app.example/reset-password?token=r"
        );
        assert_eq!(
            links.confirm_email("c"),
            "https://app.example/confirm-email?token=c"
        );
        assert_eq!(
            links.forgot_password(),
            "https://app.example/reset-password"
        );
        assert_eq!(
            links.unsubscribe_page("u"),
            "https://app.example/unsubscribe/u"
        );
        assert_eq!(
            links.one_click_unsubscribe("u"),
            "https://api.example/api/v1/unsubscribe/u"
        );
    }
}
