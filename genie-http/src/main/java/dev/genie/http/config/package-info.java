/** Configuration: one immutable record per concern, read and validated once at startup. */
package dev.genie.http.config;
