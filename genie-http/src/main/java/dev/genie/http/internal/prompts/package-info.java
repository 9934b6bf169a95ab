/** Internal, not an API: the prompt routes; submit, read, list, preview and PDF export. */
package dev.genie.http.internal.prompts;
