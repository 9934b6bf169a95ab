/**
 * Internal to the legacy store, not an API: the database, its writer, its readers, the import of a
 * journal written by earlier versions, the lock.
 */
package dev.genie.persistence.legacy.internal;
