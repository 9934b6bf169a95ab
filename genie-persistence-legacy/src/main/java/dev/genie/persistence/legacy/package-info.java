/** The legacy store: prompts kept in an embedded SQLite database in one local directory. */
package dev.genie.persistence.legacy;
