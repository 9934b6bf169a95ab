/** The orchestrator: normalize, claim, generate once, complete, answer. */
package dev.genie.core;
