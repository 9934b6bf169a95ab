/** Internal to the HTTP server (handlers, JSON, routing): not an API. */
package dev.genie.http.internal;
