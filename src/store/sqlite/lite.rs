//! The SQLite write connection: rusqlite on the calling thread, with the
//! shape of sqlx's query builder (`query(..).bind(..).fetch_optional(conn)`)
//! so the store's SQL reads the same on both backends.
//!
//! Why not sqlx here: sqlx runs each SQLite connection on its own thread
//! and hands every statement to it and the rows back, two cross-thread
//! wake-ups a statement (~86 µs a trivial `SELECT` on the 2-core machine,
//! against ~2 µs inline). An inbound SMS runs about eighteen statements
//! inside the one write lock, so the hand-offs, not SQLite, set how many
//! messages a second Gather can take. Here the statements run inline,
//! prepared once and cached on the connection. Each is microseconds (WAL,
//! `synchronous = NORMAL`: a commit writes the log without an fsync), so
//! running them on a tokio worker is cheaper than any hand-off; the
//! waiting for the write lock itself stays asynchronous (see
//! [`super::SqliteStore::begin`]). Reads outside a transaction (reports,
//! open data, the organiser's lists) still go through sqlx's pool. See
//! docs/performance.md.
//!
//! The methods are `async` only so that code shared with the PostgreSQL
//! store (`store::fanout`) reads the same; they never suspend.

use super::super::StoreError;
use rusqlite::types::{FromSql, ToSql, ToSqlOutput, Value, ValueRef};
use std::borrow::Cow;
use std::sync::Arc;

pub use rusqlite::Connection;

/// Marks SQL built at run time, as `sqlx::AssertSqlSafe` does: every value
/// must still be bound, never formatted in.
pub struct AssertSqlSafe<T>(pub T);

/// Something that can be the text of a query.
pub trait SqlText {
    fn into_sql(self) -> Cow<'static, str>;
}

impl SqlText for &'static str {
    fn into_sql(self) -> Cow<'static, str> {
        Cow::Borrowed(self)
    }
}

impl SqlText for AssertSqlSafe<String> {
    fn into_sql(self) -> Cow<'static, str> {
        Cow::Owned(self.0)
    }
}

impl SqlText for AssertSqlSafe<&'static str> {
    fn into_sql(self) -> Cow<'static, str> {
        Cow::Borrowed(self.0)
    }
}

/// A query and its arguments, bound in order to `$1`/`?1`, `$2`/`?2`, ….
#[must_use]
pub struct Query {
    sql: Cow<'static, str>,
    args: Vec<Value>,
    /// The first value that could not be bound, reported when it runs.
    unbindable: Option<rusqlite::Error>,
}

pub fn query(sql: impl SqlText) -> Query {
    Query {
        sql: sql.into_sql(),
        args: Vec::new(),
        unbindable: None,
    }
}

/// The first column of each row, as `O`.
pub fn query_scalar<O: FromSql>(sql: impl SqlText) -> Scalar<O> {
    Scalar {
        query: query(sql),
        _out: std::marker::PhantomData,
    }
}

/// Each row as a tuple.
pub fn query_as<O: FromRow>(sql: impl SqlText) -> As<O> {
    As {
        query: query(sql),
        _out: std::marker::PhantomData,
    }
}

/// What an `execute` changed.
#[derive(Debug, Clone, Copy)]
pub struct Done {
    rows: u64,
}

impl Done {
    pub fn rows_affected(&self) -> u64 {
        self.rows
    }
}

fn owned(value: &dyn ToSql) -> rusqlite::Result<Value> {
    Ok(match value.to_sql()? {
        ToSqlOutput::Borrowed(v) => Value::try_from(v)?,
        ToSqlOutput::Owned(v) => v,
        other => {
            return Err(rusqlite::Error::ToSqlConversionFailure(
                format!("unsupported argument {other:?}").into(),
            ));
        }
    })
}

/// `$N` (sqlx's and PostgreSQL's spelling) as `?N`: SQLite numbers a `$1`
/// by where it first appears, not by its digits.
fn numbered(sql: &str) -> Cow<'_, str> {
    if !sql.contains('$') {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
        }
        if c == '$' && !quoted && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

impl Query {
    pub fn bind<T: ToSql>(mut self, value: T) -> Self {
        // A value that cannot be turned into an SQLite value holds its
        // place as NULL, and the statement fails when it runs.
        match owned(&value) {
            Ok(v) => self.args.push(v),
            Err(e) => {
                self.args.push(Value::Null);
                self.unbindable.get_or_insert(e);
            }
        }
        self
    }

