//! Price assistance: a member whose means do not reach a plan's price asks for a lower one; a
//! host grants a reduced price (an explicit, audited price override) or declines.

use crate::error::Errors;
use crate::plans::{BillingPeriod, Plan, PlanSlug, PriceVersion};
use crate::{Error, Money, Result};

pub const MAX_MESSAGE_CHARS: usize = 4000;
pub const MAX_NOTE_CHARS: usize = 2000;

/// A request as typed; `proposed_amount` already parsed as money by the caller.
#[derive(Debug, Clone)]
pub struct AssistanceDraft {
    pub plan: String,
    pub billing_period: String,
    pub message: String,
    pub proposed_amount: Result<Money>,
}

/// A valid request: a paid plan and period, a message, and the price the member proposes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssistanceRequest {
    pub plan: PlanSlug,
    pub billing_period: BillingPeriod,
    pub message: String,
    pub proposed_amount: Money,
}

impl AssistanceRequest {
    pub fn parse(draft: AssistanceDraft) -> Result<Self> {
        let mut errors = Errors::new();
        let plan = match PlanSlug::parse(&draft.plan) {
            Ok(plan) if plan.is_paid() => Some(plan),
            Ok(_) => {
                errors.push(
                    "plan",
                    "the Lobby is free; ask for assistance with practitioner or pro",
                );
                None
            }
            Err(_) => {
                errors.push("plan", "must be one of: practitioner, pro");
                None
            }
        };
        let billing_period = errors.take(BillingPeriod::parse(
            "billing_period",
            &draft.billing_period,
        ));
        let message = draft.message.trim().to_owned();
        if message.is_empty() {
            errors.push(
                "message",
                "is required: tell the hosts about your situation",
            );
        } else if message.chars().count() > MAX_MESSAGE_CHARS {
            errors.push(
                "message",
                format!("must be at most {MAX_MESSAGE_CHARS} characters"),
            );
        }
        let proposed_amount = errors.take(draft.proposed_amount);
        errors.finish()?;
        match (plan, billing_period, proposed_amount) {
            (Some(plan), Some(billing_period), Some(proposed_amount)) => Ok(Self {
                plan,
                billing_period,
                message,
                proposed_amount,
            }),
            _ => Err(Error::field("", "the request is incomplete")),
        }
    }

    /// The proposal must be a reduction of the plan's regular price, in the plan's currency.
    pub fn check_against(&self, plan: &Plan) -> Result<()> {
        check_reduced_price(
            "proposed_amount",
            self.billing_period,
            self.proposed_amount,
            plan,
        )
    }
}

/// A granted price is a reduction: in the plan's currency and not above its regular price for
/// the period.
pub fn check_reduced_price(
    field: &str,
    period: BillingPeriod,
    amount: Money,
    plan: &Plan,
) -> Result<()> {
    let currency = plan.currency;
    if amount.currency != currency {
        return Err(Error::field(
            format!("{field}.currency"),
            format!("must be {currency}, the plan's currency"),
        ));
    }
    if let Some(regular) = plan.price(period, PriceVersion::Regular) {
        if amount.cents > regular.amount.cents {
            return Err(Error::field(
                format!("{field}.amount"),
                format!(
                    "must not be above the regular {} price ({} cents)",
                    period.as_str(),
                    regular.amount.cents
                ),
            ));
        }
    }
    Ok(())
}

crate::string_enum! {
    /// Where a request for price assistance is in its life.
    pub enum AssistanceStatus {
        Pending => "pending",
        Granted => "granted",
        Declined => "declined",
    }
    field = "status", field_param;
}

/// A host's answer to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssistanceDecision {
    Grant { amount: Money, note: Option<String> },
    Decline { note: Option<String> },
}

