/** Internal, not an API: the server's JSON bodies, and the checks of bodies sent as JSON. */
package dev.genie.http.internal.json;
