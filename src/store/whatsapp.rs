//! WhatsApp's part of the store: each person's window and channel, the
//! voice note waiting to become an issue's recording, and how a WhatsApp
//! outbox message goes (free-form or template). Written once; expanded
//! for each database as `store::fanout` is (`?N` placeholders, rewritten
//! to `$N` for PostgreSQL). Tables: migrations 0016.

use super::{PersonId, Result};
use crate::domain::{Channel, Timestamp};

/// What the outbox needs to decide how a WhatsApp message goes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RouteFacts {
    /// The person's language (None: nobody's, or forgotten).
    pub language: Option<String>,
    /// When they last wrote on WhatsApp (ms).
    pub last_inbound_at: Option<i64>,
    /// They agreed to SMS (texted, called, or chose SMS).
    pub sms_ok: bool,
    /// The fan-out the message belongs to (`response`, `announce`…).
    pub fanout_kind: Option<String>,
    /// The issue of a Board response's fan-out.
    pub issue_number: Option<i64>,
    /// The route already decided for it, if any.
    pub decided: Option<Route>,
}

/// How a WhatsApp message is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Free-form text, inside the window.
    Session,
    /// A template (Twilio Content API).
    Template {
        content_sid: String,
        variables: String,
    },
}

/// Where notices go for a person with a phone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub channel: Channel,
    pub chosen: bool,
    pub sms_ok: bool,
    pub last_inbound_at: Option<Timestamp>,
}

const NOTE_WHATSAPP: &str = "INSERT INTO whatsapp_contacts \
      (person_id, last_inbound_at, channel, chosen, sms_ok, updated_at) \
    VALUES (?1, ?2, 'whatsapp', 0, \
      CASE WHEN EXISTS (SELECT 1 FROM messages m WHERE m.person_id = ?1 AND m.direction = 'in' \
        AND m.channel IN ('sms', 'voice')) THEN 1 ELSE 0 END, ?2) \
    ON CONFLICT (person_id) DO UPDATE SET last_inbound_at = ?2, \
      channel = CASE WHEN whatsapp_contacts.chosen = 1 THEN whatsapp_contacts.channel ELSE 'whatsapp' END, \
      updated_at = ?2";

/// By SMS: SMS is agreed to, and (unless they chose) where notices go.
const NOTE_SMS: &str = "UPDATE whatsapp_contacts SET sms_ok = 1, \
      channel = CASE WHEN chosen = 1 THEN channel ELSE 'sms' END, updated_at = ?2 \
    WHERE person_id = ?1";

/// By a call: SMS is agreed to (callers are texted); the channel stays.
const NOTE_CALL: &str =
    "UPDATE whatsapp_contacts SET sms_ok = 1, updated_at = ?2 WHERE person_id = ?1";

const CHOOSE: &str = "INSERT INTO whatsapp_contacts \
      (person_id, last_inbound_at, channel, chosen, sms_ok, updated_at) \
    VALUES (?1, NULL, ?2, 1, CASE WHEN ?2 = 'sms' THEN 1 ELSE 0 END, ?3) \
    ON CONFLICT (person_id) DO UPDATE SET channel = ?2, chosen = 1, \
      sms_ok = CASE WHEN ?2 = 'sms' THEN 1 ELSE whatsapp_contacts.sms_ok END, updated_at = ?3";

const CONTACT: &str = "SELECT channel, CAST(chosen AS BIGINT), CAST(sms_ok AS BIGINT), last_inbound_at \
    FROM whatsapp_contacts WHERE person_id = ?1";

const FACTS: &str = "SELECT p.language, w.last_inbound_at, CAST(COALESCE(w.sms_ok, 0) AS BIGINT), \
      f.kind, CAST(r.issue_number AS BIGINT), x.route, x.content_sid, x.variables \
    FROM outbox o \
      LEFT JOIN people p ON p.id = o.person_id \
      LEFT JOIN whatsapp_contacts w ON w.person_id = o.person_id \
      LEFT JOIN fanouts f ON f.id = o.fanout_id \
      LEFT JOIN responses r ON r.id = f.response_id \
      LEFT JOIN whatsapp_routes x ON x.outbox_id = o.id \
    WHERE o.id = ?1";

