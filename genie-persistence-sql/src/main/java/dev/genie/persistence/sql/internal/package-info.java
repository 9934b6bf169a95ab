/** Internal to the PostgreSQL store (mappers, pool, schema, notifications): not an API. */
package dev.genie.persistence.sql.internal;
