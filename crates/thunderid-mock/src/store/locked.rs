//! The two ways a store holds its data. Neither hands out a guard: callers pass a closure that runs
//! while the lock is held, so no lock can cross an `.await` (the closures are synchronous) or outlive
//! the operation, and every operation on one store is atomic.

use std::sync::{Arc, Mutex, MutexGuard, RwLock};

/// Data behind one `std::sync::Mutex`: for stores that change on most requests (executions, OAuth
/// state, the directory). Critical sections are short: no I/O, no signing, no `.await`.
#[derive(Debug, Default)]
pub(crate) struct Locked<T> {
    inner: Mutex<T>,
}

impl<T> Locked<T> {
    pub(crate) fn new(value: T) -> Self {
        Self {
            inner: Mutex::new(value),
        }
    }

    /// Run `f` on the data.
    pub(crate) fn read<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        f(&self.lock())
    }

    /// Run `f` on the data, mutably. `f` validates before it mutates, so an error leaves the data as
    /// it was.
    pub(crate) fn write<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        f(&mut self.lock())
    }

    /// Replace the data (reset).
    pub(crate) fn replace(&self, value: T) {
        *self.lock() = value;
    }

    fn lock(&self) -> MutexGuard<'_, T> {
        // A panic while locked leaves data that is still structurally valid (mutations validate
        // first, then apply), so recover the guard instead of failing every later request.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Read-mostly data published as immutable snapshots: for the configuration (applications, flow
/// graphs). A reader takes the current `Arc` and works on a consistent version for as long as it
/// likes; a writer copies, changes and validates the copy, then publishes it whole, so a failed
/// change is never seen and a reader never sees half of one.
#[derive(Debug)]
pub(crate) struct Snapshots<T> {
    current: RwLock<Arc<T>>,
}

impl<T: Clone> Snapshots<T> {
    pub(crate) fn new(value: T) -> Self {
        Self {
            current: RwLock::new(Arc::new(value)),
        }
    }

    /// The current version.
    pub(crate) fn current(&self) -> Arc<T> {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Change a copy with `f`; publish it only when `f` succeeds. Writers are serialized.
    pub(crate) fn update<R, E>(&self, f: impl FnOnce(&mut T) -> Result<R, E>) -> Result<R, E> {
        let mut slot = self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut next = T::clone(&slot);
        let result = f(&mut next)?;
        *slot = Arc::new(next);
        Ok(result)
    }

    /// Replace the data (reset).
    pub(crate) fn replace(&self, value: T) {
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_update_publishes_nothing() {
        let store = Snapshots::new(vec![1]);
        let before = store.current();
        let failed: Result<(), &str> = store.update(|v| {
            v.push(2);
            Err("refused")
        });
        assert_eq!(failed, Err("refused"));
        assert_eq!(*store.current(), vec![1]);
        store
            .update(|v| {
                v.push(3);
                Ok::<_, ()>(())
            })
            .unwrap();
        assert_eq!(*store.current(), vec![1, 3]);
        assert_eq!(*before, vec![1], "a reader keeps its version");
    }
}
