//! The time source. Handlers ask the clock, never the system, so tests can move time.

use chrono::{DateTime, Duration, Utc};
use std::sync::{Arc, Mutex};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// Moves the clock forward (the development clock, `POST /api/v1/dev/clock`); `false` for
    /// clocks that cannot move (the system's).
    fn advance(&self, _by: Duration) -> bool {
        false
    }
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told to move; for tests.
#[derive(Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self(Arc::new(Mutex::new(start)))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        if let Ok(mut now) = self.0.lock() {
            *now = at;
        }
    }

    pub fn advance(&self, by: Duration) {
        if let Ok(mut now) = self.0.lock() {
            *now += by;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.lock().map(|now| *now).unwrap_or_else(|_| Utc::now())
    }

    fn advance(&self, by: Duration) -> bool {
        ManualClock::advance(self, by);
        true
    }
}

/// The system's time plus an offset that only grows: the server's clock with
/// `PRAXIS_DEV_CLOCK=on`, so time runs on and can be moved ahead to walk through renewals and
/// grace periods.
#[derive(Default)]
pub struct OffsetClock(Mutex<Duration>);

impl Clock for OffsetClock {
    fn now(&self) -> DateTime<Utc> {
        let offset = self
            .0
            .lock()
            .map(|o| *o)
            .unwrap_or_else(|_| Duration::zero());
        Utc::now() + offset
    }

    fn advance(&self, by: Duration) -> bool {
        match self.0.lock() {
            Ok(mut offset) => {
                *offset += by;
                true
            }
            Err(_) => false,
        }
    }
}
