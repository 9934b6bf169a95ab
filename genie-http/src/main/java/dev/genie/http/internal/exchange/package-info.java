/** Internal, not an API: how an exchange is routed, admitted, read, run and answered. */
package dev.genie.http.internal.exchange;
