/** Internal, not an API: the bounds on requests running, waiting, per key, and at a stop. */
package dev.genie.http.internal.limits;
