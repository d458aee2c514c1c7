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
//! * `message`: a direct message from a person (no guild, not a bot, not
//!   empty; [`direct_message`]) runs the same flows as SMS, free text being
//!   an ordinary reply. The message id is the provider id, so a redelivered
//!   event acts once (and is not answered twice). The turn's messages go
//!   back into the DM ([`dm_bodies`]); a `choice`, `yes_no` or `language`
//!   question comes with the same buttons as the HTTP path, whose presses
//!   arrive as component interactions. Only `DIRECT_MESSAGES` is asked
//!   for: Discord gives a bot the content of its DMs without the privileged
//!   `MESSAGE_CONTENT` intent, and asking for that one unapproved would
//!   close the whole gateway connection.
//!
//! Started by `gather serve` on the elected leader when the bot token and
//! the application id are configured ([`crate::channels::start_chat`]).
//! The process's rustls provider (ring) is installed before the client
//! starts; serenity's `rustls_backend` uses ring too (reqwest's
//! `rustls-tls`, and rustls 0.22 for the websocket), so no second provider
//! is pulled in.

use super::discord_rounds::DiscordRest;
use crate::domain::{Channel, Identity, IdentityKind};
use crate::engine::Content;
use crate::i18n::Locales;
use crate::service::{Gather, InboundMessage, Reply};
use serde_json::{Value, json};
use serenity::all::{
    ActionRowComponent, ApplicationId, ChannelId, Command, CommandDataOption,
    CommandDataOptionValue, CommandOptionType, ComponentInteractionDataKind, Context,
    CreateCommand, CreateCommandOption, EventHandler, GatewayIntents, Interaction, InteractionId,
    Member, Message, MessageType, Ready, User,
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
/// the bot does not use (autocomplete). A submitted modal (the `/raise`
/// form) carries its text inputs' values.
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
        Interaction::Modal(m) => {
            let rows: Vec<Value> = m
                .data
                .components
                .iter()
                .map(|row| {
                    let inputs: Vec<Value> = row
                        .components
                        .iter()
                        .filter_map(|c| match c {
                            ActionRowComponent::InputText(t) => Some(json!({
                                "type": 4,
                                "custom_id": t.custom_id,
                                "value": t.value.clone().unwrap_or_default(),
                            })),
                            _ => None,
                        })
                        .collect();
                    json!({"type": 1, "components": inputs})
                })
                .collect();
            let mut v = json!({
                "type": 5,
                "id": m.id.to_string(),
                "channel_id": m.channel_id.to_string(),
                "data": {"custom_id": m.data.custom_id, "components": rows},
            });
            if let Some(g) = m.guild_id {
                v["guild_id"] = json!(g.to_string());
            }
            who(&mut v, m.member.as_ref(), &m.user);
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
        Interaction::Modal(m) => Some((m.id, m.token.as_str())),
        _ => None,
    }
}

/// A direct message the bot answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DirectMessage {
    /// The sender's Discord user id (the identity's address).
    pub user_id: String,
    /// The DM channel, where the answer goes.
    pub channel_id: ChannelId,
    /// The message's id: the provider id, so a redelivery acts once.
    pub message_id: String,
    pub text: String,
}

/// Which messages the bot answers: a person's own message in a DM (no
/// guild), with some text. Server messages, bots (the bot itself
/// included), webhooks, system messages and empty messages (an attachment
/// or a sticker alone) are ignored.
pub(crate) fn direct_message(msg: &Message) -> Option<DirectMessage> {
    if msg.guild_id.is_some() || msg.author.bot || msg.webhook_id.is_some() {
        return None;
    }
    if !matches!(msg.kind, MessageType::Regular | MessageType::InlineReply) {
        return None;
    }
    let text = msg.content.trim();
    if text.is_empty() {
        return None;
    }
    Some(DirectMessage {
        user_id: msg.author.id.to_string(),
        channel_id: msg.channel_id,
        message_id: msg.id.to_string(),
        text: text.to_string(),
    })
}

/// The inbound message for a DM: the same as an SMS, on the Discord
/// channel, with the message id as the provider id.
pub(crate) fn dm_inbound(dm: &DirectMessage) -> InboundMessage {
    InboundMessage {
        identity: Identity {
            kind: IdentityKind::Discord,
            address: dm.user_id.clone(),
        },
        channel: Channel::Discord,
        content: Content::Text(dm.text.clone()),
        provider_id: Some(("discord".into(), dm.message_id.clone())),
        language_hint: None,
    }
}

