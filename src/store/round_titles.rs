//! A round's title per language (issue 19): `rounds.title` is the default
//! language's; these are the others an organiser wrote. Written once;
//! expanded for each database as `fanout` is.

use super::{Result, RoundId, StoreError};

macro_rules! round_titles_for {
    ($module:ident, $conn:ty, $fix:expr, $sql:path) => {
        pub mod $module {
            use super::*;
            use $sql as dbq;

            /// Sets (`Some`) or clears (`None`) `round`'s title in `language`.
            pub async fn set(
                conn: &mut $conn,
                round: RoundId,
                language: &str,
                title: Option<&str>,
            ) -> Result<()> {
                let fix: fn(&str) -> String = $fix;
                let exists: Option<i64> =
                    dbq::query_scalar(dbq::AssertSqlSafe(fix("SELECT id FROM rounds WHERE id = ?1")))
                        .bind(round)
                        .fetch_optional(&mut *conn)
                        .await?;
                if exists.is_none() {
                    return Err(StoreError::NotFound(format!("round {round}")));
                }
                let q = match title {
                    Some(t) => dbq::query(dbq::AssertSqlSafe(fix(
                        "INSERT INTO round_titles (round_id, language, title) VALUES (?1, ?2, ?3) \
                         ON CONFLICT (round_id, language) DO UPDATE SET title = excluded.title",
                    )))
                    .bind(round)
                    .bind(language)
                    .bind(t),
                    None => dbq::query(dbq::AssertSqlSafe(fix(
                        "DELETE FROM round_titles WHERE round_id = ?1 AND language = ?2",
                    )))
                    .bind(round)
                    .bind(language),
                };
                q.execute(&mut *conn).await?;
                Ok(())
            }

            /// `round`'s titles: (language, title), by language.
            pub async fn list(conn: &mut $conn, round: RoundId) -> Result<Vec<(String, String)>> {
                let fix: fn(&str) -> String = $fix;
                let rows: Vec<(String, String)> = dbq::query_as(dbq::AssertSqlSafe(fix(
                    "SELECT language, title FROM round_titles WHERE round_id = ?1 ORDER BY language",
                )))
                .bind(round)
                .fetch_all(&mut *conn)
                .await?;
                Ok(rows)
            }
        }
    };
}

round_titles_for!(
    sqlite,
    rusqlite::Connection,
    |s: &str| s.to_string(),
    crate::store::sqlite::lite
);
round_titles_for!(
    postgres,
    sqlx::PgConnection,
    crate::store::fanout::dollar,
    sqlx
);
