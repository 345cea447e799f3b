//! Pods (communities of practice): how hosts' students are dealt into pods, and which proposals a
//! pod or the superpod may decide.
//!
//! # How pods are formed ([`form`])
//!
//! Given `n` students not yet in a pod and a size range `[size_min, size_max]`:
//!
//! 1. `k = ceil(n / size_max)` pods: the fewest pods that hold everyone without exceeding
//!    `size_max`. Fewer pods would overflow; more pods only make the smallest pod smaller.
//! 2. Dealt evenly, pods have `floor(n / k)` or `floor(n / k) + 1` students. When
//!    `floor(n / k) < size_min` no split into `[size_min, size_max]` exists (any larger `k`
//!    makes the smallest pod smaller still), and forming is refused (422).
//! 3. Students are sorted by (organisation, UTC offset of their time zone, id) and dealt
//!    round-robin: student `i` joins pod `i mod k`. Sizes then differ by at most one.
//!    Colleagues sit next to each other in that order, so they are dealt to consecutive,
//!    different pods: an organisation of `s` students puts at most `ceil(s / k)` of them in one
//!    pod, the least any split can. Within an organisation students come east to west, so
//!    each pod takes people from across the zones rather than one zone's block.
//!
//! The result depends only on the students given, never on their order: the same students
//! always form the same pods.

use crate::decisions::{AgreementTopic, CircleKind, SubjectKind};
use crate::{Error, Result};

crate::string_enum! {
    /// Where a superpod agreement put before the Academy circle stands.
    pub enum AcademyAnswer {
        /// The Academy circle has not yet agreed an answer.
        Pending => "pending",
        /// An agreement of the Academy circle answers it.
        Answered => "answered",
    }
    field = "answer_status";
}

/// The largest pod a host may ask for.
pub const MAX_POD_SIZE: i64 = 50;

/// A student waiting for a pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Student {
    pub id: String,
    /// What tells colleagues apart from others: students of one organisation share it.
    pub organisation: String,
    /// The UTC offset of the student's time zone, in minutes.
    pub utc_offset_minutes: i32,
}

/// A size range a host asks for, checked: `1 ≤ size_min ≤ size_max ≤ MAX_POD_SIZE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeRange {
    pub min: usize,
    pub max: usize,
}

impl SizeRange {
    pub fn parse(size_min: i64, size_max: i64) -> Result<Self> {
        let mut errors = crate::error::Errors::new();
        let in_range = |field: &str, v: i64| {
            if (1..=MAX_POD_SIZE).contains(&v) {
                Ok(usize::try_from(v).unwrap_or(1))
            } else {
                Err(Error::field(
                    field,
                    format!("must be between 1 and {MAX_POD_SIZE}"),
                ))
            }
        };
        let min = errors.take(in_range("size_min", size_min));
        let max = errors.take(in_range("size_max", size_max));
        if let (Some(min), Some(max)) = (min, max) {
            if min > max {
                errors.push("size_min", "must not be larger than size_max");
            }
        }
        errors.finish()?;
        Ok(Self {
            min: min.unwrap_or(1),
            max: max.unwrap_or(1),
        })
    }
}

/// Deals `students` into pods within `range` (see the module docs); each pod lists its
/// students' ids. No students, no pods; 422 naming `size_min` when no split fits the range.
pub fn form(students: &[Student], range: SizeRange) -> Result<Vec<Vec<String>>> {
    let n = students.len();
    if n == 0 {
        return Ok(Vec::new());
    }
    let k = n.div_ceil(range.max);
    if n / k < range.min {
        return Err(Error::field(
            "size_min",
            format!(
                "{n} students cannot be split into pods of {} to {} people; \
                 widen the range",
                range.min, range.max
            ),
        ));
    }
    let mut order: Vec<&Student> = students.iter().collect();
    order.sort_by(|a, b| {
        (&a.organisation, a.utc_offset_minutes, &a.id).cmp(&(
            &b.organisation,
            b.utc_offset_minutes,
            &b.id,
        ))
    });
    let mut pods: Vec<Vec<String>> = vec![Vec::new(); k];
    for (i, student) in order.into_iter().enumerate() {
        if let Some(pod) = pods.get_mut(i % k) {
            pod.push(student.id.clone());
        }
    }
    Ok(pods)
}

