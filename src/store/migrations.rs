//! The SQL migrations of `migrations/`, compiled into the binary so that it runs anywhere. Add a
//! file there and a line here; never edit a released migration.

use std::borrow::Cow;

use sqlx::AssertSqlSafe;
use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

/// `(version, description, SQL)` of each PostgreSQL migration, in order.
const POSTGRES: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../../migrations/postgres/0001_init.sql")),
    (2, "seats fillfactor", include_str!("../../migrations/postgres/0002_seats_fillfactor.sql")),
];

/// The same for SQLite.
const SQLITE: &[(i64, &str, &str)] =
    &[(1, "init", include_str!("../../migrations/sqlite/0001_init.sql"))];

pub fn postgres() -> Migrator {
    migrator(POSTGRES)
}

pub fn sqlite() -> Migrator {
    migrator(SQLITE)
}

fn migrator(files: &[(i64, &'static str, &'static str)]) -> Migrator {
    Migrator::with_migrations(
        files
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    Cow::Borrowed(description),
                    MigrationType::Simple,
                    AssertSqlSafe(sql).into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}
