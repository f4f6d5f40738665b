/**
 * Test infrastructure shared by slice and full-stack tests: a fresh, isolated database
 * per test class (an in-memory H2, {@link dev.chunkedupload.testsupport.H2TestDatabase},
 * or a database on one embedded PostgreSQL server per JVM,
 * {@link dev.chunkedupload.testsupport.PostgresTestDatabase}), real HTTP clients, a clock
 * tests can move, and users.
 */
package dev.chunkedupload.testsupport;
