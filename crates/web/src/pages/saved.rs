//! "Đã lưu": what a page says after a save sent her back where she started. The page
//! she returns to reads one word of its address (`luu`), from a fixed list, so an
//! address cannot make a page say anything else.

use maud::{html, Markup};
use serde::Deserialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Saved {
    Household,
    Family,
    Member,
    Assessment,
    Support,
    Assignment,
    Consent,
    Activity,
    Corrected,
    Deleted,
    Restored,
    Record,
}

const ALL: [Saved; 12] = [
    Saved::Record,
    Saved::Household,
    Saved::Family,
    Saved::Member,
    Saved::Assessment,
    Saved::Support,
    Saved::Assignment,
    Saved::Consent,
    Saved::Activity,
    Saved::Corrected,
    Saved::Deleted,
    Saved::Restored,
];

impl Saved {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Saved::Household => "ho",
            Saved::Family => "gia-dinh",
            Saved::Member => "thanh-vien",
            Saved::Assessment => "ra-soat",
            Saved::Support => "ho-tro",
            Saved::Assignment => "phan-cong",
            Saved::Consent => "dong-y",
            Saved::Activity => "hoat-dong",
            Saved::Corrected => "sua",
            Saved::Deleted => "xoa",
            Saved::Restored => "khoi-phuc",
            Saved::Record => "ban-ghi",
        }
    }

    pub(crate) fn vi(self) -> &'static str {
        match self {
            Saved::Household => "Đã lưu thông tin hộ.",
            Saved::Family => "Đã lưu hộ mới cùng các thành viên.",
            Saved::Member => "Đã lưu thành viên.",
            Saved::Assessment => "Đã lưu kết quả rà soát.",
            Saved::Support => "Đã lưu hỗ trợ.",
            Saved::Assignment => "Đã lưu phân công giúp đỡ hộ.",
            Saved::Consent => "Đã lưu phiếu đồng ý.",
            Saved::Activity => "Đã lưu hoạt động.",
            Saved::Corrected => "Đã lưu sửa đổi.",
            Saved::Deleted => "Đã xóa bản ghi. Có thể khôi phục trong mục “Lịch sử thay đổi”.",
            Saved::Restored => "Đã khôi phục bản ghi.",
            Saved::Record => "Đã lưu bản ghi.",
        }
    }

    /// What a save of a row of file kind `kind` says.
    pub(crate) fn of_kind(kind: &str) -> Saved {
        match kind {
            "households" => Saved::Household,
            "members" => Saved::Member,
            "assessments" => Saved::Assessment,
            "assignments" => Saved::Assignment,
            "consents" => Saved::Consent,
            "activities" => Saved::Activity,
            "supports" => Saved::Support,
            _ => Saved::Record,
        }
    }

    /// `path` with this save said on it.
    pub(crate) fn on(self, path: &str) -> String {
        let (path, anchor) = path.split_once('#').unwrap_or((path, ""));
        let join = if path.contains('?') { '&' } else { '?' };
        let anchor = if anchor.is_empty() {
            String::new()
        } else {
            format!("#{anchor}")
        };
        format!("{path}{join}luu={}{anchor}", self.code())
    }
}

/// The `luu` word of a page's address.
#[derive(Deserialize, Default)]
pub struct SavedQuery {
    #[serde(default)]
    luu: String,
}

impl SavedQuery {
    pub(crate) fn of(word: Option<&str>) -> SavedQuery {
        SavedQuery {
            luu: word.unwrap_or_default().to_owned(),
        }
    }

    /// The notice the address asks for (none for a word not on the list).
    pub(crate) fn notice(&self) -> Markup {
        let said = ALL.iter().find(|s| s.code() == self.luu);
        html! { @if let Some(s) = said { p.notice role="status" { "✓ " (s.vi()) } } }
    }
}

/// Where a form was opened from, when that is a page of this site (a `Referer` of
/// another site, or none, gives `None`): a save returns her there.
pub(crate) fn came_from(headers: &axum::http::HeaderMap) -> Option<String> {
    let referer = headers.get(axum::http::header::REFERER)?.to_str().ok()?;
    let host = headers.get(axum::http::header::HOST)?.to_str().ok()?;
    let rest = referer
        .strip_prefix("http://")
        .or_else(|| referer.strip_prefix("https://"))?;
    let path = rest.strip_prefix(host)?;
    local_path(path)
}

/// `path` when it is a path of this site (`/…`, never `//host` or a scheme), without
/// a save already said on it.
pub(crate) fn local_path(path: &str) -> Option<String> {
    let ok = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && path.len() <= 500
        && !path.chars().any(char::is_control);
    if !ok {
        return None;
    }
    let (base, query) = path.split_once('?').unwrap_or((path, ""));
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("luu="))
        .collect();
    Some(if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_site_are_returned_to() {
        assert_eq!(
            local_path("/households/A-1"),
            Some("/households/A-1".into())
        );
        assert_eq!(
            local_path("/records/x?page=2&luu=sua"),
            Some("/records/x?page=2".into())
        );
        assert_eq!(local_path("//evil.example/"), None);
        assert_eq!(local_path("https://evil.example/"), None);
        assert_eq!(local_path("/\\evil"), None);
        assert_eq!(
            Saved::Member.on("/households/A"),
            "/households/A?luu=thanh-vien"
        );
        assert_eq!(Saved::Deleted.on("/x?y=1#h"), "/x?y=1&luu=xoa#h");
        let q = SavedQuery {
            luu: "<script>".into(),
        };
        assert!(q.notice().into_string().is_empty());
    }
}
