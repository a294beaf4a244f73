//! Buffers reused across calls on one thread: tokenizing, matching and
//! extracting allocate nothing once their buffers have grown.

use std::cell::RefCell;
use std::thread::LocalKey;

/// Runs `f` with this thread's value in `key`, borrowed in place for the
/// call (a fresh default one when it is in use, as on re-entry, or when the
/// thread is shutting down), and reset afterwards unless `keep` accepts it.
/// Borrowing, not moving it out and back, spares two copies of the whole
/// value a call (the extractor's buffers are over a kilobyte).
pub(crate) fn with_reused<T: Default, R>(
    key: &'static LocalKey<RefCell<T>>,
    keep: impl FnOnce(&T) -> bool,
    f: impl FnOnce(&mut T) -> R,
) -> R {
    let mut f = Some(f);
    let reused = key.try_with(|cell| {
        let mut value = cell.try_borrow_mut().ok()?;
        // Should `f` panic, the value it left half-used is not lent again.
        let guard = ResetOnUnwind(&mut *value);
        let r = f.take().expect("called once")(guard.0);
        std::mem::forget(guard);
        if !keep(&value) {
            *value = T::default();
        }
        Some(r)
    });
    match reused {
        Ok(Some(r)) => r,
        // In use or gone: `f` has not run.
        _ => f.take().expect("not called yet")(&mut T::default()),
    }
}

/// Resets the value it holds to the default when dropped, which happens
/// only when the call lent the value panics (it is forgotten otherwise).
struct ResetOnUnwind<'a, T: Default>(&'a mut T);

impl<T: Default> Drop for ResetOnUnwind<'_, T> {
    fn drop(&mut self) {
        *self.0 = T::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static BUF: RefCell<Vec<u32>> = RefCell::default();
    }

    #[test]
    fn kept_reused_and_fresh_on_reentry() {
        with_reused(&BUF, |_| true, |b| b.push(1));
        // Kept: the next call sees it; a nested call gets a fresh one.
        let inner = with_reused(
            &BUF,
            |_| true,
            |b| {
                assert_eq!(b, &[1]);
                with_reused(&BUF, |_| false, |nested| nested.len())
            },
        );
        assert_eq!(inner, 0);
        // Not kept: the thread's value is left empty.
        with_reused(&BUF, |_| false, |b| assert_eq!(b, &[1]));
        with_reused(&BUF, |_| true, |b| assert!(b.is_empty()));
    }

    #[test]
    fn a_panicking_call_leaves_a_fresh_value() {
        with_reused(&BUF, |_| true, |b| b.extend([1, 2, 3]));
        let caught = std::panic::catch_unwind(|| {
            with_reused(
                &BUF,
                |_| true,
                |b: &mut Vec<u32>| {
                    b.push(4);
                    panic!("planted");
                },
            )
        });
        assert!(caught.is_err());
        with_reused(&BUF, |_| true, |b| assert!(b.is_empty(), "{b:?}"));
    }
}
