//! Buffers reused across calls on one thread: tokenizing, matching and
//! extracting allocate nothing once their buffers have grown.

use std::cell::RefCell;
use std::thread::LocalKey;

/// Runs `f` with this thread's value in `key`, moved out for the call (a
/// fresh default one when it is in use, as on re-entry, or when the thread
/// is shutting down), and put back afterwards when `keep` accepts it.
/// Moving the buffers out and back allocates nothing.
pub(crate) fn with_reused<T: Default, R>(
    key: &'static LocalKey<RefCell<T>>,
    keep: impl FnOnce(&T) -> bool,
    f: impl FnOnce(&mut T) -> R,
) -> R {
    let mut value = key
        .try_with(|v| v.try_borrow_mut().ok().map(|mut v| std::mem::take(&mut *v)))
        .ok()
        .flatten()
        .unwrap_or_default();
    let r = f(&mut value);
    if keep(&value) {
        let _ = key.try_with(|v| {
            if let Ok(mut v) = v.try_borrow_mut() {
                *v = value;
            }
        });
    }
    r
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
}