    fn prepare<'c>(
        &mut self,
        conn: &'c Connection,
    ) -> rusqlite::Result<rusqlite::CachedStatement<'c>> {
        if let Some(e) = self.unbindable.take() {
            return Err(e);
        }
        let mut stmt = conn.prepare_cached(&numbered(&self.sql))?;
        // Too few is an error; more than the SQL uses is allowed, as sqlx
        // allows it (a query may bind a value only one of its shapes uses).
        let expected = stmt.parameter_count();
        if expected > self.args.len() {
            return Err(rusqlite::Error::InvalidParameterCount(
                self.args.len(),
                expected,
            ));
        }
        for (i, v) in self.args.iter().take(expected).enumerate() {
            stmt.raw_bind_parameter(i + 1, v)?;
        }
        Ok(stmt)
    }

    pub async fn execute(mut self, conn: &mut Connection) -> rusqlite::Result<Done> {
        let mut stmt = self.prepare(conn)?;
        let rows = stmt.raw_execute()?;
        Ok(Done { rows: rows as u64 })
    }

    pub async fn fetch_all(self, conn: &mut Connection) -> rusqlite::Result<Vec<Row>> {
        self.rows(conn, usize::MAX)
    }

    pub async fn fetch_optional(self, conn: &mut Connection) -> rusqlite::Result<Option<Row>> {
        Ok(self.rows(conn, 1)?.pop())
    }

    pub async fn fetch_one(self, conn: &mut Connection) -> rusqlite::Result<Row> {
        self.rows(conn, 1)?
            .pop()
            .ok_or(rusqlite::Error::QueryReturnedNoRows)
    }

    fn rows(mut self, conn: &Connection, limit: usize) -> rusqlite::Result<Vec<Row>> {
        let mut stmt = self.prepare(conn)?;
        let names: Arc<[String]> = stmt.column_names().iter().map(|n| n.to_string()).collect();
        let width = names.len();
        let mut rows = stmt.raw_query();
        let mut out = Vec::new();
        while out.len() < limit {
            let Some(row) = rows.next()? else { break };
            let mut values = Vec::with_capacity(width);
            for i in 0..width {
                values.push(Value::try_from(row.get_ref(i)?)?);
            }
            out.push(Row {
                names: names.clone(),
                values,
            });
        }
        Ok(out)
    }
}

/// One row, owned.
#[derive(Debug, Clone)]
pub struct Row {
    names: Arc<[String]>,
    values: Vec<Value>,
}

/// A column by position or by name.
pub trait ColumnIndex {
    fn index(&self, row: &Row) -> rusqlite::Result<usize>;
}

impl ColumnIndex for usize {
    fn index(&self, row: &Row) -> rusqlite::Result<usize> {
        if *self < row.values.len() {
            Ok(*self)
        } else {
            Err(rusqlite::Error::InvalidColumnIndex(*self))
        }
    }
}

impl ColumnIndex for &str {
    fn index(&self, row: &Row) -> rusqlite::Result<usize> {
        row.names
            .iter()
            .position(|n| n.eq_ignore_ascii_case(self))
            .ok_or_else(|| rusqlite::Error::InvalidColumnName((*self).to_string()))
    }
}

impl Row {
    pub fn try_get<T: FromSql, I: ColumnIndex>(&self, index: I) -> rusqlite::Result<T> {
        let i = index.index(self)?;
        let value = &self.values[i];
        T::column_result(ValueRef::from(value)).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(i, value.data_type(), Box::new(e))
        })
    }
}

/// Rows as tuples of columns.
pub trait FromRow: Sized {
    fn from_row(row: &Row) -> rusqlite::Result<Self>;
}

macro_rules! tuple_from_row {
    ($($t:ident $i:tt),+) => {
        impl<$($t: FromSql),+> FromRow for ($($t,)+) {
            fn from_row(row: &Row) -> rusqlite::Result<Self> {
                Ok(($(row.try_get::<$t, usize>($i)?,)+))
            }
        }
    };
}

tuple_from_row!(A 0);
tuple_from_row!(A 0, B 1);
tuple_from_row!(A 0, B 1, C 2);
tuple_from_row!(A 0, B 1, C 2, D 3);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);

#[must_use]
pub struct Scalar<O> {
    query: Query,
    _out: std::marker::PhantomData<fn() -> O>,
}

impl<O: FromSql> Scalar<O> {
    pub fn bind<T: ToSql>(mut self, value: T) -> Self {
        self.query = self.query.bind(value);
        self
    }

    pub async fn fetch_one(self, conn: &mut Connection) -> rusqlite::Result<O> {
        self.query.fetch_one(conn).await?.try_get(0usize)
    }

    pub async fn fetch_optional(self, conn: &mut Connection) -> rusqlite::Result<Option<O>> {
        self.query
            .fetch_optional(conn)
            .await?
            .map(|r| r.try_get(0usize))
            .transpose()
    }

    pub async fn fetch_all(self, conn: &mut Connection) -> rusqlite::Result<Vec<O>> {
        self.query
            .fetch_all(conn)
            .await?
            .iter()
            .map(|r| r.try_get(0usize))
            .collect()
    }
}

#[must_use]
pub struct As<O> {
    query: Query,
    _out: std::marker::PhantomData<fn() -> O>,
}

impl<O: FromRow> As<O> {
    pub fn bind<T: ToSql>(mut self, value: T) -> Self {
        self.query = self.query.bind(value);
        self
    }

    pub async fn fetch_one(self, conn: &mut Connection) -> rusqlite::Result<O> {
        O::from_row(&self.query.fetch_one(conn).await?)
    }

