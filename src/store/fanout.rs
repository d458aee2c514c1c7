//! Fan-out: queue one message for every person involved, in their own
//! language, in ONE `INSERT … SELECT` — recipients are never loaded into
//! memory, so a Board update can reach hundreds of thousands of people
//! without the process growing. Written once; expanded for each database.

use super::{Result, RoundId};
use crate::domain::{IssueRef, Timestamp};
use serde::Serialize;

/// Who hears it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Everyone who raised, voted for or follows the issue, or an issue
    /// merged into it.
    Issue(IssueRef),
    /// Everyone who voted in the round.
    RoundVoters(RoundId),
    /// Everyone who has not opted out.
    Everyone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FanOutKind {
    Response,
    Announce,
}

impl FanOutKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FanOutKind::Response => "response",
            FanOutKind::Announce => "announce",
        }
    }
}

#[derive(Debug, Clone)]
pub struct FanOutSpec {
    pub kind: FanOutKind,
    pub response_id: Option<i64>,
    pub round_id: Option<RoundId>,
    pub audience: Audience,
    /// The message by the recipient's language tag.
    pub texts: Vec<(String, String)>,
    /// For a recipient whose language has no entry.
    pub default_text: String,
    /// `texts` as SMS spell them (plain where the locale asks, see
    /// `i18n::plain`), in the same order; empty: SMS get `texts`.
    pub sms_texts: Vec<(String, String)>,
    pub not_before: Timestamp,
}

/// Part of an audience: the people of one language reached through one
/// kind of identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AudienceGroup {
    pub language: String,
    /// `whatsapp`, `phone` (an SMS), `matrix` or `discord`.
    pub kind: String,
    pub people: i64,
}

/// Each person's preferred identity kind, ranked as `KINDS` orders them
/// (a phone number whose person writes on WhatsApp counts as `whatsapp`).
const KIND_RANK_SQL: &str = "(SELECT MIN(CASE i.kind \
        WHEN 'phone' THEN (CASE WHEN EXISTS (SELECT 1 FROM whatsapp_contacts w \
          WHERE w.person_id = p.id AND w.channel = 'whatsapp') THEN 1 ELSE 2 END) \
        WHEN 'matrix' THEN 3 WHEN 'discord' THEN 4 ELSE 5 END) \
      FROM identities i WHERE i.person_id = p.id)";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FanOutStatus {
    pub id: i64,
    pub kind: String,
    pub recipients: i64,
    pub queued: i64,
    pub sending: i64,
    pub sent: i64,
    pub delivered: i64,
    pub failed: i64,
    pub cancelled: i64,
    pub created_at: Timestamp,
}

/// The people an audience covers (one column `pid`; opted-out people are
/// excluded by the caller). Parameter `?1` as named below. Issue numbers
/// are found first (the issue and everything merged into it), so each part
/// reads its own index.
fn audience_sql(a: &Audience) -> &'static str {
    match a {
        // ?1 = the issue number.
        Audience::Issue(_) => {
            "SELECT i.raised_by AS pid FROM issues i \
               WHERE (i.number = ?1 OR i.merged_into = ?1) AND i.raised_by IS NOT NULL \
             UNION SELECT f.person_id FROM follows f \
               WHERE f.issue_number IN (SELECT number FROM issues WHERE number = ?1 OR merged_into = ?1) \
             UNION SELECT b.person_id FROM ballot_choices c JOIN ballots b ON b.id = c.ballot_id \
               WHERE c.issue_number IN (SELECT number FROM issues WHERE number = ?1 OR merged_into = ?1) \
                 AND b.person_id IS NOT NULL"
        }
        // ?1 = the round id.
        Audience::RoundVoters(_) => {
            "SELECT b.person_id AS pid FROM ballots b WHERE b.round_id = ?1 AND b.person_id IS NOT NULL"
        }
        Audience::Everyone => "SELECT p0.id AS pid FROM people p0 WHERE ?1 = ?1",
    }
}

fn audience_param(a: &Audience) -> i64 {
    match a {
        Audience::Issue(r) => i64::from(r.number()),
        Audience::RoundVoters(id) => *id,
        Audience::Everyone => 0,
    }
}

