/** The server's logging: its Logback configuration, built in code, and the appenders it adds. */
package dev.genie.http.logging;
