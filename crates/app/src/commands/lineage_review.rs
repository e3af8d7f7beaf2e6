//! `donghanh units review`: the 2025 lineage left for a person, and her decisions.

use super::{cli_actor, Env};
use importer::vn::review::{decide, ReviewError};
use std::process::ExitCode;
use store::lineage_review::{self as lr, Decision};

/// What `units review` is asked to do.
pub struct Ask {
    pub confirm: Option<Vec<String>>,
    pub link: Option<Vec<String>>,
    pub share: f64,
    pub resolves: Option<String>,
    pub show: i64,
}

pub fn run(env: &Env, ask: &Ask) -> anyhow::Result<ExitCode> {
    let mut db = env.open()?;
    let decision = match (&ask.confirm, &ask.link) {
        (Some(c), _) => Some(Decision {
            from_code: c[0].clone(),
            to_code: c[1].clone(),
            share: 1.0,
            action: lr::CONFIRMED.into(),
            resolves: None,
            decided_by: cli_actor(),
        }),
        (None, Some(l)) => Some(Decision {
            from_code: l[0].clone(),
            to_code: l[1].clone(),
            share: ask.share,
            action: lr::BY_PERSON.into(),
            resolves: ask.resolves.clone(),
            decided_by: cli_actor(),
        }),
        (None, None) => None,
    };
    if let Some(d) = decision {
        match decide(&mut db, &d) {
            Ok(()) => println!(
                "Đã ghi quyết định / decision recorded: {} → {} ({})",
                d.from_code, d.to_code, d.action
            ),
            Err(ReviewError::Refused(r)) => {
                eprintln!("Không ghi / refused: {} / {}", r.vi(), r.en());
                return Ok(ExitCode::from(2));
            }
            Err(ReviewError::Store(e)) => return Err(e.into()),
        }
    }
    let (questions, guesses) = lr::remaining(&mut db)?;
    println!(
        "Còn lại / remaining: {questions} tên chưa khớp / names to match, {guesses} liên kết đoán theo xã lân cận cần xác nhận / guessed links to confirm"
    );
    for q in lr::open_questions(&mut db, ask.show)? {
        println!(
            "  ? {} {} ({}): \"{}\" — {}",
            q.new_code, q.new_name, q.province, q.written, q.reason
        );
    }
    for g in lr::open_guesses(&mut db, ask.show)? {
        println!(
            "  ~ {} {} → {} {}",
            g.from_code, g.from_name, g.to_code, g.to_name
        );
    }
    Ok(ExitCode::SUCCESS)
}
