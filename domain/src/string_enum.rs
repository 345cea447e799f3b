//! Closed sets of names (statuses, kinds, levels) as Rust enums, written once with
//! [`string_enum!`](crate::string_enum!): each variant is tied to the one text it has in JSON,
//! in the database and in error messages, so no caller matches on strings.
//!
//! The [`StringEnum`] trait lets other layers be generic over every such enum; persistence uses
//! it to store them in text columns and to turn an unknown stored value into a typed error.

use crate::{Error, Result};
use std::fmt;

/// An enum whose variants map one to one onto fixed texts.
pub trait StringEnum: Sized + Copy + Eq + fmt::Debug + Send + Sync + 'static {
    /// Every variant, in declaration order.
    const VARIANTS: &'static [Self];
    /// The field an error names when the enum is parsed without one (`kind`, `status`).
    const FIELD: &'static str;

    /// The variant's text.
    fn as_str(&self) -> &'static str;

    /// The variant with this exact text, if any; no trimming, no case folding.
    fn from_str_opt(raw: &str) -> Option<Self>;

    /// The accepted texts, comma-separated, for messages: `open, resolved`.
    fn one_of() -> String {
        Self::VARIANTS
            .iter()
            .map(Self::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Parses `raw`, naming `field` in the error: `must be one of: open, resolved`.
    fn parse_field(field: &str, raw: &str) -> Result<Self> {
        Self::from_str_opt(raw)
            .ok_or_else(|| Error::field(field, format!("must be one of: {}", Self::one_of())))
    }
}

/// The variants of a [`StringEnum`]: derefs to `&'static [T]`, iterates by value, and
/// `join(", ")` lists the texts (what `ALL.join` gave when `ALL` held the texts).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Variants<T: 'static>(&'static [T]);

impl<T> Variants<T> {
    #[doc(hidden)]
    pub const fn new(all: &'static [T]) -> Self {
        Self(all)
    }

    pub const fn as_slice(&self) -> &'static [T] {
        self.0
    }
}

impl<T: StringEnum> Variants<T> {
    /// The texts of the variants joined by `separator`.
    pub fn join(&self, separator: &str) -> String {
        self.0
            .iter()
            .map(T::as_str)
            .collect::<Vec<_>>()
            .join(separator)
    }
}

impl<T> std::ops::Deref for Variants<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        self.0
    }
}

impl<T: fmt::Debug> fmt::Debug for Variants<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0).finish()
    }
}

impl<T: Copy> IntoIterator for Variants<T> {
    type Item = T;
    type IntoIter = std::iter::Copied<std::slice::Iter<'static, T>>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().copied()
    }
}

impl<T> IntoIterator for &Variants<T> {
    type Item = &'static T;
    type IntoIter = std::slice::Iter<'static, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Declares an enum of names. Every variant gets its text; the enum gets `as_str()`, `parse`,
/// `ALL` (every variant), `NAMES` (every text), `Display`, `FromStr`, serde as the text, and
/// [`StringEnum`]. It always derives `Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord`
/// (ordered as declared); add more with a `#[derive(…)]` of your own.
///
/// After the enum, one clause says how `parse` reports an unknown text:
/// - `field = "kind";` — `parse(raw)`, `Error::field("kind", "must be one of: a, b")`;
/// - `field = "status", message = "unknown content status";` — the same with its own message;
/// - `field = "plan", not_found = "plan";` — `parse(raw)` answers `Error::NotFound("plan")`;
/// - `field = "status", field_param;` — `parse(field, raw)`: the caller names the field.
///
/// `FromStr` answers what `parse` does (for `field_param`, naming the `field` given here).
///
/// ```
/// # use praxis_domain::string_enum::StringEnum;
/// # use praxis_domain::moderation::ReportStatus;
/// assert_eq!(ReportStatus::parse("open").unwrap(), ReportStatus::Open);
/// assert_eq!(ReportStatus::Resolved.as_str(), "resolved");
/// assert_eq!(ReportStatus::ALL.join(", "), "open, resolved");
/// assert_eq!(ReportStatus::from_str_opt("closed"), None);
/// ```
#[macro_export]
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)?
        }
        field = $field:literal $(, $how:ident $(= $arg:literal)?)? $(;)?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: $crate::string_enum::Variants<Self> =
                $crate::string_enum::Variants::new(&[$(Self::$variant),+]);
            /// Every variant's text, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            pub fn as_str(&self) -> &'static str {
                match self {
                    $(Self::$variant => $text),+
                }
            }
        }

        $crate::string_enum!(@parse $name, $field $(, $how $(= $arg)?)?);

        impl $crate::string_enum::StringEnum for $name {
            const VARIANTS: &'static [Self] = &[$(Self::$variant),+];
            const FIELD: &'static str = $field;

            fn as_str(&self) -> &'static str {
                $name::as_str(self)
            }

            fn from_str_opt(raw: &str) -> Option<Self> {
                match raw {
                    $($text => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let raw = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                <Self as $crate::string_enum::StringEnum>::from_str_opt(&raw)
                    .ok_or_else(|| <D::Error as ::serde::de::Error>::unknown_variant(&raw, Self::NAMES))
            }
        }
    };

    (@parse $name:ident, $field:literal) => {
        impl $name {
            pub fn parse(raw: &str) -> $crate::Result<Self> {
                <Self as $crate::string_enum::StringEnum>::parse_field($field, raw)
            }
        }
        $crate::string_enum!(@from_str $name, raw => Self::parse(raw));
    };
    (@parse $name:ident, $field:literal, message = $message:literal) => {
        impl $name {
            pub fn parse(raw: &str) -> $crate::Result<Self> {
                <Self as $crate::string_enum::StringEnum>::from_str_opt(raw)
                    .ok_or_else(|| $crate::Error::field($field, $message))
            }
        }
        $crate::string_enum!(@from_str $name, raw => Self::parse(raw));
    };
    (@parse $name:ident, $field:literal, not_found = $what:literal) => {
        impl $name {
            pub fn parse(raw: &str) -> $crate::Result<Self> {
                <Self as $crate::string_enum::StringEnum>::from_str_opt(raw)
                    .ok_or($crate::Error::NotFound($what))
            }
        }
        $crate::string_enum!(@from_str $name, raw => Self::parse(raw));
    };
    (@parse $name:ident, $field:literal, field_param) => {
        impl $name {
            /// `field` names the input in the error.
            pub fn parse(field: &str, raw: &str) -> $crate::Result<Self> {
                <Self as $crate::string_enum::StringEnum>::parse_field(field, raw)
            }
        }
        $crate::string_enum!(@from_str $name, raw => Self::parse($field, raw));
    };
    (@from_str $name:ident, $raw:ident => $parse:expr) => {
        impl ::std::str::FromStr for $name {
            type Err = $crate::Error;

            fn from_str($raw: &str) -> $crate::Result<Self> {
                $parse
            }
        }
    };
}

