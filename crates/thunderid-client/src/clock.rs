//! Time, as the client sees it. Token validation (`exp`, `nbf`), token expiry and session expiry all
//! read one injected [`Clock`], so tests can line the client up with a mock server's clock instead
//! of sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of the current time in whole seconds since the Unix epoch.
pub trait Clock: Send + Sync {
    /// Seconds since the Unix epoch.
    fn now(&self) -> u64;
}

/// The system clock (the default).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

/// A clock that stands still until moved: for tests and replays.
///
/// ```
/// use std::time::Duration;
/// use thunderid_client::{Clock, FixedClock};
///
/// let clock = FixedClock::new(1_000);
/// clock.advance(Duration::from_secs(30));
/// assert_eq!(clock.now(), 1_030);
/// ```
#[derive(Debug, Default)]
pub struct FixedClock {
    seconds: AtomicU64,
}

/// Any function returning the time is a clock: `thunderid_mock::MockServer::clock_fn()` hands the
/// client the mock server's own clock, so a mock standing still at a fixed instant and the client
/// agree on `exp` and `iat`.
impl<F: Fn() -> u64 + Send + Sync> Clock for F {
    fn now(&self) -> u64 {
        self()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    }
}

impl FixedClock {
    /// A clock at `unix_seconds`.
    pub fn new(unix_seconds: u64) -> Self {
        Self {
            seconds: AtomicU64::new(unix_seconds),
        }
    }

    /// Moves the clock forward by `by` (whole seconds).
    pub fn advance(&self, by: Duration) {
        self.seconds.fetch_add(by.as_secs(), Ordering::Relaxed);
    }

    /// Sets the clock to `unix_seconds`.
    pub fn set(&self, unix_seconds: u64) {
        self.seconds.store(unix_seconds, Ordering::Relaxed);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> u64 {
        self.seconds.load(Ordering::Relaxed)
    }
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now(&self) -> u64 {
        (**self).now()
    }
}
