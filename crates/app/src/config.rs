//! Configuration: flags beat environment (`DONGHANH_…`), which beats the optional TOML
//! file (`--config`, `DONGHANH_CONFIG`, or `donghanh.toml` in the working folder), which
//! beats the defaults.

use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const DEFAULT_DB: &str = "donghanh.sqlite";
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub db: Option<String>,
    pub addr: Option<String>,
    /// Database connections of the server (and requests doing database work at once).
    pub pool_size: Option<usize>,
}

impl FileConfig {
    pub fn load(explicit: Option<&Path>) -> anyhow::Result<FileConfig> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => {
                let p = PathBuf::from("donghanh.toml");
                if !p.exists() {
                    return Ok(FileConfig::default());
                }
                p
            }
        };
        let text = std::fs::read_to_string(&path).map_err(|e| {
            anyhow::anyhow!(
                "không đọc được tệp cấu hình {} / cannot read config: {e}",
                path.display()
            )
        })?;
        toml::from_str(&text).map_err(|e| {
            anyhow::anyhow!("tệp cấu hình {} sai / invalid config: {e}", path.display())
        })
    }
}
