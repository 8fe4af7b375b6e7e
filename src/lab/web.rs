//! The lab's PKI web server: what an enterprise CA publishes over HTTP (its certificate for AIA, its
//! CRL for the CRL distribution point), on 127.0.0.1, so the lab's certificates can name real URLs and
//! `--fetch` / the wizard's revocation check have something to reach. Stops when dropped.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use super::LabError;

/// Files served by path (`/issuing.crl`), each with its content type. Anything else is a 404.
pub type PublishedFiles = HashMap<String, (Vec<u8>, &'static str)>;

/// A running PKI web server.
pub struct LabWeb {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl LabWeb {
    /// Binds 127.0.0.1 on a free port (before the certificates that name it are made).
    pub fn bind() -> Result<(TcpListener, String), LabError> {
        let listener = TcpListener::bind("127.0.0.1:0").map_err(LabError::Io)?;
        let port = listener.local_addr().map_err(LabError::Io)?.port();
        Ok((listener, format!("http://127.0.0.1:{port}")))
    }

    /// Serves `published` on `listener` until dropped.
    pub fn serve(listener: TcpListener, published: PublishedFiles) -> Result<LabWeb, LabError> {
        let addr = listener.local_addr().map_err(LabError::Io)?;
        let stop = Arc::new(AtomicBool::new(false));
        let published = Arc::new(published);
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let published = Arc::clone(&published);
                std::thread::spawn(move || answer(stream, &published));
            }
        });
        Ok(LabWeb {
            addr,
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for LabWeb {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn answer(mut stream: TcpStream, published: &PublishedFiles) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let path = head
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("/");
    let (status, body, kind): (&str, &[u8], &str) = match published.get(path) {
        Some((body, kind)) => ("200 OK", body, kind),
        None => ("404 Not Found", b"Not Found", "text/plain"),
    };
    let _ = stream.write_all(
        format!(
            "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    let _ = stream.write_all(body);
}
