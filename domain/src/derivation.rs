//! Resources derived from a discussion (DOMAIN.md "Terms and confidentiality": hosts may
//! publish new, generic resources based on what they learned, never by copying private
//! content). A derived resource must be new text: it may not copy the discussion, nor link to
//! anything that lives in a space that is not public.
//!
//! **Copying** is judged on normalised text: lower-cased, every run of characters that are not
//! letters or digits taken as one word break, so punctuation, case, spacing and line breaks
//! change nothing. The resource copies the discussion when it repeats any run of
//! [`COPIED_RUN_WORDS`] consecutive words of the post or of one of its comments. A source text
//! shorter than that run (a short comment) counts as copied when the resource repeats it whole,
//! if it has at least [`SHORT_SOURCE_MIN_WORDS`] words (fewer, like "I agree", are common
//! phrases, not content).
//!
//! **Links** are found by their path, whatever the host or scheme in front of them (the app's
//! own address, the API's, or a relative path): `posts/<id>`, `comments/<id>`, `events/<id>`
//! (an event's page and its `recording`), `recordings/<id>`, `spaces/<slug>` and
//! `resources/<id>`. Which of those are private is the database's answer, not the text's.

use std::collections::HashSet;

/// The shortest run of consecutive words that makes a copy.
pub const COPIED_RUN_WORDS: usize = 12;
/// A source text shorter than a run counts only when it has at least this many words.
pub const SHORT_SOURCE_MIN_WORDS: usize = 6;

/// The words of a text, normalised: lower-cased, split at anything that is not a letter or a
/// digit.
pub fn normalised_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether `text` copies any of `sources` (see the module's rule).
pub fn copies(text: &str, sources: &[&str]) -> bool {
    let words = normalised_words(text);
    let mut runs: HashSet<&[String]> = HashSet::new();
    let sources: Vec<Vec<String>> = sources.iter().map(|s| normalised_words(s)).collect();
    for source in &sources {
        if source.len() >= COPIED_RUN_WORDS {
            runs.extend(source.windows(COPIED_RUN_WORDS));
        } else if source.len() >= SHORT_SOURCE_MIN_WORDS
            && words.windows(source.len()).any(|w| w == source.as_slice())
        {
            return true;
        }
    }
    words.windows(COPIED_RUN_WORDS).any(|w| runs.contains(w))
}

crate::string_enum! {
    /// What a link in a resource's text points to.
    pub enum LinkedKind {
        Post => "posts",
        Comment => "comments",
        Event => "events",
        Recording => "recordings",
        Space => "spaces",
        Resource => "resources",
    }
    field = "body_or_url";
}

/// Something a text links to: its kind and the id (or a space's slug) in the link.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Linked {
    pub kind: LinkedKind,
    pub key: String,
}

fn key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '@')
}

/// The community content a text links to, each once, in order of appearance. A link is a path
/// segment naming a kind (after a `/`) followed by the key.
pub fn linked_content(text: &str) -> Vec<Linked> {
    let segments: Vec<&str> = text.split('/').collect();
    let mut found: Vec<Linked> = Vec::new();
    // The first segment is not preceded by a `/`; the last has no key after it.
    for pair in segments.windows(2).skip(1) {
        let Ok(kind) = LinkedKind::parse(pair[0]) else {
            continue;
        };
        let key: String = pair[1].chars().take_while(|c| key_char(*c)).collect();
        let key = key.trim_end_matches(['-', '_', '@']).to_owned();
        if key.is_empty() {
            continue;
        }
        let linked = Linked { kind, key };
        if !found.contains(&linked) {
            found.push(linked);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const POST: &str = "In our bakery the consent round stalled because two bakers kept raising \
                        the same objection about weekend shifts, so we paused and mapped the driver.";

    #[test]
    fn a_run_of_twelve_words_from_the_discussion_is_a_copy_whatever_the_case_and_punctuation() {
        let copied = "Lesson: THE CONSENT ROUND stalled, because two bakers kept raising the \
                      same objection -- about weekend shifts!";
        assert!(copies(copied, &[POST]));
    }

    #[test]
    fn eleven_words_in_a_row_are_not_a_copy() {
        let text = "the consent round stalled because two bakers kept raising the same";
        assert_eq!(normalised_words(text).len(), 11);
        assert!(!copies(text, &[POST]));
    }

    #[test]
    fn genuinely_new_text_on_the_same_subject_is_not_a_copy() {
        let text = "When an objection returns in every round, pause and look for the driver \
                    behind it: a recurring concern often names an unmet need.";
        assert!(!copies(text, &[POST]));
    }

    #[test]
    fn a_short_comment_repeated_whole_is_a_copy_but_a_common_phrase_is_not() {
        let comment = "Weekend shifts hurt our youngest bakers most.";
        assert!(copies(
            "Note: weekend shifts hurt our youngest bakers most",
            &[comment]
        ));
        assert!(!copies("I agree with this.", &["I agree"]));
    }

    #[test]
    fn links_to_community_content_are_found_by_path_on_any_host() {
        let text = "See https://app.example/posts/0190-abc. and /api/v1/events/e1@20261208T170000Z/recording, \
                    the (spaces/pro-lounge) room and https://other.example/blog/posts/";
        let links = linked_content(text);
        assert_eq!(
            links,
            vec![
                Linked {
                    kind: LinkedKind::Post,
                    key: "0190-abc".into()
                },
                Linked {
                    kind: LinkedKind::Event,
                    key: "e1@20261208T170000Z".into()
                },
            ]
        );
        // `(spaces/pro-lounge)` has no leading slash: not a path of ours.
        assert!(linked_content("/spaces/pro-lounge").contains(&Linked {
            kind: LinkedKind::Space,
            key: "pro-lounge".into()
        }));
    }

    #[test]
    fn text_with_non_ascii_letters_is_split_by_char_not_byte() {
        assert_eq!(
            normalised_words("¿Cómo decidimos? ¡Por consentimiento!"),
            vec!["cómo", "decidimos", "por", "consentimiento"]
        );
        assert!(linked_content("ñ/posts/ñ").is_empty());
    }
}
