//! What hostile files cost: each file of `synth::hostile` imported by the command line
//! (peak memory of the process, from GNU time) and uploaded to a running server (its
//! peak memory after each, from /proc), on each backend. The server must answer every
//! upload and stay up.

use crate::national::PRODUCT;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

const PASSWORD: &str = "mat-khau-thu-nghiem";

pub fn run(backends: &[store::Backend], results: &Path) -> anyhow::Result<std::process::ExitCode> {
    anyhow::ensure!(
        Path::new("/usr/bin/time").exists(),
        "GNU time is needed: apt-get install time"
    );
    let dir = tempfile_dir()?;
    let files = synth::hostile::write_all(&dir)?;
    let units = dir.join("units.csv");
    std::fs::write(
        &units,
        "code,name,level,parent_code,valid_from,valid_to\nVN,Trung ương,central,,,\n00100,Xã Một,commune,VN,,\n",
    )?;
    let mut body = String::new();
    for &backend in backends {
        let scratch = testkit::scratch::Scratch::new(backend)?;
        let db = scratch.url.as_str();
        product(&["--db", db, "import", &units.display().to_string()])?;
        product(&[
            "--db",
            db,
            "user",
            "add",
            "xem",
            "--role",
            "viewer",
            "--unit",
            "VN",
            "--password",
            PASSWORD,
        ])?;
        body.push_str(&format!("### {}\n\n", backend.name()));
        body.push_str("| file | refused with | command line: exit, peak RSS | server: status, peak RSS after |\n|---|---|---|---|\n");
        let mut server = Server::start(db)?;
        for (file, words) in &files {
            let (exit, cli_kb) = cli_peak(db, file, &dir)?;
            let (status, page) = server.upload(file)?;
            anyhow::ensure!(
                page.contains(words),
                "{}: «{words}» not in the answer",
                file.display()
            );
            anyhow::ensure!(server.alive()?, "the server died after {}", file.display());
            let line = format!(
                "| {} ({} KB) | {words} | {exit}, {} MB | {status}, {} MB |\n",
                name_of(file),
                std::fs::metadata(file)?.len() / 1024,
                cli_kb / 1024,
                server.peak_kb()? / 1024
            );
            print!("{line}");
            body.push_str(&line);
        }
        body.push('\n');
    }
    body.push_str(
        "Command: `cargo run --release -p donghanh-bench -- hostile`. The files are synthetic (`synth::hostile`); the server is one process for all uploads, so its column is its peak so far.\n",
    );
    crate::micro::record(results, "Hostile files (issue 13)", &body)?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(std::process::ExitCode::SUCCESS)
}

fn name_of(p: &Path) -> String {
    let parent = p
        .parent()
        .and_then(|d| d.file_name())
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name.ends_with(".csv") {
        format!("{parent}/{name}")
    } else {
        name
    }
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("donghanh-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn product(args: &[&str]) -> anyhow::Result<()> {
    let out = Command::new(std::env::current_exe()?)
        .arg(PRODUCT)
        .args(args)
        .output()?;
    anyhow::ensure!(
        out.status.success(),
        "donghanh {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

/// Imports `file` with the command line under GNU time: its exit code and peak RSS (KB).
fn cli_peak(db: &str, file: &Path, dir: &Path) -> anyhow::Result<(i32, u64)> {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "peak-kb %M"])
        .arg(std::env::current_exe()?)
        .arg(PRODUCT)
        .args(["--db", db, "import"])
        .arg(file)
        .current_dir(dir)
        .output()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let kb = stderr
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("peak-kb "))
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| anyhow::anyhow!("no peak from GNU time: {stderr}"))?;
    Ok((out.status.code().unwrap_or(-1), kb))
}

