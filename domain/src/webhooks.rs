//! Outbound webhooks for integrators: the events an endpoint may subscribe to, what makes an
//! endpoint's URL acceptable (no request forgery into our own network), and the retry schedule.

use crate::{Error, FieldError, Result};
use chrono::Duration;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

crate::string_enum! {
    /// What happened, as sent in a delivery's `type`.
    pub enum WebhookEvent {
        MemberJoined => "member.joined",
        SubscriptionActivated => "subscription.activated",
        SubscriptionCancelled => "subscription.cancelled",
        SubscriptionExpired => "subscription.expired",
        PaymentReceived => "payment.received",
        RefundPaid => "refund.paid",
        ApplicationDecided => "application.decided",
        EventCreated => "event.created",
        BadgeAwarded => "badge.awarded",
    }
    field = "events";
}

/// A delivery is tried this many times before it is given up and its endpoint disabled.
pub const MAX_ATTEMPTS: i32 = 8;

/// The wait after each failed attempt, in seconds: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h
/// (the Standard Webhooks schedule), about 27.5 hours from the first try to the eighth.
const RETRY_SECONDS: [i64; 7] = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600];

/// When to try again after `failed` attempts in all; `None` once [`MAX_ATTEMPTS`] have failed.
pub fn retry_delay(failed: i32) -> Option<Duration> {
    if failed >= MAX_ATTEMPTS {
        return None;
    }
    let index = usize::try_from(failed.max(1) - 1).unwrap_or(0);
    RETRY_SECONDS.get(index).map(|s| Duration::seconds(*s))
}

pub const DESCRIPTION_MAX_CHARS: usize = 200;
pub const URL_MAX_CHARS: usize = 2000;

/// Which URLs an endpoint may have; both off in production.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UrlPolicy {
    /// `http://` as well as `https://` (`PRAXIS_WEBHOOKS_ALLOW_HTTP=on`).
    pub allow_http: bool,
    /// Loopback, private and other internal addresses (`PRAXIS_WEBHOOKS_ALLOW_PRIVATE=on`).
    pub allow_private: bool,
}

/// An endpoint URL that parsed: an absolute `https://` (or allowed `http://`) URL with a host,
/// no credentials and no fragment. Whether its host resolves to public addresses is checked
/// separately, at registration and again before every delivery ([`refuse_internal`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointUrl {
    url: url::Url,
}

impl EndpointUrl {
    pub fn parse(raw: &str, policy: UrlPolicy) -> Result<Self> {
        let bad = |message: &str| Error::field("url", message);
        let raw = raw.trim();
        if raw.chars().count() > URL_MAX_CHARS {
            return Err(bad("must be at most 2000 characters"));
        }
        let url = url::Url::parse(raw).map_err(|_| bad("must be an absolute URL"))?;
        match url.scheme() {
            "https" => {}
            "http" if policy.allow_http => {}
            _ => return Err(bad("must start with https://")),
        }
        if url.host().is_none() {
            return Err(bad("must name a host"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad("must not carry a user name or password"));
        }
        if url.fragment().is_some() {
            return Err(bad("must not have a fragment"));
        }
        let parsed = Self { url };
        if let Some(ip) = parsed.ip_literal() {
            refuse_internal(&[ip], policy)?;
        }
        Ok(parsed)
    }

    /// A URL stored after it was parsed once.
    pub fn from_trusted(raw: &str) -> Option<Self> {
        url::Url::parse(raw).ok().map(|url| Self { url })
    }

    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }

    /// The host to resolve (without IPv6 brackets).
    pub fn host(&self) -> String {
        match self.url.host() {
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            Some(host) => host.to_string(),
            None => String::new(),
        }
    }

    pub fn port(&self) -> u16 {
        self.url.port_or_known_default().unwrap_or(443)
    }

    fn ip_literal(&self) -> Option<IpAddr> {
        match self.url.host()? {
            url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
            url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
            url::Host::Domain(_) => None,
        }
    }
}

/// Refuses the addresses a host resolved to when ANY of them is internal (or none was found),
/// unless the policy allows private addresses.
pub fn refuse_internal(addresses: &[IpAddr], policy: UrlPolicy) -> Result<()> {
    if addresses.is_empty() {
        return Err(Error::field("url", "the host does not resolve"));
    }
    if policy.allow_private {
        return Ok(());
    }
    match addresses.iter().find(|ip| !is_public(**ip)) {
        Some(ip) => Err(Error::field(
            "url",
            format!("must reach a public address; {ip} is internal"),
        )),
        None => Ok(()),
    }
}

/// Whether `ip` is an address on the public internet: not loopback, private (RFC 1918),
/// link-local, unique-local (fc00::/7), shared CGNAT (100.64.0.0/10), unspecified, multicast,
/// broadcast, documentation or benchmarking; IPv4-mapped IPv6 addresses are judged as IPv4.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let cgnat = a == 100 && (64..128).contains(&b);
    let this_network = a == 0;
    let protocol_assignments = a == 192 && b == 0 && c == 0;
    let benchmarking = a == 198 && (b == 18 || b == 19);
    let reserved = a >= 240;
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || cgnat
        || this_network
        || protocol_assignments
        || benchmarking
        || reserved)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    let unique_local = (first & 0xfe00) == 0xfc00;
    let link_local = (first & 0xffc0) == 0xfe80;
    let documentation = first == 0x2001 && ip.segments()[1] == 0x0db8;
    let nat64 = first == 0x0064 && ip.segments()[1] == 0xff9b;
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || unique_local
        || link_local
        || documentation
        || nat64)
}

