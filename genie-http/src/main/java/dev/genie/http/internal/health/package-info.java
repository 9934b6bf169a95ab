/** Internal, not an API: {@code GET /health} and the startup check of the listen address. */
package dev.genie.http.internal.health;