/// The INSERT … SELECT for one kind of identity. Parameters: ?1 audience,
/// ?2 fan-out id, ?3 now, ?4 not_before, ?5 default text, then (language,
/// text) pairs from ?6. Run once per kind in order of preference (WhatsApp
/// first, for people whose channel is WhatsApp (`store::whatsapp`); then
/// phone: people who only ever called get an SMS; then Matrix, then
/// Discord); the dedupe key is per person, so each person is reached once,
/// in their own language, whatever identities they have.
fn insert_sql(spec: &FanOutSpec, kind: &str) -> String {
    let mut case = String::from("CASE p.language");
    for i in 0..spec.texts.len() {
        let lang = 6 + 2 * i;
        case.push_str(&format!(" WHEN ?{lang} THEN ?{}", lang + 1));
    }
    case.push_str(" ELSE ?5 END");
    let channel = if kind == "phone" { "sms" } else { kind };
    // A WhatsApp number is a phone identity whose person writes on WhatsApp.
    let (identity, whatsapp) = if kind == "whatsapp" {
        (
            "phone",
            " JOIN whatsapp_contacts w ON w.person_id = p.id AND w.channel = 'whatsapp'",
        )
    } else {
        (kind, "")
    };
    format!(
        "INSERT INTO outbox (person_id, channel, address, text, kind, status, attempts, \
           next_attempt_at, dedupe_key, created_at, fanout_id) \
         SELECT p.id, '{channel}', i.address, {case}, \
           'notice', 'queued', 0, ?4, 'fanout:' || CAST(?2 AS TEXT) || ':' || CAST(p.id AS TEXT), ?3, ?2 \
         FROM ({audience}) a \
           JOIN people p ON p.id = a.pid \
           JOIN identities i ON i.person_id = p.id AND i.kind = '{identity}'{whatsapp} \
         WHERE NOT p.opted_out \
         ON CONFLICT (dedupe_key) DO NOTHING",
        audience = audience_sql(&spec.audience)
    )
}

/// Identity kinds in order of preference.
const KINDS: [&str; 4] = ["whatsapp", "phone", "matrix", "discord"];

const STATUS_SQL: &str = "SELECT f.id, f.kind, CAST(f.recipients AS BIGINT), f.created_at, \
      CAST(COALESCE(SUM(CASE WHEN o.status = 'queued' THEN 1 ELSE 0 END), 0) AS BIGINT), \
      CAST(COALESCE(SUM(CASE WHEN o.status = 'sending' THEN 1 ELSE 0 END), 0) AS BIGINT), \
      CAST(COALESCE(SUM(CASE WHEN o.status = 'sent' THEN 1 ELSE 0 END), 0) AS BIGINT), \
      CAST(COALESCE(SUM(CASE WHEN o.delivery_status = 'delivered' THEN 1 ELSE 0 END), 0) AS BIGINT), \
      CAST(COALESCE(SUM(CASE WHEN o.status = 'failed' THEN 1 ELSE 0 END), 0) AS BIGINT), \
      CAST(COALESCE(SUM(CASE WHEN o.status = 'cancelled' THEN 1 ELSE 0 END), 0) AS BIGINT) \
    FROM fanouts f LEFT JOIN outbox o ON o.fanout_id = f.id";

type StatusRow = (i64, String, i64, i64, i64, i64, i64, i64, i64, i64);

fn status_from(r: StatusRow) -> FanOutStatus {
    FanOutStatus {
        id: r.0,
        kind: r.1,
        recipients: r.2,
        created_at: Timestamp(r.3),
        queued: r.4,
        sending: r.5,
        sent: r.6,
        delivered: r.7,
        failed: r.8,
        cancelled: r.9,
    }
}

/// `?N` placeholders as PostgreSQL writes them (`$N`).
pub(super) fn dollar(sql: &str) -> String {
    sql.replace('?', "$")
}

