//! A TCP stream with a deadline and a cancel flag, that remembers the first bytes the peer sent.
//!
//! Per-read socket timeouts are not enough: a peer that trickles one byte a second never trips them.
//! Every read here waits at most until the step's deadline, in short slices so a cancel is seen quickly.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::CancelFlag;

/// How many of the peer's first bytes are kept (enough for an HTTP status line or a TLS record header).
pub const FIRST_BYTES_KEPT: usize = 512;

/// Longest single wait, so that a cancel is noticed within this time.
const SLICE: Duration = Duration::from_millis(100);

/// A TCP stream bounded by a deadline and a cancel flag.
pub struct DeadlineStream {
    inner: TcpStream,
    deadline: Instant,
    cancel: CancelFlag,
    first_bytes: Vec<u8>,
    bytes_received: usize,
    timed_out: bool,
    cancelled: bool,
}

impl DeadlineStream {
    /// Wraps `inner`; reads and writes fail with `TimedOut` after `deadline`.
    pub fn new(inner: TcpStream, deadline: Instant, cancel: CancelFlag) -> Self {
        DeadlineStream {
            inner,
            deadline,
            cancel,
            first_bytes: Vec::new(),
            bytes_received: 0,
            timed_out: false,
            cancelled: false,
        }
    }

    /// The first bytes the peer sent (at most [`FIRST_BYTES_KEPT`]).
    pub fn first_bytes(&self) -> &[u8] {
        &self.first_bytes
    }

    /// How many bytes the peer sent in all.
    pub fn bytes_received(&self) -> usize {
        self.bytes_received
    }

    /// Whether a read or write ran into the deadline.
    pub fn timed_out(&self) -> bool {
        self.timed_out
    }

    /// Whether the cancel flag stopped a read or write.
    pub fn cancelled(&self) -> bool {
        self.cancelled
    }

    /// Our end of the connection (the SIP request's Via and Contact name it).
    pub fn local_addr(&self) -> Option<std::net::SocketAddr> {
        self.inner.local_addr().ok()
    }

    /// When reads and writes stop waiting.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Moves the deadline (for a follow-up exchange on the same connection).
    pub fn extend_deadline(&mut self, deadline: Instant) {
        self.deadline = deadline;
    }

    fn slice(&mut self) -> io::Result<Duration> {
        if self.cancel.is_cancelled() {
            self.cancelled = true;
            // Not `Interrupted`: rustls retries those, and a cancel must end the step.
            return Err(io::Error::other("cancelled"));
        }
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            self.timed_out = true;
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "no answer before the timeout",
            ));
        }
        Ok(remaining.min(SLICE))
    }
}

/// Whether an error only means "nothing yet in this slice": the socket's own timeout, which the
/// stream answers by looking at the deadline and the cancel flag again.
fn slice_ended(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

impl Read for DeadlineStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let wait = self.slice()?;
            self.inner.set_read_timeout(Some(wait))?;
            match self.inner.read(buf) {
                Ok(n) => {
                    let keep = FIRST_BYTES_KEPT
                        .saturating_sub(self.first_bytes.len())
                        .min(n);
                    self.first_bytes.extend_from_slice(&buf[..keep]);
                    self.bytes_received += n;
                    return Ok(n);
                }
                Err(e) if slice_ended(&e) => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

impl Write for DeadlineStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        loop {
            let wait = self.slice()?;
            self.inner.set_write_timeout(Some(wait))?;
            match self.inner.write(buf) {
                Err(e) if slice_ended(&e) => continue,
                other => return other,
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
