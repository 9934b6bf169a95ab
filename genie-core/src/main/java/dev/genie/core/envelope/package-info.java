/**
 * The canonical result envelope: its types and the one codec that writes and reads the stored JSON.
 */
package dev.genie.core.envelope;
