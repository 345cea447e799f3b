//! The superpod: the circle of pod delegates, linked to the Academy circle, which answers its
//! agreements about programming, enrolment and scheduling (double linking).
//!
//! - The **Academy circle** (kind `academy`) is made with the first pod; its first member is
//!   the host who made that pod. Hosts add the others who run the Academy with the circles
//!   admin API (`PUT /api/v1/admin/circles/{id}/members/{user_id}`); they find its id in
//!   `GET /api/v1/circles?kind=academy` or `linked_circle_id` of the superpod.
//! - The **superpod** (kind `superpod`, linked to the Academy circle) is made when the first
//!   pod agrees on its delegate; its members are the pods' delegates, kept in step by
//!   [`super::pods`]. There is one of each (a unique index on the circle kind).
//! - An agreement of the superpod whose topic is programming, enrolment or scheduling is put
//!   before the Academy circle as a driver there, its text quoted. It is `pending` until an
//!   agreement of the Academy circle answers that driver; that answer is then linked back and
//!   shown on the superpod's agreement. Both steps are recorded in both circles' histories.
//! - Superpod members read everything of the superpod; Academy circle members read its
//!   members and the agreements put before them; anyone else gets 404.

use crate::circles::{self, Circle, NewCircle};
use crate::decisions::agreements::{self, AgreementItem};
use crate::decisions::{proposals, record};
use crate::error::{Error, Result};
use crate::page::{PageRequest, Paged};
use chrono::{DateTime, Utc};
use praxis_domain::decisions::{AgreementTopic, CircleKind, DriverDraft, LONG_TEXT_MAX};
use praxis_domain::ids::{CircleId, SpaceId, UserId};
use praxis_persistence::circles::{self as circle_repo, CircleRow};
use praxis_persistence::decisions::{self as decision_repo, AgreementRow, ProposalRow};
use praxis_persistence::pods::{self as repo, LinkedAgreementRow};
use praxis_persistence::{spaces, to_db_time, users, DbConnection};
use std::collections::HashMap;

fn the_one(conn: &mut DbConnection, kind: CircleKind) -> Result<Option<CircleRow>> {
    Ok(circle_repo::of_kind(conn, kind)?.into_iter().next())
}

/// The superpod, if the first delegate was chosen.
pub fn find_superpod(conn: &mut DbConnection) -> Result<Option<CircleRow>> {
    the_one(conn, CircleKind::Superpod)
}

/// The Academy circle, made on first need with `host` as its first member.
pub(crate) fn academy_circle(
    conn: &mut DbConnection,
    host: Option<&UserId>,
    now: DateTime<Utc>,
) -> Result<CircleRow> {
    if let Some(row) = the_one(conn, CircleKind::Academy)? {
        return Ok(row);
    }
    let draft = NewCircle::parse(
        "The Academy circle",
        "Decides the Academy's programming, enrolment and scheduling, and answers the \
         superpod's agreements about them.",
        CircleKind::Academy,
        host.into_iter().cloned().collect(),
    )?;
    Ok(circles::create(conn, host, draft, now)?.row)
}

