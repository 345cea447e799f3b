//! The Sociocracy Academy's rules: an organisation enrols an implementation circle of 1–3
//! people; hosts confirm enrolments into a cohort whose seats are limited.

use crate::{Error, Result};

pub const MIN_CIRCLE: usize = 1;
pub const MAX_CIRCLE: usize = 3;

crate::string_enum! {
    pub enum EnrolmentStatus {
        /// Asked for; waiting for a host.
        Pending => "pending",
        /// A host confirmed it: it holds a seat of a cohort and its circle exists.
        Confirmed => "confirmed",
    }
    field = "status";
}

/// The organisation enrolling, as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub name: String,
    /// People working in it.
    pub size: i32,
    pub sector: String,
    /// ISO 3166-1 alpha-2, upper case.
    pub country: String,
    /// ISO 639-1 codes, lower case, in the order given, without repeats.
    pub languages: Vec<String>,
}

impl Organisation {
    pub fn parse(
        name: &str,
        size: i64,
        sector: &str,
        country: &str,
        languages: &[String],
    ) -> Result<Self> {
        let mut errors = crate::error::Errors::new();
        let name = errors.take(crate::learning::text("organisation.name", name, 200));
        let sector = errors.take(crate::learning::text("organisation.sector", sector, 100));
        let size = errors.take(
            i32::try_from(size)
                .ok()
                .filter(|s| *s > 0)
                .ok_or_else(|| Error::field("organisation.size", "must be a positive number")),
        );
        let country = country.trim().to_ascii_uppercase();
        if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
            errors.push(
                "organisation.country",
                "must be an ISO 3166-1 alpha-2 code such as DE",
            );
        }
        let languages = errors.take(language_codes("organisation.languages", languages));
        errors.finish()?;
        Ok(Self {
            name: name.unwrap_or_default(),
            size: size.unwrap_or_default(),
            sector: sector.unwrap_or_default(),
            country,
            languages: languages.unwrap_or_default(),
        })
    }
}

/// How many languages an organisation or a mentor may name.
pub const MAX_LANGUAGES: usize = 10;

/// ISO 639-1 codes (two letters), lower-cased, in the order given, without repeats: at least
/// one and at most [`MAX_LANGUAGES`]. Organisations and mentors name languages the same way, so
/// the matcher can compare them as they are stored.
pub fn language_codes(field: &str, raw: &[String]) -> Result<Vec<String>> {
    let mut codes: Vec<String> = Vec::new();
    for raw in raw {
        let code = raw.trim().to_ascii_lowercase();
        if code.len() != 2 || !code.chars().all(|c| c.is_ascii_lowercase()) {
            return Err(Error::field(
                field,
                "each must be an ISO 639-1 code such as en",
            ));
        }
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    if codes.is_empty() {
        return Err(Error::field(field, "name at least one language"));
    }
    if codes.len() > MAX_LANGUAGES {
        return Err(Error::field(
            field,
            format!("name at most {MAX_LANGUAGES} languages"),
        ));
    }
    Ok(codes)
}

/// An implementation circle has 1–3 people, each named once.
pub fn circle_size(member_ids: &[String]) -> Result<()> {
    let mut unique = member_ids.to_vec();
    unique.sort();
    unique.dedup();
    if unique.len() != member_ids.len() {
        return Err(Error::field("member_ids", "name each person once"));
    }
    if !(MIN_CIRCLE..=MAX_CIRCLE).contains(&member_ids.len()) {
        return Err(Error::field(
            "member_ids",
            format!("an implementation circle has {MIN_CIRCLE} to {MAX_CIRCLE} people"),
        ));
    }
    Ok(())
}

/// The seat a confirmation takes in a cohort with `taken` of `capacity` seats taken: the next
/// one, or 409 `cohort-full`.
pub fn next_seat(taken: i64, capacity: i32) -> Result<i32> {
    let next = taken.saturating_add(1);
    if next > i64::from(capacity) {
        return Err(Error::conflict(
            "cohort-full",
            format!("Every one of the cohort's {capacity} seats is taken."),
        ));
    }
    i32::try_from(next).map_err(|_| Error::conflict("cohort-full", "The cohort is full."))
}

/// Whether an enrolment in `status` may be confirmed: only once.
pub fn may_confirm(status: EnrolmentStatus) -> Result<()> {
    if status != EnrolmentStatus::Pending {
        return Err(Error::conflict(
            "enrolment-confirmed",
            "The enrolment is already confirmed.",
        ));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("u{i}")).collect()
    }

    #[test]
    fn an_implementation_circle_has_one_to_three_people() {
        assert!(circle_size(&ids(0)).is_err());
        assert!(circle_size(&ids(1)).is_ok());
        assert!(circle_size(&ids(3)).is_ok());
        match circle_size(&ids(4)) {
            Err(Error::Validation(errors)) => assert_eq!(errors[0].field, "member_ids"),
            other => panic!("{other:?}"),
        }
        assert!(circle_size(&["a".to_owned(), "a".to_owned()]).is_err());
    }

    #[test]
    fn a_cohort_never_gives_more_seats_than_it_has() {
        assert_eq!(next_seat(0, 2).unwrap(), 1);
        assert_eq!(next_seat(1, 2).unwrap(), 2);
        assert!(matches!(
            next_seat(2, 2),
            Err(Error::Conflict {
                kind: "cohort-full",
                ..
            })
        ));
    }

    #[test]
    fn an_organisation_names_its_country_and_languages_by_code() {
        let org = Organisation::parse(
            "Acme",
            40,
            "software",
            "de",
            &["DE".into(), "en".into(), "de".into()],
        )
        .unwrap();
        assert_eq!(org.country, "DE");
        assert_eq!(org.languages, ["de", "en"]);
        match Organisation::parse("", 0, "x", "Germany", &[]) {
            Err(Error::Validation(errors)) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                assert!(fields.contains(&"organisation.name"));
                assert!(fields.contains(&"organisation.size"));
                assert!(fields.contains(&"organisation.country"));
                assert!(fields.contains(&"organisation.languages"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_enrolment_is_confirmed_once() {
        assert!(may_confirm(EnrolmentStatus::Pending).is_ok());
        assert!(may_confirm(EnrolmentStatus::Confirmed).is_err());
    }
}