/// What to send into the DM for a turn: one message per reply message (cut
/// to Discord's limit, mentions off), the question's buttons on the last.
/// Nothing for a redelivered message (it was answered the first time) or a
/// turn with nothing to say (an opted-out person).
pub(crate) fn dm_bodies(locales: &Locales, reply: &Reply) -> Vec<Value> {
    if reply.duplicate {
        return Vec::new();
    }
    let mut bodies: Vec<Value> = reply
        .messages
        .iter()
        .filter(|m| !m.trim().is_empty())
        .map(|m| {
            json!({
                "content": crate::http::discord::clip_content(m),
                "allowed_mentions": {"parse": []},
            })
        })
        .collect();
    let buttons = crate::http::discord::answer_buttons_with(locales, reply);
    if let Some(last) = bodies.last_mut()
        && !buttons.is_empty()
    {
        last["components"] = Value::Array(buttons);
    }
    bodies
}

struct Handler {
    gather: Gather,
    organiser_roles: Vec<String>,
    rest: Option<Arc<DiscordRest>>,
}

impl Handler {
    /// Runs a DM's turn and sends the answer; errors are logged by the
    /// caller. When the turn itself fails the person gets the generic
    /// error message.
    async fn answer_dm(&self, ctx: &Context, dm: &DirectMessage) -> Result<(), String> {
        let bodies = match self.gather.handle_inbound(dm_inbound(dm)).await {
            Ok(reply) => dm_bodies(self.gather.engine.locales(), &reply),
            Err(e) => {
                tracing::error!(error = %e, message = %dm.message_id, "discord: direct message failed");
                let answer = crate::http::discord::error_answer(&self.gather);
                let content = answer
                    .pointer("/data/content")
                    .cloned()
                    .unwrap_or(json!("…"));
                vec![json!({"content": content, "allowed_mentions": {"parse": []}})]
            }
        };
        for body in &bodies {
            ctx.http
                .send_message(dm.channel_id, Vec::new(), body)
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn message(&self, ctx: Context, msg: Message) {
        let Some(dm) = direct_message(&msg) else {
            return;
        };
        if let Err(e) = self.answer_dm(&ctx, &dm).await {
            tracing::warn!(error = %e, message = %dm.message_id, "discord: cannot answer a direct message");
        }
    }

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

/// Where serenity sends its REST calls when it has no proxy.
const DISCORD_ORIGIN: &str = "https://discord.com";

/// What serenity's `proxy` must be for its REST calls to reach `api_base`:
/// serenity writes `https://discord.com/api/v10/…` and replaces
/// `https://discord.com` with the proxy, so `api_base` less its `/api/v10`.
/// `None` when `api_base` does not end in `/api/v10`.
pub fn serenity_proxy(api_base: &str) -> Option<String> {
    let root = api_base.trim_end_matches('/').strip_suffix("/api/v10")?;
    (!root.is_empty()).then(|| root.to_string())
}

/// The gateway intents: servers (for the commands) and direct messages.
/// Not the privileged `MESSAGE_CONTENT`: DMs to the bot carry their content
/// without it.
pub fn intents() -> GatewayIntents {
    GatewayIntents::GUILDS | GatewayIntents::DIRECT_MESSAGES
}

/// Runs the gateway until `stopped` turns true, reconnecting (with
/// backoff) when the client stops with an error.
pub async fn run(gather: Gather, settings: GatewaySettings, mut stopped: watch::Receiver<bool>) {
    // One provider for the whole process, before any TLS client is built.
    super::install_crypto_provider();
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
        // serenity's own REST calls (the gateway URL, registering the
        // commands, answering interactions) go to GATHER_DISCORD_API_BASE
        // too, through its `proxy`, which stands in for `https://discord.com`.
        let mut http = serenity::http::HttpBuilder::new(&settings.bot_token)
            .application_id(ApplicationId::new(settings.application_id));
        // serenity's in-process rate limiter builds its requests without
        // the proxy (serenity 0.12, `Ratelimiter::perform`), so with another
        // base the limiter is bypassed, as serenity's docs advise for a
        // proxy: the calls then reach the base, and a proxy in front of
        // Discord (or a test server) owns the limits. Discord itself keeps
        // serenity's limiter.
        match serenity_proxy(&settings.api_base) {
            Some(proxy) if proxy == DISCORD_ORIGIN => {}
            Some(proxy) => http = http.proxy(proxy).ratelimiter_disabled(true),
            None => tracing::warn!(
                "discord: GATHER_DISCORD_API_BASE does not end in /api/v10; the gateway's own calls go to discord.com"
            ),
        }
        let client = serenity::client::ClientBuilder::new_with_http(http.build(), intents())
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

    /// A submitted `/raise` form, shaped like Discord's documented
    /// MODAL_SUBMIT payload, reaches the handler with its inputs' values.
    #[test]
    fn a_submitted_modal() {
        let i = parse(json!({
            "type": 5, "token": "A_UNIQUE_TOKEN", "member": member(), "id": "786008729715212341",
            "guild_id": "290926798626357999", "app_permissions": "442368",
            "guild_locale": "en-US", "locale": "en-GB",
            "data": {"custom_id": "raise", "components": [
                {"type": 1, "components": [{"type": 4, "custom_id": "description",
                                            "value": "The walk-in clinic closes too early"}]},
                {"type": 1, "components": [{"type": 4, "custom_id": "area", "value": ""}]}
            ]},
            "channel_id": "645027906669510667", "application_id": "775799577604522054",
            "version": 1, "entitlements": [], "attachment_size_limit": 10485760,
            "authorizing_integration_owners": {}, "context": 0
        }));
        let v = to_handler_json(&i).unwrap();
        assert_eq!(v["type"], 5);
        assert_eq!(v["data"]["custom_id"], "raise");
        assert_eq!(
            v["data"]["components"][0]["components"][0]["value"],
            "The walk-in clinic closes too early"
        );
        assert_eq!(
            v["data"]["components"][1]["components"][0]["custom_id"],
            "area"
        );
        assert_eq!(v["member"]["user"]["id"], "53908232506183680");
        assert!(reply_to(&i).is_some());
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

    /// A MESSAGE_CREATE payload as Discord documents it, in a DM.
    fn message_create() -> Value {
        json!({
            "id": "1334613838201634827", "channel_id": "1334613813270691870", "type": 0,
            "author": {"id": "53908232506183681", "username": "Ola", "discriminator": "0",
                       "global_name": "Ola", "avatar": null, "public_flags": 0},
            "content": "The walk-in clinic closes too early",
            "timestamp": "2026-01-05T10:00:00.000000+00:00", "edited_timestamp": null,
            "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [],
            "attachments": [], "embeds": [], "pinned": false, "flags": 0,
            "components": [], "nonce": "1334613837807370240"
        })
    }

    fn message(v: Value) -> Message {
        serde_json::from_value(v).unwrap()
    }

    fn locales() -> Locales {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        let en = crate::domain::LanguageTag::parse("en-GB").unwrap();
        Locales::load(&root, &en).unwrap()
    }

    #[test]
    fn a_direct_message_from_a_person_is_handled() {
        let dm = direct_message(&message(message_create())).unwrap();
        assert_eq!(dm.user_id, "53908232506183681");
        assert_eq!(dm.channel_id.get(), 1334613813270691870);
        assert_eq!(dm.message_id, "1334613838201634827");
        assert_eq!(dm.text, "The walk-in clinic closes too early");
        let inbound = dm_inbound(&dm);
        assert_eq!(inbound.identity.kind, IdentityKind::Discord);
        assert_eq!(inbound.identity.address, "53908232506183681");
        assert_eq!(inbound.channel, Channel::Discord);
        assert_eq!(
            inbound.provider_id,
            Some(("discord".to_string(), "1334613838201634827".to_string()))
        );
        assert!(
            matches!(&inbound.content, Content::Text(t) if t == "The walk-in clinic closes too early")
        );
    }

    #[test]
    fn server_bot_and_empty_messages_are_ignored() {
        let mut guild = message_create();
        guild["guild_id"] = json!("290926798626357999");
        guild["member"] = json!({"roles": [], "joined_at": "2017-03-13T19:19:14.040000+00:00",
                                  "deaf": false, "mute": false, "flags": 0});
        assert_eq!(direct_message(&message(guild)), None);

        let mut bot = message_create();
        bot["author"] = json!({"id": "775799577604522054", "username": "Gather",
                               "discriminator": "0", "avatar": null, "bot": true});
        assert_eq!(direct_message(&message(bot)), None);

        let mut empty = message_create();
        empty["content"] = json!("");
        empty["attachments"] = json!([{"id": "1", "filename": "photo.png", "size": 10,
                                        "url": "https://cdn.example/photo.png",
                                        "proxy_url": "https://cdn.example/photo.png"}]);
        assert_eq!(direct_message(&message(empty)), None);

        let mut blank = message_create();
        blank["content"] = json!("  \n ");
        assert_eq!(direct_message(&message(blank)), None);
    }

    fn yes_no_turn() -> Reply {
        use crate::engine::{Event, Expect, Prompt, Utterance};
        Reply {
            language: crate::domain::LanguageTag::parse("en-GB").unwrap(),
            messages: vec![
                "Thanks.".into(),
                "Is this about your GP surgery? YES or NO".into(),
            ],
            duplicate: false,
            opt_out_exempt: false,
            events: vec![Event::Ask(Prompt {
                utterance: Utterance {
                    message: "confirm".into(),
                    args: crate::i18n::Args::new(),
                },
                expect: Expect::YesNo,
                options: vec![],
                skippable: false,
            })],
        }
    }

    #[test]
    fn a_yes_no_question_comes_with_yes_and_no_buttons() {
        let bodies = dm_bodies(&locales(), &yes_no_turn());
        assert_eq!(bodies.len(), 2);
        assert_eq!(bodies[0]["content"], "Thanks.");
        assert!(bodies[0].get("components").is_none());
        assert_eq!(
            bodies[1]["content"],
            "Is this about your GP surgery? YES or NO"
        );
        assert_eq!(bodies[1]["allowed_mentions"], json!({"parse": []}));
        let ids: Vec<&str> = bodies[1]
            .pointer("/components/0/components")
            .and_then(Value::as_array)
            .unwrap()
            .iter()
            .filter_map(|b| b["custom_id"].as_str())
            .collect();
        assert_eq!(ids, vec!["answer:YES", "answer:NO"]);
        // The same buttons as the HTTP interactions path.
        assert_eq!(
            bodies[1]["components"],
            Value::Array(crate::http::discord::answer_buttons_with(
                &locales(),
                &yes_no_turn()
            ))
        );
    }

    #[test]
    fn a_redelivered_or_silent_turn_sends_nothing() {
        let mut again = yes_no_turn();
        again.duplicate = true;
        assert!(dm_bodies(&locales(), &again).is_empty());
        let mut silent = yes_no_turn();
        silent.messages.clear();
        silent.events.clear();
        assert!(dm_bodies(&locales(), &silent).is_empty());
        let mut long = yes_no_turn();
        long.events.clear();
        long.messages = vec!["x".repeat(5000)];
        let bodies = dm_bodies(&locales(), &long);
        assert_eq!(bodies[0]["content"].as_str().unwrap().chars().count(), 2000);
        assert!(bodies[0].get("components").is_none());
    }

    #[test]
    fn the_gateway_asks_for_direct_messages_without_privileged_intents() {
        let i = intents();
        assert!(i.contains(GatewayIntents::GUILDS | GatewayIntents::DIRECT_MESSAGES));
        assert!(!i.contains(GatewayIntents::MESSAGE_CONTENT));
        assert!(!i.is_privileged());
    }

    #[test]
    fn serenity_builds_its_clients_on_the_one_provider() {
        crate::channels::install_crypto_provider();
        // serenity's REST client (reqwest 0.12 with rustls on ring).
        let _http = serenity::http::Http::new("not-a-token");
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
    }

    #[test]
    fn the_gateway_uses_the_configured_api_base() {
        assert_eq!(
            serenity_proxy("https://discord.com/api/v10").as_deref(),
            Some("https://discord.com")
        );
        assert_eq!(
            serenity_proxy("http://127.0.0.1:3000/api/v10/").as_deref(),
            Some("http://127.0.0.1:3000")
        );
        assert_eq!(
            serenity_proxy("https://proxy.example/discord/api/v10").as_deref(),
            Some("https://proxy.example/discord")
        );
        assert_eq!(serenity_proxy("https://discord.com/api/v9"), None);
        assert_eq!(serenity_proxy("/api/v10"), None);
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