/// The superpod, made on first need and linked to the Academy circle.
pub(crate) fn superpod_circle(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<CircleRow> {
    if let Some(row) = find_superpod(conn)? {
        return Ok(row);
    }
    let academy = academy_circle(conn, None, now)?;
    let draft = NewCircle::parse(
        "The superpod",
        "The pods' delegates. Its agreements about programming, enrolment and scheduling go \
         before the Academy circle, which answers them.",
        CircleKind::Superpod,
        Vec::new(),
    )?;
    let mut row = circles::create(conn, None, draft, now)?.row;
    let id = CircleId::from_trusted(row.id.clone());
    circle_repo::link(conn, &id, &CircleId::from_trusted(academy.id.clone()))?;
    row.linked_circle_id = Some(academy.id);
    Ok(row)
}

/// A replaced delegate leaves the superpod and its space.
pub(crate) fn leave(conn: &mut DbConnection, superpod: &CircleRow, user: &str) -> Result<()> {
    let user = UserId::from_trusted(user.to_owned());
    if circle_repo::remove_member(conn, &CircleId::from_trusted(superpod.id.clone()), &user)? {
        spaces::remove_member(
            conn,
            &SpaceId::from_trusted(superpod.space_id.clone()),
            &user,
        )?;
    }
    Ok(())
}

fn clip(text: String) -> String {
    if text.chars().count() <= LONG_TEXT_MAX {
        text
    } else {
        text.chars().take(LONG_TEXT_MAX).collect()
    }
}

/// An agreement was made in some circle: a superpod agreement with a topic is put before the
/// Academy circle; an Academy agreement answering such a driver is linked back.
pub(crate) fn agreement_made(
    conn: &mut DbConnection,
    proposal: &ProposalRow,
    agreement: &AgreementRow,
    now: DateTime<Utc>,
) -> Result<()> {
    let circle = circle_repo::find(conn, &CircleId::from_trusted(proposal.circle_id.clone()))?
        .ok_or_else(|| Error::internal("proposal without its circle"))?;
    match (
        circle.kind,
        proposal.topic,
        circle.linked_circle_id.as_deref(),
    ) {
        (CircleKind::Superpod, Some(topic), Some(academy)) => {
            put_before(conn, proposal, agreement, topic, academy, now)
        }
        (CircleKind::Academy, _, _) => answered(conn, proposal, agreement, now),
        _ => Ok(()),
    }
}

fn put_before(
    conn: &mut DbConnection,
    proposal: &ProposalRow,
    agreement: &AgreementRow,
    topic: AgreementTopic,
    academy: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    if repo::link_of_agreement(conn, &agreement.id)?.is_some() {
        return Ok(()); // a review of an agreement already before the Academy circle
    }
    let body = decision_repo::find_version(conn, &agreement.version_id)?
        .map(|v| v.body)
        .unwrap_or_default();
    let driver = DriverDraft::parse(
        &clip(format!(
            "The superpod agreed \"{}\" about {topic}:\n\n{body}",
            proposal.title
        )),
        "It changes the Academy's programming, enrolment or scheduling, which the Academy \
         circle decides.",
        "The Academy circle answers it: an agreement answering this driver is linked back to \
         the superpod.",
    )?;
    let academy_id = CircleId::from_trusted(academy.to_owned());
    let driver = proposals::insert_driver(conn, &academy_id, None, driver, now)?;
    repo::insert_link(
        conn,
        &LinkedAgreementRow {
            agreement_id: agreement.id.clone(),
            topic,
            answering_circle_id: academy.to_owned(),
            driver_id: driver.id.clone(),
            answer_agreement_id: None,
            answered_at: None,
            created_at: to_db_time(now),
        },
    )?;
    let detail = serde_json::json!({"academy_circle_id": academy, "driver_id": driver.id,
        "topic": topic.as_str()});
    record(
        conn,
        &proposal.circle_id,
        Some(&proposal.id),
        Some(&agreement.id),
        None,
        "agreement.put_before_academy",
        detail,
        now,
    )
}

fn answered(
    conn: &mut DbConnection,
    proposal: &ProposalRow,
    agreement: &AgreementRow,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(link) = repo::link_of_driver(conn, &proposal.driver_id)?
        .filter(|l| l.answering_circle_id == proposal.circle_id)
    else {
        return Ok(());
    };
    if !repo::answer(conn, &link.driver_id, &agreement.id, to_db_time(now))? {
        return Ok(());
    }
    let Some(superpod_agreement) = decision_repo::find_agreement(conn, &link.agreement_id)? else {
        return Ok(());
    };
    let detail = serde_json::json!({"answer_agreement_id": agreement.id,
        "academy_circle_id": proposal.circle_id});
    record(
        conn,
        &superpod_agreement.circle_id,
        Some(&superpod_agreement.proposal_id),
        Some(&superpod_agreement.id),
        None,
        "agreement.answered_by_academy",
        detail,
        now,
    )
}

/// The Academy circle's answer to a superpod agreement, shown on it.
#[derive(Debug, Clone)]
pub struct Answer {
    pub agreement_id: String,
    pub title: String,
    pub body: String,
    pub answered_at: chrono::NaiveDateTime,
}

/// Where a superpod agreement stands before the Academy circle.
#[derive(Debug, Clone)]
pub struct Link {
    pub row: LinkedAgreementRow,
    pub answer: Option<Answer>,
}

/// A superpod agreement, with its link to the Academy circle when it has a topic.
#[derive(Debug, Clone)]
pub struct SuperpodAgreement {
    pub item: AgreementItem,
    pub link: Option<Link>,
}

/// A delegate, and the pod they speak for.
#[derive(Debug, Clone)]
pub struct Delegate {
    pub user_id: String,
    pub display_name: String,
    pub pod_circle_id: String,
    pub pod_name: String,
}

/// The superpod as its members and the Academy circle read it.
#[derive(Debug, Clone)]
pub struct Superpod {
    pub circle: Circle,
    pub delegates: Vec<Delegate>,
    pub agreements: Paged<SuperpodAgreement>,
}

/// The superpod: its delegates and a page of its agreements (every one for its members; those
/// put before the Academy circle for that circle's members). 404 to anyone else, and while no
/// superpod exists.
pub fn show(conn: &mut DbConnection, user: &UserId, page: &PageRequest) -> Result<Superpod> {
    let row = find_superpod(conn)?.ok_or(Error::NotFound("superpod"))?;
    let id = CircleId::from_trusted(row.id.clone());
    let in_superpod = circle_repo::role_of(conn, &id, user)?.is_some();
    let in_academy = match row.linked_circle_id.as_deref() {
        Some(academy) => {
            circle_repo::role_of(conn, &CircleId::from_trusted(academy), user)?.is_some()
        }
        None => false,
    };
    if !in_superpod && !in_academy {
        return Err(Error::NotFound("superpod"));
    }
    let items = if in_superpod {
        agreements::list_of(conn, &id, page)?
    } else {
        let links = repo::links_page(conn, page.after.clone(), page.fetch())?;
        page.cut(links, |l| (l.created_at, l.agreement_id.clone()))
            .try_map(|links| {
                links
                    .into_iter()
                    .map(|l| item(conn, &l.agreement_id))
                    .collect()
            })?
    };
    let ids: Vec<String> = items.items.iter().map(|i| i.row.id.clone()).collect();
    let mut links: HashMap<String, LinkedAgreementRow> = repo::links_of(conn, &ids)?
        .into_iter()
        .map(|l| (l.agreement_id.clone(), l))
        .collect();
    let agreements = items.try_map(|items| {
        items
            .into_iter()
            .map(|item| {
                let link = match links.remove(&item.row.id) {
                    Some(row) => Some(link(conn, row)?),
                    None => None,
                };
                Ok::<_, Error>(SuperpodAgreement { item, link })
            })
            .collect()
    })?;
    Ok(Superpod {
        delegates: delegates(conn)?,
        circle: circles::find(conn, &id)?,
        agreements,
    })
}

fn item(conn: &mut DbConnection, agreement: &str) -> Result<AgreementItem> {
    let row = decision_repo::find_agreement(conn, agreement)?
        .ok_or_else(|| Error::internal("link without its agreement"))?;
    let body = decision_repo::find_version(conn, &row.version_id)?
        .map(|v| v.body)
        .unwrap_or_default();
    let title = decision_repo::find_proposal(conn, &row.proposal_id)?
        .map(|p| p.title)
        .unwrap_or_default();
    Ok(AgreementItem { row, title, body })
}

fn link(conn: &mut DbConnection, row: LinkedAgreementRow) -> Result<Link> {
    let answer = match (&row.answer_agreement_id, row.answered_at) {
        (Some(id), Some(at)) => {
            let answer = item(conn, id)?;
            Some(Answer {
                agreement_id: answer.row.id,
                title: answer.title,
                body: answer.body,
                answered_at: at,
            })
        }
        _ => None,
    };
    Ok(Link { row, answer })
}

fn delegates(conn: &mut DbConnection) -> Result<Vec<Delegate>> {
    let pods = repo::with_delegates(conn)?;
    let circle_ids: Vec<String> = pods.iter().map(|p| p.circle_id.clone()).collect();
    let mut people: Vec<String> = pods.iter().filter_map(|p| p.delegate_id.clone()).collect();
    people.sort();
    people.dedup();
    let names = users::display_names(conn, &people)?;
    let pod_names: HashMap<String, String> = repo::names(conn, &circle_ids)?.into_iter().collect();
    Ok(pods
        .into_iter()
        .filter_map(|p| {
            let user_id = p.delegate_id?;
            Some(Delegate {
                display_name: names.get(&user_id).cloned().unwrap_or_default(),
                pod_name: pod_names.get(&p.circle_id).cloned().unwrap_or_default(),
                pod_circle_id: p.circle_id,
                user_id,
            })
        })
        .collect())
}
