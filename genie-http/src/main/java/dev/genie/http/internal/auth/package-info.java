/** Internal, not an API: who may call; keys, the key cache, the admission with keys on or off. */
package dev.genie.http.internal.auth;
