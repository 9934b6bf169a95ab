/**
 * Fixtures for the integration suite: a PostgreSQL database per run, an HTTP client, a recorded
 * request history, and invariant checks through plain JDBC.
 */
package dev.genie.it.support;
