//! Settings of the community chat channels, read by [`crate::config`]:
//! `GATHER_MATRIX_*` and `GATHER_DISCORD_*` (or the same keys in lower case
//! without the prefix in `gather.toml`). A channel whose settings are not
//! all there is off.

use super::matrix::{MatrixAuth, MatrixConfig};
use std::time::Duration;

/// Discord: the application's public key checks HTTP interactions; the bot
/// token and application id run the gateway adapter.
#[derive(Clone, PartialEq, Eq)]
pub struct DiscordSettings {
    /// Hex Ed25519 public key of the application (interactions endpoint).
    pub public_key: Option<String>,
    pub bot_token: Option<String>,
    pub application_id: Option<String>,
    /// Role ids (or names) allowed to run `/round post`.
    pub organiser_roles: Vec<String>,
    /// Discord's REST API (`discord_api_base`; a stand-in in tests).
    pub api_base: String,
}

impl std::fmt::Debug for DiscordSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiscordSettings")
            .field("public_key", &self.public_key)
            .field("bot_token", &self.bot_token.as_ref().map(|_| "[redacted]"))
            .field("application_id", &self.application_id)
            .field("organiser_roles", &self.organiser_roles)
            .field("api_base", &self.api_base)
            .finish()
    }
}

/// Both chat channels; `None` is off.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChatSettings {
    pub matrix: Option<MatrixConfig>,
    pub discord: Option<DiscordSettings>,
}

fn list(raw: &str) -> Vec<String> {
    raw.split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

impl ChatSettings {
    /// Builds the settings from raw values looked up by key
    /// (`matrix_homeserver` …); empty means unset. Errors name the key.
    pub fn from_values(get: impl Fn(&str) -> String) -> Result<ChatSettings, (String, String)> {
        let v = |k: &str| {
            let s = get(k).trim().to_string();
            (!s.is_empty()).then_some(s)
        };
        let matrix = match v("matrix_homeserver") {
            None => None,
            Some(hs) => {
                if !(hs.starts_with("http://") || hs.starts_with("https://")) {
                    return Err((
                        "matrix_homeserver".into(),
                        "expected an http(s) URL such as https://matrix.example.org".into(),
                    ));
                }
                let auth = match (
                    v("matrix_access_token"),
                    v("matrix_user"),
                    v("matrix_password"),
                ) {
                    (Some(t), _, _) => MatrixAuth::AccessToken(t),
                    (None, Some(user), Some(password)) => MatrixAuth::Password { user, password },
                    _ => {
                        return Err((
                            "matrix_homeserver".into(),
                            "also set matrix_access_token, or matrix_user and matrix_password"
                                .into(),
                        ));
                    }
                };
                Some(MatrixConfig {
                    homeserver: hs,
                    auth,
                    organisers: list(&get("matrix_organisers")),
                    sync_timeout: Duration::from_secs(30),
                })
            }
        };
        let discord = DiscordSettings {
            public_key: v("discord_public_key"),
            bot_token: v("discord_bot_token"),
            application_id: v("discord_application_id"),
            organiser_roles: list(&get("discord_organiser_roles")),
            api_base: v("discord_api_base")
                .unwrap_or_else(|| super::chat_send::DEFAULT_DISCORD_API_BASE.to_string()),
        };
        if !(discord.api_base.starts_with("http://") || discord.api_base.starts_with("https://")) {
            return Err((
                "discord_api_base".into(),
                "expected an http(s) URL such as https://discord.com/api/v10".into(),
            ));
        }
        let discord = (discord.public_key.is_some()
            || discord.bot_token.is_some()
            || discord.application_id.is_some())
        .then_some(discord);
        Ok(ChatSettings { matrix, discord })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> Result<ChatSettings, (String, String)> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ChatSettings::from_values(|k| map.get(k).cloned().unwrap_or_default())
    }

    #[test]
    fn off_unless_configured() {
        assert_eq!(settings(&[]).unwrap(), ChatSettings::default());
    }

    #[test]
    fn matrix_needs_credentials_and_never_prints_them() {
        assert!(settings(&[("matrix_homeserver", "https://m.example.org")]).is_err());
        assert!(settings(&[("matrix_homeserver", "m.example.org")]).is_err());
        let s = settings(&[
            ("matrix_homeserver", "https://m.example.org"),
            ("matrix_user", "gather"),
            ("matrix_password", "hunter2-secret"),
            ("matrix_organisers", "@a:x, @b:x"),
            ("discord_bot_token", "discord-token-secret"),
        ])
        .unwrap();
        let m = s.matrix.as_ref().unwrap();
        assert_eq!(m.organisers, vec!["@a:x", "@b:x"]);
        let shown = format!("{s:?} {s:#?}");
        assert!(!shown.contains("hunter2-secret"));
        assert!(!shown.contains("discord-token-secret"));
    }
}