/// `donghanh serve` on a free port, a viewer signed in.
struct Server {
    child: std::process::Child,
    addr: String,
    cookie: String,
    csrf: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `donghanh serve` of `db` on a free port of this machine, started: the process and
/// the address it listens on.
pub(crate) fn serve(db: &str) -> anyhow::Result<(std::process::Child, String)> {
    let mut child = Command::new(std::env::current_exe()?)
        .arg(PRODUCT)
        .args(["--db", db, "serve", "--addr", "127.0.0.1:0"])
        .env("DONGHANH_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut stdout = child
        .stdout
        .take()
        .ok_or_else(|| anyhow::anyhow!("no stdout"))?;
    let mut seen = String::new();
    let mut byte = [0u8; 1];
    while !seen.contains("(Ctrl") {
        anyhow::ensure!(stdout.read(&mut byte)? == 1, "the server ended: {seen}");
        seen.push(byte[0] as char);
    }
    let addr = seen
        .split("http://")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .ok_or_else(|| anyhow::anyhow!("no address in {seen}"))?
        .to_owned();
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    Ok((child, addr))
}

impl Server {
    fn start(db: &str) -> anyhow::Result<Server> {
        let (child, addr) = serve(db)?;
        let mut s = Server {
            child,
            addr,
            cookie: String::new(),
            csrf: String::new(),
        };
        let (_, page, jar) = s.request("GET", "/login", "", &[])?;
        s.cookie = jar;
        let token = between(&page, "name=\"_login\" value=\"", "\"");
        let form = format!("_login={token}&username=xem&password={PASSWORD}");
        let (_, _, jar) = s.request(
            "POST",
            "/login",
            "application/x-www-form-urlencoded",
            form.as_bytes(),
        )?;
        s.cookie = jar;
        let (_, page, _) = s.request("GET", "/import", "", &[])?;
        s.csrf = between(&page, "name=\"_csrf\" value=\"", "\"");
        anyhow::ensure!(!s.csrf.is_empty(), "not signed in");
        Ok(s)
    }

    fn alive(&mut self) -> anyhow::Result<bool> {
        Ok(self.request("GET", "/health", "", &[])?.0 == 200)
    }

    fn peak_kb(&self) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| anyhow::anyhow!("no VmHWM"))
    }

    fn upload(&mut self, file: &Path) -> anyhow::Result<(u16, String)> {
        let boundary = "----donghanh-bench";
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").into_bytes();
        body.extend_from_slice(&std::fs::read(file)?);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let path = format!("/import?_csrf={}", self.csrf);
        let (status, page, _) = self.request(
            "POST",
            &path,
            &format!("multipart/form-data; boundary={boundary}"),
            &body,
        )?;
        Ok((status, page))
    }

    /// One HTTP/1.1 request: status, body, and the cookies it set ("a=b; c=d").
    fn request(
        &mut self,
        method: &str,
        path: &str,
        content_type: &str,
        body: &[u8],
    ) -> anyhow::Result<(u16, String, String)> {
        let mut s = std::net::TcpStream::connect(&self.addr)?;
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        if !content_type.is_empty() {
            head.push_str(&format!("Content-Type: {content_type}\r\n"));
        }
        if !self.cookie.is_empty() {
            head.push_str(&format!("Cookie: {}\r\n", self.cookie));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body);
        let _ = s.write_all(&bytes);
        let mut raw = Vec::new();
        s.read_to_end(&mut raw)?;
        let text = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let cookies: Vec<&str> = head
            .lines()
            .filter_map(|l| {
                l.strip_prefix("set-cookie: ")
                    .or_else(|| l.strip_prefix("Set-Cookie: "))
            })
            .filter_map(|v| v.split(';').next())
            .collect();
        let mut jar = self.cookie.clone();
        for c in cookies {
            if !jar.is_empty() {
                jar.push_str("; ");
            }
            jar.push_str(c);
        }
        Ok((status, body.to_owned(), jar))
    }
}

fn between(s: &str, start: &str, end: &str) -> String {
    s.split_once(start)
        .and_then(|(_, rest)| rest.split_once(end))
        .map(|(v, _)| v.to_owned())
        .unwrap_or_default()
}
