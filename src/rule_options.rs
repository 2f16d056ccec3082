//! Options of single rules, set in `[rules.SSxxx]` tables of scopelint.toml (read by
//! `config`, used by the rules).

/// How SS001's fix replaces the password helper: the troubleshooting guide's two cures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PasswordCure {
    /// A direct `POST /oauth/token` request (safe).
    #[default]
    DirectRequest,
    /// The helper switched to the Authorization Code grant with Postman's callback (unsafe:
    /// the callback must be registered for the client).
    AuthorizationCode,
}

/// Options of single rules (`[rules.SS001]`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleOptions {
    pub ss001_cure: PasswordCure,
}
