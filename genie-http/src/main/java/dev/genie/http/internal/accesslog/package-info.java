/** Internal, not an API: each request's id, its access-log line and its audit line. */
package dev.genie.http.internal.accesslog;
