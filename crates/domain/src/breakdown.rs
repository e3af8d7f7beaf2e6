//! Breakdowns: a household figure split by what the household is (issue 24): whether it
//! is an ethnic-minority household, its area, its head's gender and its head's ethnic
//! group. A household's [`Profile`] packs the four into one number, kept beside its part
//! of the aggregates (`report_slices`), so that a breakdown adds cells up like a report.

use crate::vocab::{Area, Ethnicity, Gender};

crate::vocabulary! {
    /// What a figure can be split by; the code is what URLs and the API carry.
    pub enum Dimension {
        EthnicMinority = "ethnic_minority", "Hộ dân tộc thiểu số";
        Area = "area", "Khu vực";
        HeadGender = "head_gender", "Giới tính chủ hộ";
        Ethnicity = "ethnicity", "Dân tộc của chủ hộ";
    }
}

/// What a household is, for breakdowns. The head's ethnic group is that of the member
/// whose name is the head's (members record ethnicity from contract v1.2; the household
/// row does not).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Profile {
    pub ethnic_minority: bool,
    pub area: Area,
    pub head_gender: Gender,
    pub head_ethnicity: Option<Ethnicity>,
}

/// One value of a dimension: its code (the group's key in JSON and URLs) and its label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Group {
    pub dimension: Dimension,
    /// The group's rank in its dimension: groups are listed in this order.
    pub rank: u8,
}

impl Profile {
    /// The profile as one number (bit 0: ethnic minority, bit 1: urban, bit 2: a male
    /// head, bits 3–8: the head's ethnic group's number, 0 when not recorded).
    pub fn pack(self) -> i64 {
        let ethnicity = self.head_ethnicity.map_or(0, ethnicity_number);
        i64::from(self.ethnic_minority)
            | (i64::from(self.area == Area::Urban) << 1)
            | (i64::from(self.head_gender == Gender::Male) << 2)
            | (ethnicity << 3)
    }

    /// The profile a packed number stands for; `None` for a number no profile packs to.
    pub fn unpack(n: i64) -> Option<Profile> {
        let ethnicity = n >> 3;
        if !(0..=54).contains(&ethnicity) {
            return None;
        }
        Some(Profile {
            ethnic_minority: n & 1 == 1,
            area: if n & 2 == 2 { Area::Urban } else { Area::Rural },
            head_gender: if n & 4 == 4 {
                Gender::Male
            } else {
                Gender::Female
            },
            head_ethnicity: (ethnicity > 0).then(|| Ethnicity::ALL[ethnicity as usize - 1]),
        })
    }

    /// The group of `dimension` this household falls in.
    pub fn group(self, dimension: Dimension) -> Group {
        let rank = match dimension {
            Dimension::EthnicMinority => u8::from(!self.ethnic_minority),
            Dimension::Area => u8::from(self.area == Area::Urban),
            Dimension::HeadGender => u8::from(self.head_gender == Gender::Male),
            // Not recorded comes last.
            Dimension::Ethnicity => self.head_ethnicity.map_or(Ethnicity::ALL.len() as u8, |e| {
                ethnicity_number(e) as u8 - 1
            }),
        };
        Group { dimension, rank }
    }
}

fn ethnicity_number(e: Ethnicity) -> i64 {
    Ethnicity::ALL
        .iter()
        .position(|x| *x == e)
        .expect("a value of its own list") as i64
        + 1
}

impl Group {
    /// Every group of a dimension, in order.
    pub fn all(dimension: Dimension) -> Vec<Group> {
        let n = match dimension {
            Dimension::Ethnicity => Ethnicity::ALL.len() + 1,
            _ => 2,
        };
        (0..n as u8).map(|rank| Group { dimension, rank }).collect()
    }

    /// The group's code: what JSON and links carry.
    pub fn code(self) -> &'static str {
        match (self.dimension, self.rank) {
            (Dimension::EthnicMinority, 0) => "yes",
            (Dimension::EthnicMinority, _) => "no",
            (Dimension::Area, 0) => Area::Rural.as_str(),
            (Dimension::Area, _) => Area::Urban.as_str(),
            (Dimension::HeadGender, 0) => Gender::Female.as_str(),
            (Dimension::HeadGender, _) => Gender::Male.as_str(),
            (Dimension::Ethnicity, r) => Ethnicity::ALL
                .get(r as usize)
                .map_or("unrecorded", |e| e.as_str()),
        }
    }

    pub fn parse(dimension: Dimension, code: &str) -> Option<Group> {
        Group::all(dimension).into_iter().find(|g| g.code() == code)
    }

    /// What a person reads.
    pub fn label_vi(self) -> &'static str {
        match (self.dimension, self.rank) {
            (Dimension::EthnicMinority, 0) => "Hộ dân tộc thiểu số",
            (Dimension::EthnicMinority, _) => "Hộ không thuộc dân tộc thiểu số",
            (Dimension::Area, 0) => "Nông thôn",
            (Dimension::Area, _) => "Thành thị",
            (Dimension::HeadGender, 0) => "Chủ hộ là nữ",
            (Dimension::HeadGender, _) => "Chủ hộ là nam",
            (Dimension::Ethnicity, r) => Ethnicity::ALL
                .get(r as usize)
                .map_or("Chưa ghi dân tộc", |e| e.label_vi()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_packs_and_unpacks_to_itself() {
        for em in [false, true] {
            for area in Area::ALL {
                for head_gender in Gender::ALL {
                    for head_ethnicity in std::iter::once(None).chain(Ethnicity::ALL.map(Some)) {
                        let p = Profile {
                            ethnic_minority: em,
                            area,
                            head_gender,
                            head_ethnicity,
                        };
                        assert_eq!(Profile::unpack(p.pack()), Some(p));
                    }
                }
            }
        }
        assert_eq!(Profile::unpack(55 << 3), None);
        assert_eq!(Profile::unpack(-1), None);
    }

    #[test]
    fn groups_are_named_and_read_back_by_code() {
        for d in Dimension::ALL {
            let all = Group::all(d);
            for g in &all {
                assert_eq!(Group::parse(d, g.code()), Some(*g));
                assert!(!g.label_vi().is_empty());
            }
        }
        let p = Profile {
            ethnic_minority: true,
            area: Area::Rural,
            head_gender: Gender::Female,
            head_ethnicity: Ethnicity::parse("53"),
        };
        assert_eq!(p.group(Dimension::EthnicMinority).code(), "yes");
        assert_eq!(p.group(Dimension::Ethnicity).code(), "53");
        assert_eq!(p.group(Dimension::HeadGender).label_vi(), "Chủ hộ là nữ");
        let unknown = Profile {
            head_ethnicity: None,
            ..p
        };
        assert_eq!(
            unknown.group(Dimension::Ethnicity).label_vi(),
            "Chưa ghi dân tộc"
        );
    }
}
