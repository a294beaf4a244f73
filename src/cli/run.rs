//! Running `extract` over the input on one thread or several, with the
//! results written in input order.
//!
//! With several threads, every thread is a worker: it takes the next chunk
//! of input under a lock, then decodes, extracts and renders it on its own.
//! The main thread only writes finished chunks out in order. Reading is the
//! one step done in turn, and it is cheap next to the rest, so the work
//! spreads evenly over the threads; a bound on the chunks in flight keeps
//! the results that wait for a slow chunk from piling up.

use super::input::{Input, Unit};
use super::render::{Out, Renderer};
use super::sink::Sink;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Condvar, Mutex, MutexGuard};

/// A chunk holds at most this many units...
const CHUNK_UNITS: usize = 64;
/// ...and stops growing once it holds this many bytes of input: small
/// enough that the threads finish together, large enough that taking a
/// chunk costs nothing next to extracting it.
const CHUNK_BYTES: usize = 64 << 10;
/// Chunks taken but not yet written, per thread.
const IN_FLIGHT_PER_THREAD: usize = 4;

/// Extracts every unit of `input` on `threads` threads and writes the
/// results to `sink` in input order. With one thread each result is
/// flushed as soon as it is made; with several, after each chunk.
pub(crate) fn run<W: Write>(
    input: Input,
    threads: usize,
    r: &Renderer<'_>,
    sink: &mut Sink<W>,
) -> io::Result<()> {
    if threads <= 1 {
        for unit in input {
            if let Some(out) = r.unit(unit) {
                sink.write(out)?;
                sink.flush()?;
            }
        }
        return Ok(());
    }
    let shared = Shared {
        input: Mutex::new((input, 0)),
        permits: Mutex::new(threads * IN_FLIGHT_PER_THREAD),
        freed: Condvar::new(),
        stop: AtomicBool::new(false),
    };
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::channel();
        for _ in 0..threads {
            let (tx, shared) = (tx.clone(), &shared);
            scope.spawn(move || shared.work(r, &tx));
        }
        drop(tx);
        let written = write_in_order(rx, sink, &shared);
        // Workers stop at their next chunk (the channel is closed too).
        shared.halt();
        written
    })
}

/// Writes chunks as they come, each once all chunks before it are written.
fn write_in_order<W: Write>(
    rx: mpsc::Receiver<(u64, Vec<Out>)>,
    sink: &mut Sink<W>,
    shared: &Shared,
) -> io::Result<()> {
    let mut waiting = BTreeMap::new();
    let mut next = 0u64;
    for (seq, outs) in rx {
        waiting.insert(seq, outs);
        while let Some(outs) = waiting.remove(&next) {
            for out in outs {
                sink.write(out)?;
            }
            sink.flush()?;
            next += 1;
            shared.release();
        }
    }
    Ok(())
}

/// What the workers share.
struct Shared {
    /// The input, and the number of the next chunk taken from it.
    input: Mutex<(Input, u64)>,
    /// How many more chunks may be taken before the writer catches up.
    permits: Mutex<usize>,
    freed: Condvar,
    /// The writer gave up, or a worker panicked: take no more chunks.
    stop: AtomicBool,
}

impl Shared {
    /// A worker: takes chunks and sends their results until the input
    /// runs out or the run stops.
    fn work(&self, r: &Renderer<'_>, tx: &mpsc::Sender<(u64, Vec<Out>)>) {
        let _halt = HaltOnPanic(self);
        while self.acquire() {
            let Some((seq, units)) = self.take() else {
                self.release();
                return;
            };
            let outs = units.into_iter().filter_map(|u| r.unit(u)).collect();
            if tx.send((seq, outs)).is_err() {
                return;
            }
        }
    }

    /// The next chunk of input and its number; `None` at the end.
    fn take(&self) -> Option<(u64, Vec<Unit>)> {
        let mut guard = lock(&self.input);
        let (input, next) = &mut *guard;
        let (mut units, mut bytes) = (Vec::new(), 0);
        while units.len() < CHUNK_UNITS && bytes < CHUNK_BYTES {
            let Some(unit) = input.next() else { break };
            bytes += unit.len();
            units.push(unit);
        }
        if units.is_empty() {
            return None;
        }
        *next += 1;
        Some((*next - 1, units))
    }

    /// Waits for a permit to take a chunk; false once the run stops.
    fn acquire(&self) -> bool {
        let mut permits = lock(&self.permits);
        while *permits == 0 && !self.stop.load(Ordering::Acquire) {
            permits = self.freed.wait(permits).unwrap_or_else(|e| e.into_inner());
        }
        if self.stop.load(Ordering::Acquire) {
            return false;
        }
        *permits -= 1;
        true
    }

    fn release(&self) {
        *lock(&self.permits) += 1;
        self.freed.notify_one();
    }

    fn halt(&self) {
        self.stop.store(true, Ordering::Release);
        let _permits = lock(&self.permits);
        self.freed.notify_all();
    }
}

/// Stops the run when a worker panics, so that no worker waits for a
/// permit the writer can no longer give back; the panic itself reaches
/// the caller when the scope ends.
struct HaltOnPanic<'a>(&'a Shared);

impl Drop for HaltOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.halt();
        }
    }
}

/// Locks `m`, even if a panicking thread held it: the run is stopping then
/// and what is read is only a counter or the input's position.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
