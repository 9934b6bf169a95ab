/** Internal, not an API: the server's error codes and the one place that maps codes to statuses. */
package dev.genie.http.internal.errors;
