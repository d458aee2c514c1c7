//! The Discord bot over the gateway (serenity): a thin adapter over the
//! HTTP interactions endpoint's code.
//!
//! * `ready`: registers the slash commands (`/raise`, `/vote`, `/updates`,
//!   `/language`, `/help`, `/round post`) as global commands.
//! * `interaction_create`: turns serenity's [`Interaction`] into the JSON
//!   Discord would have posted to `POST /webhooks/discord/interactions`
//!   ([`to_handler_json`]), answers it with
//!   [`crate::http::discord::handle_interaction_with`], and sends that
//!   answer back unchanged with serenity's interaction response call.
//!   serenity runs each event in its own task, so a failure in one
//!   conversation never stops the others.
//!
//! Started by `gather serve` on the elected leader when the bot token and
//! the application id are configured ([`crate::channels::start_chat`]).
//! The process's rustls provider (ring) is installed before the client
//! starts; serenity's `rustls_backend` uses ring too (reqwest's
//! `rustls-tls`, and rustls 0.22 for the websocket), so no second provider
//! is pulled in.

use super::discord_rounds::DiscordRest;
use crate::service::Gather;
use serde_json::{Value, json};
use serenity::all::{
    ApplicationId, Command, CommandDataOption, CommandDataOptionValue, CommandOptionType,
    ComponentInteractionDataKind, Context, CreateCommand, CreateCommandOption, EventHandler,
    GatewayIntents, Interaction, InteractionId, Member, Ready, User,
};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// The gateway's settings.
#[derive(Clone)]
pub struct GatewaySettings {
    pub bot_token: String,
    pub application_id: u64,
    /// Role ids allowed to run `/round post`.
    pub organiser_roles: Vec<String>,
    /// Discord's REST API base, for posting rounds as channel messages.
    pub api_base: String,
}

impl std::fmt::Debug for GatewaySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GatewaySettings")
            .field("bot_token", &"[redacted]")
            .field("application_id", &self.application_id)
            .field("organiser_roles", &self.organiser_roles)
            .field("api_base", &self.api_base)
            .finish()
    }
}

impl GatewaySettings {
    /// From the Discord settings, when the bot token and a numeric
    /// application id are there.
    pub fn from_settings(d: &super::chat_config::DiscordSettings) -> Option<GatewaySettings> {
        let token = d.bot_token.as_deref()?.trim();
        let app = d.application_id.as_deref()?.trim();
        let Ok(application_id) = app.parse::<u64>() else {
            tracing::warn!("GATHER_DISCORD_APPLICATION_ID is not a number; the gateway is off");
            return None;
        };
        if token.is_empty() || application_id == 0 {
            return None;
        }
        Some(GatewaySettings {
            bot_token: token.to_string(),
            application_id,
            organiser_roles: d.organiser_roles.clone(),
            api_base: d.api_base.clone(),
        })
    }
}

/// The slash commands the bot offers.
pub fn commands() -> Vec<CreateCommand> {
    vec![
        CreateCommand::new("raise")
            .description("Raise an issue about local NHS services")
            .add_option(
                CreateCommandOption::new(
                    CommandOptionType::String,
                    "issue",
                    "What is the issue? (or leave empty to be asked)",
                )
                .required(false),
            ),
        CreateCommand::new("vote").description("Vote in the open round"),
        CreateCommand::new("updates").description("Updates on the issues you raised"),
        CreateCommand::new("language")
            .description("Choose your language")
            .add_option(
                CreateCommandOption::new(
                    CommandOptionType::String,
                    "language",
                    "A language name or tag, such as Polski or pl",
                )
                .required(false),
            ),
        CreateCommand::new("help").description("What Gather can do"),
        CreateCommand::new("round")
            .description("Rounds of voting (organisers)")
            .dm_permission(false)
            .add_option(CreateCommandOption::new(
                CommandOptionType::SubCommand,
                "post",
                "Post the open round in this channel, one button per issue",
            )),
    ]
}

fn user_json(u: &User) -> Value {
    json!({"id": u.id.to_string()})
}

fn member_json(m: &Member) -> Value {
    json!({
        "user": user_json(&m.user),
        "roles": m.roles.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
    })
}

