//! The shared behaviour suite, on SQLite.
use plenary_store_sqlite::testing::SqliteHarness;

plenary_store::conformance_tests!(Some(SqliteHarness));
