//! Mentor matching. Any member may publish a mentor profile (languages, time zone, topics, how
//! many mentees they take): offering to mentor is open to all, and publishing one gives no
//! access to anything. Hosts decide: they read the ranked matches of a confirmed enrolment and
//! confirm one. The mentor then joins the enrolment's implementation circle as a mentor (reads
//! it and its space, never answers its rounds) and leaves it when the enrolment is re-matched.
//!
//! A mentor never takes more mentees than their capacity, even when hosts confirm at once: the
//! enrolment and the mentor's profile are locked while places are counted (SQLite's immediate
//! transaction serialises writers anyway), and each mentee holds a numbered place that is
//! unique per mentor in storage.

use super::enrolments::{self, Enrolment};
use crate::circles;
use crate::error::{Error, Result};
use crate::page::{PageRequest, Paged};
use chrono::{DateTime, NaiveDateTime, Utc};
use praxis_domain::decisions::MemberRole;
use praxis_domain::ids::{CircleId, EnrolmentId, UserId};
use praxis_domain::mentoring::{self, Candidate, MentorProfile, Need, Score};
use praxis_persistence::academy as enrolment_repo;
use praxis_persistence::mentoring::{self as repo, MentorProfileRow, MentorshipRow};
use praxis_persistence::{audit, to_db_time, users, DbConnection};

