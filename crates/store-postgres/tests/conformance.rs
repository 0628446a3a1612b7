//! The shared behaviour suite, on PostgreSQL (when `PLENARY_TEST_POSTGRES_URL` is set).
use plenary_store_postgres::testing::PostgresHarness;

plenary_store::conformance_tests!(PostgresHarness::from_env());
