//! Time. Every expiry in the mock reads one [`Clock`], so tests move time forward instead of sleeping
//! (`POST /__mock/clock {"advanceSeconds": N}` or [`crate::MockServer::clock`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The mock's clock: a base (the system clock, or a fixed instant) plus an offset that only grows.
#[derive(Debug)]
pub struct Clock {
    base: Base,
    offset_secs: AtomicU64,
}

#[derive(Debug, Clone, Copy)]
enum Base {
    System,
    Fixed(u64),
}

impl Clock {
    /// Follows the system clock.
    pub fn system() -> Self {
        Self {
            base: Base::System,
            offset_secs: AtomicU64::new(0),
        }
    }

    /// Stands still at `unix_seconds` until advanced: for tests with exact timestamps.
    pub fn fixed(unix_seconds: u64) -> Self {
        Self {
            base: Base::Fixed(unix_seconds),
            offset_secs: AtomicU64::new(0),
        }
    }

    /// Seconds since the Unix epoch.
    pub fn now(&self) -> u64 {
        let base = match self.base {
            Base::System => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or(Duration::ZERO)
                .as_secs(),
            Base::Fixed(secs) => secs,
        };
        base.saturating_add(self.offset_secs.load(Ordering::Relaxed))
    }

    /// Move time forward. Time never goes back (an advance past the end of time stops there), so
    /// nothing already expired comes back to life.
    pub fn advance(&self, by: Duration) {
        let _ = self
            .offset_secs
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |offset| {
                Some(offset.saturating_add(by.as_secs()))
            });
    }

    /// A new clock with the same base and no advance: each server owns its clock, so a builder's
    /// clock is copied, never shared.
    pub fn clone_fresh(&self) -> Self {
        Self {
            base: self.base,
            offset_secs: AtomicU64::new(0),
        }
    }

    /// Forget every advance (used by `POST /__mock/reset`).
    pub fn reset(&self) {
        self.offset_secs.store(0, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_moves_only_when_advanced() {
        let clock = Clock::fixed(1_000);
        assert_eq!(clock.now(), 1_000);
        clock.advance(Duration::from_secs(30));
        assert_eq!(clock.now(), 1_030);
        clock.reset();
        assert_eq!(clock.now(), 1_000);
    }

    #[test]
    fn time_never_wraps_back_to_the_present() {
        let clock = Clock::fixed(1_000);
        clock.advance(Duration::from_secs(u64::MAX));
        clock.advance(Duration::from_secs(10));
        assert_eq!(clock.now(), u64::MAX);
    }
}