#[cfg(test)]
// The enums below exist to exercise the macro; not every variant is built.
#[allow(clippy::unwrap_used, clippy::expect_used, dead_code)]
mod tests {
    use super::*;

    crate::string_enum! {
        /// A test enum.
        #[derive(Default)]
        enum Colour {
            #[default]
            Red => "red",
            /// Documented.
            DarkBlue => "dark_blue",
        }
        field = "colour";
    }

    crate::string_enum! {
        enum Status { Open => "open", Shut => "shut" }
        field = "status", message = "unknown status";
    }

    crate::string_enum! {
        enum Slug { Lobby => "lobby" }
        field = "plan", not_found = "plan";
    }

    crate::string_enum! {
        enum Period { Monthly => "monthly" }
        field = "billing_period", field_param;
    }

    fn fields(err: Error) -> Vec<(String, String)> {
        match err {
            Error::Validation(errors) => errors.into_iter().map(|e| (e.field, e.message)).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_variant_round_trips_through_its_text() {
        for colour in Colour::ALL {
            assert_eq!(Colour::parse(colour.as_str()).unwrap(), colour);
            assert_eq!(colour.as_str().parse::<Colour>().unwrap(), colour);
            assert_eq!(Colour::from_str_opt(&colour.to_string()), Some(colour));
        }
        assert_eq!(Colour::ALL.len(), Colour::NAMES.len());
        assert_eq!(Colour::default(), Colour::Red);
        assert_eq!(<Colour as StringEnum>::VARIANTS, Colour::ALL.as_slice());
    }

    #[test]
    fn unknown_text_names_the_field_and_the_choices() {
        assert_eq!(
            fields(Colour::parse("Red").unwrap_err()),
            vec![("colour".into(), "must be one of: red, dark_blue".into())]
        );
        assert_eq!(
            fields(Status::parse("").unwrap_err()),
            vec![("status".into(), "unknown status".into())]
        );
        assert_eq!(Slug::parse("gold"), Err(Error::NotFound("plan")));
        assert_eq!("gold".parse::<Slug>(), Err(Error::NotFound("plan")));
        assert_eq!(
            fields(Period::parse("period", "weekly").unwrap_err()),
            vec![("period".into(), "must be one of: monthly".into())]
        );
        assert_eq!(
            fields("weekly".parse::<Period>().unwrap_err())[0].0,
            "billing_period"
        );
        assert_eq!(
            Status::parse("open\0"),
            Err(Error::field("status", "unknown status"))
        );
    }

    #[test]
    fn serde_uses_the_text() {
        assert_eq!(
            serde_json::to_string(&Colour::DarkBlue).unwrap(),
            "\"dark_blue\""
        );
        let back: Colour = serde_json::from_str("\"dark_blue\"").unwrap();
        assert_eq!(back, Colour::DarkBlue);
        let err = serde_json::from_str::<Colour>("\"green\"").unwrap_err();
        assert!(err.to_string().contains("dark_blue"), "{err}");
        assert!(serde_json::from_str::<Colour>("1").is_err());
    }

    #[test]
    fn all_joins_the_texts_and_iterates_the_variants() {
        assert_eq!(Colour::ALL.join(", "), "red, dark_blue");
        assert_eq!(Colour::one_of(), "red, dark_blue");
        let listed: Vec<Colour> = Colour::ALL.into_iter().collect();
        assert_eq!(listed, vec![Colour::Red, Colour::DarkBlue]);
        assert!(Colour::ALL.contains(&Colour::DarkBlue));
        assert!(Colour::Red < Colour::DarkBlue);
    }
}
