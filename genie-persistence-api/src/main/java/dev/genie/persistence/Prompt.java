package dev.genie.persistence;

import java.time.Instant;

/** A stored prompt: one per normalized text. */
public record Prompt(
    String id,
    String key,
    String rawText,
    String normalizedText,
    int normalizerVersion,
    Instant createdAt) {}
