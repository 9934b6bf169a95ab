/** OpenTelemetry for the server: request spans, upstream call spans and the GenAI metrics. */
package dev.genie.http.telemetry;
