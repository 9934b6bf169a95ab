/**
 * Internal to the legacy store, not an API: the journal format, its replay, the lock, the index.
 */
package dev.genie.persistence.legacy.internal;