fn option_json(o: &CommandDataOption) -> Value {
    let mut v = json!({"name": o.name, "type": u8::from(o.kind())});
    match &o.value {
        CommandDataOptionValue::String(s) => v["value"] = json!(s),
        CommandDataOptionValue::Integer(n) => v["value"] = json!(n),
        CommandDataOptionValue::Number(n) => v["value"] = json!(n),
        CommandDataOptionValue::Boolean(b) => v["value"] = json!(b),
        CommandDataOptionValue::Autocomplete { value, .. } => v["value"] = json!(value),
        CommandDataOptionValue::SubCommand(opts)
        | CommandDataOptionValue::SubCommandGroup(opts) => {
            v["options"] = opts.iter().map(option_json).collect();
        }
        CommandDataOptionValue::User(id) => v["value"] = json!(id.to_string()),
        CommandDataOptionValue::Role(id) => v["value"] = json!(id.to_string()),
        CommandDataOptionValue::Channel(id) => v["value"] = json!(id.to_string()),
        CommandDataOptionValue::Mentionable(id) => v["value"] = json!(id.to_string()),
        CommandDataOptionValue::Attachment(id) => v["value"] = json!(id.to_string()),
        _ => {}
    }
    v
}

/// Who: `member` (with roles) in a server, `user` in a DM.
fn who(v: &mut Value, member: Option<&Member>, user: &User) {
    match member {
        Some(m) => v["member"] = member_json(m),
        None => v["user"] = user_json(user),
    }
}

/// The interaction as the HTTP endpoint receives it: the fields
/// [`crate::http::discord::handle_interaction`] reads. `None` for kinds
/// the bot does not use (autocomplete, modals).
pub fn to_handler_json(i: &Interaction) -> Option<Value> {
    match i {
        Interaction::Ping(p) => Some(json!({"type": 1, "id": p.id.to_string()})),
        Interaction::Command(c) => {
            let mut v = json!({
                "type": 2,
                "id": c.id.to_string(),
                "channel_id": c.channel_id.to_string(),
                "data": {
                    "name": c.data.name,
                    "options": c.data.options.iter().map(option_json).collect::<Vec<_>>(),
                },
            });
            if let Some(g) = c.guild_id {
                v["guild_id"] = json!(g.to_string());
            }
            who(&mut v, c.member.as_deref(), &c.user);
            Some(v)
        }
        Interaction::Component(c) => {
            let component_type = match c.data.kind {
                ComponentInteractionDataKind::Button => 2,
                ComponentInteractionDataKind::StringSelect { .. } => 3,
                _ => 0,
            };
            let mut v = json!({
                "type": 3,
                "id": c.id.to_string(),
                "channel_id": c.channel_id.to_string(),
                "message": {"id": c.message.id.to_string()},
                "data": {"custom_id": c.data.custom_id, "component_type": component_type},
            });
            if let Some(g) = c.guild_id {
                v["guild_id"] = json!(g.to_string());
            }
            who(&mut v, c.member.as_ref(), &c.user);
            Some(v)
        }
        _ => None,
    }
}

/// The interaction's id and token, to answer it.
fn reply_to(i: &Interaction) -> Option<(InteractionId, &str)> {
    match i {
        Interaction::Command(c) => Some((c.id, c.token.as_str())),
        Interaction::Component(c) => Some((c.id, c.token.as_str())),
        _ => None,
    }
}

struct Handler {
    gather: Gather,
    organiser_roles: Vec<String>,
    rest: Option<Arc<DiscordRest>>,
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        tracing::info!(
            guilds = ready.guilds.len(),
            "discord: connected to the gateway"
        );
        match Command::set_global_commands(&ctx.http, commands()).await {
            Ok(c) => tracing::info!(commands = c.len(), "discord: slash commands registered"),
            Err(e) => tracing::warn!(error = %e, "discord: cannot register the slash commands"),
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let (Some(value), Some((id, token))) =
            (to_handler_json(&interaction), reply_to(&interaction))
        else {
            return;
        };
        let answer = match crate::http::discord::handle_interaction_with(
            &self.gather,
            &self.organiser_roles,
            self.rest.as_deref(),
            &value,
        )
        .await
        {
            Ok(a) => a,
            Err(e) => {
                tracing::error!(error = %e, "discord: interaction failed");
                crate::http::discord::error_answer(&self.gather)
            }
        };
        if let Err(e) = ctx
            .http
            .create_interaction_response(id, token, &answer, Vec::new())
            .await
        {
            tracing::warn!(error = %e, "discord: cannot answer an interaction");
        }
    }
}

