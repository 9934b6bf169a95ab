/** The storage port: what the orchestrator needs from a store, and the values it exchanges. */
package dev.genie.persistence;