/// An endpoint as an admin registers it, every field checked.
#[derive(Debug, Clone)]
pub struct NewEndpoint {
    pub url: EndpointUrl,
    /// At least one, each once, in declaration order.
    pub events: Vec<WebhookEvent>,
    /// At most 200 characters, trimmed; may be empty.
    pub description: String,
}

impl NewEndpoint {
    /// Parses every field and names each one that is wrong.
    pub fn parse(
        url: &str,
        events: &[String],
        description: Option<&str>,
        policy: UrlPolicy,
    ) -> Result<Self> {
        let mut errors: Vec<FieldError> = Vec::new();
        let url = EndpointUrl::parse(url, policy).map_err(|e| {
            if let Error::Validation(found) = e {
                errors.extend(found);
            }
        });
        let mut parsed = Vec::new();
        for (i, raw) in events.iter().enumerate() {
            match WebhookEvent::from_str_opt_checked(raw) {
                Some(event) => parsed.push(event),
                None => errors.push(FieldError::new(
                    format!("events[{i}]"),
                    format!("must be one of: {}", WebhookEvent::ALL.join(", ")),
                )),
            }
        }
        if events.is_empty() {
            errors.push(FieldError::new("events", "must name at least one event"));
        }
        parsed.sort();
        parsed.dedup();
        let description = description.unwrap_or_default().trim().to_owned();
        if description.chars().count() > DESCRIPTION_MAX_CHARS {
            errors.push(FieldError::new(
                "description",
                format!("must be at most {DESCRIPTION_MAX_CHARS} characters"),
            ));
        }
        match url {
            Ok(url) if errors.is_empty() => Ok(Self {
                url,
                events: parsed,
                description,
            }),
            _ => Err(Error::Validation(errors)),
        }
    }
}

impl WebhookEvent {
    fn from_str_opt_checked(raw: &str) -> Option<Self> {
        <Self as crate::StringEnum>::from_str_opt(raw)
    }

    /// Parses a stored comma-separated list, skipping names this version does not know.
    pub fn parse_list(stored: &str) -> Vec<Self> {
        stored
            .split(',')
            .filter_map(Self::from_str_opt_checked)
            .collect()
    }

    /// The comma-separated form stored in `webhook_endpoints.events`.
    pub fn join_list(events: &[Self]) -> String {
        events
            .iter()
            .map(Self::as_str)
            .collect::<Vec<_>>()
            .join(",")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const STRICT: UrlPolicy = UrlPolicy {
        allow_http: false,
        allow_private: false,
    };

    fn refused(raw: &str) -> bool {
        EndpointUrl::parse(raw, STRICT).is_err()
    }

    #[test]
    fn only_https_urls_are_accepted_unless_http_is_allowed() {
        assert!(!refused("https://hooks.example.com/praxis"));
        assert!(refused("http://hooks.example.com/praxis"));
        assert!(refused("ftp://hooks.example.com/"));
        let http = UrlPolicy {
            allow_http: true,
            allow_private: false,
        };
        assert!(EndpointUrl::parse("http://hooks.example.com/", http).is_ok());
    }

    #[test]
    fn internal_address_literals_are_refused() {
        for raw in [
            "https://127.0.0.1/x",
            "https://10.1.2.3/",
            "https://172.16.0.1/",
            "https://192.168.1.1/",
            "https://169.254.169.254/latest",
            "https://100.64.0.1/",
            "https://0.0.0.0/",
            "https://[::1]/",
            "https://[fd00::1]/",
            "https://[fe80::1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://[::]/",
        ] {
            assert!(refused(raw), "{raw}");
        }
        assert!(!refused("https://93.184.215.14/"));
        assert!(!refused(
            "https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/"
        ));
    }

    #[test]
    fn any_internal_resolved_address_refuses_the_host() {
        let public: IpAddr = "93.184.215.14".parse().unwrap();
        let loopback: IpAddr = "127.0.0.1".parse().unwrap();
        assert!(refuse_internal(&[public], STRICT).is_ok());
        assert!(refuse_internal(&[public, loopback], STRICT).is_err());
        assert!(refuse_internal(&[], STRICT).is_err());
        let open = UrlPolicy {
            allow_http: true,
            allow_private: true,
        };
        assert!(refuse_internal(&[loopback], open).is_ok());
    }

    #[test]
    fn urls_with_credentials_are_refused() {
        assert!(refused("https://user:pw@hooks.example.com/"));
    }

    #[test]
    fn webhook_retries_follow_the_documented_schedule_and_stop_after_eight_attempts() {
        let waits: Vec<Option<i64>> = (1..=8)
            .map(|n| retry_delay(n).map(|d| d.num_seconds()))
            .collect();
        assert_eq!(
            waits,
            vec![
                Some(5),
                Some(300),
                Some(1800),
                Some(7200),
                Some(18000),
                Some(36000),
                Some(36000),
                None
            ]
        );
    }

    #[test]
    fn an_endpoint_needs_known_events() {
        let bad = NewEndpoint::parse("https://h.example.com/", &["nope".into()], None, STRICT);
        assert!(bad.is_err());
        let none = NewEndpoint::parse("https://h.example.com/", &[], None, STRICT);
        assert!(none.is_err());
        let ok = NewEndpoint::parse(
            "https://h.example.com/",
            &[
                "refund.paid".into(),
                "member.joined".into(),
                "refund.paid".into(),
            ],
            Some("  CRM  "),
            STRICT,
        )
        .unwrap();
        assert_eq!(
            ok.events,
            vec![WebhookEvent::MemberJoined, WebhookEvent::RefundPaid]
        );
        assert_eq!(ok.description, "CRM");
    }
}