    pub async fn fetch_all(self, conn: &mut Connection) -> rusqlite::Result<Vec<O>> {
        self.query
            .fetch_all(conn)
            .await?
            .iter()
            .map(O::from_row)
            .collect()
    }
}

/// SQLite's primary result code of an error, if it has one.
fn primary_code(e: &rusqlite::Error) -> Option<rusqlite::ErrorCode> {
    match e {
        rusqlite::Error::SqliteFailure(f, _) => Some(f.code),
        _ => None,
    }
}

impl From<rusqlite::Error> for StoreError {
    /// The store's vocabulary for SQLite's errors, as `sqlite::db` maps
    /// sqlx's.
    fn from(e: rusqlite::Error) -> StoreError {
        use rusqlite::ErrorCode;
        let message = e.to_string();
        match &e {
            rusqlite::Error::SqliteFailure(f, _) => match f.code {
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
                    StoreError::Unavailable(message)
                }
                ErrorCode::ConstraintViolation => match f.extended_code {
                    // SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY
                    2067 | 1555 => StoreError::Conflict(message),
                    // SQLITE_CONSTRAINT_FOREIGNKEY
                    787 => StoreError::NotFound(format!("referenced row missing ({message})")),
                    // _CHECK, _NOTNULL, and the rest
                    _ => StoreError::Invalid(message),
                },
                ErrorCode::CannotOpen | ErrorCode::SystemIoFailure | ErrorCode::DiskFull => {
                    StoreError::Unavailable(message)
                }
                ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => {
                    StoreError::Corrupt(message)
                }
                _ => StoreError::Sqlite(message),
            },
            rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::IntegralValueOutOfRange(..)
            | rusqlite::Error::InvalidColumnType(..) => StoreError::Corrupt(message),
            _ => StoreError::Sqlite(message),
        }
    }
}

/// Whether an error is SQLite saying another connection holds the lock.
pub fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        primary_code(e),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollar_placeholders_become_numbered() {
        assert_eq!(numbered("a = $2 AND b = $1"), "a = ?2 AND b = ?1");
        assert_eq!(numbered("x = '$1' AND y = $10"), "x = '$1' AND y = ?10");
        assert_eq!(numbered("no params"), "no params");
    }

    #[tokio::test]
    async fn binds_by_number_and_reads_by_name() {
        let mut conn = Connection::open_in_memory().unwrap();
        query("CREATE TABLE t (a INTEGER, b TEXT, c INTEGER)")
            .execute(&mut conn)
            .await
            .unwrap();
        let done = query("INSERT INTO t (b, a, c) VALUES ($2, $1, $3)")
            .bind(7i64)
            .bind("seven")
            .bind(true)
            .execute(&mut conn)
            .await
            .unwrap();
        assert_eq!(done.rows_affected(), 1);
        let row = query("SELECT a, b, c FROM t WHERE a = $1")
            .bind(7i64)
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(row.try_get::<i64, _>("a").unwrap(), 7);
        assert_eq!(row.try_get::<String, _>(1usize).unwrap(), "seven");
        assert!(row.try_get::<bool, _>("c").unwrap());
        let (a, b): (i64, Option<String>) = query_as("SELECT a, b FROM t")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!((a, b.as_deref()), (7, Some("seven")));
        let none: Option<i64> = query_scalar("SELECT a FROM t WHERE a = 8")
            .fetch_optional(&mut conn)
            .await
            .unwrap();
        assert_eq!(none, None);
        let err = query("SELECT a FROM t WHERE a = $1")
            .fetch_all(&mut conn)
            .await
            .unwrap_err();
        assert!(matches!(err, rusqlite::Error::InvalidParameterCount(0, 1)));
    }

    /// A value whose conversion fails.
    struct Unbindable;

    impl ToSql for Unbindable {
        fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
            Err(rusqlite::Error::ToSqlConversionFailure(
                "out of range".into(),
            ))
        }
    }

    #[tokio::test]
    async fn a_value_that_cannot_be_bound_fails_the_statement() {
        let mut conn = Connection::open_in_memory().unwrap();
        query("CREATE TABLE t (a INTEGER)")
            .execute(&mut conn)
            .await
            .unwrap();
        let e = query("INSERT INTO t VALUES ($1)")
            .bind(Unbindable)
            .execute(&mut conn)
            .await
            .unwrap_err();
        assert!(
            matches!(e, rusqlite::Error::ToSqlConversionFailure(_)),
            "{e:?}"
        );
        let n: i64 = query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(n, 0);
    }

    #[tokio::test]
    async fn unique_violation_is_a_conflict() {
        let mut conn = Connection::open_in_memory().unwrap();
        query("CREATE TABLE t (a INTEGER PRIMARY KEY)")
            .execute(&mut conn)
            .await
            .unwrap();
        query("INSERT INTO t VALUES (1)")
            .execute(&mut conn)
            .await
            .unwrap();
        let e = query("INSERT INTO t VALUES (1)")
            .execute(&mut conn)
            .await
            .unwrap_err();
        assert!(matches!(StoreError::from(e), StoreError::Conflict(_)));
    }
}
