/** Internal, not an API: the server's Micrometer meters and {@code GET /metrics}. */
package dev.genie.http.internal.metrics;