impl AssistanceDecision {
    /// `grant` needs the granted amount; `decline` takes none.
    pub fn parse(
        decision: &str,
        amount: Option<Result<Money>>,
        note: Option<String>,
    ) -> Result<Self> {
        let mut errors = Errors::new();
        let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        if note
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
        {
            errors.push(
                "note",
                format!("must be at most {MAX_NOTE_CHARS} characters"),
            );
        }
        let decision = match decision {
            "grant" => match amount {
                None => {
                    errors.push(
                        "amount",
                        "is required to grant: the price the member will pay",
                    );
                    None
                }
                Some(amount) => errors.take(amount).map(|amount| Self::Grant {
                    amount,
                    note: note.clone(),
                }),
            },
            "decline" => {
                if amount.is_some() {
                    errors.push("amount", "must be left out when declining");
                }
                Some(Self::Decline { note: note.clone() })
            }
            _ => {
                errors.push("decision", "must be one of: grant, decline");
                None
            }
        };
        errors.finish()?;
        decision.ok_or_else(|| Error::field("decision", "must be one of: grant, decline"))
    }

    pub fn status(&self) -> AssistanceStatus {
        match self {
            Self::Grant { .. } => AssistanceStatus::Granted,
            Self::Decline { .. } => AssistanceStatus::Declined,
        }
    }
}

/// Only a pending request can be decided, once.
pub fn ensure_pending(current: AssistanceStatus) -> Result<()> {
    if current == AssistanceStatus::Pending {
        Ok(())
    } else {
        Err(Error::conflict(
            "assistance-request-decided",
            format!(
                "This request was already {}; it cannot be decided again.",
                current.as_str()
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> AssistanceDraft {
        AssistanceDraft {
            plan: "practitioner".into(),
            billing_period: "monthly".into(),
            message: "Student budget".into(),
            proposed_amount: Ok(Money::eur(1000)),
        }
    }

    fn fields(result: Result<AssistanceRequest>) -> Vec<String> {
        match result {
            Err(Error::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected validation errors, got {other:?}"),
        }
    }

    #[test]
    fn assistance_is_for_paid_plans_only() {
        assert!(AssistanceRequest::parse(draft()).is_ok());
        let lobby = AssistanceDraft {
            plan: "lobby".into(),
            ..draft()
        };
        assert_eq!(fields(AssistanceRequest::parse(lobby)), vec!["plan"]);
        let unknown = AssistanceDraft {
            plan: "gold".into(),
            ..draft()
        };
        assert_eq!(fields(AssistanceRequest::parse(unknown)), vec!["plan"]);
    }

    #[test]
    fn assistance_request_reports_every_invalid_field() {
        let bad = AssistanceDraft {
            plan: "lobby".into(),
            billing_period: "weekly".into(),
            message: "  ".into(),
            proposed_amount: Err(Error::field("proposed_amount.amount", "must be between")),
        };
        assert_eq!(
            fields(AssistanceRequest::parse(bad)),
            vec![
                "plan",
                "billing_period",
                "message",
                "proposed_amount.amount"
            ]
        );
    }

    #[test]
    fn granting_needs_an_amount_declining_takes_none() {
        assert!(AssistanceDecision::parse("grant", None, None).is_err());
        assert_eq!(
            AssistanceDecision::parse("grant", Some(Ok(Money::eur(900))), Some(" ok ".into())),
            Ok(AssistanceDecision::Grant {
                amount: Money::eur(900),
                note: Some("ok".into())
            })
        );
        assert_eq!(
            AssistanceDecision::parse("decline", None, None).map(|d| d.status()),
            Ok(AssistanceStatus::Declined)
        );
        assert!(AssistanceDecision::parse("decline", Some(Ok(Money::eur(1))), None).is_err());
        assert!(AssistanceDecision::parse("maybe", None, None).is_err());
    }

    #[test]
    fn a_request_is_decided_once() {
        assert!(ensure_pending(AssistanceStatus::Pending).is_ok());
        assert!(matches!(
            ensure_pending(AssistanceStatus::Granted),
            Err(Error::Conflict {
                kind: "assistance-request-decided",
                ..
            })
        ));
    }
}
