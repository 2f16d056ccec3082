pub mod check;
pub mod redact;
pub mod rules;
