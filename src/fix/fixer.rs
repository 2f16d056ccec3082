//! The fix loop (after ruff): lint, apply the fixes that do not conflict, check that the
//! result still parses, re-lint, and repeat until nothing more applies.

use crate::text::Text;
use std::collections::HashSet;

use super::{apply, select, Applicability, Edit, Fix, Target};
use crate::json::Document;
use crate::lint::{lint_text, Outcome, RuleOptions};
use crate::settings::{Settings, VariablesFile};

/// Enough for fixes that wait on each other (a variable declared by one fix, a request
/// another inserts at the same place); more passes would mean fixes that never converge.
const MAX_PASSES: usize = 10;

pub struct Fixed {
    /// The last lint: what remains after fixing, with spans in `text`.
    pub outcome: Outcome,
    /// The fixed text (without a byte-order mark).
    pub text: Text,
    /// How many fixes were applied.
    pub applied: usize,
    /// How many of them changed the `--environment` file.
    pub applied_to_environment: usize,
    /// The edits to the linted file, pass by pass (each pass's edits apply to the text the
    /// previous pass produced).
    pub passes: Vec<Vec<Edit>>,
}

/// Fixes `text` in memory. Fixes to the `--environment` file are applied to `settings` as
/// they go, so that later passes and later files see the corrected values.
pub fn fix_text(
    name: &str,
    text: Text,
    bom_len: usize,
    explicit: bool,
    settings: &mut Settings,
    options: RuleOptions,
    unsafe_fixes: bool,
) -> Fixed {
    let mut text = text;
    let mut applied = 0;
    let mut applied_to_environment = 0;
    let mut passes = Vec::new();
    // Fixes whose result would not parse are not tried again (keyed by rule and place).
    let mut rejected: HashSet<(&'static str, String)> = HashSet::new();
    for pass in 0..=MAX_PASSES {
        let outcome = lint_text(name, text.clone(), bom_len, explicit, settings, options);
        // Nothing to try on the last pass or in a file that no longer lints.
        let diagnostics = match &outcome {
            Outcome::Report(report) if pass < MAX_PASSES && report.error.is_none() => {
                &report.diagnostics[..]
            }
            _ => &[],
        };
        let candidates: Vec<(&Fix, (&'static str, String))> = diagnostics
            .iter()
            .filter_map(|d| {
                let fix = d.fix.as_ref()?;
                let key = (d.rule.code, d.pointer.as_str().to_owned());
                let allowed = unsafe_fixes || fix.applicability == Applicability::Safe;
                (allowed && !rejected.contains(&key)).then_some((fix, key))
            })
            .collect();
        if candidates.is_empty() {
            return Fixed {
                outcome,
                text,
                applied,
                applied_to_environment,
                passes,
            };
        }
        let chosen = select(candidates.iter().map(|(f, _)| *f));
        let progress = try_apply(&text, settings, &chosen);
        if progress
            .as_ref()
            .is_some_and(|(new_text, env)| **new_text == *text && env.is_none())
        {
            // Edits that change nothing would repeat forever: those fixes cannot work here.
            for (_, key) in &candidates {
                rejected.insert(key.clone());
            }
            continue;
        }
        if let Some((new_text, env)) = progress {
            text = new_text;
            settings.environment = env.or(settings.environment.take());
            applied += chosen.len();
            applied_to_environment += chosen.iter().filter(|f| touches_environment(f)).count();
            passes.push(linted_edits(&chosen));
            continue;
        }
        // Together they broke the file: apply them one at a time, dropping the culprits.
        for fix in chosen {
            match try_apply(&text, settings, &[fix]) {
                Some((new_text, env)) => {
                    text = new_text;
                    settings.environment = env.or(settings.environment.take());
                    applied += 1;
                    applied_to_environment += usize::from(touches_environment(fix));
                    passes.push(linted_edits(&[fix]));
                }
                None => {
                    if let Some((_, key)) = candidates.iter().find(|(f, _)| std::ptr::eq(*f, fix)) {
                        rejected.insert(key.clone());
                    }
                }
            }
        }
    }
    unreachable!("the loop returns on its last pass")
}

fn touches_environment(fix: &Fix) -> bool {
    fix.edits.iter().any(|e| e.target == Target::Environment)
}

fn linted_edits(fixes: &[&Fix]) -> Vec<Edit> {
    let mut seen = HashSet::new();
    fixes
        .iter()
        .flat_map(|f| f.edits.iter())
        .filter(|e| e.target == Target::Linted && seen.insert(*e))
        .cloned()
        .collect()
}

/// The text with `fixes` applied (and the environment file, when they touch it), or `None`
/// when a result would not parse.
fn try_apply(
    text: &str,
    settings: &Settings,
    fixes: &[&Fix],
) -> Option<(Text, Option<VariablesFile>)> {
    let edits = |target: Target| -> Vec<&Edit> {
        fixes
            .iter()
            .flat_map(|f| f.edits.iter())
            .filter(|e| e.target == target)
            .collect()
    };
    // Shared with the parse, not copied for it (126 MB on the largest benchmark file).
    let new_text = Text::from(apply(text, &edits(Target::Linted)));
    Document::parse(new_text.clone()).ok()?;
    let env_edits = edits(Target::Environment);
    let env = if env_edits.is_empty() {
        None
    } else {
        let file = settings.environment.as_ref()?;
        Some(file.with_text(apply(file.text(), &env_edits)).ok()?)
    };
    Some((new_text, env))
}
