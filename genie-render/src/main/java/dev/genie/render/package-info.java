/**
 * A prompt's result as an HTML page and as a PDF, rendered in the JVM from templates that escape
 * every text; usable without HTTP.
 */
package dev.genie.render;