/// A pod hosts make by hand: a name and 1 to [`MAX_POD_SIZE`] students, each named once.
pub fn pod_members(member_ids: &[String]) -> Result<()> {
    let mut unique = member_ids.to_vec();
    unique.sort();
    unique.dedup();
    if unique.len() != member_ids.len() {
        return Err(Error::field("member_ids", "name each student once"));
    }
    let size = i64::try_from(member_ids.len()).unwrap_or(i64::MAX);
    if !(1..=MAX_POD_SIZE).contains(&size) {
        return Err(Error::field(
            "member_ids",
            format!("a pod has 1 to {MAX_POD_SIZE} students"),
        ));
    }
    Ok(())
}

/// Whether a proposal in a circle of `kind` may decide `subject` and carry `topic`: a
/// delegate is chosen in a pod; topics the Academy circle answers belong to the superpod;
/// badge classes are proposed through the badge catalogue, never by hand.
pub fn proposal_subject(
    kind: CircleKind,
    subject: Option<SubjectKind>,
    subject_id: Option<&str>,
    topic: Option<AgreementTopic>,
) -> Result<()> {
    let mut errors = crate::error::Errors::new();
    match subject {
        Some(SubjectKind::Delegate) if kind != CircleKind::Pod => {
            errors.push("subject_kind", "a delegate is chosen in a pod's circle");
        }
        Some(SubjectKind::Delegate) if subject_id.is_none() => {
            errors.push("subject_id", "name the pod member proposed as delegate");
        }
        Some(SubjectKind::BadgeClass) => errors.push(
            "subject_kind",
            "badge classes are proposed with POST /api/v1/badges",
        ),
        None if subject_id.is_some() => {
            errors.push("subject_kind", "say what the subject is");
        }
        _ => {}
    }
    if topic.is_some() && kind != CircleKind::Superpod {
        errors.push(
            "topic",
            "only the superpod's proposals carry a topic the Academy circle answers",
        );
    }
    errors.finish()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn student(id: usize, organisation: usize, offset: i32) -> Student {
        Student {
            id: format!("s{id:03}"),
            organisation: format!("org{organisation}"),
            utc_offset_minutes: offset,
        }
    }

    fn range(min: usize, max: usize) -> SizeRange {
        SizeRange { min, max }
    }

    fn organisation_of<'a>(students: &'a [Student], id: &str) -> &'a str {
        &students.iter().find(|s| s.id == id).unwrap().organisation
    }

    #[test]
    fn forming_pods_balances_sizes_within_the_range() {
        let students: Vec<Student> = (0..11).map(|i| student(i, i % 4, 0)).collect();
        let pods = form(&students, range(3, 4)).unwrap();
        let mut sizes: Vec<usize> = pods.iter().map(Vec::len).collect();
        sizes.sort_unstable();
        assert_eq!(sizes, vec![3, 4, 4]);
    }

    #[test]
    fn forming_pods_is_refused_when_no_split_fits_the_range() {
        let students: Vec<Student> = (0..5).map(|i| student(i, i, 0)).collect();
        match form(&students, range(3, 4)) {
            Err(Error::Validation(errors)) => assert_eq!(errors[0].field, "size_min"),
            other => panic!("{other:?}"),
        }
        assert!(form(&[], range(3, 4)).unwrap().is_empty());
    }

    #[test]
    fn forming_pods_mixes_organisations_whenever_possible() {
        // Three organisations of three students, three pods: each pod takes one of each.
        let students: Vec<Student> = (0..9).map(|i| student(i, i / 3, 0)).collect();
        let pods = form(&students, range(2, 3)).unwrap();
        assert_eq!(pods.len(), 3);
        for pod in &pods {
            let mut orgs: Vec<&str> = pod
                .iter()
                .map(|id| organisation_of(&students, id))
                .collect();
            orgs.sort_unstable();
            orgs.dedup();
            assert_eq!(orgs.len(), 3, "{pod:?}");
        }
    }

    #[test]
    fn forming_pods_spreads_an_organisations_time_zones() {
        let students = vec![
            student(0, 0, -300),
            student(1, 0, -300),
            student(2, 0, 60),
            student(3, 0, 60),
        ];
        let pods = form(&students, range(2, 2)).unwrap();
        for pod in &pods {
            let zones: Vec<i32> = pod
                .iter()
                .map(|id| {
                    students
                        .iter()
                        .find(|s| &s.id == id)
                        .unwrap()
                        .utc_offset_minutes
                })
                .collect();
            assert_ne!(zones[0], zones[1], "{pod:?}");
        }
    }

    #[test]
    fn forming_pods_is_deterministic_whatever_the_order_given() {
        let students: Vec<Student> = (0..10)
            .map(|i| student(i, i % 3, (i as i32) * 60))
            .collect();
        let mut reversed = students.clone();
        reversed.reverse();
        assert_eq!(
            form(&students, range(2, 4)).unwrap(),
            form(&reversed, range(2, 4)).unwrap()
        );
    }

    #[test]
    fn a_size_range_is_checked_field_by_field() {
        assert!(SizeRange::parse(2, 5).is_ok());
        match SizeRange::parse(0, 99) {
            Err(Error::Validation(errors)) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, vec!["size_min", "size_max"]);
            }
            other => panic!("{other:?}"),
        }
        assert!(SizeRange::parse(5, 3).is_err());
    }

    #[test]
    fn a_delegate_is_proposed_only_in_a_pod_and_a_topic_only_in_the_superpod() {
        let delegate = Some(SubjectKind::Delegate);
        assert!(proposal_subject(CircleKind::Pod, delegate, Some("u"), None).is_ok());
        assert!(proposal_subject(CircleKind::Circle, delegate, Some("u"), None).is_err());
        assert!(proposal_subject(CircleKind::Pod, delegate, None, None).is_err());
        let scheduling = Some(AgreementTopic::Scheduling);
        assert!(proposal_subject(CircleKind::Superpod, None, None, scheduling).is_ok());
        assert!(proposal_subject(CircleKind::Pod, None, None, scheduling).is_err());
        let badge = Some(SubjectKind::BadgeClass);
        assert!(proposal_subject(CircleKind::Superpod, badge, Some("c"), None).is_err());
    }

    proptest! {
        #[test]
        fn pods_are_balanced_and_colleagues_spread_as_far_as_possible(
            orgs in prop::collection::vec(0usize..6, 1..60),
            min in 1usize..5,
            extra in 0usize..4,
        ) {
            let students: Vec<Student> = orgs
                .iter()
                .enumerate()
                .map(|(i, org)| student(i, *org, ((i % 5) as i32) * 60))
                .collect();
            let max = min + extra;
            let Ok(pods) = form(&students, range(min, max)) else {
                let k = students.len().div_ceil(max);
                prop_assert!(students.len() / k < min);
                return Ok(());
            };
            let sizes: Vec<usize> = pods.iter().map(Vec::len).collect();
            let (lo, hi) = (*sizes.iter().min().unwrap(), *sizes.iter().max().unwrap());
            prop_assert!(hi - lo <= 1);
            prop_assert!(lo >= min && hi <= max);
            prop_assert_eq!(sizes.iter().sum::<usize>(), students.len());
            for org in 0..6 {
                let s = orgs.iter().filter(|o| **o == org).count();
                let bound = s.div_ceil(pods.len());
                for pod in &pods {
                    let here = pod
                        .iter()
                        .filter(|id| organisation_of(&students, id) == format!("org{org}"))
                        .count();
                    prop_assert!(here <= bound);
                }
            }
        }
    }
}
