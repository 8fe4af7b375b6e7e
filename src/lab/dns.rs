//! A stub DNS server on 127.0.0.1 for federation tests, benchmarks and the practice lab: it answers
//! SRV and A queries from a small zone, with messages built and read by hickory-proto (no DNS packets
//! by hand), or reads queries and never answers (a silent server). Dropping it stops it.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use hickory_resolver::proto::op::{Message, MessageType, ResponseCode};
use hickory_resolver::proto::rr::rdata::{A, SRV};
use hickory_resolver::proto::rr::{Name, RData, Record, RecordType};

use super::LabError;

/// What the stub DNS server does.
#[derive(Clone, Debug)]
pub enum Behaviour {
    /// Answers from the zone: records by (lower-case name without the dot, type); a name with no
    /// record of any type is NXDOMAIN, a name with other types only is an empty NOERROR answer.
    Zone(HashMap<(String, RecordType), Vec<RData>>),
    /// Reads the queries and never answers.
    Silent,
}

/// A UDP DNS server on 127.0.0.1. Dropping it stops it.
pub struct StubDns {
    /// Where it listens.
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl StubDns {
    /// Starts it on a free loopback port.
    pub fn start(behaviour: Behaviour) -> Result<StubDns, LabError> {
        let socket = UdpSocket::bind("127.0.0.1:0").map_err(LabError::Io)?;
        socket
            .set_read_timeout(Some(Duration::from_millis(50)))
            .map_err(LabError::Io)?;
        let addr = socket.local_addr().map_err(LabError::Io)?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while !flag.load(Ordering::SeqCst) {
                let Ok((n, from)) = socket.recv_from(&mut buf) else {
                    continue;
                };
                let Ok(query) = Message::from_vec(&buf[..n]) else {
                    continue;
                };
                let Behaviour::Zone(zone) = &behaviour else {
                    continue;
                };
                let answer = answer(zone, &query);
                if let Ok(bytes) = answer.to_vec() {
                    let _ = socket.send_to(&bytes, from);
                }
            }
        });
        Ok(StubDns {
            addr,
            stop,
            thread: Some(thread),
        })
    }

    /// `IP:PORT`, as `--dns-server` takes it.
    pub fn arg(&self) -> String {
        self.addr.to_string()
    }
}

impl Drop for StubDns {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn answer(zone: &HashMap<(String, RecordType), Vec<RData>>, query: &Message) -> Message {
    let mut response = Message::response(query.metadata.id, query.metadata.op_code);
    response.metadata.message_type = MessageType::Response;
    response.metadata.recursion_desired = query.metadata.recursion_desired;
    response.metadata.recursion_available = true;
    response.metadata.authoritative = true;
    let Some(q) = query.queries.first() else {
        response.metadata.response_code = ResponseCode::FormErr;
        return response;
    };
    response.add_query(q.clone());
    let name = q.name.to_ascii().trim_end_matches('.').to_ascii_lowercase();
    let exists = zone.keys().any(|(n, _)| *n == name);
    match zone.get(&(name, q.query_type)) {
        Some(rdatas) => {
            for rdata in rdatas {
                response.add_answer(Record::from_rdata(q.name.clone(), 60, rdata.clone()));
            }
        }
        None if exists => {}
        None => response.metadata.response_code = ResponseCode::NXDomain,
    }
    response
}

fn name(s: &str) -> Result<Name, LabError> {
    if s == "." {
        return Ok(Name::root());
    }
    Name::from_str(&format!("{s}.")).map_err(|e| LabError::Pki(format!("DNS name {s}: {e}")))
}

/// A zone builder: SRV records under a name, and A records (127.0.0.1).
#[derive(Default, Debug)]
pub struct Zone(HashMap<(String, RecordType), Vec<RData>>);

impl Zone {
    /// Adds `owner SRV priority weight port target`. A target that is not a DNS name is left out
    /// (the stub then answers without it).
    pub fn srv(mut self, owner: &str, priority: u16, weight: u16, port: u16, target: &str) -> Self {
        if let Ok(target) = name(target) {
            self.0
                .entry((owner.to_owned(), RecordType::SRV))
                .or_default()
                .push(RData::SRV(SRV::new(priority, weight, port, target)));
        }
        self
    }

    /// Adds `owner A 127.0.0.1`.
    pub fn a(mut self, owner: &str) -> Self {
        self.0
            .entry((owner.to_owned(), RecordType::A))
            .or_default()
            .push(RData::A(A(Ipv4Addr::LOCALHOST)));
        self
    }

    /// Serves the zone.
    pub fn start(self) -> Result<StubDns, LabError> {
        StubDns::start(Behaviour::Zone(self.0))
    }
}
