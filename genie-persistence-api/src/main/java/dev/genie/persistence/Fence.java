package dev.genie.persistence;

/** A result and the fencing token of the lease its holder was granted. */
public record Fence(String resultId, long token) {}