const SAVE_ROUTE: &str = "INSERT INTO whatsapp_routes (outbox_id, route, content_sid, variables, decided_at) \
    VALUES (?1, ?2, ?3, ?4, ?5) \
    ON CONFLICT (outbox_id) DO UPDATE SET route = ?2, content_sid = ?3, variables = ?4, decided_at = ?5";

/// A WhatsApp message that goes by SMS instead: back in the queue, for
/// the SMS worker, as long as the claim is still this worker's.
const TO_SMS: &str = "UPDATE outbox SET channel = 'sms', text = ?1, status = 'queued', \
      claimed_at = NULL, claimed_by = NULL, next_attempt_at = ?2 \
    WHERE id = ?3 AND status = 'sending' AND claimed_by = ?4 AND attempts = ?5";

const NOTE_OLD: &str = "SELECT media_url FROM whatsapp_voice_notes WHERE person_id = ?1";
const NOTE_KEEP: &str = "INSERT INTO whatsapp_voice_notes (person_id, media_url, content_type, created_at) \
    VALUES (?1, ?2, ?3, ?4) \
    ON CONFLICT (person_id) DO UPDATE SET media_url = ?2, content_type = ?3, created_at = ?4";
/// Media Gather does not keep: deleted at Twilio by the recordings job.
const DELETE_MEDIA: &str = "INSERT INTO recording_deletions (url, next_attempt_at) VALUES (?1, 0) \
    ON CONFLICT (url) DO NOTHING";
const ATTACH: &str =
    "UPDATE issues SET recording_url = ?1, recording_secs = NULL WHERE number = ?2";
const NOTE_DROP: &str = "DELETE FROM whatsapp_voice_notes WHERE person_id = ?1";

/// `?N` placeholders as PostgreSQL writes them (`$N`).
fn dollar(sql: &str) -> String {
    sql.replace('?', "$")
}

