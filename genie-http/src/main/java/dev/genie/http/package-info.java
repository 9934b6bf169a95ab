/** The HTTP server: {@link GenieServer}, the startup check, and {@code main}. */
package dev.genie.http;
