//! Values that are valid by construction. Input is parsed into these types at the edge (HTTP, CLI,
//! database rows); inside the engine a value of one of these types needs no further checks.

use std::fmt;

use thiserror::Error;

/// Why a piece of input is not a valid domain value. The message is meant for the client.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct InvalidInput(pub String);

/// Defines a positive 64-bit identifier that also fits PostgreSQL's signed `bigint`.
macro_rules! positive_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u64);

        impl $name {
            /// The largest id: ids are stored as signed 64-bit integers.
            pub const MAX: u64 = i64::MAX as u64;

            /// Accepts `1..=i64::MAX`.
            pub fn new(value: i64) -> Result<Self, InvalidInput> {
                if value >= 1 {
                    Ok(Self(value as u64))
                } else {
                    Err(InvalidInput(format!(
                        concat!($what, " must be a positive integer, got {}"),
                        value
                    )))
                }
            }

            /// Parses a decimal path or query segment such as `"42"`.
            pub fn parse(text: &str) -> Result<Self, InvalidInput> {
                let value: i64 = text.parse().map_err(|_| {
                    InvalidInput(format!(
                        concat!($what, " must be a positive integer, got {:?}"),
                        truncate_for_message(text)
                    ))
                })?;
                Self::new(value)
            }

            pub fn get(self) -> u64 {
                self.0
            }

            /// The id as the database stores it (always positive).
            pub fn as_i64(self) -> i64 {
                self.0 as i64
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

positive_id!(
    /// A seat, unique across all events.
    SeatId,
    "seat id"
);
positive_id!(
    /// An event (a concert, a match) with its seat layout.
    EventId,
    "event id"
);
positive_id!(
    /// A booking row, assigned by the journal at commit.
    BookingId,
    "booking id"
);

/// Keeps echoed input short so an error message cannot be used to reflect a huge body.
fn truncate_for_message(text: &str) -> String {
    const SHOWN_CHARS_MAX: usize = 32;
    if text.chars().count() <= SHOWN_CHARS_MAX {
        text.to_owned()
    } else {
        let head: String = text.chars().take(SHOWN_CHARS_MAX).collect();
        format!("{head}…")
    }
}

/// Who books: 1 to 64 characters of `[A-Za-z0-9._:@-]`, so it is safe in logs, URLs and keys.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserId(String);

impl UserId {
    pub const LENGTH_MAX: usize = 64;

    pub fn parse(text: &str) -> Result<Self, InvalidInput> {
        if text.is_empty() {
            return Err(InvalidInput("userId must not be empty".into()));
        }
        if text.len() > Self::LENGTH_MAX {
            return Err(InvalidInput(format!(
                "userId must be at most {} characters, got {}",
                Self::LENGTH_MAX,
                text.chars().count()
            )));
        }
        let allowed =
            |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '@' | '-');
        if let Some(bad) = text.chars().find(|&c| !allowed(c)) {
            return Err(InvalidInput(format!(
                "userId may only contain letters, digits and . _ : @ -, found {bad:?}"
            )));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A slice of the seat space: `partition = seat_id mod P`. Leases and fences are per partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartitionId(pub u32);

impl fmt::Display for PartitionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A fencing token: grows every time a partition changes hands. A commit carries the token its
/// node holds; the database refuses it once a newer token has been recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fence(pub u64);

impl fmt::Display for Fence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seat_id_accepts_positive_values_up_to_i64_max() {
        assert_eq!(SeatId::new(1).unwrap().get(), 1);
        assert_eq!(SeatId::new(i64::MAX).unwrap().get(), i64::MAX as u64);
        assert_eq!(SeatId::parse("42").unwrap().as_i64(), 42);
    }

    #[test]
    fn seat_id_rejects_zero_negative_and_out_of_range() {
        assert!(SeatId::new(0).is_err());
        assert!(SeatId::new(-1).is_err());
        assert!(SeatId::parse("9223372036854775808").is_err());
        assert!(SeatId::parse("abc").is_err());
        assert!(SeatId::parse("").is_err());
        assert!(SeatId::parse("1.5").is_err());
    }

    #[test]
    fn id_error_messages_do_not_echo_long_input() {
        let long = "x".repeat(10_000);
        let message = EventId::parse(&long).unwrap_err().0;
        assert!(message.len() < 100, "{message}");
    }

    #[test]
    fn user_id_accepts_the_documented_alphabet() {
        for ok in ["u-123", "a", "alice@example.com", "x.y_z:1", &"a".repeat(64)] {
            assert_eq!(UserId::parse(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn user_id_rejects_empty_long_spaces_and_control_characters() {
        for bad in ["", &"a".repeat(65), "a b", "tab\there", "nl\n", "nul\0", "ü", "semi;colon"] {
            assert!(UserId::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
