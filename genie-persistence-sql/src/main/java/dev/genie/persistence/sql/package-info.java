/** The PostgreSQL store: settings, the connection URL, and {@link SqlPromptStore}. */
package dev.genie.persistence.sql;
