/** The generator port, the pages it produces, and the built-in deterministic sample generator. */
package dev.genie.core.generate;