/// Runs the gateway until `stopped` turns true, reconnecting (with
/// backoff) when the client stops with an error.
pub async fn run(gather: Gather, settings: GatewaySettings, mut stopped: watch::Receiver<bool>) {
    // One provider for the whole process, before any TLS client is built.
    super::kannel::install_crypto_provider();
    let rest = DiscordRest::new(
        &settings.api_base,
        &settings.bot_token,
        crate::http::DISCORD_POST_TIMEOUT,
    )
    .map_err(|e| tracing::warn!(error = %e, "discord: cannot build the HTTP client"))
    .ok()
    .map(Arc::new);
    let mut wait = Duration::from_secs(1);
    loop {
        if *stopped.borrow() {
            return;
        }
        let handler = Handler {
            gather: gather.clone(),
            organiser_roles: settings.organiser_roles.clone(),
            rest: rest.clone(),
        };
        let client = serenity::Client::builder(&settings.bot_token, GatewayIntents::GUILDS)
            .application_id(ApplicationId::new(settings.application_id))
            .event_handler(handler)
            .await;
        match client {
            Ok(mut client) => {
                let shards = client.shard_manager.clone();
                let stop = tokio::select! {
                    r = client.start() => {
                        match r {
                            Ok(()) => tracing::warn!("discord: the gateway stopped; reconnecting"),
                            Err(e) => tracing::warn!(error = %e, ?wait, "discord: gateway error; reconnecting"),
                        }
                        false
                    }
                    r = stopped.wait_for(|s| *s) => {
                        drop(r);
                        true
                    }
                };
                if stop {
                    shards.shutdown_all().await;
                    return;
                }
            }
            Err(e) => tracing::warn!(error = %e, "discord: cannot start the gateway client"),
        }
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = stopped.wait_for(|s| *s) => return,
        }
        wait = (wait * 2).min(Duration::from_secs(300));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member() -> Value {
        json!({
            "user": {"id": "53908232506183680", "username": "Mason", "discriminator": "1337",
                     "avatar": "a_d5efa99b3eeaa7dd43acca82f5692432", "public_flags": 131141},
            "roles": ["539082325061836999"], "premium_since": null, "permissions": "2147483647",
            "pending": false, "nick": null, "mute": false, "flags": 0,
            "joined_at": "2017-03-13T19:19:14.040000+00:00", "deaf": false
        })
    }

    fn parse(v: Value) -> Interaction {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_slash_command_in_a_server() {
        let i = parse(json!({
            "type": 2, "token": "A_UNIQUE_TOKEN", "member": member(), "id": "786008729715212338",
            "guild_id": "290926798626357999", "app_permissions": "442368",
            "guild_locale": "en-US", "locale": "en-GB",
            "data": {"options": [{"type": 3, "name": "issue",
                                  "value": "The walk-in clinic closes too early"}],
                     "type": 1, "name": "raise", "id": "771825006014889984"},
            "channel_id": "645027906669510667", "application_id": "775799577604522054",
            "version": 1, "entitlements": [], "attachment_size_limit": 10485760, "authorizing_integration_owners": {}, "context": 0
        }));
        let v = to_handler_json(&i).unwrap();
        assert_eq!(v["type"], 2);
        assert_eq!(v["id"], "786008729715212338");
        assert_eq!(v["channel_id"], "645027906669510667");
        assert_eq!(v["guild_id"], "290926798626357999");
        assert_eq!(v["member"]["user"]["id"], "53908232506183680");
        assert_eq!(v["member"]["roles"], json!(["539082325061836999"]));
        assert_eq!(v["data"]["name"], "raise");
        assert_eq!(
            v["data"]["options"],
            json!([{"name": "issue", "type": 3, "value": "The walk-in clinic closes too early"}])
        );
        let (id, token) = reply_to(&i).unwrap();
        assert_eq!((id.get(), token), (786008729715212338, "A_UNIQUE_TOKEN"));
    }

    #[test]
    fn round_post_keeps_its_sub_command() {
        let i = parse(json!({
            "type": 2, "token": "T", "member": member(), "id": "11",
            "guild_id": "290926798626357999", "locale": "en-GB",
            "data": {"options": [{"type": 1, "name": "post", "options": []}],
                     "type": 1, "name": "round", "id": "771825006014889985"},
            "channel_id": "645027906669510667", "application_id": "775799577604522054",
            "version": 1, "entitlements": [], "attachment_size_limit": 10485760
        }));
        let v = to_handler_json(&i).unwrap();
        assert_eq!(v.pointer("/data/options/0/name"), Some(&json!("post")));
        assert!(crate::http::discord::is_organiser(
            &v,
            &["539082325061836999".to_string()]
        ));
        assert!(!crate::http::discord::is_organiser(&v, &["1".to_string()]));
    }

    #[test]
    fn a_command_in_a_direct_message() {
        let i = parse(json!({
            "type": 2, "token": "T", "id": "12", "locale": "pl",
            "user": {"id": "53908232506183681", "username": "Ola", "discriminator": "0",
                     "avatar": null},
            "data": {"type": 1, "name": "vote", "id": "771825006014889986"},
            "channel_id": "645027906669510668", "application_id": "775799577604522054",
            "version": 1, "entitlements": [], "attachment_size_limit": 10485760
        }));
        let v = to_handler_json(&i).unwrap();
        assert!(v.get("member").is_none());
        assert!(v.get("guild_id").is_none());
        assert_eq!(v["user"]["id"], "53908232506183681");
        assert_eq!(v["data"]["name"], "vote");
        assert_eq!(v["data"]["options"], json!([]));
    }

    #[test]
    fn a_button_press() {
        let i = parse(json!({
            "type": 3, "token": "T", "member": member(), "id": "20",
            "guild_id": "290926798626357999", "channel_id": "645027906669510667",
            "application_id": "775799577604522054", "version": 1, "locale": "en-GB",
            "entitlements": [], "attachment_size_limit": 10485760,
            "message": {"id": "1000", "channel_id": "645027906669510667", "type": 0,
                        "content": "Spring priorities", "components": [],
                        "author": {"id": "775799577604522054", "username": "Gather",
                                   "discriminator": "0", "avatar": null, "bot": true},
                        "attachments": [], "embeds": [], "mentions": [], "mention_roles": [],
                        "pinned": false, "mention_everyone": false, "tts": false,
                        "timestamp": "2026-01-05T10:00:00.000000+00:00",
                        "edited_timestamp": null, "flags": 0},
            "data": {"custom_id": "vote:3:2", "component_type": 2}
        }));
        let v = to_handler_json(&i).unwrap();
        assert_eq!(v["type"], 3);
        assert_eq!(v["id"], "20");
        assert_eq!(v["data"]["custom_id"], "vote:3:2");
        assert_eq!(v["data"]["component_type"], 2);
        assert_eq!(v["message"]["id"], "1000");
        assert_eq!(v["member"]["user"]["id"], "53908232506183680");
        assert!(reply_to(&i).is_some());
    }

    #[test]
    fn commands_are_the_documented_ones() {
        let names: Vec<String> = commands()
            .iter()
            .map(|c| {
                serde_json::to_value(c).unwrap()["name"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(
            names,
            vec!["raise", "vote", "updates", "language", "help", "round"]
        );
        let round = serde_json::to_value(&commands()[5]).unwrap();
        assert_eq!(round["options"][0]["name"], "post");
        assert_eq!(round["options"][0]["type"], 1);
    }

    #[test]
    fn serenity_builds_its_clients_on_the_one_provider() {
        crate::channels::kannel::install_crypto_provider();
        // serenity's REST client (reqwest 0.12 with rustls on ring).
        let _http = serenity::http::Http::new("not-a-token");
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
    }

    #[test]
    fn settings_need_a_token_and_a_numeric_application_id() {
        let mut d = crate::channels::chat_config::DiscordSettings {
            public_key: None,
            bot_token: Some("secret-bot-token".into()),
            application_id: Some("775799577604522054".into()),
            organiser_roles: vec![],
            api_base: "https://discord.com/api/v10".into(),
        };
        let s = GatewaySettings::from_settings(&d).unwrap();
        assert_eq!(s.application_id, 775799577604522054);
        assert!(!format!("{s:?}").contains("secret-bot-token"));
        d.application_id = Some("gather".into());
        assert!(GatewaySettings::from_settings(&d).is_none());
        d.application_id = None;
        assert!(GatewaySettings::from_settings(&d).is_none());
    }
}