type FactsRow = (
    Option<String>,
    Option<i64>,
    i64,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn facts_from(r: FactsRow) -> RouteFacts {
    let decided = match (r.5.as_deref(), r.6, r.7) {
        (Some("session"), _, _) => Some(Route::Session),
        (Some("template"), Some(content_sid), Some(variables)) => Some(Route::Template {
            content_sid,
            variables,
        }),
        _ => None,
    };
    RouteFacts {
        language: r.0,
        last_inbound_at: r.1,
        sms_ok: r.2 != 0,
        fanout_kind: r.3,
        issue_number: r.4,
        decided,
    }
}

macro_rules! whatsapp_for {
    ($module:ident, $conn:ty, $fix:expr, $sql:path) => {
        pub mod $module {
            use super::*;
            use $sql as dbq;

            fn fix(sql: &str) -> String {
                let f: fn(&str) -> String = $fix;
                f(sql)
            }

            /// A message from the person on `channel`: the window (WhatsApp)
            /// and the last-used channel.
            pub async fn note_inbound(
                conn: &mut $conn,
                person: PersonId,
                channel: Channel,
                now: Timestamp,
            ) -> Result<()> {
                let sql = match channel {
                    Channel::WhatsApp => NOTE_WHATSAPP,
                    Channel::Sms => NOTE_SMS,
                    Channel::Voice => NOTE_CALL,
                    _ => return Ok(()),
                };
                dbq::query(dbq::AssertSqlSafe(fix(sql)))
                    .bind(person)
                    .bind(now.millis())
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            }

            /// The person chose where Gather writes to them.
            pub async fn choose_channel(
                conn: &mut $conn,
                person: PersonId,
                channel: Channel,
                now: Timestamp,
            ) -> Result<()> {
                let channel = if channel == Channel::WhatsApp {
                    "whatsapp"
                } else {
                    "sms"
                };
                dbq::query(dbq::AssertSqlSafe(fix(CHOOSE)))
                    .bind(person)
                    .bind(channel)
                    .bind(now.millis())
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            }

            pub async fn contact(conn: &mut $conn, person: PersonId) -> Result<Option<Contact>> {
                let rows: Vec<(String, i64, i64, Option<i64>)> =
                    dbq::query_as(dbq::AssertSqlSafe(fix(CONTACT)))
                        .bind(person)
                        .fetch_all(&mut *conn)
                        .await?;
                Ok(rows.into_iter().next().map(|r| Contact {
                    channel: if r.0 == "whatsapp" {
                        Channel::WhatsApp
                    } else {
                        Channel::Sms
                    },
                    chosen: r.1 != 0,
                    sms_ok: r.2 != 0,
                    last_inbound_at: r.3.map(Timestamp),
                }))
            }

            pub async fn route_facts(
                conn: &mut $conn,
                outbox_id: i64,
            ) -> Result<Option<RouteFacts>> {
                let rows: Vec<FactsRow> = dbq::query_as(dbq::AssertSqlSafe(fix(FACTS)))
                    .bind(outbox_id)
                    .fetch_all(&mut *conn)
                    .await?;
                Ok(rows.into_iter().next().map(facts_from))
            }

            pub async fn save_route(
                conn: &mut $conn,
                outbox_id: i64,
                route: &Route,
                now: Timestamp,
            ) -> Result<()> {
                let (name, sid, vars) = match route {
                    Route::Session => ("session", None, None),
                    Route::Template {
                        content_sid,
                        variables,
                    } => (
                        "template",
                        Some(content_sid.as_str()),
                        Some(variables.as_str()),
                    ),
                };
                dbq::query(dbq::AssertSqlSafe(fix(SAVE_ROUTE)))
                    .bind(outbox_id)
                    .bind(name)
                    .bind(sid)
                    .bind(vars)
                    .bind(now.millis())
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            }

            /// Hands a claimed WhatsApp message to the SMS worker with
            /// `text`; false if the claim is no longer `worker`'s.
            pub async fn reroute_to_sms(
                conn: &mut $conn,
                outbox_id: i64,
                worker: &str,
                attempts: u32,
                text: &str,
                now: Timestamp,
            ) -> Result<bool> {
                let done = dbq::query(dbq::AssertSqlSafe(fix(TO_SMS)))
                    .bind(text)
                    .bind(now.millis())
                    .bind(outbox_id)
                    .bind(worker)
                    .bind(i64::from(attempts))
                    .execute(&mut *conn)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            /// Keeps a voice note as the person's pending description; an
            /// earlier one that did not become an issue is deleted at Twilio.
            pub async fn keep_voice_note(
                conn: &mut $conn,
                person: PersonId,
                url: &str,
                content_type: &str,
                now: Timestamp,
            ) -> Result<()> {
                let old: Vec<(String,)> = dbq::query_as(dbq::AssertSqlSafe(fix(NOTE_OLD)))
                    .bind(person)
                    .fetch_all(&mut *conn)
                    .await?;
                for (old,) in old.into_iter().filter(|(o,)| o != url) {
                    delete_media(&mut *conn, &old).await?;
                }
                dbq::query(dbq::AssertSqlSafe(fix(NOTE_KEEP)))
                    .bind(person)
                    .bind(url)
                    .bind(content_type)
                    .bind(now.millis())
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            }

            /// Media Gather will not keep: queued for deletion at Twilio.
            pub async fn delete_media(conn: &mut $conn, url: &str) -> Result<()> {
                dbq::query(dbq::AssertSqlSafe(fix(DELETE_MEDIA)))
                    .bind(url)
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            }

            /// The person's pending voice note becomes issue `number`'s
            /// recording. False when there is none.
            pub async fn attach_voice_note(
                conn: &mut $conn,
                person: PersonId,
                number: u32,
            ) -> Result<bool> {
                let note: Vec<(String,)> = dbq::query_as(dbq::AssertSqlSafe(fix(NOTE_OLD)))
                    .bind(person)
                    .fetch_all(&mut *conn)
                    .await?;
                let Some((url,)) = note.into_iter().next() else {
                    return Ok(false);
                };
                dbq::query(dbq::AssertSqlSafe(fix(ATTACH)))
                    .bind(url.as_str())
                    .bind(i64::from(number))
                    .execute(&mut *conn)
                    .await?;
                dbq::query(dbq::AssertSqlSafe(fix(NOTE_DROP)))
                    .bind(person)
                    .execute(&mut *conn)
                    .await?;
                Ok(true)
            }
        }
    };
}

whatsapp_for!(
    sqlite,
    rusqlite::Connection,
    |s: &str| s.to_string(),
    crate::store::sqlite::lite
);
whatsapp_for!(postgres, sqlx::PgConnection, dollar, sqlx);

/// A transaction's connection, as [`super::Tx::whatsapp`] lends it: the
/// functions above for whichever database it is (one line in each `Tx`).
pub enum Conn<'a> {
    Sqlite(&'a mut rusqlite::Connection),
    /// `failed` is the transaction's "aborted by an error" mark.
    Postgres {
        conn: &'a mut sqlx::PgConnection,
        failed: &'a mut bool,
    },
}

macro_rules! dispatch {
    ($self:ident, $f:ident ( $($a:expr),* )) => {
        match $self {
            Conn::Sqlite(c) => sqlite::$f(c, $($a),*).await,
            Conn::Postgres { conn, failed } => {
                let r = postgres::$f(conn, $($a),*).await;
                **failed |= r.is_err();
                r
            }
        }
    };
}

impl Conn<'_> {
    /// A message from `person` on `channel`: the WhatsApp window and the
    /// last-used channel (SMS, WhatsApp; a call only says SMS is agreed).
    pub async fn note_inbound(
        &mut self,
        person: PersonId,
        channel: Channel,
        now: Timestamp,
    ) -> Result<()> {
        dispatch!(self, note_inbound(person, channel, now))
    }

    /// SMS or WHATSAPP: where Gather writes to `person` from now on.
    pub async fn choose_channel(
        &mut self,
        person: PersonId,
        channel: Channel,
        now: Timestamp,
    ) -> Result<()> {
        dispatch!(self, choose_channel(person, channel, now))
    }

    pub async fn contact(&mut self, person: PersonId) -> Result<Option<Contact>> {
        dispatch!(self, contact(person))
    }

    pub async fn route_facts(&mut self, outbox_id: i64) -> Result<Option<RouteFacts>> {
        dispatch!(self, route_facts(outbox_id))
    }

    pub async fn save_route(
        &mut self,
        outbox_id: i64,
        route: &Route,
        now: Timestamp,
    ) -> Result<()> {
        dispatch!(self, save_route(outbox_id, route, now))
    }

    pub async fn reroute_to_sms(
        &mut self,
        outbox_id: i64,
        worker: &str,
        attempts: u32,
        text: &str,
        now: Timestamp,
    ) -> Result<bool> {
        dispatch!(self, reroute_to_sms(outbox_id, worker, attempts, text, now))
    }

    pub async fn keep_voice_note(
        &mut self,
        person: PersonId,
        url: &str,
        content_type: &str,
        now: Timestamp,
    ) -> Result<()> {
        dispatch!(self, keep_voice_note(person, url, content_type, now))
    }

    pub async fn delete_media(&mut self, url: &str) -> Result<()> {
        dispatch!(self, delete_media(url))
    }

    pub async fn attach_voice_note(&mut self, person: PersonId, number: u32) -> Result<bool> {
        dispatch!(self, attach_voice_note(person, number))
    }
}
