/** Logback parts of the server's logging configuration ({@code logback.xml}). */
package dev.genie.http.logging;
