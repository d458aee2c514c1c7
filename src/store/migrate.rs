//! A small schema migrator shared by the database implementations.
//!
//! Each backend keeps its migrations as plain `.sql` files under
//! `src/store/migrations/<backend>/`, embedded with `include_str!` into a
//! `&[Migration]` list. [`apply`] records what it applied in a
//! `schema_migrations(version, name, applied_at)` table and runs every pending
//! migration in its own transaction, so a failed migration leaves nothing
//! behind and the next start simply tries again.

use super::{Result, StoreError};
use sqlx::{
    ColumnIndex, Connection, Database, Decode, Encode, Executor, IntoArguments, Pool, Row, Type,
};

/// One schema change. Versions are applied in ascending order and never
/// change once released; fix mistakes with a new migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    /// One or more statements, run as a single batch.
    pub sql: &'static str,
}

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version    BIGINT PRIMARY KEY,
    name       TEXT   NOT NULL,
    applied_at BIGINT NOT NULL
)";

/// Checks that a migration list is strictly ascending with positive versions.
pub fn check_list(migrations: &[Migration]) -> Result<()> {
    let mut last = 0;
    for m in migrations {
        if m.version <= last {
            return Err(StoreError::Invalid(format!(
                "migration {} ({}) is out of order or duplicated",
                m.version, m.name
            )));
        }
        last = m.version;
    }
    Ok(())
}

/// Applies the pending `migrations` and returns the versions it applied.
///
/// `begin` is the statement that opens each migration's transaction (on SQLite
/// `BEGIN IMMEDIATE`, so two processes starting at once apply a migration
/// only once); `None` uses the driver's default. `now` is stored as
/// `applied_at` (milliseconds).
///
/// Fails without touching anything if the database carries a migration this
/// build does not know (a newer Gather wrote it) or a known version under a
/// different name.
///
/// Runs everything on one connection taken from `pool`; a backend that must
/// hold a session lock around the whole run (PostgreSQL's advisory lock)
/// acquires the connection itself and calls [`apply_on`].
pub async fn apply<DB>(
    pool: &Pool<DB>,
    migrations: &[Migration],
    begin: Option<&'static str>,
    now: i64,
) -> Result<Vec<i64>>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    usize: ColumnIndex<DB::Row>,
    i64: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    String: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
{
    let mut conn = pool.acquire().await?;
    apply_on::<DB>(&mut conn, migrations, begin, now).await
}

/// [`apply`] on a connection the caller holds (and may have locked).
pub async fn apply_on<DB>(
    conn: &mut DB::Connection,
    migrations: &[Migration],
    begin: Option<&'static str>,
    now: i64,
) -> Result<Vec<i64>>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    DB::Arguments: IntoArguments<DB>,
    usize: ColumnIndex<DB::Row>,
    i64: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
    String: Type<DB> + for<'q> Encode<'q, DB> + for<'r> Decode<'r, DB>,
{
    check_list(migrations)?;
    sqlx::raw_sql(CREATE_TABLE).execute(&mut *conn).await?;

    let rows = sqlx::query("SELECT version, name FROM schema_migrations ORDER BY version")
        .fetch_all(&mut *conn)
        .await?;
    for row in rows {
        let version: i64 = row.try_get(0)?;
        let name: String = row.try_get(1)?;
        match migrations.iter().find(|m| m.version == version) {
            None => {
                return Err(StoreError::Corrupt(format!(
                    "database has migration {version} ({name}) which this version of Gather does not know; \
                     it was written by a newer release"
                )));
            }
            Some(m) if m.name != name => {
                return Err(StoreError::Corrupt(format!(
                    "migration {version} is recorded as {name:?} but this build calls it {:?}",
                    m.name
                )));
            }
            Some(_) => {}
        }
    }

    let mut applied = Vec::new();
    for m in migrations {
        let mut tx = match begin {
            // (Wrapped: a bare `&'static str` trips a higher-ranked lifetime
            // error when the future is checked for `Send`.)
            Some(statement) => conn.begin_with(sqlx::AssertSqlSafe(statement)).await?,
            None => conn.begin().await?,
        };
        // Checked again inside the transaction: another process may have
        // applied it since we looked.
        let done = sqlx::query("SELECT version FROM schema_migrations WHERE version = $1")
            .bind(m.version)
            .fetch_optional(&mut *tx)
            .await?
            .is_some();
        if done {
            continue;
        }
        sqlx::raw_sql(m.sql).execute(&mut *tx).await.map_err(|e| {
            StoreError::Corrupt(format!("migration {} ({}) failed: {e}", m.version, m.name))
        })?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        )
        .bind(m.version)
        .bind(m.name.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        applied.push(m.version);
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_must_ascend() {
        let m = |version| Migration {
            version,
            name: "m",
            sql: "",
        };
        assert!(check_list(&[m(1), m(2), m(5)]).is_ok());
        assert!(check_list(&[m(1), m(1)]).is_err());
        assert!(check_list(&[m(2), m(1)]).is_err());
        assert!(check_list(&[m(0)]).is_err());
    }

    #[test]
    fn bounds_hold_for_postgres() {
        // Compile-time check: the same migrator can drive PostgreSQL.
        let _ = apply::<sqlx::Postgres>;
        let _ = apply::<sqlx::Sqlite>;
        let _ = apply_on::<sqlx::Postgres>;
        let _ = apply_on::<sqlx::Sqlite>;
    }
}
