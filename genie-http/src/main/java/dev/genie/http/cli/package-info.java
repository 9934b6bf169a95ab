/** The command line of the jar: {@code serve} (the default), {@code migrate} and {@code check}. */
package dev.genie.http.cli;
