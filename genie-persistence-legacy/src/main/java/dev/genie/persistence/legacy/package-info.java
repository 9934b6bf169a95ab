/** The legacy store: prompts kept in an fsynced, append-only journal in one local directory. */
package dev.genie.persistence.legacy;
