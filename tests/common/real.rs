//! Real servers nobody on this project wrote (`openssl s_server`, later nginx, Apache httpd,
//! gnutls-serv), started unprivileged on 127.0.0.1 with their files in a temporary directory.
//! A test whose server binary is missing prints why it is skipped and returns: CI installs them.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where a server binary is: PATH first, then the sbin directories Debian puts daemons in.
pub fn binary(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/local/sbin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// [`binary`], or a printed reason the calling test is skipped.
pub fn binary_or_skip(name: &str, package: &str, test: &str) -> Option<PathBuf> {
    let found = binary(name);
    if found.is_none() {
        eprintln!(
            "SKIPPED {test}: `{name}` is not installed (Debian package {package}; .ci/run installs it)"
        );
    }
    found
}

/// A port that was free a moment ago on 127.0.0.1.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// A started server process: killed and reaped when dropped.
pub struct RealServer {
    /// Where it listens.
    pub port: u16,
    child: Child,
    /// Its files (configs, certificates); removed when dropped.
    pub dir: tempfile::TempDir,
}

impl RealServer {
    /// Starts `command` (which must listen on 127.0.0.1:`port`) and waits until the port accepts.
    pub fn start(mut command: Command, port: u16, dir: tempfile::TempDir) -> RealServer {
        let log = std::fs::File::create(dir.path().join("stderr.log")).expect("log");
        let child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start server");
        let mut server = RealServer { port, child, dir };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = server.child.try_wait() {
                let said = |name: &str| {
                    std::fs::read_to_string(server.dir.path().join(name)).unwrap_or_default()
                };
                panic!(
                    "the server exited before listening: {status}\n{}\n{}",
                    said("stderr.log"),
                    said("error.log")
                );
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the server did not listen on {port} within 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    /// A file in the server's directory.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

impl Drop for RealServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes `text` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

/// `openssl s_server` (the system's OpenSSL) on 127.0.0.1 with the server chain and key in PEM and
/// `extra` arguments; it answers every connection in turn (`-www`: a small HTML status page).
pub fn openssl_s_server(chain_pem: &str, key_pem: &str, extra: &[&str]) -> Option<RealServer> {
    let openssl = binary_or_skip("openssl", "openssl", "openssl s_server test")?;
    let dir = tempfile::tempdir().expect("dir");
    let cert = write(dir.path(), "server.pem", chain_pem);
    let key = write(dir.path(), "server.key", key_pem);
    let port = free_port();
    let mut command = Command::new(openssl);
    command
        .arg("s_server")
        .arg("-accept")
        .arg(format!("127.0.0.1:{port}"))
        .arg("-cert")
        .arg(&cert)
        .arg("-key")
        .arg(&key)
        .arg("-quiet")
        .args(extra)
        .current_dir(dir.path());
    Some(RealServer::start(command, port, dir))
}

/// Apache httpd (Debian's `apache2`) in the foreground (`-X`: one process) on 127.0.0.1 with the
/// server chain and key, and `ssl_directives` inside its one TLS virtual host (`SSLVerifyClient`,
/// `SSLCACertificateFile`, `<Location>` blocks). `{dir}` in them is the server's directory. The
/// document root holds `LiveServer/MCUFactory/index.html`; `files` (name, text) are written beside.
pub fn apache(
    chain_pem: &str,
    key_pem: &str,
    ssl_directives: &str,
    files: &[(&str, &str)],
) -> Option<RealServer> {
    let httpd = binary_or_skip("apache2", "apache2", "Apache httpd test")?;
    let dir = server_dir(chain_pem, key_pem, files);
    let d = dir.path();
    std::fs::create_dir_all(d.join("docs/LiveServer/MCUFactory")).expect("docs");
    write(
        d,
        "docs/LiveServer/MCUFactory/index.html",
        "<?xml version=\"1.0\"?><MCUFactory/>",
    );
    let port = free_port();
    let modules = "/usr/lib/apache2/modules";
    // Root may not serve pages: Apache switches to an unprivileged user after reading the keys.
    let user = if is_root() {
        "User nobody\nGroup nogroup\n"
    } else {
        ""
    };
    let conf = format!(
        "ServerRoot {root}\nDefaultRuntimeDir {root}\nPidFile {root}/httpd.pid\nErrorLog {root}/error.log\nLogLevel info ssl:info\n\
         LoadModule mpm_event_module {modules}/mod_mpm_event.so\nLoadModule authz_core_module {modules}/mod_authz_core.so\n\
         LoadModule dir_module {modules}/mod_dir.so\nLoadModule ssl_module {modules}/mod_ssl.so\n{user}\
         ServerName lab.certwiz.test\nListen 127.0.0.1:{port}\nSSLSessionCache none\nDocumentRoot {root}/docs\n\
         <Directory {root}/docs>\n  Require all granted\n</Directory>\n\
         <VirtualHost 127.0.0.1:{port}>\n  SSLEngine on\n  SSLCertificateFile {root}/server.pem\n  SSLCertificateKeyFile {root}/server.key\n{ssl}\n</VirtualHost>\n",
        root = d.display(),
        ssl = ssl_directives.replace("{dir}", &d.display().to_string()),
    );
    let conf_path = write(d, "httpd.conf", &conf);
    // The unprivileged user must reach the document root inside the temporary directory.
    let _ = std::process::Command::new("chmod")
        .args(["-R", "a+rX"])
        .arg(d)
        .status();
    let mut command = Command::new(httpd);
    command.arg("-X").arg("-f").arg(&conf_path).arg("-d").arg(d);
    Some(RealServer::start(command, port, dir))
}

/// A temporary directory with the server's chain (`server.pem`), key (`server.key`) and `files`.
fn server_dir(chain_pem: &str, key_pem: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("dir");
    write(dir.path(), "server.pem", chain_pem);
    write(dir.path(), "server.key", key_pem);
    for (name, text) in files {
        write(dir.path(), name, text);
    }
    dir
}

/// Whether the tests run as root (CI does): servers that refuse root then switch users.
pub fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// nginx (Debian's `nginx`) in the foreground, one process, on 127.0.0.1 with the server chain and
/// key; `server_directives` go inside its one TLS `server` block (`ssl_verify_client`,
/// `ssl_client_certificate {dir}/...`). The MCU Factory path answers 200 with a small XML body.
pub fn nginx(
    chain_pem: &str,
    key_pem: &str,
    server_directives: &str,
    files: &[(&str, &str)],
) -> Option<RealServer> {
    let bin = binary_or_skip("nginx", "nginx", "nginx test")?;
    let dir = server_dir(chain_pem, key_pem, files);
    let d = dir.path();
    let port = free_port();
    let root = d.display().to_string();
    let temp_paths: String = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
        .iter()
        .map(|t| format!("  {t}_temp_path {root}/{t};\n"))
        .collect();
    let conf = format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {root}/nginx.pid;\nerror_log {root}/error.log info;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  access_log off;\n{temp_paths}\
         server {{\n    listen 127.0.0.1:{port} ssl;\n    server_name lab.certwiz.test;\n\
         ssl_certificate {root}/server.pem;\n    ssl_certificate_key {root}/server.key;\n{directives}\n\
         location / {{ default_type application/xml; return 200 '<?xml version=\"1.0\"?><MCUFactory/>'; }}\n  }}\n}}\n",
        directives = server_directives.replace("{dir}", &root),
    );
    let conf_path = write(d, "nginx.conf", &conf);
    let mut command = Command::new(bin);
    command
        .arg("-p")
        .arg(d)
        .arg("-e")
        .arg(d.join("error.log"))
        .arg("-c")
        .arg(&conf_path);
    Some(RealServer::start(command, port, dir))
}
