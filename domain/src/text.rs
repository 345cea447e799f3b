//! The one rule every piece of text from outside obeys, whatever field it fills: no control
//! characters other than line breaks and tabs. PostgreSQL cannot store U+0000 in text at all,
//! and the other C0 controls are never meant in a title, a name or a message.

/// Whether `text` holds a character no request may carry: a C0 control (U+0000–U+001F) other
/// than newline, carriage return and tab, which long text keeps using.
pub fn has_forbidden_control(text: &str) -> bool {
    text.chars().any(is_forbidden_control)
}

/// A C0 control other than `\n`, `\r` and `\t`.
pub fn is_forbidden_control(c: char) -> bool {
    c <= '\u{1f}' && !matches!(c, '\n' | '\r' | '\t')
}

/// What a field with such a character is told.
pub const FORBIDDEN_CONTROL_MESSAGE: &str =
    "must not contain control characters (only line breaks and tabs are allowed)";

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn text_refuses_nul_and_other_c0_controls() {
        for bad in [
            "\u{0}",
            "title\u{0}",
            "a\u{1}b",
            "\u{1b}[31m",
            "x\u{7}",
            "\u{1f}",
        ] {
            assert!(has_forbidden_control(bad), "{bad:?}");
        }
    }

    #[test]
    fn text_keeps_line_breaks_tabs_and_any_printable_unicode() {
        for good in [
            "",
            "line one\nline two\r\n\tindented",
            "Ana Pérez",
            "🙂 \u{202e}",
            "\u{7f}",
        ] {
            assert!(!has_forbidden_control(good), "{good:?}");
        }
    }

    proptest! {
        #[test]
        fn text_with_a_nul_anywhere_is_refused(a in any::<String>(), b in any::<String>()) {
            let with_nul = format!("{a}\u{0}{b}");
            prop_assert!(has_forbidden_control(&with_nul));
        }
    }
}