/// A mentor's profile with how many mentees they have now.
#[derive(Debug, Clone)]
pub struct Profile {
    pub user_id: String,
    pub profile: MentorProfile,
    pub mentees: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

fn parse_row(row: &MentorProfileRow) -> MentorProfile {
    MentorProfile {
        languages: split(&row.languages, ','),
        time_zone: row.time_zone.parse().unwrap_or(chrono_tz::UTC),
        topics: split(&row.topics, '\n'),
        capacity: row.capacity,
    }
}

fn split(stored: &str, by: char) -> Vec<String> {
    stored
        .split(by)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn with_count(conn: &mut DbConnection, row: MentorProfileRow) -> Result<Profile> {
    let mentees = repo::mentee_count(conn, &row.user_id)?;
    Ok(Profile {
        profile: parse_row(&row),
        user_id: row.user_id,
        mentees,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// Publishes or replaces the member's mentor profile. Lowering the capacity below the mentees
/// they have keeps those mentees; it only stops new matches until places free up.
pub fn put_profile(
    conn: &mut DbConnection,
    user: &UserId,
    profile: MentorProfile,
    now: DateTime<Utc>,
) -> Result<Profile> {
    let at = to_db_time(now);
    let row = repo::put_profile(
        conn,
        &MentorProfileRow {
            user_id: user.as_str().to_owned(),
            languages: profile.languages.join(","),
            time_zone: profile.time_zone.name().to_owned(),
            topics: profile.topics.join("\n"),
            capacity: profile.capacity,
            created_at: at,
            updated_at: at,
        },
    )?;
    with_count(conn, row)
}

/// The member's own profile; 404 when they never published one.
pub fn my_profile(conn: &mut DbConnection, user: &UserId) -> Result<Profile> {
    let row = repo::find_profile(conn, user.as_str())?.ok_or(Error::NotFound("mentor profile"))?;
    with_count(conn, row)
}

/// A mentor worth proposing for an enrolment, with the parts of their score.
#[derive(Debug, Clone)]
pub struct Match {
    pub mentor_id: String,
    pub display_name: String,
    pub profile: MentorProfile,
    pub mentees: i64,
    pub score: Score,
}

fn confirmed(conn: &mut DbConnection, enrolment: &EnrolmentId) -> Result<Enrolment> {
    let row = enrolment_repo::find_enrolment(conn, enrolment.as_str())?
        .ok_or(Error::NotFound("enrolment"))?;
    if row.circle_id.is_none() {
        return Err(Error::conflict(
            "enrolment-not-confirmed",
            "Mentors are matched with confirmed enrolments only.",
        ));
    }
    enrolments::load(conn, row)
}

/// What the enrolment asks of a mentor: its organisation's languages, the time zones of its
/// circle's members (as their accounts name them), and its topics plus its sector.
fn need_of(conn: &mut DbConnection, enrolment: &Enrolment) -> Result<Need> {
    let mut member_zones = Vec::with_capacity(enrolment.member_ids.len());
    for id in &enrolment.member_ids {
        if let Some(user) = users::find_by_id(conn, id)? {
            member_zones.push(user.time_zone.parse().unwrap_or(chrono_tz::UTC));
        }
    }
    let mut topics = enrolment.topics.clone();
    let sector = enrolment.row.org_sector.to_lowercase();
    if !topics.contains(&sector) {
        topics.push(sector);
    }
    Ok(Need {
        languages: split(&enrolment.row.org_languages, ','),
        member_zones,
        topics,
    })
}

/// The best `limit` mentors for a confirmed enrolment (hosts), ranked on today's date (UTC) so
/// the time-zone overlap follows the summer time in force now. Mentors who share no language,
/// have no free place or are in the circle themselves are left out.
pub fn matches(
    conn: &mut DbConnection,
    enrolment: &EnrolmentId,
    limit: usize,
    now: DateTime<Utc>,
) -> Result<Vec<Match>> {
    let enrolment = confirmed(conn, enrolment)?;
    let need = need_of(conn, &enrolment)?;
    let counts = repo::mentee_counts(conn)?;
    let candidates: Vec<Candidate> = repo::open_profiles(conn)?
        .into_iter()
        .filter(|row| !enrolment.member_ids.contains(&row.user_id))
        .map(|row| Candidate {
            mentees: counts.get(&row.user_id).copied().unwrap_or(0),
            profile: parse_row(&row),
            mentor_id: row.user_id,
        })
        .collect();
    let mut ranked = mentoring::rank(&need, candidates, now.date_naive());
    ranked.truncate(limit);
    let ids: Vec<String> = ranked.iter().map(|(m, _)| m.mentor_id.clone()).collect();
    let names = users::display_names(conn, &ids)?;
    Ok(ranked
        .into_iter()
        .map(|(m, score)| Match {
            display_name: names.get(&m.mentor_id).cloned().unwrap_or_default(),
            mentor_id: m.mentor_id,
            profile: m.profile,
            mentees: m.mentees,
            score,
        })
        .collect())
}

/// A host matches a confirmed enrolment with a mentor: 404 for an unknown enrolment or a member
/// without a profile, 422 when they share no language or the mentor is a member of the circle,
/// 409 `mentor-full` when every place is taken. Matching the same mentor again changes nothing;
/// a new mentor frees the old one's place and takes their seat as the circle's mentor. Audited
/// (who matched which mentor with which enrolment; nothing of the circle).
pub fn confirm(
    conn: &mut DbConnection,
    host: &UserId,
    enrolment: &EnrolmentId,
    mentor: &UserId,
    now: DateTime<Utc>,
) -> Result<Enrolment> {
    repo::lock_enrolment(conn, enrolment.as_str())?;
    let current = confirmed(conn, enrolment)?;
    let profile = repo::lock_profile(conn, mentor.as_str())?.ok_or(Error::NotFound("mentor"))?;
    let circle = CircleId::from_trusted(current.row.circle_id.clone().unwrap_or_default());
    let previous = repo::mentorship_of(conn, &current.row.id)?;
    if previous.as_ref().map(|p| p.mentor_id.as_str()) == Some(mentor.as_str()) {
        return Ok(current);
    }
    let role = praxis_persistence::circles::role_of(conn, &circle, mentor)?;
    if current.member_ids.iter().any(|m| m == mentor.as_str()) || role == Some(MemberRole::Member) {
        return Err(Error::field(
            "mentor_id",
            "is a member of the implementation circle; a mentor comes from outside it",
        ));
    }
    mentoring::may_mentor(
        &split(&current.row.org_languages, ','),
        &split(&profile.languages, ','),
    )?;
    let place = mentoring::next_place(
        profile.capacity,
        &repo::places_of(conn, mentor.as_str(), &current.row.id)?,
    )?;
    repo::put_mentorship(
        conn,
        &MentorshipRow {
            enrolment_id: current.row.id.clone(),
            mentor_id: mentor.as_str().to_owned(),
            place,
            matched_by: Some(host.as_str().to_owned()),
            matched_at: to_db_time(now),
        },
    )?;
    if let Some(old) = &previous {
        let old = UserId::from_trusted(old.mentor_id.clone());
        if praxis_persistence::circles::role_of(conn, &circle, &old)? == Some(MemberRole::Mentor) {
            circles::remove_member(conn, host, &circle, &old, now)?;
        }
    }
    circles::put_member(conn, Some(host), &circle, mentor, MemberRole::Mentor, now)?;
    let before = previous.map(|p| serde_json::json!({"mentor_id": p.mentor_id}));
    let after = serde_json::json!({"mentor_id": mentor, "place": place});
    audit::record(
        conn,
        &crate::audit::entry(
            Some(host),
            "academy.mentor_matched",
            "academy_enrolment",
            &current.row.id,
            before.as_ref(),
            Some(&after),
            now,
        ),
    )?;
    enrolments::load(conn, current.row)
}

/// One of a mentor's mentees: the enrolment (with its circle) and when it was matched.
#[derive(Debug, Clone)]
pub struct Mentee {
    pub enrolment: Enrolment,
    pub matched_at: NaiveDateTime,
}

/// The caller's mentees, oldest match first, a keyset page at a time.
pub fn mentees(
    conn: &mut DbConnection,
    mentor: &UserId,
    page: &PageRequest,
) -> Result<Paged<Mentee>> {
    let rows = repo::mentees_page(conn, mentor.as_str(), page.after.clone(), page.fetch())?;
    page.cut(rows, |r| (r.matched_at, r.enrolment_id.clone()))
        .try_map(|rows| {
            rows.into_iter()
                .map(|m| {
                    let row = enrolment_repo::find_enrolment(conn, &m.enrolment_id)?
                        .ok_or(Error::NotFound("enrolment"))?;
                    Ok(Mentee {
                        enrolment: enrolments::load(conn, row)?,
                        matched_at: m.matched_at,
                    })
                })
                .collect()
        })
}