macro_rules! fanout_for {
    ($module:ident, $conn:ty, $fix:expr, $sql:path) => {
        pub mod $module {
            use super::*;
            use $sql as dbq;

            pub async fn fan_out(conn: &mut $conn, spec: &FanOutSpec, now: Timestamp) -> Result<(i64, i64)> {
                let fix: fn(&str) -> String = $fix;
                let (id,): (i64,) = dbq::query_as(dbq::AssertSqlSafe(fix(
                    "INSERT INTO fanouts (kind, response_id, round_id, created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id",
                )))
                .bind(spec.kind.as_str())
                .bind(spec.response_id)
                .bind(spec.round_id)
                .bind(now.millis())
                .fetch_one(&mut *conn)
                .await?;
                // The SQL's shape depends only on the identity kind (a
                // constant) and how many languages there are; every value
                // is bound.
                let mut n = 0i64;
                for kind in KINDS {
                    let sql = fix(&insert_sql(spec, kind));
                    let mut q = dbq::query(dbq::AssertSqlSafe(sql))
                        .bind(audience_param(&spec.audience))
                        .bind(id)
                        .bind(now.millis())
                        .bind(spec.not_before.millis())
                        .bind(spec.default_text.as_str());
                    let texts = if kind == "phone" && spec.sms_texts.len() == spec.texts.len() {
                        &spec.sms_texts
                    } else {
                        &spec.texts
                    };
                    for (lang, text) in texts {
                        q = q.bind(lang.as_str()).bind(text.as_str());
                    }
                    n += q.execute(&mut *conn).await?.rows_affected() as i64;
                }
                dbq::query(dbq::AssertSqlSafe(fix("UPDATE fanouts SET recipients = ?1 WHERE id = ?2")))
                    .bind(n)
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                Ok((id, n))
            }

            pub async fn status(conn: &mut $conn, id: Option<i64>) -> Result<Vec<FanOutStatus>> {
                let fix: fn(&str) -> String = $fix;
                let sql = match id {
                    Some(_) => format!("{STATUS_SQL} WHERE f.id = ?1 GROUP BY f.id, f.kind, f.recipients, f.created_at"),
                    None => format!("{STATUS_SQL} WHERE ?1 = ?1 GROUP BY f.id, f.kind, f.recipients, f.created_at ORDER BY f.id DESC"),
                };
                let rows: Vec<StatusRow> = dbq::query_as(dbq::AssertSqlSafe(fix(&sql)))
                    .bind(id.unwrap_or(0))
                    .fetch_all(&mut *conn)
                    .await?;
                Ok(rows.into_iter().map(status_from).collect())
            }

            /// The people a fan-out would reach, for previews and tests.
            pub async fn audience_size(conn: &mut $conn, audience: &Audience) -> Result<i64> {
                let fix: fn(&str) -> String = $fix;
                let sql = format!(
                    "SELECT COUNT(*) FROM ({}) a JOIN people p ON p.id = a.pid WHERE NOT p.opted_out",
                    audience_sql(audience)
                );
                let (n,): (i64,) = dbq::query_as(dbq::AssertSqlSafe(fix(&sql)))
                    .bind(audience_param(audience))
                    .fetch_one(&mut *conn)
                    .await?;
                Ok(n)
            }

            /// The audience by language and preferred identity kind.
            pub async fn audience_groups(conn: &mut $conn, audience: &Audience) -> Result<Vec<AudienceGroup>> {
                let fix: fn(&str) -> String = $fix;
                let sql = format!(
                    "SELECT g.language, CAST(g.k AS BIGINT), CAST(COUNT(*) AS BIGINT) FROM \
                       (SELECT p.language AS language, {KIND_RANK_SQL} AS k \
                        FROM ({}) a JOIN people p ON p.id = a.pid WHERE NOT p.opted_out) g \
                     WHERE g.k IS NOT NULL GROUP BY g.language, g.k ORDER BY g.language, g.k",
                    audience_sql(audience)
                );
                let rows: Vec<(String, i64, i64)> = dbq::query_as(dbq::AssertSqlSafe(fix(&sql)))
                    .bind(audience_param(audience))
                    .fetch_all(&mut *conn)
                    .await?;
                Ok(rows
                    .into_iter()
                    .filter_map(|(language, k, people)| {
                        let kind = usize::try_from(k - 1).ok().and_then(|i| KINDS.get(i))?;
                        Some(AudienceGroup { language, kind: (*kind).to_string(), people })
                    })
                    .collect())
            }
        }
    };
}

fanout_for!(
    sqlite,
    rusqlite::Connection,
    |s: &str| s.to_string(),
    crate::store::sqlite::lite
);
fanout_for!(postgres, sqlx::PgConnection, dollar, sqlx);
